"""First-contact SLA arithmetic: working days, due moments and SLA states.

Pure functions of dates and settings, no database access.
"""

from datetime import timedelta
from enum import StrEnum


class SlaState(StrEnum):
    ON_TRACK = "on_track"
    DUE_SOON = "due_soon"
    BREACHED = "breached"
    MET = "met"
    MISSED = "missed"
    ON_HOLD = "on_hold"


SLA_STATE_LABELS = {
    SlaState.ON_TRACK: "On track",
    SlaState.DUE_SOON: "Due soon",
    SlaState.BREACHED: "Breached",
    SlaState.MET: "Met",
    SlaState.MISSED: "Missed",
    SlaState.ON_HOLD: "On hold",
}

# How close to the due moment an open enquiry counts as "due soon".
DUE_SOON_WINDOW_URGENT = timedelta(hours=12)
DUE_SOON_WINDOW_STANDARD = timedelta(hours=24)


def due_soon_window(*, urgent: bool) -> timedelta:
    return DUE_SOON_WINDOW_URGENT if urgent else DUE_SOON_WINDOW_STANDARD
