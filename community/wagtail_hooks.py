"""Wagtail admin: the _lazy("Community reports") moderation queue for editors and moderators, and their panel on the
admin home."""

from django.contrib import messages
from django.http import HttpResponseForbidden, HttpResponseNotFound
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from bidangil.admin_desk import DeskPanel, DeskRow
from bidangil.errors import DomainError
from community import services

from .models import Report
from .selectors import is_moderator, moderation_desk


def _moderators_only(view):
    def wrapped(request, *args, **kwargs):
        if not is_moderator(request.user):
            return HttpResponseForbidden(_("Editors and moderators only."))
        return view(request, *args, **kwargs)

    return wrapped


@_moderators_only
def report_list(request):
    status = request.GET.get("status", Report.Status.OPEN)
    reports = Report.objects.select_related(
        "reporter__profile", "post__author__profile", "comment__author__profile", "comment__post", "handled_by"
    )
    if status in Report.Status.values:
        reports = reports.filter(status=status)
    return TemplateResponse(
        request,
        "community/admin/reports.html",
        {"reports": reports[:200], "status": status, "statuses": Report.Status.choices},
    )


ACTIONS = ("hide", "unhide", "dismiss", "ban", "unban")


@require_POST
@_moderators_only
def report_action(request, pk, action):
    if action not in ACTIONS:
        return HttpResponseNotFound(_("Unknown action."))
    report = get_object_or_404(Report.objects.select_related("post", "comment"), pk=pk)
    target = report.post or report.comment
    author = target.author if target is not None else None
    try:
        if action in ("hide", "unhide"):
            hidden = action == "hide"
            if report.post_id:
                services.set_post_hidden(actor=request.user, post=report.post, hidden=hidden)
            else:
                services.set_comment_hidden(actor=request.user, comment=report.comment, hidden=hidden)
            messages.success(
                request, (_("Hidden: %(target)s.") if hidden else _("Shown again: %(target)s.")) % {"target": target}
            )
        elif action == "dismiss":
            services.dismiss_report(actor=request.user, report=report)
            messages.success(request, _("Report dismissed."))
        elif action in ("ban", "unban") and author is not None:
            services.set_member_banned(actor=request.user, user=author, banned=action == "ban")
            messages.success(
                request,
                (_("%(nickname)s: banned.") if action == "ban" else _("%(nickname)s: ban lifted."))
                % {"nickname": author.profile.nickname},
            )
    except DomainError as error:
        messages.error(request, error.message)
    return redirect(request.POST.get("next") or reverse("community_reports"))


@hooks.register("register_admin_urls")
def register_report_urls():
    return [
        path("community/reports/", report_list, name="community_reports"),
        path("community/reports/<int:pk>/<str:action>/", report_action, name="community_report_action"),
    ]


class ModeratorMenuItem(MenuItem):
    def is_shown(self, request):
        return is_moderator(request.user)


@hooks.register("register_admin_menu_item")
def register_reports_menu_item():
    return ModeratorMenuItem(_lazy("Community reports"), reverse("community_reports"), icon_name="warning", order=350)


@hooks.register("construct_homepage_panels")
def moderation_panel(request, panels):
    if not is_moderator(request.user):
        return
    desk = moderation_desk()
    rows = [
        DeskRow(
            _("Open reports"),
            desk["open_reports"],
            f"{reverse('community_reports')}?{urlencode({'status': Report.Status.OPEN})}",
        ),
        DeskRow(
            _("Posts and pages awaiting moderation"),
            desk["awaiting_moderation"],
            f"{reverse('wagtailadmin_reports:workflow')}?{urlencode({'status': 'in_progress'})}",
        ),
    ]
    panels.append(DeskPanel("moderation-desk", _("Moderation: waiting on you"), rows, order=60))
