from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.csrf import csrf_failure as html_csrf_failure
from django.views.defaults import bad_request as html_bad_request
from django.views.defaults import page_not_found, permission_denied
from django.views.defaults import server_error as html_server_error
from django.views.static import serve

from bidangil import error_codes, health
from bidangil.api.exceptions import error_body


def healthz(request):
    """Each dependency's status; 503 when any of them fails."""
    checks = health.run_checks()
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse({"status": "ok" if healthy else "error", "checks": checks}, status=200 if healthy else 503)


def media(request, path):
    """Local media files, for installs without an S3 bucket."""
    return serve(request, path, document_root=settings.MEDIA_ROOT)


def _wants_json(request) -> bool:
    return request.path.startswith(("/api/", "/webhook/")) or "application/json" in request.headers.get("Accept", "")


def bad_request(request, exception=None):
    """Django's own 400s, in JSON for API clients; a body over DATA_UPLOAD_MAX_MEMORY_SIZE is a 413."""
    if isinstance(exception, RequestDataTooBig):
        return JsonResponse(error_body("too_large", _("The request body is too large.")), status=413)
    if _wants_json(request):
        return JsonResponse(error_body("bad_request", _("Bad request.")), status=400)
    return html_bad_request(request, exception)


def forbidden(request, exception=None):
    if _wants_json(request):
        return JsonResponse(error_body("permission_denied", _("You may not do this.")), status=403)
    return permission_denied(request, exception)


def csrf_failure(request, reason=""):
    """CSRF refusals outside DRF views (an unknown /api/ path falling through to the site) answer JSON too."""
    if _wants_json(request):
        return JsonResponse(
            error_body(error_codes.CSRF_FAILED, _("CSRF Failed: %(reason)s") % {"reason": reason}), status=403
        )
    return html_csrf_failure(request, reason)


def not_found(request, exception=None):
    if _wants_json(request):
        return JsonResponse(error_body("not_found", _("Not found.")), status=404)
    return page_not_found(request, exception)


def server_error(request):
    if _wants_json(request):
        return JsonResponse(error_body("server_error", _("Something went wrong on our side.")), status=500)
    return html_server_error(request)
