"""Real processes: two `run_huey` workers with periodic jobs on (two worker replicas) run each slot of a periodic
job once, though both schedulers enqueue it."""

import os
import re
import time
from collections import Counter

import pytest

from tests.workers import needs_worker_database, queued_jobs, start_worker, stop_worker  # noqa: F401

pytestmark = [*needs_worker_database, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SLOT_LINE = re.compile(
    r"Periodic job sweeps\.pending-work (runs for the slot|skipped: the slot) (\d{4}-\d\d-\d\d \d\d:\d\d)"
)


@pytest.mark.usefixtures("queued_jobs")
def test_two_worker_processes_run_each_periodic_slot_once():
    """Two `run_huey` replicas with periodic jobs on: both enqueue the every-minute sweep, one copy runs it."""
    workers = [start_worker(periodic=True, TEST_LOG_LEVEL="INFO") for _ in range(2)]
    logs = ["", ""]
    try:
        deadline = time.monotonic() + 150
        while time.monotonic() < deadline:
            time.sleep(5)
            logs = [_log(worker) for worker in workers]
            lines = [m.groups() for log in logs for m in SLOT_LINE.finditer(log)]
            slots = Counter(slot for _, slot in lines)
            if any(n >= 2 for n in slots.values()):  # a slot both schedulers enqueued
                break
    finally:
        logs = [stop_worker(worker) for worker in workers]
    lines = [m.groups() for log in logs for m in SLOT_LINE.finditer(log)]
    ran = Counter(slot for verb, slot in lines if verb == "runs for the slot")
    both = [slot for slot, n in Counter(slot for _, slot in lines).items() if n >= 2]
    assert both, logs
    assert all(ran[slot] == 1 for slot in both), lines
    assert max(ran.values()) == 1, lines


def _log(worker) -> str:
    """What the worker logged so far (pread: the file offset the worker writes at stays where it is)."""
    fd = worker.log.fileno()
    return os.pread(fd, os.fstat(fd).st_size, 0).decode(errors="replace")
