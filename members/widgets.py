"""Form widgets drawn in Python where a hot page draws them on every request."""

from django import forms
from django.utils.safestring import SafeString, mark_safe

from .html import escape_once

__all__ = ["PlainSelect"]


def _attrs_html(attrs: dict) -> str:
    """Django's `django/forms/widgets/attrs.html`: `False` leaves an attribute out, `True` writes its name alone."""
    return "".join(
        f" {escape_once(name)}" if value is True else f' {escape_once(name)}="{escape_once(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


class PlainSelect(forms.Select):
    """A select of plain choices, the same markup as Django's `select.html`, without a template per option.

    The admin's action list is redrawn on every changelist page, and
    Django's template includes two more templates for each option. Choices
    in groups are left to Django's template.
    """

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        if any(group_name for group_name, _choices, _index in widget["optgroups"]):
            return super().render(name, value, attrs, renderer)
        options = "".join(
            f'\n  <option value="{escape_once(option["value"])}"{_attrs_html(option["attrs"])}>'
            f"{escape_once(option['label'])}</option>"
            for _name, choices, _index in widget["optgroups"]
            for option in choices
        )
        # Every name, value and label is escaped above.
        return mark_safe(
            f'<select name="{escape_once(widget["name"])}"{_attrs_html(widget["attrs"])}>{options}\n</select>'
        )
