"""Changelist rows that stack on a phone: each cell carries its column's heading.

Two ways to the same markup. `labelled_cells` relabels the cells Django's
`result_list` built (every changelist). `stacked_result_list` builds the rows
itself, from a plan made once per page, for a changelist whose page must be
cheap (the triage dashboard): Django's `items_for_result` looks each column
up again on every row (`lookup_field` raises and catches `FieldDoesNotExist`
for each method column) and escapes each value two or three times, which was
a third of that page's CPU.
"""

import datetime
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django import template
from django.contrib.admin.templatetags.admin_list import _coerce_field_name, result_headers, result_list
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import (
    FieldIsAForeignKeyColumnName,
    _get_non_gfk_field,
    display_for_field,
    display_for_value,
    lookup_field,
)
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.db import models
from django.urls import NoReverseMatch
from django.utils.html import escape, strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst

from ..html import escape_once

register = template.Library()

_OPENING_CELL = re.compile(r"^<(td|th)\b")


@lru_cache(maxsize=256)
def _label(heading: str) -> str:
    # strip_tags runs an HTML parser: once per heading, not once per cell of every row.
    return escape(capfirst(strip_tags(heading).strip()))


@register.simple_tag
def labelled_cells(result, headers) -> SafeString:
    """Return a changelist row's cells, each with `data-label` set to its column's heading.

    On a phone the admin's stylesheet shows the row as a card and the label before each value
    (static/css/admin.css); the action checkbox's column has no words, so it gets no label.
    """
    cells = []
    for cell, header in zip(result, headers, strict=False):
        label = _label(str(header["text"]))
        opening = _OPENING_CELL.match(str(cell))
        if label and opening:
            cell = f'<{opening.group(1)} data-label="{label}"' + str(cell)[opening.end() :]
        cells.append(str(cell))
    # The cells are the admin's own escaped HTML, and the label is escaped above.
    return mark_safe("".join(cells))


# --- Rows built from a plan made once per page ---------------------------------------------


@dataclass(frozen=True)
class _Column:
    """How one changelist column turns a row's object into its cell: worked out once per page."""

    value: Callable[[Any], tuple[Any, str]]  # the object's value and its representation (HTML or text)
    opening: str  # e.g. '<td data-label="Status" class="field-status">'
    opening_nowrap: str  # the same with Django's "nowrap" class, for a date or time value
    closing: str  # "</td>", or "</th>" for the first link column
    link: bool

    def opening_for(self, value: Any) -> str:
        return self.opening_nowrap if isinstance(value, datetime.date | datetime.time) else self.opening


def _opening(tag: str, label: str, classes: str) -> str:
    """A cell's opening tag: `data-label` first, as `labelled_cells` writes it."""
    data_label = f' data-label="{label}"' if label else ""
    return f'<{tag}{data_label} class="{classes}">'


def _field_value(name: str, field: models.Field, empty: str, *, link: bool) -> Callable[[Any], tuple[Any, str]]:
    """Django's display of a model field's value (`items_for_result`), with a field's choices read once."""
    choices = dict(field.flatchoices) if getattr(field, "flatchoices", None) else None

    def value(obj: Any) -> tuple[Any, str]:
        raw = getattr(obj, name)
        if isinstance(raw, str) and raw.strip() == "":
            raw = ""
        if isinstance(field.remote_field, models.ManyToOneRel):
            related = getattr(obj, field.name)
            return raw, empty if related is None else related
        if choices is not None:
            return raw, choices.get(raw, empty)
        return raw, display_for_field(raw, field, empty, avoid_link=link)

    return value


def _display_value(name: Any, model_admin: Any, empty: str) -> Callable[[Any], tuple[Any, str]]:
    """Django's display of a callable or ModelAdmin method column, the method looked up once."""
    if callable(name):
        attr = name
    elif name != "__str__" and hasattr(model_admin, name):
        attr = getattr(model_admin, name)
    else:
        # A model attribute or property: Django's own lookup, row by row.
        def looked_up(obj: Any) -> tuple[Any, str]:
            try:
                _field, found, raw = lookup_field(name, obj, model_admin)
            except ObjectDoesNotExist:
                return None, empty
            boolean = getattr(found, "boolean", False) or getattr(getattr(found, "fget", None), "boolean", False)
            return raw, display_for_value(raw, getattr(found, "empty_value_display", empty), boolean)

        return looked_up
    boolean = getattr(attr, "boolean", False)
    empty = getattr(attr, "empty_value_display", empty)

    def value(obj: Any) -> tuple[Any, str]:
        try:
            raw = attr(obj)
        except ObjectDoesNotExist:
            return None, empty
        if isinstance(raw, str) and raw.strip() == "":
            raw = ""
        return raw, display_for_value(raw, empty, boolean)

    return value


def _column_plan(cl: ChangeList, headers: list[dict]) -> list[_Column]:
    """Work out, once per page, what `items_for_result` decides again for every row."""
    model_admin, opts = cl.model_admin, cl.opts
    default_empty = model_admin.get_empty_value_display()
    columns, first_link = [], True
    for index, (name, header) in enumerate(zip(cl.list_display, headers, strict=True)):
        if cl.list_display_links is None:
            link = False
        else:
            link = (first_link and not cl.list_display_links) or name in cl.list_display_links
        try:
            field = _get_non_gfk_field(opts, name) if isinstance(name, str) else None
        except (FieldDoesNotExist, FieldIsAForeignKeyColumnName):
            field = None
        if field is not None and not field.auto_created:
            value = _field_value(name, field, default_empty, link=link)
            fixed_nowrap = isinstance(field, models.DateField | models.TimeField | models.ForeignKey)
        else:
            value, fixed_nowrap = _display_value(name, model_admin, default_empty), False
        tag, label = "th" if link and first_link else "td", _label(str(header["text"]))
        classes = "action-checkbox" if name == "action_checkbox" else f"field-{_coerce_field_name(name, index)}"
        nowrap = _opening(tag, label, f"{classes} nowrap")
        columns.append(
            _Column(
                value=value,
                opening=nowrap if fixed_nowrap else _opening(tag, label, classes),
                opening_nowrap=nowrap,
                closing=f"</{tag}>",
                link=link,
            )
        )
        first_link = first_link and not link
    return columns


def _change_url(cl: ChangeList) -> Callable[[Any], str | None]:
    """Return each row's change link with the list's filters kept, working the filters' query string out once.

    `add_preserved_filters` resolves the URL to decide which filters to keep;
    every row's change URL resolves alike, so the query string it adds to
    the first is the one it adds to all.
    """
    context = {"preserved_filters": cl.preserved_filters, "opts": cl.opts}
    query: list[str] = []

    def url(obj: Any) -> str | None:
        try:
            plain = cl.url_for_result(obj)
        except NoReverseMatch:
            return None
        if not cl.preserved_filters or "?" in plain:
            return plain if not cl.preserved_filters else add_preserved_filters(context, plain)
        if not query:
            query.append(add_preserved_filters(context, plain).removeprefix(plain))
        return plain + query[0]

    return url


def _rows(cl: ChangeList, columns: list[_Column]) -> Iterator[str]:
    change_url = _change_url(cl)
    for obj in cl.result_list:
        cells = []
        for column in columns:
            raw, shown = column.value(obj)
            cell = escape_once(shown)
            if column.link:
                url = change_url(obj)
                if url is not None:
                    cell = f'<a href="{escape_once(url)}">{cell}</a>'
            cells.append(f"{column.opening_for(raw)}{cell}{column.closing}")
        yield f"<tr>{''.join(cells)}</tr>"


@register.inclusion_tag("admin/change_list_results.html")
def stacked_result_list(cl: ChangeList) -> dict:
    """Django's `result_list`, its rows built from a per-page column plan (the same markup, a third of the CPU).

    A changelist with editable rows or opened as a pop-up takes Django's own
    path: the plan does not cover their forms and pop-up links.
    """
    if cl.formset or cl.is_popup:
        return result_list(cl)
    headers = list(result_headers(cl))
    rows = "\n".join(_rows(cl, _column_plan(cl, headers)))
    return {
        "cl": cl,
        "result_hidden_fields": [],
        "result_headers": headers,
        "num_sorted_fields": sum(1 for header in headers if header["sortable"] and header["sorted"]),
        # Each value was escaped once above (`escape_once` in `_rows`), and each label by `_label`.
        "rows": mark_safe(rows),
        "results": bool(rows),
    }
