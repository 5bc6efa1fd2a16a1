"""The changelist's filters, written in Python: the same markup as Django's `admin/filter.html`.

A busy changelist (the triage dashboard) has ten filters and some fifty
choices; drawing each filter through the template engine was half a
millisecond of every page. A filter with a template of its own (a search
box) is still drawn by Django's `admin_list_filter`.
"""

from django import template
from django.contrib.admin.templatetags.admin_list import admin_list_filter
from django.utils.encoding import iri_to_uri
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from ..html import escape_once

register = template.Library()

DJANGO_FILTER_TEMPLATE = "admin/filter.html"


def _choice(choice: dict) -> str:
    selected = ' class="selected"' if choice["selected"] else ""
    href = escape_once(iri_to_uri(choice["query_string"]))
    return f'\n    <li{selected}>\n    <a href="{href}">{escape_once(choice["display"])}</a></li>'


@register.simple_tag
def plain_list_filter(cl, spec) -> SafeString:
    """Return Django's `admin_list_filter(cl, spec)`, written directly when the filter uses Django's template."""
    if spec.template != DJANGO_FILTER_TEMPLATE:
        return admin_list_filter(cl, spec)
    title = escape_once(spec.title)
    # As the template's `blocktranslate`: the title escaped, the words Django's translation.
    summary = gettext(" By %(filter_title)s ") % {"filter_title": title}
    choices = "".join(_choice(choice) for choice in spec.choices(cl))
    return mark_safe(
        f'<details data-filter-title="{title}" open>\n  <summary>\n    {summary}\n  </summary>\n'
        f"  <ul>{choices}\n  </ul>\n</details>"
    )
