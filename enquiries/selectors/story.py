"""The whole story of an enquiry for staff: one timeline of everything that happened to it."""

from dataclasses import dataclass
from datetime import datetime

from members.models import User

from ..models import Enquiry, Reminder, Status

__all__ = ["StoryEntry", "enquiry_story_for_staff"]

@dataclass(frozen=True)
class StoryEntry:
    at: datetime
    kind: str  # "Status", "Assignment", "Staff note", "Message", "Reminder", "Change"
    who: str
    what: str


def _name(user: User | None, fallback: str) -> str:
    return (user.get_full_name() or user.email) if user else fallback


def enquiry_story_for_staff(*, enquiry: Enquiry) -> list[StoryEntry]:
    """Return status changes, assignments, staff notes, messages and reminders sent, newest first.

    Only for staff who may already see `enquiry` (the admin's staff selector decides that).
    """
    records = list(enquiry.history.select_related("history_user").order_by("history_date", "history_id"))
    officer_ids = {r.assigned_to_id for r in records if r.assigned_to_id}
    officers = {user.pk: user for user in User.objects.filter(pk__in=officer_ids)}
    entries: list[StoryEntry] = []
    previous = None
    for record in records:
        who = _name(record.history_user, "The member or the system")
        reason = record.history_change_reason or ""
        if previous is None:
            entries.append(StoryEntry(record.history_date, "Status", who, reason or f"Submitted ({record.get_status_display()})"))
        else:
            changed = False
            if record.status != previous.status:
                words = f"{Status(previous.status).label} → {record.get_status_display()}"
                entries.append(StoryEntry(record.history_date, "Status", who, f"{reason}: {words}" if reason else words))
                changed = True
            if record.assigned_to_id != previous.assigned_to_id:
                officer = _name(officers.get(record.assigned_to_id), "nobody")
                entries.append(StoryEntry(record.history_date, "Assignment", who, f"Assigned to {officer}"))
                changed = True
            if not changed:
                entries.append(StoryEntry(record.history_date, "Change", who, reason or "Details updated"))
        previous = record
    for note in enquiry.staff_notes.select_related("author"):
        entries.append(StoryEntry(note.created_at, "Staff note", _name(note.author, "LMC staff"), note.text))
    for message in enquiry.messages.select_related("author"):
        side = "LMC" if message.from_lmc else "practice"
        entries.append(
            StoryEntry(message.created_at, f"Message from the {side}", _name(message.author, "a former member"), message.text)
        )
    for reminder in enquiry.reminders.all():
        entries.append(
            StoryEntry(reminder.created_at, "Reminder", "The portal", f"Reminder sent: {Reminder.Kind(reminder.kind).label}")
        )
    return sorted(entries, key=lambda entry: entry.at, reverse=True)
