"""The project's defaults for Django REST framework: how lists are paged, how JSON bodies are
read, and the bounds of dates. Every API view uses them (``REST_FRAMEWORK`` in settings).

Bad input is the client's mistake and gets a 4xx in the user's language, never a server error
and never a silent guess: a page that is not a positive whole number, a page size beyond the
maximum, a JSON body holding control characters (NUL breaks PostgreSQL's text and JSON types)
or numbers without a value (``1e999``), a date outside 1900–2100 (a birth date, a meeting, a
notice: the date arithmetic of the rules works within these years, and no record falls outside
them).

This module is imported by REST framework's settings while its views load, so it imports no
view of ours and nothing that does (``school.exceptions`` imports DRF's views).
"""

import datetime
import math
from collections.abc import Iterator
from typing import Any

from django.core.paginator import Page
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import ParseError, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import JSONParser
from rest_framework.utils.urls import replace_query_param

# An object's id in a path: digits, few enough that no id overflows the database's integers
# (school/api.py's router matches only these; anything else under /api/v1/ is a 404).
ID_PATTERN = "[0-9]{1,18}"
MAX_ID = 10**18 - 1

EARLIEST_DAY = datetime.date(1900, 1, 1)
LATEST_DAY = datetime.date(2100, 12, 31)
# For the schema: a date in 1900–2100 (the day itself is checked when it is read).
DAY_PATTERN = r"^(19[0-9]{2}|20[0-9]{2}|2100)-[0-9]{2}-[0-9]{2}$"
DAY_RANGE_MESSAGE = _("Use a date from 1900-01-01 to 2100-12-31.")

# C0 control characters and DEL, except tab, line feed and carriage return, which text fields
# may hold. NUL above all: PostgreSQL cannot store it in text or JSON.
_CONTROL = frozenset(chr(code) for code in (*range(0, 9), 11, 12, *range(14, 32), 127))


def has_control_characters(text: str) -> bool:
    return not _CONTROL.isdisjoint(text)


def day_in_range(day: datetime.date) -> bool:
    return EARLIEST_DAY <= day <= LATEST_DAY


# --- Pages ---------------------------------------------------------------------------------------


class SchoolPagination(PageNumberPagination):
    """Every list of the API: ``{"count", "next", "previous", "results"}``, 50 items a page.

    ``page`` is a whole number from 1; a page past the last one is empty (``results`` is
    ``[]``, ``count`` still says how many there are), so a client that follows ``next`` never
    meets an error. ``page_size`` goes up to 100. Any other value of either is a 400.
    """

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 100
    last_page_strings = ()  # "last" is not a whole number, and the schema says integer

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        size = _whole_number(request, self.page_size_query_param, self.page_size)
        if size is not None and size > self.max_page_size:
            raise _bad_number(self.page_size_query_param)
        number = _whole_number(request, self.page_query_param, 1)
        paginator = self.django_paginator_class(queryset, size or self.page_size)
        if number > paginator.num_pages:
            # Past the end: no query with an offset (a huge one would overflow the database's
            # integers), just the count.
            self.page = Page([], number, paginator)
            return []
        self.page = paginator.page(number)
        return list(self.page)

    def get_next_link(self):
        if self.page.number > self.page.paginator.num_pages:
            return None
        return super().get_next_link()

    def get_previous_link(self):
        last = self.page.paginator.num_pages
        if self.page.number > last:
            url = self.request.build_absolute_uri()
            return replace_query_param(url, self.page_query_param, last)
        return super().get_previous_link()

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.page_query_param,
                "required": False,
                "in": "query",
                "description": str(
                    _("A page number within the paginated result set. Past the last page: empty.")
                ),
                "schema": {"type": "integer", "minimum": 1},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": str(_("Number of results to return per page.")),
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size},
            },
        ]


def _whole_number(request, name: str, default: int) -> int:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    try:
        # int() would also take " 2", "2_0" and "٢"; a page number is written in ASCII digits.
        if not (raw.isascii() and raw.isdigit()):
            raise ValueError
        value = int(raw)  # past 4,300 digits Python refuses too
    except ValueError:
        raise _bad_number(name) from None
    if value < 1:
        raise _bad_number(name)
    return value


def _bad_number(name: str) -> ValidationError:
    if name == "page_size":
        message = _("The page size is a whole number from 1 to %(max)s.") % {
            "max": SchoolPagination.max_page_size
        }
    else:
        message = _("The page is a whole number from 1.")
    return ValidationError({name: [message]}, code="invalid")


# --- Bodies --------------------------------------------------------------------------------------


class StrictJSONParser(JSONParser):
    """JSON, refusing control characters in any string (keys too) and numbers without a value
    (``1e999`` reads as infinity, which no field and no JSON column accepts)."""

    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        for item in _leaves(data):
            if isinstance(item, str) and has_control_characters(item):
                raise ParseError(
                    _("The request holds control characters (such as NUL), which no field accepts.")
                )
            if isinstance(item, float) and not math.isfinite(item):
                raise ParseError(_("The request holds a number too large to read."))
        return data


def _leaves(data: Any) -> Iterator[Any]:
    """Every key and scalar of a parsed JSON document (without recursion: depth is free)."""
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        else:
            yield item


# --- Dates ---------------------------------------------------------------------------------------


@extend_schema_field({"type": "string", "format": "date", "pattern": DAY_PATTERN})
class BoundedDateField(serializers.DateField):
    """A date from 1900-01-01 to 2100-12-31."""

    default_error_messages = {"range": DAY_RANGE_MESSAGE}

    def to_internal_value(self, value):
        day = super().to_internal_value(value)
        if not day_in_range(day):
            self.fail("range")
        return day


def day_parameter_schema() -> dict:
    """The schema of a date query parameter (for ``OpenApiParameter``)."""
    return {"type": "string", "format": "date", "pattern": DAY_PATTERN}


# --- Text ----------------------------------------------------------------------------------------


class StrictCharField(serializers.CharField):
    """Text that must be sent as text: DRF's CharField also takes 2023010101 (a number) and
    makes it "2023010101", which the schema (a string) says is wrong."""

    default_error_messages = {"not_text": _("Send this as text (a JSON string).")}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("not_text")
        return super().to_internal_value(data)
