"""Real `manage.py run_huey` worker processes on this test's database (MariaDB: SQLite's test database is in memory)."""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[1]

needs_worker_database = [
    pytest.mark.redis,
    pytest.mark.worker_process,
    pytest.mark.skipif(not settings.REDIS_URL, reason="needs REDIS_URL"),
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.mysql", reason="needs DATABASE_URL=mysql://…"
    ),
]


@pytest.fixture
def queued_jobs():
    """Jobs go to Redis instead of running inline, as in production."""
    from huey.contrib.djhuey import HUEY

    HUEY.immediate = False
    HUEY.flush()
    yield HUEY
    HUEY.flush()
    HUEY.immediate = True


def start_worker(*args: str, redis_url: str = "", periodic: bool = False, **env) -> subprocess.Popen:
    """`run_huey` with one worker thread by default, no periodic jobs unless asked, on this test's database and
    Redis."""
    db = connection.settings_dict
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bidangil.settings.test",
        "HUEY_IMMEDIATE": "0",
        "REDIS_URL": redis_url or settings.REDIS_URL,
        "DATABASE_URL": (
            f"mysql://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 3306}/{db['NAME']}"
        ),
        **env,
    }
    # A file, not a pipe: a worker logging thousands of jobs would block on a full pipe. Closed by stop_worker.
    log = tempfile.TemporaryFile()  # noqa: SIM115
    process = subprocess.Popen(
        [
            sys.executable,
            str(ROOT / "manage.py"),
            "run_huey",
            *(() if periodic else ("--no-periodic",)),
            *(args or ("--workers", "1")),
        ],
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=ROOT,
    )
    process.log = log
    return process


def stop_worker(process: subprocess.Popen) -> str:
    """Stop the worker (if still running) and return the end of its output."""
    if process.poll() is None:
        process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    process.log.seek(0)
    output = process.log.read()
    process.log.close()
    return output.decode(errors="replace")[-3000:]
