"""A dataset at production size for the benchmarks and the EXPLAIN check: users, orders, posts, comments, likes.

    manage.py seed_bulk                 # 5k users, 100k orders, 20k posts, 1M comments, 1M likes
    manage.py seed_bulk --scale 0.01    # the same shape, a hundredth of the rows

Rows are written with multi-row INSERTs in batches (post pages too: their treebeard paths are computed
here, not added one by one with add_child). It adds to what is there; run it on an empty or demo database.
The rows are plausible, not a story: every order has items and events, paid ones payments, shipped ones a
shipment with scans; posts are live pages under the community boards; comments have replies.
"""

import logging
import random
import uuid
from contextlib import contextmanager
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone
from wagtail.models import Page

from accounts.models import User
from bidangil.progress import command_progress
from commerce.orders.models import ExchangeRate, Order, OrderEvent, OrderItem
from commerce.orders.selectors import ORDER_STAFF_GROUP
from commerce.orders.services import rebuild_order_counts, record_event
from commerce.payments.models import Payment
from commerce.shipping.models import Parcel, Shipment, ShipmentEvent
from community.demo import ensure_boards
from community.models import (
    Category,
    Comment,
    CommentLike,
    CommunityIndexPage,
    CommunityProfile,
    FunPostPage,
    PostLike,
    PostPage,
    ReviewPostPage,
    SharePostPage,
)
from community.services import recount_public_posts

logger = logging.getLogger(__name__)

FULL = {"users": 5_000, "orders": 100_000, "posts": 20_000, "comments": 1_000_000, "likes": 1_000_000}
BATCH = 2_000
PASSWORD = "seed-bulk-password-1"  # every seeded member's password, to sign in as one of them
ADDRESS = {"name": "Seed Member", "country": "US", "state": "CA", "city": "Los Angeles", "line1": "1 Seed St"}
# Order statuses in a plausible mix, most orders finished.
STATUS_MIX = [
    *[Order.Status.DELIVERED] * 10,
    *[Order.Status.SHIPPED] * 2,
    Order.Status.REQUESTED,
    Order.Status.QUOTED,
    Order.Status.ITEMS_PAID,
    Order.Status.PURCHASED,
    Order.Status.DELIVERY_QUOTED,
    Order.Status.DELIVERY_PAID,
    Order.Status.CANCELLED,
]
AT_WAREHOUSE = {Order.Status.DELIVERY_QUOTED, Order.Status.DELIVERY_PAID, Order.Status.SHIPPED, Order.Status.DELIVERED}
PAID = {
    Order.Status.ITEMS_PAID,
    Order.Status.PURCHASED,
    Order.Status.DELIVERY_QUOTED,
    Order.Status.DELIVERY_PAID,
    Order.Status.SHIPPED,
    Order.Status.DELIVERED,
}


def _chunks(items, size=BATCH):
    for start in range(0, len(items), size):
        yield items[start : start + size]


class Command(BaseCommand):
    help = "Add a large dataset (orders, posts, comments, likes) for benchmarks; --scale shrinks it."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0, help="Fraction of the full size (default 1).")
        parser.add_argument("--seed", type=int, default=15, help="Random seed (the same seed gives the same data).")

    def handle(self, *args, scale: float, seed: int, **options):
        if not 0 < scale <= 10:
            raise CommandError("--scale must be above 0 and at most 10.")
        sizes = {name: max(1, int(full * scale)) for name, full in FULL.items()}
        sizes["users"] = max(sizes["users"], 2)
        self.random = random.Random(seed)
        self.tag = uuid.uuid4().hex[:6]  # keeps numbers, emails and slugs unique across runs
        self.now = timezone.now()
        steps = [
            ("users", self._users),
            ("orders", self._orders),
            ("posts", self._posts),
            ("comments", self._comments),
            ("likes", self._likes),
        ]
        total = sum(sizes.values())
        with command_progress(self.stdout, "Seeding", total=total, logger=logger) as progress:
            self.progress = progress
            for name, step in steps:
                with transaction.atomic(), _given_created_at(Order, Comment):
                    step(sizes[name])
                progress.update(**{name: sizes[name]})
        rebuild_order_counts()  # the rows went in without the services that keep the counts
        recount_public_posts()
        self.stdout.write(self.style.SUCCESS("Seeded: " + ", ".join(f"{n} {name}" for name, n in sizes.items())))

    def _ago(self, max_days: int = 365):
        return self.now - timedelta(seconds=self.random.randrange(max_days * 86400))

    # --- members ----------------------------------------------------------------------------------

    def _users(self, n: int) -> None:
        password = make_password(PASSWORD)  # hashed once: hashing per member would take minutes
        users = [
            User(
                email=f"seed-{self.tag}-{i}@example.com",
                password=password,
                is_active=True,
                email_verified_at=self.now,
                date_joined=self._ago(),
            )
            for i in range(n)
        ]
        for chunk in _chunks(users):
            User.objects.bulk_create(chunk)
            self.progress.update(advance=len(chunk))
        self.user_ids = list(
            User.objects.filter(email__startswith=f"seed-{self.tag}-").order_by("pk").values_list("pk", flat=True)
        )
        profiles = [
            CommunityProfile(user_id=pk, nickname=f"seed{self.tag}{i}", nickname_key=f"seed{self.tag}{i}")
            for i, pk in enumerate(self.user_ids)
        ]
        for chunk in _chunks(profiles):
            CommunityProfile.objects.bulk_create(chunk)
        desk = User.objects.create_user(  # the order desk the staff endpoints are measured as
            email=f"seed-{self.tag}-staff@example.com", password=PASSWORD, is_staff=True, email_verified_at=self.now
        )
        desk.groups.add(Group.objects.get(name=ORDER_STAFF_GROUP))

    # --- orders -----------------------------------------------------------------------------------

    def _orders(self, n: int) -> None:
        rate = ExchangeRate.objects.create(krw_per_usd="1380", source="seed_bulk", captured_at=self.now)
        for start in range(0, n, BATCH):
            count = min(BATCH, n - start)
            orders = []
            for i in range(start, start + count):
                status = self.random.choice(STATUS_MIX)
                total_krw = self.random.randrange(10_000, 500_000, 100)
                quoted = status not in (Order.Status.REQUESTED, Order.Status.CANCELLED)
                orders.append(
                    Order(
                        number=f"S{self.tag}{i:07d}",
                        user_id=self.random.choice(self.user_ids),
                        status=status,
                        shipping_address=ADDRESS,
                        exchange_rate=rate,
                        quote_version=1 if quoted else 0,
                        total_krw=total_krw if quoted else None,
                        total_cents=total_krw * 100 // 1380 if quoted else None,
                        delivery_fee_cents=3200 if status in PAID else None,
                        created_at=self._ago(),
                    )
                )
            self._parcels(orders)
            created = Order.objects.bulk_create(orders)
            if created[0].pk is None:  # backends that do not return ids from bulk inserts
                created = list(Order.objects.filter(number__in=[o.number for o in orders]).order_by("pk"))
            self._order_rows(created)
            self.progress.update(advance=count)

    def _parcels(self, orders: list[Order]) -> None:
        """A weighed parcel of its own for each order the warehouse has received."""
        received = [o for o in orders if o.status in AT_WAREHOUSE]
        parcels = [
            Parcel(weight_g=1200, billable_weight_g=1200, delivery_fee_cents=3200, received_at=self.now)
            for _ in received
        ]
        parcels = Parcel.objects.bulk_create(parcels)
        if parcels and parcels[0].pk is None:
            parcels = list(Parcel.objects.order_by("-pk")[: len(received)])[::-1]
        for order, parcel in zip(received, parcels, strict=True):
            order.parcel = parcel

    def _order_rows(self, orders: list[Order]) -> None:
        """Items, events, payments and shipments (with scans) of a batch of orders, timestamps spread over a year."""
        items, payments, shipments = [], [], []
        for order in orders:
            for position in range(self.random.randint(1, 4)):
                items.append(
                    OrderItem(
                        order_id=order.pk,
                        position=position,
                        url=f"https://shop.example.kr/item/{self.random.randrange(10**6)}",
                        quantity=self.random.randint(1, 3),
                        name=f"Item {position + 1}",
                        name_status=OrderItem.NameStatus.READY,
                        unit_price_krw=self.random.randrange(5_000, 100_000, 100),
                    )
                )
            if order.status in PAID:
                payments.append(
                    Payment(
                        order_id=order.pk,
                        stage=Payment.Stage.ITEMS,
                        status=Payment.Status.PAID,
                        amount_cents=order.total_cents,
                        provider="dummy",
                        paid_at=self.now,
                    )
                )
            if order.status in (Order.Status.SHIPPED, Order.Status.DELIVERED):
                shipments.append(
                    Shipment(
                        parcel_id=order.parcel_id,
                        tracking_number=f"{790000000000 + order.pk % 10**11:012d}",
                        status_code="DL" if order.status == Order.Status.DELIVERED else "IT",
                        delivered_at=self.now if order.status == Order.Status.DELIVERED else None,
                    )
                )
        OrderItem.objects.bulk_create(items)
        record_event(orders, OrderEvent.Kind.REQUESTED, data={"status": Order.Status.REQUESTED})
        quoted = [order for order in orders if order.status != Order.Status.REQUESTED]
        record_event(quoted, OrderEvent.Kind.QUOTED, data={"status": Order.Status.QUOTED})
        Payment.objects.bulk_create(payments)
        Shipment.objects.bulk_create(shipments)
        if shipments and shipments[0].pk is None:
            shipments = list(Shipment.objects.filter(parcel_id__in=[s.parcel_id for s in shipments]))
        scans = [
            ShipmentEvent(shipment_id=s.pk, occurred_at=self.now - timedelta(days=3 - k), code=code, description=code)
            for s in shipments
            for k, code in enumerate(("PU", "IT", "DL") if s.status_code == "DL" else ("PU", "IT"))
        ]
        ShipmentEvent.objects.bulk_create(scans)

    # --- posts ------------------------------------------------------------------------------------

    def _posts(self, n: int) -> None:
        ensure_boards(self.progress)
        boards = {board.category: board for board in CommunityIndexPage.objects.all()}
        kinds = [(Category.REVIEW, ReviewPostPage), (Category.SHARE, SharePostPage), (Category.FUN, FunPostPage)]
        self.post_ids = []
        per_kind = [n // 3 + (1 if k < n % 3 else 0) for k in range(3)]
        for (category, model), count in zip(kinds, per_kind, strict=True):
            board = Page.objects.get(pk=boards[category].pk)  # fresh numchild and path
            content_type = ContentType.objects.get_for_model(model)
            last = board.get_last_child()
            step = Page._str2int(last.path[-Page.steplen :]) if last else 0
            for start in range(0, count, BATCH):
                size = min(BATCH, count - start)
                pages = []
                for i in range(start, start + size):
                    step += 1
                    slug = f"{category}-{self.tag}-{i}"
                    published = self._ago()
                    pages.append(
                        Page(
                            title=f"Seeded {category} post {i}",
                            draft_title=f"Seeded {category} post {i}",
                            slug=slug,
                            content_type=content_type,
                            path=Page._get_path(board.path, board.depth + 1, step),
                            depth=board.depth + 1,
                            numchild=0,
                            url_path=f"{board.url_path}{slug}/",
                            live=True,
                            has_unpublished_changes=False,
                            first_published_at=published,
                            last_published_at=published,
                            locale_id=board.locale_id,
                            translation_key=uuid.uuid4(),
                        )
                    )
                created = Page.objects.bulk_create(pages)
                if created[0].pk is None:
                    created = list(Page.objects.filter(path__in=[p.path for p in pages]).order_by("path"))
                self._post_rows(model, created)
                self.post_ids.extend(page.pk for page in created)
                self.progress.update(advance=size)
            Page.objects.filter(pk=board.pk).update(numchild=board.numchild + count)

    def _post_rows(self, model, pages: list[Page]) -> None:
        """The PostPage and concrete-type rows of pages just inserted (multi-table inheritance, one INSERT each)."""
        posts = [
            {"page_ptr_id": page.pk, "author_id": self.random.choice(self.user_ids), "body": f"<p>{page.title}</p>"}
            for page in pages
        ]
        for post in posts:
            post.update(state="", county="", is_hidden=False)
        _insert(PostPage, posts)
        specific = [{"postpage_ptr_id": page.pk} for page in pages]
        if model is ReviewPostPage:
            for row in specific:
                row.update(rating=self.random.randint(1, 5), order_id=None)
        elif model is FunPostPage:
            for row in specific:
                row.update(subcategory="chat", restaurant_address="", meetup_type="", meetup_at=None)
        _insert(model, specific)

    # --- comments and likes -----------------------------------------------------------------------

    def _comments(self, n: int) -> None:
        """Comments spread over the posts: four in five are root comments, the rest replies to one of them."""
        self.comment_ids = []
        roots: list[tuple[int, int]] = []  # (post, comment)
        for replies, count in ((False, n - n // 5), (True, n // 5)):
            for start in range(0, count, BATCH):
                size = min(BATCH, count - start)
                rows = []
                for _ in range(size):
                    post_id, parent_id = self.random.choice(roots) if replies else (None, None)
                    rows.append(
                        Comment(
                            post_id=post_id or self.random.choice(self.post_ids),
                            author_id=self.random.choice(self.user_ids),
                            parent_id=parent_id,
                            depth=2 if replies else 1,
                            body="Seeded comment",
                            created_at=self._ago(),
                        )
                    )
                created = Comment.objects.bulk_create(rows)
                if created[0].pk is None:  # backends that do not return ids from bulk inserts
                    created = list(Comment.objects.order_by("-pk")[:size])
                self.comment_ids.extend(comment.pk for comment in created)
                if not replies:
                    roots.extend((comment.post_id, comment.pk) for comment in created)
                self.progress.update(advance=size)

    def _likes(self, n: int) -> None:
        """Half post likes (fewer when there are not that many member-post pairs), the rest comment likes."""
        users = self.user_ids
        post_likes = min(n // 2, len(self.post_ids) * len(users))
        comment_likes = n - post_likes
        comment_ids = self.comment_ids[: max(1, comment_likes // 2)]  # two likes each on part of the comments
        for model, field, targets, count in (
            (PostLike, "post_id", self.post_ids, post_likes),
            (CommentLike, "comment_id", comment_ids, comment_likes),
        ):
            per_target = max(1, min(len(users), -(-count // max(1, len(targets)))))
            pairs = (
                (users[(index * 7 + k) % len(users)], target)
                for index, target in enumerate(targets)
                for k in range(per_target)
            )
            rows = []
            for user_id, target in pairs:
                if len(rows) == count:
                    break
                rows.append(model(user_id=user_id, **{field: target}))
            for chunk in _chunks(rows):
                model.objects.bulk_create(chunk, ignore_conflicts=True)
                self.progress.update(advance=len(chunk))


def _insert(model, rows: list[dict]) -> None:
    """One multi-row INSERT of the model's own table (bulk_create refuses multi-table inherited models)."""
    if not rows:
        return
    fields = [model._meta.get_field(name) for name in rows[0]]
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    values = [[field.get_db_prep_save(row[field.attname], connection) for field in fields] for row in rows]
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", values)  # noqa: S608


@contextmanager
def _given_created_at(*models):
    """Let bulk inserts keep the created_at they are given (auto_now_add would stamp every row "now")."""
    fields = [model._meta.get_field("created_at") for model in models]
    for field in fields:
        field.auto_now_add = False
    try:
        yield
    finally:
        for field in fields:
            field.auto_now_add = True
