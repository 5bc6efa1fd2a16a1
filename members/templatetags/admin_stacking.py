"""Changelist rows that stack on a phone: each cell carries its column's heading."""

import re
from functools import lru_cache

from django import template
from django.utils.html import escape, strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst

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
