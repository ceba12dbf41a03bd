"""gunicorn for the production `web` service: `gunicorn -c deploy/gunicorn.conf.py` (docs/performance.md chose it).

WEB_CONCURRENCY worker processes of GUNICORN_THREADS threads each serve the WSGI application; WebSockets stay with
the `ws` service (`manage.py serve`).
"""

import os
import shutil
import tempfile

wsgi_app = "bidangil.wsgi:application"
bind = [os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")]
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * (os.cpu_count() or 1))
worker_class = "gthread"
# Threads keep a worker answering while one of its requests waits on a slow upload or the database.
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))  # Caddy gives up on a response after 2 minutes
graceful_timeout = 30
keepalive = 5
# A worker is replaced now and then, so slow leaks never add up (0: never; the bench measures steady state).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "20000"))
max_requests_jitter = max_requests // 10
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "*")  # only the proxy reaches this port
accesslog = None  # requests are counted by /metrics and logged by the proxy
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
# No runtime control socket: compose restarts and scales the service, and a fixed socket path would be shared by
# every gunicorn of the host (the bench and the tests start several).
control_socket_disable = True


def on_starting(server):
    """/metrics counts the requests of every worker: prometheus_client's multiprocess mode, a folder per gunicorn."""
    folder = os.path.join(worker_tmp_dir or tempfile.gettempdir(), f"bidangil-metrics-{os.getpid()}")
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = folder  # the workers inherit it


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    shutil.rmtree(os.environ["PROMETHEUS_MULTIPROC_DIR"], ignore_errors=True)


def pre_request(worker, req):
    """A body the limit may refuse closes its connection after the answer, and a declared one gets no 100 Continue.

    Otherwise gunicorn would read the rest of a refused body to reach the next request on the connection, and would
    tell the client to send a body the application is about to refuse.
    """
    from bidangil.body_limit import declared_too_large, is_chunked

    headers = dict(req.headers)
    if declared_too_large(headers.get("CONTENT-LENGTH")):
        req._expected_100_continue = False  # gunicorn writes it in wsgi.create(), which runs after this hook
        req.must_close = True
    elif is_chunked(headers.get("TRANSFER-ENCODING")):
        req.must_close = True
