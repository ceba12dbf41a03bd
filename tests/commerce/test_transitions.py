"""Every order state change goes through commerce.orders.services.transition(): it alone writes Order.status."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SKIP = {".venv", "tests", "migrations", "node_modules"}
# `order.status = …`, `locked_order.status = …`, or a queryset update of an order's status.
STATUS_WRITE = re.compile(r"\b\w*order\w*\.status\s*=(?!=)|Order\.objects\b[^\n]*\.update\([^)]*\bstatus=", re.I)


def status_writes() -> list[str]:
    found = []
    for path in ROOT.rglob("*.py"):
        if SKIP & set(path.relative_to(ROOT).parts):
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if STATUS_WRITE.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}")
    return found


def test_only_transition_writes_the_order_status():
    writes = status_writes()
    assert len(writes) == 1 and writes[0].startswith("commerce/orders/services.py:"), writes
    line = int(writes[0].rsplit(":", 1)[1])
    source = (ROOT / "commerce/orders/services.py").read_text().splitlines()
    enclosing = next(text for text in reversed(source[:line]) if text.startswith("def "))
    assert enclosing.startswith("def transition("), enclosing
