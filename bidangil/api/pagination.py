from functools import cached_property, partial

from django.core.paginator import Paginator
from rest_framework.pagination import CursorPagination, PageNumberPagination


class CountedPaginator(Paginator):
    """A paginator told its total (a maintained counter) instead of running COUNT(*) over the list."""

    def __init__(self, object_list, per_page, *, count: int, **options):
        super().__init__(object_list, per_page, **options)
        self.known_count = count

    @cached_property
    def count(self) -> int:
        return self.known_count


class PagePagination(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100

    def paginate_queryset(self, queryset, request, view=None, *, count: int | None = None):
        """`count`, when the caller knows the list's total, spares the COUNT(*) query."""
        if count is not None:
            self.django_paginator_class = partial(CountedPaginator, count=count)
        return super().paginate_queryset(queryset, request, view=view)


class NewestFirstCursorPagination(CursorPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
    ordering = ("-created_at", "-pk")
