"""Prometheus metrics at /metrics: request counts and latency, plus orders and queued jobs read at scrape time.

Per request the middleware does one counter increment and one histogram observation (a few microseconds,
see `make bench`); everything that needs a query is computed only when Prometheus scrapes.
"""

import hmac
import os
import time

from django.conf import settings
from django.db.models import Count
from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

from bidangil.api.exceptions import error_body

REQUESTS = Counter("bidangil_http_requests_total", "HTTP responses by method and status code.", ["method", "status"])
LATENCY = Histogram(
    "bidangil_http_request_duration_seconds",
    "Time from the request reaching Django to the response leaving it.",
    buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
# Any other method string a client sends is counted as "other": labels stay a small, fixed set.
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


class RequestMetricsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        LATENCY.observe(time.perf_counter() - started)
        REQUESTS.labels(request.method if request.method in KNOWN_METHODS else "other", response.status_code).inc()
        return response


class DomainCollector:
    """Orders per status and jobs waiting in the Huey queue, read when scraped."""

    def collect(self):
        from huey.contrib.djhuey import HUEY

        from commerce.orders.models import Order

        orders = GaugeMetricFamily("bidangil_orders", "Orders by status.", labels=["status"])
        counts = dict(Order.objects.values_list("status").annotate(n=Count("pk")).order_by())
        for status in Order.Status.values:
            orders.add_metric([status], counts.get(status, 0))
        yield orders
        yield GaugeMetricFamily("bidangil_huey_pending_jobs", "Jobs waiting in the Huey queue.", HUEY.pending_count())


def _bearer_token(request) -> str:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def metrics_view(request):
    """Staff with a session, or Prometheus with `Authorization: Bearer $METRICS_TOKEN`; 401/403 otherwise."""
    token = _bearer_token(request)
    expected = settings.METRICS_TOKEN
    allowed = bool(token and expected and hmac.compare_digest(token.encode(), expected.encode()))
    if not allowed and not token and request.user.is_authenticated:
        if not (request.user.is_active and request.user.is_staff):
            return JsonResponse(error_body("permission_denied", _("Metrics are for staff.")), status=403)
        allowed = True
    if not allowed:
        response = JsonResponse(error_body("not_authenticated", "A staff session or the metrics token."), status=401)
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    scraped = CollectorRegistry()
    scraped.register(DomainCollector())
    body = generate_latest(_request_registry()) + generate_latest(scraped)
    return HttpResponse(body, content_type=CONTENT_TYPE_LATEST)


def _request_registry():
    """This process's metrics, or under gunicorn (PROMETHEUS_MULTIPROC_DIR) the sum over its worker processes."""
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return REGISTRY
    registry = CollectorRegistry()
    MultiProcessCollector(registry)
    return registry
