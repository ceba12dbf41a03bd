"""Schemathesis against `/api/schema/` of a live server: every documented operation, for every role.

The server is pytest-django's `live_server` (a real HTTP server thread on this test database) holding the demo
data: customers, order staff, orders in several states, posts and comments. Each operation gets a bounded
number of examples (FUZZ_EXAMPLES, default 12) of valid and of invalid input, anonymous and with the
`Authorization: Token …` of a customer and of order staff; known ids (order numbers, slugs, comment ids) are
mixed in so the examples reach past the 404. A 5xx, an undocumented status code, content type or a body
that does not match the documented schema fails. Examples are derandomized: the same code gives the same run.

Not fuzzed: the Stripe webhook is not part of the schema (without a valid signature every request is refused
before its body is read, so examples would test nothing; test_checkout_webhook.py::
test_bad_signature_is_400_and_nothing_is_stored holds the 4xx), and neither are the legacy routes and the
Wagtail page API, whose hostile input is covered in tests/test_hostile_input.py.
"""

import os

import pytest
import schemathesis
from django.core.management import call_command
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode
from schemathesis.checks import load_all_checks

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "12"))
CHECK_NAMES = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
)
# Operations that end the role's session: run last for each role, after which the token is restored.
SESSION_ENDING = ("POST /api/v1/auth/logout/", "POST /api/v1/auth/password/change/")


def _checks():
    load_all_checks()
    from schemathesis.checks import CHECKS

    return [CHECKS.get_one(name) for name in CHECK_NAMES]


def _known_path_values(customer):
    """Real ids of the demo data, so that examples also reach existing objects."""
    from commerce.orders.models import Order
    from community.models import Comment, CommunityProfile, PostPage

    return {
        "number": list(Order.objects.filter(user=customer).values_list("number", flat=True)[:3]),
        "slug": list(PostPage.objects.live().values_list("slug", flat=True)[:3]),
        "comment_id": list(Comment.objects.values_list("pk", flat=True)[:3]),
        "id": list(customer.addresses.values_list("pk", flat=True)[:2]),
        "nickname": list(CommunityProfile.objects.values_list("nickname", flat=True)[:2]),
        "lookup_id": [1],
    }


def _strategy(operation, known):
    names = [parameter.name for parameter in operation.path_parameters]
    strategies = []
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
        strategies.append(operation.as_strategy(generation_mode=mode))
        if names and all(known.get(name) for name in names):
            fixed = {name: known[name][0] for name in names}
            strategies.append(operation.as_strategy(generation_mode=mode, path_parameters=fixed))
    return st.one_of(strategies)


def _restore(users, keys):
    """Logout and password change delete tokens; later operations must still run as their role."""
    for role, user in users.items():
        Token.objects.get_or_create(user=user, defaults={"key": keys[role]})
        Token.objects.filter(user=user).exclude(key=keys[role]).delete()
        Token.objects.filter(user=user).update(key=keys[role])


def _fuzz(strategy, base_url, headers, checks):
    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def run(case):
        case.call_and_validate(base_url=base_url, headers=headers, checks=checks, timeout=30)

    run()


def test_no_operation_answers_a_server_error_or_off_schema(live_server):
    from accounts.models import User

    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    users = {
        "customer": User.objects.get(email="jiwoo@example.com"),
        "staff": User.objects.get(email="staff@bidangil.local"),
    }
    keys = {role: Token.objects.get_or_create(user=user)[0].key for role, user in users.items()}
    known = _known_path_values(users["customer"])
    roles = {"anonymous": {}, **{role: {"Authorization": f"Token {key}"} for role, key in keys.items()}}

    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/schema/?format=json")
    operations = sorted(
        (result.ok() for result in schema.get_all_operations()), key=lambda op: op.label in SESSION_ENDING
    )
    assert len(operations) > 50  # the whole API, not an empty or truncated schema
    checks = _checks()
    failures = []
    for role, headers in roles.items():
        for operation in operations:
            _restore(users, keys)

            try:
                _fuzz(_strategy(operation, known), live_server.url, headers, checks)
            except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - report every failing operation
                failures.append(f"--- {role} {operation.label}\n{exc}")
    assert not failures, f"{len(failures)} failing operation(s):\n" + "\n".join(failures)[:30000]
