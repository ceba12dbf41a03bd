"""What the /metrics request middleware costs per request: one counter increment and one histogram observation."""

import time

from django.http import HttpResponse
from django.test import RequestFactory

from bidangil.metrics import RequestMetricsMiddleware

REQUESTS = 100_000


def main():
    request = RequestFactory().get("/api/v1/orders/")
    response = HttpResponse()

    def view(request):
        return response

    wrapped = RequestMetricsMiddleware(view)
    timings = {}
    for name, handler in (("bare", view), ("with metrics", wrapped)):
        started = time.perf_counter()
        for _ in range(REQUESTS):
            handler(request)
        timings[name] = (time.perf_counter() - started) / REQUESTS * 1e6
    cost = timings["with metrics"] - timings["bare"]
    print(f"metrics middleware: {cost:.1f} µs per request ({REQUESTS:,} requests)")
