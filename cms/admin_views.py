"""Wagtail admin views the project corrects or narrows."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from wagtail.admin.auth import require_admin_access
from wagtail.admin.views.chooser import ChosenMultipleView
from wagtail.models import Page
from wagtail.snippets.views.snippets import get_snippet_model_from_url_params
from wagtail_localize.operations import TranslationCreator
from wagtail_localize.views import snippets_api, submit_translations


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


def is_translatable(page: Page) -> bool:
    """Page types declaring `translatable = False` (the community's boards and posts) stay in one locale."""
    return getattr(page.specific_class, "translatable", True)


class SubmitPageTranslationView(submit_translations.SubmitPageTranslationView):
    """wagtail-localize's "Translate this page", refusing the page types that are never translated and
    leaving them out of a translated subtree (their pages stay where they are, in their own locale)."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("wagtail_localize.submit_translation"):
            raise PermissionDenied
        page = get_object_or_404(Page, pk=kwargs["page_id"])
        if not is_translatable(page):
            page_type = capfirst(page.specific_class._meta.verbose_name)
            messages.error(request, _("%(type)s pages are not translated.") % {"type": page_type})
            return redirect("wagtailadmin_explore", page.get_parent().pk)
        return super().dispatch(request, *args, **kwargs)

    @transaction.atomic
    def form_valid(self, form):
        include_subtree = form.cleaned_data["include_subtree"]
        form.cleaned_data["include_subtree"] = False
        response = super().form_valid(form)
        if include_subtree:
            translator = TranslationCreator(self.request.user, form.cleaned_data["locales"])
            for page in _translatable_descendants(self.object):
                translator.create_translations(page)
            self.components.save(translator, sources_and_translations=translator.mappings)
        return response


def _translatable_descendants(page: Page):
    """Descendants in tree order (parents first), without the untranslatable pages and their subtrees."""
    for child in page.get_children():
        if is_translatable(child):
            yield child
            yield from _translatable_descendants(child)


submit_page_translation = require_admin_access(SubmitPageTranslationView.as_view())


def snippet_api_for_viewers(view):
    """wagtail-localize's snippet API (for its chooser) lists any snippet model to every admin user; it answers
    only those who may see the model in its own admin views (its permission policy), so order data stays with
    Order staff."""

    @require_admin_access
    def wrapped(request, app_label, model_name, **kwargs):
        model = get_snippet_model_from_url_params(app_label, model_name)
        policy = model.snippet_viewset.permission_policy
        if not policy.user_has_any_permission(request.user, {"add", "change", "delete", "view"}):
            raise PermissionDenied
        return view(request, app_label=app_label, model_name=model_name, **kwargs)

    return wrapped


snippet_api_listing = snippet_api_for_viewers(snippets_api.SnippetViewSet.as_view({"get": "list"}))
snippet_api_detail = snippet_api_for_viewers(snippets_api.SnippetViewSet.as_view({"get": "retrieve"}))
