"""Polling 10,000 shipped orders against the local fake FedEx: HTTP calls made (must be ≤ 340), wall time, and
the same I/O done in bulk (the floor: the track calls over one client, the scans and poll times written with
multi-row statements); the poll must stay within FLOOR_RATIO of that floor.

Runs in a throw-away test database (like pytest does), so the development data is never touched.
"""

import contextlib
import sys
import time

from django.db import connection
from django.test import override_settings
from django.test.utils import setup_test_environment, teardown_test_environment
from django.utils import timezone

SHIPMENTS = 10_000
MAX_HTTP_CALLS = 340  # 334 track calls of ≤30 numbers + the OAuth token, with a little room
FLOOR_RATIO = 3


def _seed(fake) -> None:
    from accounts.models import User
    from commerce.orders.models import ExchangeRate, Order
    from commerce.shipping.models import Parcel, Shipment

    user = User.objects.create_user(email="bench@example.com", password="bench-password-1")
    rate = ExchangeRate.objects.create(krw_per_usd="1380", source="bench", captured_at=timezone.now())
    address = {"country": "US", "city": "Los Angeles", "line1": "1 Bench St", "postal_code": "90010"}
    Parcel.objects.bulk_create([Parcel(weight_g=1000) for _ in range(SHIPMENTS)], batch_size=1000)
    parcels = list(Parcel.objects.order_by("pk"))
    Order.objects.bulk_create(
        [
            Order(
                number=f"BENCH-{i:05d}",
                user=user,
                status=Order.Status.SHIPPED,
                shipping_address=address,
                exchange_rate=rate,
                delivery_fee_cents=3200,
                parcel=parcels[i],
            )
            for i in range(SHIPMENTS)
        ],  # fmt: skip
        batch_size=1000,
    )
    Shipment.objects.bulk_create(
        [Shipment(parcel=p, tracking_number=f"{790000000000 + i}") for i, p in enumerate(parcels)], batch_size=1000
    )
    # Every tenth parcel is delivered, the rest are in transit with three scans.
    for i in range(0, SHIPMENTS, 10):
        number = f"{790000000000 + i}"
        fake.set_result(
            number,
            status="DL",
            description="Delivered",
            delivered="2025-01-05T14:03:00-05:00",
            scans=[fake.scan("DL", "Delivered", "2025-01-05T14:03:00-05:00", "Los Angeles", "CA", "US")],
        )


def _io_floor() -> float:
    """Seconds for the poll's I/O without its logic: every track call, then one bulk write, rolled back."""
    from django.db import transaction

    from commerce.shipping.models import Shipment, ShipmentEvent
    from integrations.backends import get_backend

    started = time.perf_counter()
    rows = list(Shipment.objects.values_list("pk", "tracking_number"))
    ids = dict((number, pk) for pk, number in rows)
    with get_backend("carriers").session() as track:
        results = [r for start in range(0, len(rows), 30) for r in track([n for _, n in rows[start : start + 30]])]
    with transaction.atomic():
        scans = [
            ShipmentEvent(
                shipment_id=ids[r.tracking_number], occurred_at=e.occurred_at, code=e.code, description=e.description
            )
            for r in results
            for e in r.events
        ]
        ShipmentEvent.objects.bulk_create(scans, batch_size=1000)
        Shipment.objects.filter(pk__in=ids.values()).update(last_polled_at=timezone.now())
        transaction.set_rollback(True)
    return time.perf_counter() - started


@contextlib.contextmanager
def _jobs_queued():
    """The poll as production runs it: the jobs it enqueues (the delivered orders' emails) wait in the queue for
    the worker instead of running inline, as the test settings' immediate Huey would. The queue stays the
    in-memory one of immediate mode."""
    from huey.contrib.djhuey import HUEY

    saved = HUEY.immediate_use_memory, HUEY.immediate
    HUEY.immediate_use_memory = False  # keep the memory storage when leaving immediate mode
    HUEY.immediate = False
    try:
        yield
    finally:
        HUEY.immediate = saved[1]
        HUEY.immediate_use_memory = saved[0]


def main() -> None:
    from commerce.shipping.tracking import run_tracking_poll
    from integrations.carriers.fake_fedex import FakeFedEx

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        with (
            FakeFedEx(client_id="bench", client_secret="bench") as fake,
            override_settings(
                CARRIER_BACKEND="fedex",
                FEDEX_API_URL=fake.url,
                FEDEX_CLIENT_ID="bench",
                FEDEX_CLIENT_SECRET="bench",
                FEDEX_RETRY_BACKOFF_SECONDS=0,
            ),
        ):
            _seed(fake)
            floor = _io_floor()
            floor_calls = fake.token_calls + fake.track_calls
            with _jobs_queued():
                started = time.perf_counter()
                report = run_tracking_poll()
                elapsed = time.perf_counter() - started
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()

    calls = fake.token_calls + fake.track_calls - floor_calls
    print(f"shipped orders polled: {report.polled} of {report.total}")
    print(f"HTTP calls: {calls} (token cached by the floor run; limit {MAX_HTTP_CALLS})")
    print(f"largest track batch: {max(len(r) for r in fake.track_requests)} numbers")
    print(f"bulk I/O floor: {floor:.1f} s; poll / floor: {elapsed / floor:.1f}× (limit {FLOOR_RATIO}×)")
    print(f"new scans: {report.new_events}, delivered: {report.delivered}, errors: {report.errors}")
    print(f"wall time: {elapsed:.1f} s ({elapsed / max(report.total, 1) * 1000:.2f} ms per order)")
    if calls > MAX_HTTP_CALLS or report.polled != SHIPMENTS or elapsed > FLOOR_RATIO * floor:
        print("FAIL: too many HTTP calls, orders left unpolled or too far above the I/O floor")
        sys.exit(1)
