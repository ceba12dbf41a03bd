"""The staff desk: panels on the Wagtail admin home, each a titled list of counts linking to the filtered list.

Apps add theirs with the `construct_homepage_panels` hook, only for the users whose work it is.
"""

from dataclasses import dataclass

from wagtail.admin.ui.components import Component


@dataclass(frozen=True)
class DeskRow:
    label: str
    count: int
    url: str  # the list, filtered to exactly what was counted


class DeskPanel(Component):
    template_name = "bidangil/admin/desk_panel.html"

    def __init__(self, name: str, title: str, rows: list[DeskRow], order: int):
        self.name = name
        self.title = title
        self.rows = rows
        self.order = order

    def get_context_data(self, parent_context):
        return {"name": self.name, "title": self.title, "rows": self.rows}
