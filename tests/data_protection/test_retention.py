from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db.models import Count, F, Q

from enquiries.models import AccessAction, Enquiry, EnquiryAccess, RetentionPolicy, StaffNote, Status, Topic
from enquiries.retention import add_years
from enquiries.services import data_protection, staff_note_add
from enquiries.services.data_protection import REMOVED_TEXT, enquiries_anonymise_due
from tests.enquiries.factories import EnquiryFactory

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2033, 6, 15, 2, 0, tzinfo=LONDON)


def closed_enquiry(*, closed_at: datetime, topic=Topic.PARTNERSHIP, urgent=False, met=True, **kwargs) -> Enquiry:
    """A closed enquiry; first contact before (met) or after (missed) its due time."""
    submitted_at = closed_at - timedelta(days=60)
    due = submitted_at + timedelta(days=5)
    enquiry = EnquiryFactory(
        topic=topic,
        submitted_at=submitted_at,
        first_contact_due_at=due,
        urgent=urgent,
        urgent_reason="A partner walked out today." if urgent else "",
        summary="Dispute between Dr Grey and Dr Green",
        details="Dr Grey says Dr Green has not done sessions; call Dr Grey on 07700 900123.",
        contact_phone="07700 900123",
        preferred_contact_times="Tuesdays after 2pm",
        **kwargs,
    )
    # Walk it through the journey so its history holds every version of the text.
    enquiry.status = Status.FIRST_CONTACT
    enquiry.first_contact_at = due - timedelta(hours=1) if met else due + timedelta(hours=5)
    enquiry.first_contact_method = "phone"
    enquiry.plan = "Facilitated meeting between Dr Grey and Dr Green"
    enquiry.save()
    enquiry.status = Status.CLOSED
    enquiry.outcome = "Dr Green agreed to leave the partnership"
    enquiry.closed_at = closed_at
    enquiry.save()
    return enquiry


PERSONAL_TEXT = ["Dr Grey", "Dr Green", "07700 900123", "Tuesdays", "walked out"]


def text_of(enquiry: Enquiry) -> str:
    fields = ["summary", "details", "urgent_reason", "plan", "outcome", "contact_phone", "preferred_contact_times"]
    return " ".join(str(getattr(enquiry, f)) for f in fields)


def test_enquiry_closed_more_than_six_years_ago_is_anonymised(officer):
    enquiry = closed_enquiry(closed_at=add_years(NOW, -6) - timedelta(days=1), assigned_to=officer, urgent=True)

    [done] = enquiries_anonymise_due(now=NOW)

    enquiry.refresh_from_db()
    assert done.reference == enquiry.reference
    assert enquiry.anonymised_at is not None
    assert not any(text in text_of(enquiry) for text in PERSONAL_TEXT)
    assert (enquiry.summary, enquiry.details, enquiry.urgent_reason, enquiry.outcome) == (REMOVED_TEXT,) * 4
    assert (enquiry.plan, enquiry.contact_phone, enquiry.preferred_contact_times) == ("", "", "")
    assert enquiry.submitted_by is None
    assert enquiry.assigned_to is None


def test_anonymising_keeps_what_statistics_need():
    enquiry = closed_enquiry(closed_at=add_years(NOW, -7), urgent=True)
    kept = ["reference", "practice_id", "pcn_id", "scope", "topic", "urgent", "status", "submitted_at",
            "sla_started_at", "first_contact_due_at", "first_contact_at", "first_contact_method", "closed_at"]
    before = Enquiry.objects.values(*kept).get(pk=enquiry.pk)

    enquiries_anonymise_due(now=NOW)

    assert Enquiry.objects.values(*kept).get(pk=enquiry.pk) == before


def test_enquiry_still_within_its_period_is_untouched():
    enquiry = closed_enquiry(closed_at=add_years(NOW, -6) + timedelta(hours=1))
    before = text_of(enquiry)

    assert enquiries_anonymise_due(now=NOW) == []

    enquiry.refresh_from_db()
    assert text_of(enquiry) == before
    assert enquiry.anonymised_at is None


def test_open_enquiries_are_never_anonymised_however_old():
    old_open = EnquiryFactory(submitted_at=add_years(NOW, -10))

    assert enquiries_anonymise_due(now=NOW) == []

    old_open.refresh_from_db()
    assert old_open.anonymised_at is None


def test_topic_policy_overrides_the_default(settings):
    settings.LMC_RETENTION_YEARS_DEFAULT = 6
    RetentionPolicy.objects.create(topic=Topic.PREMISES, years_after_closing=10)
    premises = closed_enquiry(closed_at=add_years(NOW, -8), topic=Topic.PREMISES)
    workforce = closed_enquiry(closed_at=add_years(NOW, -8), topic=Topic.WORKFORCE)

    done = enquiries_anonymise_due(now=NOW)

    assert [c.reference for c in done] == [workforce.reference]
    premises.refresh_from_db()
    assert premises.anonymised_at is None


def test_default_period_comes_from_the_setting(settings):
    settings.LMC_RETENTION_YEARS_DEFAULT = 3
    enquiry = closed_enquiry(closed_at=add_years(NOW, -4))

    assert [c.reference for c in enquiries_anonymise_due(now=NOW)] == [enquiry.reference]


def _statistics() -> dict:
    by_topic = dict(Enquiry.objects.values_list("topic").annotate(n=Count("pk")).order_by())
    sla = Enquiry.objects.aggregate(
        met=Count("pk", filter=Q(first_contact_at__lte=F("first_contact_due_at"))),
        missed=Count("pk", filter=Q(first_contact_at__gt=F("first_contact_due_at"))),
        urgent=Count("pk", filter=Q(urgent=True)),
    )
    return {"by_topic": by_topic, **sla}


def test_statistics_are_the_same_after_anonymising():
    old = add_years(NOW, -7)
    closed_enquiry(closed_at=old, topic=Topic.PARTNERSHIP, met=True)
    closed_enquiry(closed_at=old, topic=Topic.PARTNERSHIP, met=False, urgent=True)
    closed_enquiry(closed_at=old, topic=Topic.PREMISES, met=False)
    closed_enquiry(closed_at=NOW - timedelta(days=30), topic=Topic.PREMISES, met=True)
    before = _statistics()

    assert len(enquiries_anonymise_due(now=NOW)) == 3

    after = _statistics()
    assert after == before
    assert after["by_topic"] == {Topic.PARTNERSHIP: 2, Topic.PREMISES: 2}
    assert (after["met"], after["missed"]) == (2, 2)


def test_history_rows_are_scrubbed_of_text_and_of_the_member(member):
    enquiry = closed_enquiry(closed_at=add_years(NOW, -7), urgent=True, submitted_by=member)
    Enquiry.history.filter(id=enquiry.pk).update(history_user=member)  # as if the member's own request saved it
    assert enquiry.history.count() == 3

    enquiries_anonymise_due(now=NOW)

    rows = list(Enquiry.history.model.objects.filter(id=enquiry.pk))
    assert len(rows) == 4  # plus the anonymising change itself
    for row in rows:
        assert not any(text in text_of(row) for text in PERSONAL_TEXT)
        assert row.submitted_by_id is None
        assert row.assigned_to_id is None
        assert row.history_user_id != member.pk


def test_anonymising_is_logged_in_the_access_log():
    enquiry = closed_enquiry(closed_at=add_years(NOW, -7))

    enquiries_anonymise_due(now=NOW)

    entry = EnquiryAccess.objects.get(enquiry=enquiry)
    assert (entry.action, entry.user) == (AccessAction.ANONYMISED, None)
    assert "6 years" in entry.note


def test_running_twice_anonymises_once():
    closed_enquiry(closed_at=add_years(NOW, -7))

    assert len(enquiries_anonymise_due(now=NOW)) == 1
    assert enquiries_anonymise_due(now=NOW) == []
    assert EnquiryAccess.objects.filter(action=AccessAction.ANONYMISED).count() == 1


def test_dry_run_lists_but_changes_nothing():
    enquiry = closed_enquiry(closed_at=add_years(NOW, -7))
    history_before = list(Enquiry.history.model.objects.filter(id=enquiry.pk).values())

    [candidate] = enquiries_anonymise_due(now=NOW, dry_run=True)

    assert candidate.reference == enquiry.reference
    enquiry.refresh_from_db()
    assert enquiry.anonymised_at is None
    assert "Dr Grey" in enquiry.details
    assert list(Enquiry.history.model.objects.filter(id=enquiry.pk).values()) == history_before
    assert not EnquiryAccess.objects.exists()


def test_dry_run_command_shows_what_would_be_anonymised(capsys, time_machine):
    time_machine.move_to(NOW)
    enquiry = closed_enquiry(closed_at=add_years(NOW, -7))

    call_command("anonymise_enquiries", "--dry-run")

    out = capsys.readouterr().out
    assert enquiry.reference in out
    assert "Would anonymise 1 enquiry" in out
    enquiry.refresh_from_db()
    assert enquiry.anonymised_at is None


def test_command_anonymises(capsys, time_machine):
    time_machine.move_to(NOW)
    enquiry = closed_enquiry(closed_at=add_years(NOW, -7))

    call_command("anonymise_enquiries")

    assert "Anonymised 1 enquiry" in capsys.readouterr().out
    enquiry.refresh_from_db()
    assert enquiry.details == REMOVED_TEXT


def test_hooks_let_other_parts_of_the_portal_remove_their_text(monkeypatch):
    enquiry = closed_enquiry(closed_at=add_years(NOW, -7))
    seen = []
    monkeypatch.setattr(data_protection, "ANONYMISE_HOOKS", [lambda e: seen.append(e.reference)])

    enquiries_anonymise_due(now=NOW)

    assert seen == [enquiry.reference]


def test_staff_notes_are_deleted_when_the_enquiry_is_anonymised(officer):
    enquiry = closed_enquiry(closed_at=add_years(NOW, -7))
    recent = closed_enquiry(closed_at=NOW - timedelta(days=1))
    staff_note_add(enquiry=enquiry, author=officer, text="Dr Grey was upset")
    staff_note_add(enquiry=recent, author=officer, text="Still needed")

    enquiries_anonymise_due(now=NOW)

    notes = StaffNote.objects.all()
    assert notes.count() == 1


@pytest.mark.parametrize(
    ("moment", "years", "expected"),
    [
        (datetime(2030, 3, 1, 12, 0), -6, datetime(2024, 3, 1, 12, 0)),
        (datetime(2028, 2, 29, 9, 0), 6, datetime(2034, 2, 28, 9, 0)),
        (datetime(2028, 2, 29, 9, 0), -4, datetime(2024, 2, 29, 9, 0)),
    ],
)
def test_retention_years_are_calendar_years_with_leap_days_handled(moment, years, expected):
    assert add_years(moment, years) == expected


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_anonymise_each_enquiry_once():
    import threading

    from django.db import connection

    closed_enquiry(closed_at=add_years(NOW, -7))
    closed_enquiry(closed_at=add_years(NOW, -8))
    start = threading.Barrier(2)
    results = []

    def run():
        try:
            start.wait()
            results.append(len(enquiries_anonymise_due(now=NOW)))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sum(results) == 2
    assert EnquiryAccess.objects.filter(action=AccessAction.ANONYMISED).count() == 2
