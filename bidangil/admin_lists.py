"""One definition of an admin list for both Wagtail views of a model: snippet viewsets and wagtail-modeladmin.

A `ListColumn` is a label and a function of the row; a `ListFilter` is a query parameter, its choices and the
queryset it selects. Each turns into what the snippet views (`Column`, a `WagtailFilterSet`) and modeladmin
(`list_display` callables, `SimpleListFilter`) expect, so both lists show the same cells and answer the same
query strings. Money columns read as money (`bidangil.money`), never as a raw integer.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import django_filters
from django.contrib.admin import SimpleListFilter
from django.db.models import QuerySet
from django.utils.functional import lazy
from django.utils.html import format_html
from django.utils.text import capfirst
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column
from wagtail.snippets.views.snippets import InspectView

from bidangil.money import format_krw, format_usd_cents


@dataclass(frozen=True)
class ListColumn:
    name: str
    label: str
    value: Callable[[Any], Any]
    sort_key: str | None = None

    def for_snippets(self) -> Column:
        return Column(self.name, label=self.label, accessor=self.value, sort_key=self.sort_key)

    def for_modeladmin(self) -> Callable[[Any], Any]:
        def cell(obj):
            return self.value(obj)

        cell.__name__ = self.name
        cell.short_description = self.label
        if self.sort_key:
            cell.admin_order_field = self.sort_key
        return cell


def field_column(field: str, label: str) -> ListColumn:
    """A model field as it reads (`get_FOO_display` for choices)."""

    def value(obj):
        display = getattr(obj, f"get_{field}_display", None)
        return display() if display else getattr(obj, field)

    return ListColumn(field, label, value, sort_key=field)


def money_column(field: str, label: str) -> ListColumn:
    """An integer USD cents field as "$29.78", a KRW one as "₩63,274"."""
    fmt = money_format(field)
    return ListColumn(field, label, lambda obj: fmt(getattr(obj, field)), sort_key=field)


def flag_column(name: str, label: str, text: str, is_set: Callable[[Any], bool]) -> ListColumn:
    """A status badge shown where `is_set(row)` holds."""

    def badge(obj):
        return format_html('<span class="w-status w-status--primary">{}</span>', text) if is_set(obj) else ""

    return ListColumn(name, label, badge)


MONEY_FORMATS = {"_cents": format_usd_cents, "_krw": format_krw}


def money_format(field: str) -> Callable[[int | None], str] | None:
    """How a money field reads, by the project's naming rule (integer `*_cents` USD, `*_krw` KRW)."""
    return next((fmt for suffix, fmt in MONEY_FORMATS.items() if field.endswith(suffix)), None)


def _money_label(model, field: str) -> str:
    label = str(model._meta.get_field(field).verbose_name)
    return capfirst(label.removesuffix(" cents").removesuffix(" krw"))


# A money field's heading: "amount cents" -> "Amount" (the unit shows in the value); lazy, like every label.
money_label = lazy(_money_label, str)
# "Waiting on staff" -> "waiting on staff" for modeladmin's "By …" filter titles, lazily.
lowercase = lazy(lambda text: str(text).lower(), str)


def snippet_columns(model, fields: Sequence[str]) -> list:
    """A snippet `list_display` where money fields become money columns; other names stay as Wagtail reads them."""
    columns = []
    for field in fields:
        if money_format(field) is None:
            columns.append(field)
        else:
            columns.append(money_column(field, money_label(model, field)).for_snippets())
    return columns


class MoneyInspectView(InspectView):
    """A snippet inspect view that shows money fields as money (and `field_labels` where a field's own name
    reads badly)."""

    field_labels: dict[str, str] = {}

    def get_field_label(self, field_name, field):
        if field_name in self.field_labels:
            return self.field_labels[field_name]
        if money_format(field_name):
            return money_label(self.model, field_name)
        return super().get_field_label(field_name, field)

    def get_field_display_value(self, field_name, field):
        fmt = money_format(field_name)
        return fmt(getattr(self.object, field_name)) if fmt else super().get_field_display_value(field_name, field)


@dataclass(frozen=True)
class ListFilter:
    name: str  # the query parameter, the same in both lists
    label: str
    choices: Sequence[tuple[str, str]]
    apply: Callable[[QuerySet, str], QuerySet]

    def select(self, queryset: QuerySet, value) -> QuerySet:
        return self.apply(queryset, value) if value in dict(self.choices) else queryset

    def for_modeladmin(self) -> type[SimpleListFilter]:
        spec = self
        return type(
            f"{self.name.title()}ListFilter",
            (SimpleListFilter,),
            {
                "title": lowercase(self.label),
                "parameter_name": self.name,
                "lookups": lambda filter_, request, model_admin: list(spec.choices),
                "queryset": lambda filter_, request, queryset: spec.select(queryset, filter_.value()),
            },
        )

    def for_snippets(self) -> django_filters.ChoiceFilter:
        def method(queryset, name, value):
            return self.select(queryset, value)

        return django_filters.ChoiceFilter(label=self.label, choices=list(self.choices), method=method)


def filterset_for(model, filters: Sequence[ListFilter]) -> type[WagtailFilterSet]:
    """The snippet views' filter set of these filters."""
    meta = type("Meta", (), {"model": model, "fields": []})
    attrs = {spec.name: spec.for_snippets() for spec in filters}
    return type(f"{model.__name__}FilterSet", (WagtailFilterSet,), {"Meta": meta, **attrs})
