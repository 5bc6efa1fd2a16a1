"""Pastoral and professional support: a second service on the same enquiry engine (issue 15)."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from enquiries import sla
from enquiries.models import (
    EnquiryAccess,
    Scope,
    Sharing,
    Signpost,
    SignpostCategory,
    SupportService,
)
from enquiries.selectors import enquiries_visible_to_staff, enquiry_list_for_member, support_overview
from enquiries.services import (
    enquiry_message_send,
    enquiry_session_allowance_raise,
    enquiry_sharing_change,
    enquiry_signpost_record,
    enquiry_submit,
    reminders_send_due,
    support_session_book,
)
from members.models import Membership
from members.permissions import PASTORAL_SUPPORT
from tests.concurrency import run_concurrently
from tests.enquiries.factories import EnquiryFactory, PastoralEnquiryFactory
from tests.enquiries.triage_support import make_staff
from tests.factories import MembershipFactory

LONDON = ZoneInfo("Europe/London")
FRIDAY_3PM = datetime(2026, 11, 27, 15, 0, tzinfo=LONDON)
CHANGELIST = reverse("admin:enquiries_enquiry_changelist")
EXPORT = reverse("admin:enquiries_enquiry_export")
OVERVIEW = reverse("admin:enquiries_enquiry_overview")


def pastoral_submit(user, practice, **overrides):
    fields = {
        "service": "pastoral",
        "submitted_by": user,
        "practice": practice,
        "scope": Scope.PRACTICE,
        "topic": "gmc",
        "about": "self",
        "urgent": False,
        "urgent_reason": "",
        "summary": "The GMC has written to me about a complaint",
        "details": "I received a letter from the GMC this morning and I do not know what to do.",
        "now": FRIDAY_3PM,
        "allow_duplicate": True,
    }
    fields.update(overrides)
    return enquiry_submit(**fields)


def leadership_submit(user, practice, **overrides):
    fields = {
        "submitted_by": user,
        "practice": practice,
        "scope": Scope.PRACTICE,
        "topic": "partnership",
        "urgent": False,
        "urgent_reason": "",
        "summary": "Partners in dispute",
        "details": "Two partners no longer speak to each other.",
        "now": FRIDAY_3PM,
        "allow_duplicate": True,
    }
    fields.update(overrides)
    return enquiry_submit(**fields)


def pastoral_officer(**kwargs):
    user = make_staff("officer", **kwargs)
    user.groups.add(Group.objects.get(name=PASTORAL_SUPPORT))
    return user


@pytest.fixture
def pastoral():
    return SupportService.objects.get(slug="pastoral")


# --- The services the migration made ------------------------------------------------------


def test_migration_creates_both_services_with_their_targets(db):
    leadership = SupportService.objects.get(slug="leadership")
    pastoral = SupportService.objects.get(slug="pastoral")

    assert (leadership.reference_prefix, leadership.standard_working_days, leadership.urgent_hours) == ("LMS", 5, 48)
    assert leadership.close_of_business == time(17, 0)
    assert leadership.staff_group is None
    assert not leadership.for_person
    assert (pastoral.reference_prefix, pastoral.standard_working_days, pastoral.urgent_hours) == ("PPS", 2, 24)
    assert pastoral.for_person
    assert pastoral.staff_group.name == PASTORAL_SUPPORT
    assert pastoral.topics == [
        "wellbeing", "gmc", "performers_list", "return_to_work", "remediation",
        "complaint", "media", "individual_contract", "other",
    ]
    assert (pastoral.session_allowance, pastoral.retention_years) == (6, 6)
    assert "116 123" in pastoral.crisis_contacts
    assert "Practitioner Health" in pastoral.crisis_contacts


def test_pastoral_group_has_the_permissions_to_work_requests(db):
    codenames = set(Group.objects.get(name=PASTORAL_SUPPORT).permissions.values_list("codename", flat=True))
    assert {"view_enquiry", "take_enquiry", "record_contact_enquiry", "add_supportsession"} <= codenames


# --- Targets --------------------------------------------------------------------------------


def test_pastoral_request_on_friday_afternoon_is_due_tuesday_at_five(member, practice):
    enquiry = pastoral_submit(member, practice)

    assert enquiry.first_contact_due_at == datetime(2026, 12, 1, 17, 0, tzinfo=LONDON)
    assert enquiry.reference == "PPS-2026-00001"


def test_leadership_request_at_the_same_moment_is_unchanged(member, practice):
    enquiry = leadership_submit(member, practice)

    assert enquiry.first_contact_due_at == datetime(2026, 12, 4, 17, 0, tzinfo=LONDON)
    assert enquiry.first_contact_due_at == sla.first_contact_due(FRIDAY_3PM, urgent=False)
    assert enquiry.reference == "LMS-2026-00001"


def test_urgent_pastoral_request_is_due_in_twenty_four_hours(member, practice):
    enquiry = pastoral_submit(member, practice, urgent=True, urgent_reason="I cannot face going in tomorrow.")

    assert enquiry.first_contact_due_at == FRIDAY_3PM + timedelta(hours=24)


def test_existing_calls_without_a_service_go_to_leadership(member, practice):
    enquiry = leadership_submit(member, practice)

    assert enquiry.service.slug == "leadership"


def test_a_changed_service_target_applies_to_the_next_request(member, practice, pastoral):
    pastoral.standard_working_days = 3
    pastoral.close_of_business = time(16, 30)
    pastoral.save()

    enquiry = pastoral_submit(member, practice)

    assert enquiry.first_contact_due_at == datetime(2026, 12, 2, 16, 30, tzinfo=LONDON)


moments = st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2028, 12, 31)).map(
    lambda naive: naive.replace(tzinfo=LONDON)
)
targets = st.builds(
    sla.Targets,
    working_days=st.integers(min_value=1, max_value=15),
    urgent_hours=st.integers(min_value=1, max_value=120),
    close_of_business=st.times(min_value=time(12, 0), max_value=time(20, 0)).map(lambda t: t.replace(second=0, microsecond=0)),
)


@hypothesis_settings(max_examples=200, deadline=None)
@given(submitted_at=moments, service_targets=targets)
def test_every_service_target_gives_a_due_moment_that_keeps_its_promise(submitted_at, service_targets):
    standard = sla.first_contact_due(submitted_at, urgent=False, targets=service_targets)
    urgent = sla.first_contact_due(submitted_at, urgent=True, targets=service_targets)
    submitted_on = submitted_at.astimezone(LONDON).date()
    due_on = standard.astimezone(LONDON).date()

    assert sla.is_working_day(due_on)
    assert sla.working_days_between(submitted_on, due_on) == service_targets.working_days
    assert standard.astimezone(LONDON).time() == service_targets.close_of_business
    assert urgent.astimezone(UTC) - submitted_at.astimezone(UTC) == timedelta(hours=service_targets.urgent_hours)
    assert standard > submitted_at


@hypothesis_settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(submitted_at=moments)
def test_every_stored_service_keeps_its_own_promise(db, submitted_at):
    services = list(SupportService.objects.all())
    assert {service.slug for service in services} >= {"leadership", "pastoral"}
    for service in services:
        due_on = sla.first_contact_due(submitted_at, urgent=False, targets=service.targets).astimezone(LONDON).date()
        assert sla.working_days_between(submitted_at.astimezone(LONDON).date(), due_on) == service.standard_working_days


# --- References ----------------------------------------------------------------------------


def test_references_are_numbered_per_service(member, practice):
    assert leadership_submit(member, practice).reference == "LMS-2026-00001"
    assert pastoral_submit(member, practice).reference == "PPS-2026-00001"
    assert pastoral_submit(member, practice).reference == "PPS-2026-00002"
    assert leadership_submit(member, practice).reference == "LMS-2026-00002"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_to_two_services_get_unique_consecutive_references(member, practice):
    def work():
        import threading

        odd = threading.get_ident() % 2
        submit = pastoral_submit if odd else leadership_submit
        return submit(member, practice, now=None).reference

    results, errors = run_concurrently(10, work)

    assert errors == []
    for prefix in ("LMS", "PPS"):
        numbers = sorted(int(ref[-5:]) for ref in results if ref.startswith(prefix))
        assert numbers == list(range(1, len(numbers) + 1))
    assert len(set(results)) == 10


# --- Only me, always --------------------------------------------------------------------------


def test_pastoral_request_refuses_any_sharing_but_only_me(member, practice):
    colleague = MembershipFactory(practice=practice).user
    with pytest.raises(ValidationError) as refused:
        pastoral_submit(member, practice, sharing=Sharing.NAMED, shared_with=[colleague])
    assert "Only you can ever see" in str(refused.value)
    with pytest.raises(ValidationError):
        pastoral_submit(member, practice, sharing=Sharing.PRACTICE)


def test_pastoral_request_needs_to_say_whom_it_is_about(member, practice):
    with pytest.raises(ValidationError) as refused:
        pastoral_submit(member, practice, about="")
    assert "about" in refused.value.message_dict


def test_pastoral_request_refuses_a_leadership_topic(member, practice):
    with pytest.raises(ValidationError) as refused:
        pastoral_submit(member, practice, topic="premises")
    assert "topic" in refused.value.message_dict


def test_sender_cannot_widen_a_pastoral_request_later(member, practice):
    enquiry = pastoral_submit(member, practice)
    with pytest.raises(ValidationError):
        enquiry_sharing_change(enquiry=enquiry, by=member, sharing=Sharing.PRACTICE)


def test_member_selector_hides_a_pastoral_request_even_if_its_row_says_practice(member, practice):
    colleague = MembershipFactory(practice=practice).user
    enquiry = PastoralEnquiryFactory(practice=practice, submitted_by=member, sharing=Sharing.PRACTICE)
    enquiry.shared_with.add(colleague)

    assert list(enquiry_list_for_member(user=member)) == [enquiry]
    assert list(enquiry_list_for_member(user=colleague)) == []


# --- The visibility matrix -----------------------------------------------------------------------


@pytest.fixture
def request_of_a(practice, member):
    return PastoralEnquiryFactory(
        practice=practice,
        submitted_by=member,
        summary="Frightened about a GMC letter",
        details="Dr Afraid has been referred to the GMC",
    )


def _who(kind, practice, other_practice):
    if kind == "colleague":
        return MembershipFactory(practice=practice, role=Membership.Role.GP_PARTNER).user
    if kind == "other practice":
        return MembershipFactory(practice=other_practice).user
    if kind == "pastoral officer":
        return pastoral_officer()
    return make_staff({"officer outside the group": "officer", "triage lead": "lead", "levy": "levy", "programme": "programme"}[kind])


def test_sender_sees_their_pastoral_request(client, member, request_of_a):
    client.force_login(member)
    assert client.get(reverse("enquiries:detail", args=[request_of_a.reference])).status_code == 200
    assert request_of_a.reference in client.get(reverse("enquiries:list")).content.decode()


@pytest.mark.parametrize("kind", ["colleague", "other practice"])
def test_no_other_member_finds_a_trace_of_it(client, kind, practice, other_practice, request_of_a):
    user = _who(kind, practice, other_practice)
    client.force_login(user)

    assert client.get(reverse("enquiries:detail", args=[request_of_a.reference])).status_code == 404
    assert request_of_a.reference not in client.get(reverse("enquiries:list")).content.decode()
    assert request_of_a.reference not in client.get("/").content.decode()


def test_pastoral_officer_finds_it_everywhere_and_each_view_is_logged(client, request_of_a):
    officer = pastoral_officer()
    client.force_login(officer)

    assert list(client.get(CHANGELIST).context["cl"].result_list) == [request_of_a]
    assert list(client.get(CHANGELIST, {"q": request_of_a.reference}).context["cl"].result_list) == [request_of_a]
    assert client.get(reverse("admin:enquiries_enquiry_change", args=[request_of_a.pk])).status_code == 200
    assert client.get(reverse("admin:enquiries_enquiry_history", args=[request_of_a.pk])).status_code == 200
    assert request_of_a.reference in client.get(EXPORT).content.decode()
    assert sum(row["count"] for row in support_overview(visible_to=officer)["by_state"]) == 1
    assert EnquiryAccess.objects.filter(user=officer, enquiry=request_of_a, action="viewed").exists()


@pytest.mark.parametrize("kind", ["officer outside the group", "triage lead", "levy", "programme"])
def test_staff_outside_the_group_find_no_trace_of_it(client, kind, practice, other_practice, request_of_a):
    leadership_request = EnquiryFactory(summary="An ordinary lease question")
    user = _who(kind, practice, other_practice)
    client.force_login(user)
    secrets = [request_of_a.reference, request_of_a.summary, request_of_a.details]

    visible = list(enquiries_visible_to_staff(user=user))
    assert visible in ([leadership_request], [])
    listing = client.get(CHANGELIST)
    if listing.status_code == 200:
        assert request_of_a not in listing.context["cl"].result_list
        assert list(client.get(CHANGELIST, {"q": request_of_a.reference}).context["cl"].result_list) == []
    for url in [
        reverse("admin:enquiries_enquiry_change", args=[request_of_a.pk]),
        reverse("admin:enquiries_enquiry_history", args=[request_of_a.pk]),
        EXPORT,
        OVERVIEW,
    ]:
        response = client.get(url, follow=True)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert not [s for s in secrets if s in body.decode()], url
    assert sum(row["count"] for row in support_overview(visible_to=user)["by_state"]) == len(visible)
    assert not EnquiryAccess.objects.filter(user=user, enquiry=request_of_a).exists()


def test_emails_about_a_pastoral_request_go_to_its_service_inbox_and_its_sender_only(
    member, practice, pastoral, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.LMC_TRIAGE_EMAIL = "triage@lmc.example.org"
    pastoral.reminder_email = "pastoral-team@lmc.example.org"
    pastoral.save()
    colleague = MembershipFactory(practice=practice).user
    with django_capture_on_commit_callbacks(execute=True):
        enquiry = pastoral_submit(member, practice, now=None)
    officer = pastoral_officer()
    with django_capture_on_commit_callbacks(execute=True):
        enquiry_message_send(enquiry=enquiry, author=officer, text="Can we talk on Monday?")

    recipients = sorted(address for email in mailoutbox for address in email.to)
    assert "triage@lmc.example.org" not in recipients
    assert colleague.email not in recipients
    assert set(recipients) == {member.email, "pastoral-team@lmc.example.org"}
    for email in mailoutbox:
        assert enquiry.details not in email.body
        assert "GMC" not in email.body


def test_breach_alert_uses_the_service_inbox_and_targets(practice, pastoral, settings, mailoutbox):
    settings.LMC_TRIAGE_EMAIL = "triage@lmc.example.org"
    pastoral.reminder_email = "pastoral-team@lmc.example.org"
    pastoral.save()
    now = datetime(2026, 12, 2, 9, 0, tzinfo=LONDON)
    PastoralEnquiryFactory(practice=practice, submitted_at=now - timedelta(days=3), first_contact_due_at=now - timedelta(hours=1))

    reminders_send_due(now=now)

    assert [email.to for email in mailoutbox] == [["pastoral-team@lmc.example.org"]]


# --- Support sessions -----------------------------------------------------------------------------


@pytest.fixture
def in_support(practice, member):
    from enquiries.services import enquiry_record_first_contact

    officer = pastoral_officer()
    enquiry = PastoralEnquiryFactory(practice=practice, submitted_by=member, session_allowance=2)
    enquiry_record_first_contact(enquiry=enquiry, by=officer, method="phone", at=enquiry.submitted_at)
    enquiry.refresh_from_db()
    return enquiry, officer


def test_sessions_are_dated_and_counted_up_to_the_allowance(in_support):
    enquiry, officer = in_support
    support_session_book(enquiry=enquiry, held_on=date(2026, 12, 3), by=officer)
    support_session_book(enquiry=enquiry, held_on=date(2026, 12, 10), by=officer)

    with pytest.raises(ValidationError) as refused:
        support_session_book(enquiry=enquiry, held_on=date(2026, 12, 17), by=officer)

    assert "has had all 2 of its support sessions" in str(refused.value)
    assert "triage lead" in str(refused.value)
    assert [s.held_on for s in enquiry.support_sessions.all()] == [date(2026, 12, 3), date(2026, 12, 10)]


def test_only_the_triage_lead_raises_the_allowance_and_it_is_recorded(in_support):
    enquiry, officer = in_support
    with pytest.raises(PermissionDenied):
        enquiry_session_allowance_raise(enquiry=enquiry, to=4, reason="More needed", by=officer)
    lead = make_staff("lead")
    lead.groups.add(Group.objects.get(name=PASTORAL_SUPPORT))

    enquiry_session_allowance_raise(enquiry=enquiry, to=4, reason="GMC hearing next month", by=lead)

    enquiry.refresh_from_db()
    assert enquiry.session_allowance == 4
    latest = enquiry.history.latest()
    assert latest.history_user == lead
    assert "from 2 to 4: GMC hearing" in latest.history_change_reason
    for held_on in (date(2026, 12, 3), date(2026, 12, 10), date(2026, 12, 17)):
        support_session_book(enquiry=enquiry, held_on=held_on, by=officer)


def test_allowance_cannot_be_lowered_or_raised_without_a_reason(in_support):
    enquiry, _ = in_support
    lead = make_staff("lead")
    lead.groups.add(Group.objects.get(name=PASTORAL_SUPPORT))
    with pytest.raises(ValidationError) as refused:
        enquiry_session_allowance_raise(enquiry=enquiry, to=1, reason="", by=lead)
    assert set(refused.value.message_dict) == {"session_allowance", "reason"}


def test_no_session_before_the_first_conversation(practice, member):
    enquiry = PastoralEnquiryFactory(practice=practice, submitted_by=member)
    with pytest.raises(ValidationError) as refused:
        support_session_book(enquiry=enquiry, held_on=date(2026, 12, 3), by=pastoral_officer())
    assert "first conversation" in str(refused.value)


def test_officer_outside_the_group_cannot_book_a_session(in_support):
    enquiry, _ = in_support
    with pytest.raises(PermissionDenied):
        support_session_book(enquiry=enquiry, held_on=date(2026, 12, 3), by=make_staff("officer"))


# --- Signposting ---------------------------------------------------------------------------


def test_signposting_is_kept_in_the_history_and_shown_to_the_member(client, in_support, member):
    enquiry, officer = in_support
    mdu = Signpost.objects.create(
        name="Test Defence Union", category=SignpostCategory.MDO, helps_with="Medico-legal advice", phone="0800 000 000"
    )

    enquiry_signpost_record(enquiry=enquiry, signpost=mdu, by=officer)

    assert enquiry.history.latest().history_change_reason == "Signposted to Test Defence Union"
    client.force_login(member)
    page = client.get(reverse("enquiries:detail", args=[enquiry.reference])).content.decode()
    assert "Test Defence Union" in page
    assert "0800 000 000" in page


# --- Retention ------------------------------------------------------------------------------


def test_pastoral_requests_are_kept_for_the_service_period(practice, pastoral):
    from enquiries.services import enquiries_anonymise_due

    closed_at = datetime(2020, 1, 10, 12, 0, tzinfo=LONDON)
    kept = PastoralEnquiryFactory(practice=practice, status="closed", outcome="Done", closed_at=closed_at, first_contact_at=None)
    pastoral.retention_years = 8
    pastoral.save()

    assert enquiries_anonymise_due(now=datetime(2027, 1, 11, tzinfo=LONDON), dry_run=True) == []
    due = enquiries_anonymise_due(now=datetime(2028, 1, 11, tzinfo=LONDON), dry_run=True)
    assert [c.reference for c in due] == [kept.reference]
    assert due[0].retention_years == 8


def test_subject_access_export_includes_a_pastoral_request_with_its_sessions_and_signposts(in_support, member):
    from enquiries.personal_data import collect

    enquiry, officer = in_support
    support_session_book(enquiry=enquiry, held_on=date(2026, 12, 3), by=officer)
    enquiry_signpost_record(
        enquiry=enquiry,
        signpost=Signpost.objects.create(name="Test Health Service", category=SignpostCategory.WELLBEING, helps_with="Health"),
        by=officer,
    )

    (row,) = collect(member)["enquiries"]

    assert row["topic"] == "GMC enquiry or investigation"
    assert row["about"] == "Me"
    assert row["service"] == "Pastoral and professional support"
    assert row["support_sessions"] == "2026-12-03"
    assert row["signposted_to"] == "Test Health Service"


def test_only_pastoral_officers_are_offered_for_assignment_or_count_as_free(request_of_a):
    from enquiries.selectors import enquiries_without_unconflicted_officer, officers_without_conflict

    ordinary = make_staff("officer")
    assert ordinary not in officers_without_conflict(enquiries=[request_of_a])
    assert list(enquiries_without_unconflicted_officer()) == [request_of_a]

    pastoral = pastoral_officer()

    assert list(officers_without_conflict(enquiries=[request_of_a])) == [pastoral]
    assert list(enquiries_without_unconflicted_officer()) == []
