"""Wagtail's own menus, named so that no two items read the same: the Reports menu's workflow reports are
called reports, apart from the Settings menu's Workflows and Workflow tasks."""

from copy import copy

from django.utils.translation import gettext_lazy as _lazy
from wagtail import hooks

REPORT_LABELS = {"workflows": _lazy("Workflow report"), "workflow-tasks": _lazy("Workflow tasks report")}


@hooks.register("construct_reports_menu")
def name_workflow_reports(request, items):
    for n, item in enumerate(items):
        if item.name in REPORT_LABELS:
            items[n] = copy(item)
            items[n].label = REPORT_LABELS[item.name]
