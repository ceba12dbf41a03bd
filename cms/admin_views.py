"""Wagtail admin views the project corrects."""

from wagtail.admin.auth import require_admin_access
from wagtail.admin.views.chooser import ChosenMultipleView
from wagtail.models import Page


class ChosenMultiplePagesView(ChosenMultipleView):
    """Wagtail's multiple page chooser answer, for the ids it can answer: the tree root has no parent (Wagtail
    raises on it) and an id that is not a 64-bit number matches no page."""

    def get(self, request):
        roots = {str(pk) for pk in Page.objects.filter(depth=1).values_list("pk", flat=True)}
        ids = [pk for pk in request.GET.getlist("id") if pk.isdigit() and len(pk) < 19 and pk not in roots]
        request.GET = request.GET.copy()
        request.GET.setlist("id", ids)
        return super().get(request)


chosen_multiple_pages = require_admin_access(ChosenMultiplePagesView.as_view())
