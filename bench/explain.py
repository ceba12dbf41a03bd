"""The EXPLAIN check: every query of each hot endpoint reads through indexes.

    python -m bench explain        # on the configured database (seed it first: manage.py seed_bulk)

Each hot endpoint is requested once with Django's test client; every SELECT it ran is explained. On
MariaDB/MySQL a plan fails when it scans a big table (`type` ALL or a full `index` scan over at least
BIG_ROWS rows) or sorts or groups in a temporary table ("Using filesort", "Using temporary") over at
least BIG_ROWS rows: sorting the twenty rows of a page is fine, sorting the table is not. On SQLite,
EXPLAIN QUERY PLAN is read for full `SCAN`s of the hot tables and temporary B-trees.
"""

import re
import sys
from dataclasses import dataclass, field

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

BIG_ROWS = 500
# Tables that grow with the business; a full scan of any other (sites, locales, rates, groups) is fine.
HOT_TABLES = {
    "accounts_user",
    "commerce_order",
    "commerce_orderitem",
    "commerce_orderevent",
    "commerce_payment",
    "commerce_shipment",
    "commerce_shipmentevent",
    "community_comment",
    "community_commentlike",
    "community_postlike",
    "community_postpage",
    "community_reviewpostpage",
    "community_sharepostpage",
    "community_funpostpage",
    "community_communityprofile",
    "notifications_notification",
    "wagtailcore_page",
}
PAGE_SIZE = 20


@dataclass
class Problem:
    endpoint: str
    sql: str
    plan: list[str]


@dataclass
class Report:
    checked: dict[str, int] = field(default_factory=dict)  # endpoint → queries explained
    problems: list[Problem] = field(default_factory=list)

    def __str__(self) -> str:
        return f"ok: {sum(self.checked.values())} queries of {len(self.checked)} endpoints, all through indexes"


class PlanError(AssertionError):
    pass


def _people():
    """The member with the most orders, one of their orders, and a superuser (created when there is none)."""
    from django.db.models import Count

    from accounts.models import User
    from commerce.orders.models import Order

    member_id = (
        Order.objects.values("user_id").annotate(n=Count("pk")).order_by("-n").values_list("user_id", flat=True)
    ).first()
    if member_id is None:
        raise PlanError("No orders to explain: run manage.py seed_bulk (or load_demo) first.")
    member = User.objects.get(pk=member_id)
    order = Order.objects.filter(user=member).order_by("-created_at").first()
    staff = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    if staff is None:
        staff = User.objects.create_superuser(email="bench-staff@example.com", password=None)
    return member, order, staff


def hot_endpoints() -> list[tuple[str, str, object]]:
    """(name, path, user or None) of each hot endpoint, on rows picked from the data present."""
    from django.db.models import Count

    from community.models import PostPage

    member, order, staff = _people()
    post = PostPage.objects.filter(live=True).annotate(n=Count("post_comments")).order_by("-n").first()
    size = PAGE_SIZE
    return [
        ("v1 feed", f"/api/v1/posts/?page_size={size}", member),
        ("legacy post list", f"/api/posts/?page=1&size={size}", None),
        ("post detail", f"/api/v1/posts/{post.slug}/", member),
        ("post comments", f"/api/v1/posts/{post.slug}/comments/", member),
        ("my orders", f"/api/v1/orders/?page_size={size}", member),
        ("order detail", f"/api/v1/orders/{order.number}/", member),
        ("pages API", f"/api/cms/v2/pages/?type=community.ReviewPostPage&limit={size}", None),
        ("staff order list", f"/api/v1/staff/orders/?page_size={size}", staff),
    ]


def capture(path: str, user) -> list[str]:
    """The SELECTs one GET of `path` runs (as `user`, anonymous when None)."""
    client = Client()
    if user is not None:
        client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    if response.status_code != 200:
        raise PlanError(f"GET {path} answered {response.status_code}: {response.content[:300]!r}")
    return [q["sql"] for q in queries.captured_queries if q["sql"].lstrip().upper().startswith("SELECT")]


def problems_of(sql: str) -> list[str]:
    """The lines of the query's plan that break the rules (empty when it reads through indexes)."""
    with connection.cursor() as cursor:
        if connection.vendor == "mysql":
            cursor.execute("EXPLAIN " + sql)
            names = [c[0].lower() for c in cursor.description]
            rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
            return [_describe(row) for row in rows if _bad_mysql_row(row)]
        if connection.vendor == "sqlite":
            cursor.execute("EXPLAIN QUERY PLAN " + sql)
            return [detail for *_ids, detail in cursor.fetchall() if _bad_sqlite_step(detail)]
    return []


def _bad_mysql_row(row: dict) -> bool:
    # MariaDB annotates a rowid-filtered estimate: "1 (2%)".
    rows = int(re.match(r"\d*", str(row.get("rows") or "")).group() or 0)
    table = str(row.get("table") or "")
    extra = str(row.get("extra") or "")
    if rows < BIG_ROWS:
        return False
    full_scan = row.get("type") in ("ALL", "index") and not table.startswith("<")  # <derived…> is not a table
    return full_scan or "Using filesort" in extra or "Using temporary" in extra


def _describe(row: dict) -> str:
    keys = ("select_type", "table", "type", "key", "rows", "extra")
    return " ".join(f"{key}={row.get(key)}" for key in keys)


def _bad_sqlite_step(detail: str) -> bool:
    if "USE TEMP B-TREE" in detail:
        return True
    words = detail.split()
    if len(words) >= 2 and words[0] == "SCAN" and words[1] in HOT_TABLES:
        return "COVERING INDEX" not in detail and "USING INDEX" not in detail
    return False


def _as_endpoint(item, people) -> tuple[str, str, object]:
    """A bare path is requested as the member (their orders), a superuser (staff paths) or anonymously."""
    if isinstance(item, tuple):
        return item
    from accounts.models import User

    member, _order, staff = people
    number = item.split("/api/v1/orders/", 1)[1].split("/", 1)[0].split("?", 1)[0] if "/api/v1/orders/" in item else ""
    if number:  # one order's page: as its owner
        member = User.objects.filter(orders__number=number).first() or member
    user = staff if "/staff/" in item else member if "/orders/" in item else None
    return item, item, user


def check_plans(endpoints=None) -> Report:
    """Explain every query of the hot endpoints ((name, path, user) or bare paths; all of hot_endpoints() by
    default); raises PlanError naming each offending query and plan."""
    report = Report()
    people = _people() if endpoints and not all(isinstance(item, tuple) for item in endpoints) else None
    for name, path, user in (_as_endpoint(item, people) for item in endpoints or hot_endpoints()):
        queries = capture(path, user)
        report.checked[name] = len(queries)
        for sql in queries:
            bad = problems_of(sql)
            if bad:
                report.problems.append(Problem(name, sql, bad))
    if report.problems:
        lines = [f"{len(report.problems)} queries do not read through indexes:"]
        for problem in report.problems:
            lines += [f"- {problem.endpoint}: {problem.sql}", *(f"    {step}" for step in problem.plan)]
        raise PlanError("\n".join(lines))
    return report


def main() -> None:
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the test client's host name is allowed
    try:
        report = check_plans()
    except PlanError as exc:
        print(f"FAIL: {exc}")
        sys.exit(1)
    for name, count in report.checked.items():
        print(f"{name}: {count} queries, every one through an index")
