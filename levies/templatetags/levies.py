from django import template

from ..money import format_pounds

register = template.Library()


@register.filter
def pounds(value):
    """Show a Decimal amount as £1,074.57 (a dash when unknown)."""
    return format_pounds(value)


@register.filter
def pounds_apart(difference) -> str:
    """Say a difference the way a person would: "£74.57 short" or "£12.40 over"."""
    if difference is None:
        return ""
    return f"{format_pounds(abs(difference))} {'short' if difference < 0 else 'over'}"


@register.filter
def state_badge(state: str) -> str:
    """The Bootstrap colour for a reconciliation state."""
    return {"matched": "success", "not_due": "secondary", "over": "info", "short": "warning", "missing": "danger"}.get(
        state, "dark"
    )


# A symbol for each state, so that it never rests on colour alone (WCAG 1.4.1). The symbol is
# decorative (aria-hidden); the state's words always stand beside it.
_STATE_ICON = {
    "matched": "\u2714",  # ✔ heavy check mark
    "short": "\u25bc",  # ▼ down-pointing triangle
    "over": "\u25b2",  # ▲ up-pointing triangle
    "missing": "\u2716",  # ✖ heavy multiplication x
    "not_due": "\u2013",  # – en dash
    "no_list_size": "?",
    "no_rate": "?",
}


@register.filter
def state_icon(state: str) -> str:
    """The symbol shown, aria-hidden, before a reconciliation state's words."""
    return _STATE_ICON.get(state, "")


_MEMBER_STATE = {
    "matched": "Received in full",
    "short": "Less than expected",
    "over": "More than expected",
    "missing": "Not received yet",
    "not_due": "Nothing due",
    "no_list_size": "List size not published yet",
    "no_rate": "Rate not set yet",
}


@register.filter
def member_state(state: str) -> str:
    """Say a reconciliation state the way a practice manager would."""
    return _MEMBER_STATE.get(state, state)


@register.filter
def get_count(counter, key) -> int:
    """How many of `key` a Counter holds (templates cannot index a dict by a variable)."""
    return counter.get(key, 0)


@register.inclusion_tag("levies/_dashboard_card.html")
def levy_dashboard_card(user) -> dict:
    """The dashboard's levies card: this quarter's status for each of the user's practices."""
    from django.utils import timezone

    from ..selectors import levy_lines_this_quarter_for_member

    quarter, lines = levy_lines_this_quarter_for_member(user=user, today=timezone.localdate())
    return {"quarter": quarter, "lines": lines}
