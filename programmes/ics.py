"""Calendar (.ics) files for programme bookings and cohort enrolments.

Each booking has one stable UID, so a calendar app updates the same event
when the booking changes: confirmation and promotion send METHOD:REQUEST,
cancellation sends METHOD:CANCEL, and SEQUENCE goes up every time.
"""

from datetime import datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from .models import Booking, Enrolment

LONDON = ZoneInfo("Europe/London")
PRODID = "-//LMC member portal//Practice Manager Development Programme//EN"


def booking_uid(booking: Booking) -> str:
    """Return the booking's calendar UID: the same for every version of its invitation."""
    host = urlsplit(settings.SITE_URL).hostname or "lmc-portal"
    return f"programme-booking-{booking.pk}@{host}"


def booking_ics(*, booking: Booking, cancelled: bool = False, now: datetime | None = None) -> str:
    """Return the .ics text for `booking`: an invitation, or its cancellation."""
    session = booking.session
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("method", "CANCEL" if cancelled else "REQUEST")

    event = Event()
    event.add("uid", booking_uid(booking))
    event.add("sequence", booking.ics_sequence)
    event.add("dtstamp", (now or timezone.now()).astimezone(ZoneInfo("UTC")))
    event.add("dtstart", session.starts_at.astimezone(LONDON))
    event.add("dtend", session.ends_at.astimezone(LONDON))
    event.add("summary", session.title)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    if session.mode == session.Mode.ONLINE:
        event.add("location", "Online")
        event.add("url", session.online_link)
    else:
        event.add("location", session.venue)
    description = [session.get_kind_display(), f"Footprint: {session.area.name}"]
    if session.mode == session.Mode.ONLINE:
        description.append(f"Join online: {session.online_link}")
    if session.description:
        description.append(session.description)
    event.add("description", "\n\n".join(description))
    organizer = vCalAddress(f"mailto:{settings.DEFAULT_FROM_EMAIL.split('<')[-1].rstrip('>')}")
    organizer.params["cn"] = vText(settings.LMC_NAME)
    event.add("organizer", organizer)
    attendee = vCalAddress(f"mailto:{booking.user.email}")
    attendee.params["cn"] = vText(str(booking.user))
    attendee.params["role"] = vText("REQ-PARTICIPANT")
    event.add("attendee", attendee)
    cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical().decode("utf-8")


def booking_ics_attachment(*, booking: Booking, cancelled: bool = False) -> dict:
    """Return the .ics as an `email_queue` attachment."""
    return {
        "filename": "cancelled.ics" if cancelled else "session.ics",
        "content": booking_ics(booking=booking, cancelled=cancelled),
        "mimetype": "text/calendar",
    }


def enrolment_session_uid(enrolment: Enrolment, session) -> str:
    """Return the calendar UID of one session of an enrolment: stable across versions of the invitation."""
    host = urlsplit(settings.SITE_URL).hostname or "lmc-portal"
    return f"programme-enrolment-{enrolment.pk}-session-{session.pk}@{host}"


def enrolment_ics(*, enrolment: Enrolment, cancelled: bool = False, now: datetime | None = None) -> str:
    """Return the .ics text for a cohort enrolment: one event for every session of the cohort, in Europe/London."""
    cohort = enrolment.cohort
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("method", "CANCEL" if cancelled else "REQUEST")
    stamp = (now or timezone.now()).astimezone(ZoneInfo("UTC"))
    sessions = list(cohort.sessions.all())
    for number, session in enumerate(sessions, start=1):
        event = Event()
        event.add("uid", enrolment_session_uid(enrolment, session))
        event.add("sequence", enrolment.ics_sequence)
        event.add("dtstamp", stamp)
        event.add("dtstart", session.starts_at.astimezone(LONDON))
        event.add("dtend", session.ends_at.astimezone(LONDON))
        event.add("summary", f"{cohort.programme.name}: {session.title}")
        event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
        description = [f"{cohort.name}, session {number} of {len(sessions)}", f"Footprint: {cohort.area.name}"]
        if session.mode == "online":
            event.add("location", "Online")
            event.add("url", session.online_link)
            description.append(f"Join online: {session.online_link}")
        else:
            event.add("location", session.venue)
        event.add("description", "\n\n".join(description))
        organizer = vCalAddress(f"mailto:{settings.DEFAULT_FROM_EMAIL.split('<')[-1].rstrip('>')}")
        organizer.params["cn"] = vText(settings.LMC_NAME)
        event.add("organizer", organizer)
        attendee = vCalAddress(f"mailto:{enrolment.user.email}")
        attendee.params["cn"] = vText(str(enrolment.user))
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        event.add("attendee", attendee)
        cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical().decode("utf-8")


def enrolment_ics_attachment(*, enrolment: Enrolment, cancelled: bool = False) -> dict:
    """Return the cohort's .ics as an `email_queue` attachment."""
    return {
        "filename": "cancelled.ics" if cancelled else "cohort-sessions.ics",
        "content": enrolment_ics(enrolment=enrolment, cancelled=cancelled),
        "mimetype": "text/calendar",
    }
