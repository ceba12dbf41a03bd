"""Progress of long management commands: a bar on a terminal, the counts in the log either way.

    with command_progress(self.stdout, "Polling tracking", logger=logger) as progress:
        progress.update(done, total=n, delivered=2, errors=0)
        progress.write("a line above the bar")

Cron jobs and CI (no TTY) get no bar and no control characters, only the log lines.
"""

import logging
import time
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

# Long runs without a TTY log their counts at most this often, and always once at the end.
LOG_EVERY_SECONDS = 30


class CommandProgress:
    def __init__(self, stdout, description: str, total: int | None, logger: logging.Logger):
        self.stdout = stdout
        self.description = description
        self.total = total
        self.completed = 0
        self.counts: dict[str, int] = {}
        self.logger = logger
        self._logged_at = time.monotonic()
        stream = getattr(stdout, "_out", stdout)  # Django's OutputWrapper around the real stream
        self._bar = None
        if stream.isatty():
            self._bar = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[counts]}"),
                TimeElapsedColumn(),
                console=Console(file=stream),
            )
            self._task = self._bar.add_task(description, total=total, counts="")

    def summary(self) -> str:
        done = f"{self.completed} of {self.total}" if self.total is not None else str(self.completed)
        return ", ".join([done, *(f"{value} {name}" for name, value in self.counts.items())])

    def update(self, completed: int | None = None, *, advance: int = 0, total: int | None = None, **counts) -> None:
        if total is not None:
            self.total = total
        self.completed = (self.completed if completed is None else completed) + advance
        self.counts.update(counts)
        if self._bar is not None:
            text = ", ".join(f"{value} {name}" for name, value in self.counts.items())
            self._bar.update(self._task, completed=self.completed, total=self.total, counts=text)
        elif time.monotonic() - self._logged_at >= LOG_EVERY_SECONDS:
            self._log()

    def write(self, line: str) -> None:
        """A message printed above the bar (or as a plain line without a TTY)."""
        if self._bar is not None:
            self._bar.console.print(line, markup=False, highlight=False)
        else:
            self.stdout.write(line)

    def _log(self) -> None:
        self._logged_at = time.monotonic()
        self.logger.info("%s: %s", self.description, self.summary())

    def start(self) -> None:
        if self._bar is not None:
            self._bar.start()

    def stop(self) -> None:
        if self._bar is not None:
            self._bar.stop()
        self._log()


@contextmanager
def command_progress(stdout, description: str, *, total: int | None = None, logger: logging.Logger | None = None):
    progress = CommandProgress(stdout, description, total, logger or logging.getLogger("bidangil.commands"))
    progress.start()
    try:
        yield progress
    finally:
        progress.stop()
