"""Changelist rows that stack on a phone: each cell carries its column's heading."""

import re

from django import template
from django.utils.html import escape, strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst

register = template.Library()

_OPENING_CELL = re.compile(r"^<(td|th)\b")


@register.simple_tag
def labelled_cells(result, headers) -> SafeString:
    """Return a changelist row's cells, each with `data-label` set to its column's heading.

    On a phone the admin's stylesheet shows the row as a card and the label before each value
    (static/css/admin.css); the action checkbox's column has no words, so it gets no label.
    """
    cells = []
    for cell, header in zip(result, headers, strict=False):
        label = escape(capfirst(strip_tags(str(header["text"])).strip()))
        opening = _OPENING_CELL.match(str(cell))
        if label and opening:
            cell = f'<{opening.group(1)} data-label="{label}"' + str(cell)[opening.end() :]
        cells.append(str(cell))
    # The cells are the admin's own escaped HTML, and the label is escaped above.
    return mark_safe("".join(cells))
