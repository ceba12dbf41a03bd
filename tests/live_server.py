"""`manage.py serve` as a real server process for tests, on a free port and a copy of the test database.

The server runs on a copy of this session's migrated SQLite test database (SQLite's backup API takes well under
a second). On another database (MariaDB in CI) that copy is not possible and the server has to migrate a fresh
SQLite file first (about 30 s): then it runs only with LIVE_SERVE=1.
"""

import contextlib
import os
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _copy_test_database(target: Path, django_db_blocker) -> bool:
    """Copy the migrated in-memory SQLite test database to `target`; False when the tests run on another one."""
    with django_db_blocker.unblock():
        if connection.vendor != "sqlite" or not connection.creation.is_in_memory_db(connection.settings_dict["NAME"]):
            return False
        connection.ensure_connection()
        assert not connection.in_atomic_block  # a backup waits forever on an open transaction
        destination = sqlite3.connect(target)
        try:
            connection.connection.backup(destination)
        finally:
            destination.close()
    return True


def _wait_for_an_answer(url: str, deadline: float) -> None:
    import urllib.error
    import urllib.request

    while True:
        try:
            urllib.request.urlopen(url, timeout=30).close()
            return
        except urllib.error.HTTPError:
            return  # an answer, whatever it says
        except OSError:
            if time.monotonic() > deadline:
                raise RuntimeError(f"no answer from {url}") from None
            time.sleep(0.2)


@contextlib.contextmanager
def serve(tmp: Path, django_db_blocker, setup: str = "", server: str = "serve", **environment):
    """Run `manage.py serve` on a free port until the block ends; yields (host:port, the process, setup output).

    `setup` is Python run with `manage.py shell` on the server's database before it starts; `environment`
    overrides the embedded default's settings (dev settings, SQLite, in-process Huey). `server="gunicorn"` runs the
    production web service's gunicorn instead, with one worker process.
    """
    database = tmp / "live.sqlite3"
    port = free_port()
    env = {key: value for key, value in os.environ.items() if key not in ("REDIS_URL", "DATABASE_URL")}
    env.update(
        DJANGO_SETTINGS_MODULE="bidangil.settings.dev",
        DATABASE_URL=f"sqlite:///{database}",
        HUEY_SQLITE_PATH=str(tmp / "huey.sqlite3"),  # never share a queue with a `make run` on this machine
        MEDIA_ROOT=str(tmp / "media"),
        EMAIL_FILE_PATH=str(tmp / "mail"),
        SITE_URL=f"http://127.0.0.1:{port}",
        AI_BACKEND="dummy",
        DEBUG="true",
    )
    env.update(environment)
    manage = [sys.executable, str(ROOT / "manage.py")]
    if not _copy_test_database(database, django_db_blocker):
        if os.environ.get("LIVE_SERVE") != "1":
            pytest.skip("not on the SQLite test database: set LIVE_SERVE=1 to migrate a fresh one (about 30 s)")
        subprocess.run([*manage, "migrate", "--no-input"], env=env, check=True, capture_output=True, timeout=300)
    output = ""
    if setup:
        output = subprocess.run(
            [*manage, "shell", "-c", setup], env=env, check=True, capture_output=True, text=True, timeout=120
        ).stdout
    command = [*manage, "serve", "--port", str(port)]
    gunicorn = server == "gunicorn"
    if gunicorn:
        env.setdefault("WEB_CONCURRENCY", "1")
        command = [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "deploy/gunicorn.conf.py")]
        command += ["--bind", f"127.0.0.1:{port}", "--chdir", str(ROOT)]
    server = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"{command[1:3]} did not start") from None
                time.sleep(0.2)
        if gunicorn:  # the master listens at once; its worker loads Django after that
            _wait_for_an_answer(f"http://127.0.0.1:{port}/healthz", deadline + 60)
        yield f"127.0.0.1:{port}", server, output
    except BaseException:
        server.terminate()
        print(server.communicate(timeout=10)[0].decode(errors="replace")[-5000:])
        raise
    finally:
        if server.poll() is None:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
        server.stdout.close()
