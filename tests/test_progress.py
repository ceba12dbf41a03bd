import io
import logging

import pytest
from django.core.management import call_command

from bidangil import progress as progress_module
from bidangil.progress import command_progress

LOGGER = "bidangil.test_progress"


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_a_bar_on_a_terminal_and_the_counts_in_the_log(caplog):
    caplog.set_level(logging.INFO, logger=LOGGER)
    terminal = Terminal()
    with command_progress(terminal, "Seeding", total=4, logger=logging.getLogger(LOGGER)) as progress:
        progress.write("first batch")
        for _ in range(4):
            progress.update(advance=1, created=3)
    shown = terminal.getvalue()
    assert "Seeding" in shown and "4/4" in shown and "first batch" in shown
    assert "\x1b[" in shown  # the terminal got a live bar (cursor control), not just lines
    assert [r.getMessage() for r in caplog.records if r.name == LOGGER] == ["Seeding: 4 of 4, 3 created"]


def test_no_bar_without_a_terminal(caplog):
    caplog.set_level(logging.INFO, logger=LOGGER)
    out = io.StringIO()
    with command_progress(out, "Seeding", logger=logging.getLogger(LOGGER)) as progress:
        progress.write("first batch")
        progress.update(7, total=9, created=7, failed=0)
    assert out.getvalue() == "first batch"
    assert [r.getMessage() for r in caplog.records if r.name == LOGGER] == ["Seeding: 7 of 9, 7 created, 0 failed"]


def test_long_runs_without_a_terminal_log_along_the_way(caplog, monkeypatch):
    caplog.set_level(logging.INFO, logger=LOGGER)
    monkeypatch.setattr(progress_module, "LOG_EVERY_SECONDS", 0)
    with command_progress(io.StringIO(), "Seeding", total=2, logger=logging.getLogger(LOGGER)) as progress:
        progress.update(advance=1)
        progress.update(advance=1)
    assert [r.getMessage() for r in caplog.records if r.name == LOGGER] == [
        "Seeding: 1 of 2",
        "Seeding: 2 of 2",
        "Seeding: 2 of 2",
    ]


@pytest.mark.django_db
def test_load_demo_logs_its_counts(caplog):
    caplog.set_level(logging.INFO, logger="bidangil.management.commands.load_demo")
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert "Demo data ready." in out.getvalue() and "staff@bidangil.local" in out.getvalue()
    messages = [r.getMessage() for r in caplog.records if r.name == "bidangil.management.commands.load_demo"]
    assert messages == ["Loading demo data: 5 of 5, 5 loaded"]
