"""Conflicts of interest: an officer tied to a practice never sees, is assigned to, or is reminded about its enquiries.

The matrix runs every read and every action over the three ways to be
conflicted: automatically (a membership at the practice), by a declared
conflict with the practice, and by a declared conflict with its PCN.
"""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from enquiries.admin.triage.forms import AssignForm
from enquiries.models import ConflictOfInterest, EnquiryAccess, Reminder, Status
from enquiries.selectors import (
    enquiries_visible_to_staff,
    enquiries_without_unconflicted_officer,
    support_overview,
)
from enquiries.services import (
    CONFLICT_UNASSIGNED_REASON,
    conflict_declare,
    conflict_withdraw,
    enquiry_assign,
    reminders_send_due,
)
from mail.models import OutboundEmail
from members.models import Membership
from tests.enquiries.factories import EnquiryFactory
from tests.enquiries.triage_support import make_staff
from tests.factories import MembershipFactory, PCNFactory, PracticeFactory

pytestmark = pytest.mark.django_db

KINDS = ["automatic", "declared_practice", "declared_pcn"]
TRIAGE = "triage-inbox@lmc.example.org"
CHANGELIST = reverse("admin:enquiries_enquiry_changelist")
EXPORT = reverse("admin:enquiries_enquiry_export")
OVERVIEW = reverse("admin:enquiries_enquiry_overview")
CONFLICTS = reverse("admin:enquiries_conflictofinterest_changelist")
DECLARE = reverse("admin:enquiries_conflictofinterest_add")


@pytest.fixture(autouse=True)
def triage_inbox(settings):
    settings.LMC_TRIAGE_EMAIL = TRIAGE


@pytest.fixture
def practice(db):
    return PracticeFactory(name="Riverside Conflicted Surgery", pcn=PCNFactory(name="Riverside Valley PCN"))


@pytest.fixture
def lead(db):
    return make_staff("lead", first_name="Tara", last_name="Lead")


@pytest.fixture
def officer(db):
    return make_staff("officer", first_name="Gita", last_name="Patel")


@pytest.fixture
def colleague(db):
    return make_staff("officer", first_name="Owen", last_name="Okafor")


@pytest.fixture
def enquiry(practice):
    return EnquiryFactory(
        practice=practice,
        summary="Secret partnership quarrel",
        details="Dr Secretive wants the profit share changed",
    )


@pytest.fixture
def unrelated(db):
    return EnquiryFactory(summary="Unrelated lease question")


def make_conflict(kind: str, *, who, practice, by):
    if kind == "automatic":
        return MembershipFactory(user=who, practice=practice, role=Membership.Role.GP_PARTNER)
    if kind == "declared_practice":
        return conflict_declare(officer=who, practice=practice, reason="I am a partner there.", by=by)
    return conflict_declare(officer=who, pcn=practice.pcn, reason="My spouse manages a practice in it.", by=by)


@pytest.fixture(params=KINDS)
def kind(request):
    return request.param


@pytest.fixture
def conflicted(kind, officer, practice, lead):
    make_conflict(kind, who=officer, practice=practice, by=lead)
    return officer


def logged_in(client, user):
    client.force_login(user)
    return client


def secrets_in(text: str, enquiry, *, typed: str = "") -> list[str]:
    """What of the enquiry shows in `text` (a search box shows back what was `typed`, so that is not counted)."""
    return [s for s in (enquiry.reference, enquiry.summary, enquiry.details) if s in text and s not in typed]


# --- The selector ---------------------------------------------------------------------


def test_conflicted_officer_does_not_see_the_enquiry_but_a_colleague_does(conflicted, colleague, enquiry, unrelated):
    assert list(enquiries_visible_to_staff(user=conflicted)) == [unrelated]
    assert set(enquiries_visible_to_staff(user=colleague)) == {enquiry, unrelated}


def test_superuser_is_not_exempt_from_a_conflict(kind, practice, lead, enquiry, unrelated):
    superuser = make_staff("none", is_superuser=True)
    make_conflict(kind, who=superuser, practice=practice, by=lead)
    assert list(enquiries_visible_to_staff(user=superuser)) == [unrelated]


def test_inactive_membership_is_no_longer_a_conflict(officer, practice, enquiry):
    MembershipFactory(user=officer, practice=practice, is_active=False)
    assert enquiry in enquiries_visible_to_staff(user=officer)


def test_pcn_conflict_covers_a_practice_that_joins_the_pcn_later(officer, practice, lead):
    conflict_declare(officer=officer, pcn=practice.pcn, reason="Spouse is clinical director.", by=lead)
    newcomer = PracticeFactory()
    later = EnquiryFactory(practice=newcomer)
    assert later in enquiries_visible_to_staff(user=officer)

    newcomer.pcn = practice.pcn
    newcomer.save()

    assert later not in enquiries_visible_to_staff(user=officer)


def test_pcn_conflict_covers_a_pcn_enquiry_about_that_pcn(officer, practice, lead):
    conflict_declare(officer=officer, pcn=practice.pcn, reason="Spouse is clinical director.", by=lead)
    moved_away = PracticeFactory()
    about_the_pcn = EnquiryFactory(practice=moved_away, scope="pcn", pcn=practice.pcn)
    assert about_the_pcn not in enquiries_visible_to_staff(user=officer)


def test_conflict_hides_an_enquiry_even_from_an_officer_named_on_its_restriction(conflicted, colleague, enquiry, lead):
    enquiry.restricted_to.set([lead, conflicted])
    enquiry.restricted_at = timezone.now()
    enquiry.save()

    assert enquiry not in enquiries_visible_to_staff(user=conflicted)  # restriction allows, conflict does not
    assert enquiry not in enquiries_visible_to_staff(user=colleague)  # no conflict, restriction does not allow
    assert enquiry in enquiries_visible_to_staff(user=lead)  # both allow


def test_withdrawn_conflict_stops_hiding_and_its_record_stays(officer, practice, lead, enquiry):
    conflict = conflict_declare(officer=officer, practice=practice, reason="Locum there last year.", by=lead)
    conflict_withdraw(conflict=conflict, by=lead)

    assert enquiry in enquiries_visible_to_staff(user=officer)
    kept = ConflictOfInterest.objects.get(pk=conflict.pk)
    assert (kept.withdrawn_by, kept.reason, kept.is_open) == (lead, "Locum there last year.", False)


# --- Every read in the admin ------------------------------------------------------------


def test_conflicted_officer_does_not_find_it_in_the_triage_list(client, conflicted, enquiry, unrelated):
    rows = logged_in(client, conflicted).get(CHANGELIST).context["cl"].result_list
    assert list(rows) == [unrelated]


@pytest.mark.parametrize("term", ["reference", "practice name", "ODS code"])
def test_conflicted_officer_does_not_find_it_by_search(client, conflicted, enquiry, term):
    q = {"reference": enquiry.reference, "practice name": enquiry.practice.name, "ODS code": enquiry.practice.ods_code}
    rows = logged_in(client, conflicted).get(CHANGELIST, {"q": q[term]}).context["cl"].result_list
    assert list(rows) == []


def test_change_page_answers_as_for_a_restricted_enquiry_and_nothing_is_logged(client, conflicted, enquiry):
    response = logged_in(client, conflicted).get(reverse("admin:enquiries_enquiry_change", args=[enquiry.pk]))
    assert response.status_code == 302  # the admin's "does not exist" redirect, as for a restricted enquiry
    assert not EnquiryAccess.objects.filter(user=conflicted).exists()


def test_history_page_answers_as_for_a_restricted_enquiry(client, conflicted, enquiry):
    response = logged_in(client, conflicted).get(reverse("admin:enquiries_enquiry_history", args=[enquiry.pk]))
    assert response.status_code == 302
    assert secrets_in(client.get(response.url).content.decode(), enquiry) == []


def test_csv_export_leaves_it_out(client, conflicted, enquiry, unrelated):
    body = logged_in(client, conflicted).get(EXPORT).content.decode()
    assert unrelated.reference in body
    assert secrets_in(body, enquiry) == []


def test_support_overview_leaves_it_out_of_every_figure(client, conflicted, colleague, enquiry):
    hidden = support_overview(visible_to=conflicted)
    seen = support_overview(visible_to=colleague)
    assert sum(row["count"] for row in hidden["by_state"]) == 0
    assert sum(row["count"] for row in seen["by_state"]) == 1
    assert sum(hidden["per_topic"]["counts"]) == 0
    assert sum(seen["per_topic"]["counts"]) == 1
    assert logged_in(client, conflicted).get(OVERVIEW).status_code == 200


# --- Assignment -------------------------------------------------------------------------


def test_assigning_a_conflicted_officer_is_refused_with_a_clear_message(conflicted, lead, enquiry):
    with pytest.raises(ValidationError) as refused:
        enquiry_assign(enquiry=enquiry, officer=conflicted, by=lead)
    assert "conflict of interest" in refused.value.messages[0]
    enquiry.refresh_from_db()
    assert enquiry.assigned_to is None


def test_conflicted_officer_is_left_out_of_the_assign_list(conflicted, colleague, lead, enquiry, unrelated):
    choices = set(AssignForm(enquiries=[enquiry]).fields["officer"].queryset)
    assert conflicted not in choices
    assert {colleague, lead} <= choices
    assert conflicted in set(AssignForm(enquiries=[unrelated]).fields["officer"].queryset)


def test_assign_step_in_the_admin_does_not_offer_or_accept_a_conflicted_officer(client, conflicted, lead, enquiry):
    url = reverse("admin:enquiries_enquiry_step", args=[enquiry.pk, "assign"])
    page = logged_in(client, lead).get(url)
    assert str(conflicted.pk) not in [str(value) for value, _ in page.context["form"].fields["officer"].choices]
    response = client.post(url, {"apply": "1", "officer": conflicted.pk})
    assert response.status_code == 200
    assert response.context["form"].errors
    enquiry.refresh_from_db()
    assert enquiry.assigned_to is None


def test_conflicted_officer_cannot_take_it_from_the_changelist(client, conflicted, enquiry):
    logged_in(client, conflicted).post(
        CHANGELIST, {"action": "take", "_selected_action": [enquiry.pk], "apply": "1"}
    )
    enquiry.refresh_from_db()
    assert enquiry.assigned_to is None


# --- Reminders -------------------------------------------------------------------------------


def test_due_soon_reminder_never_goes_to_a_conflicted_officer(kind, officer, practice, lead, mailoutbox):
    now = timezone.now()
    enquiry = EnquiryFactory(
        practice=practice, submitted_at=now - timedelta(days=6), first_contact_due_at=now + timedelta(hours=10)
    )
    enquiry_assign(enquiry=enquiry, officer=officer, by=lead)
    make_conflict(kind, who=officer, practice=practice, by=lead)  # after assignment: the worst case

    sweep = reminders_send_due(now=now)

    assert sweep.due_soon == 1
    reminder = Reminder.objects.get(enquiry=enquiry, kind=Reminder.Kind.DUE_SOON)
    assert reminder.email.to == [TRIAGE]
    assert all(officer.email not in message.to for message in mailoutbox)


# --- Declaring on open work ---------------------------------------------------------------


@pytest.mark.parametrize("declared", ["declared_practice", "declared_pcn"])
def test_declaring_a_conflict_unassigns_the_officers_enquiry_and_records_it(declared, officer, practice, lead, enquiry):
    enquiry_assign(enquiry=enquiry, officer=officer, by=lead)

    make_conflict(declared, who=officer, practice=practice, by=officer)

    enquiry.refresh_from_db()
    assert (enquiry.assigned_to, enquiry.status) == (None, Status.SUBMITTED)
    latest = enquiry.history.latest()
    assert (latest.history_change_reason, latest.history_user) == (CONFLICT_UNASSIGNED_REASON, officer)
    assert CONFLICT_UNASSIGNED_REASON == "Officer declared a conflict of interest"


def test_triage_inbox_is_told_without_the_practice_or_the_topic(officer, practice, lead, enquiry, unrelated):
    enquiry_assign(enquiry=enquiry, officer=officer, by=lead)
    enquiry_assign(enquiry=unrelated, officer=officer, by=lead)

    conflict_declare(officer=officer, practice=practice, reason="I am a partner there.", by=officer)

    email = OutboundEmail.objects.get(to=[TRIAGE], subject__contains="conflict of interest")
    text = f"{email.subject}\n{email.body_text}\n{email.body_html}"
    assert enquiry.reference in text
    assert unrelated.reference not in text
    for secret in (practice.name, practice.ods_code, practice.pcn.name, enquiry.get_topic_display(), enquiry.summary):
        assert secret not in text
    unrelated.refresh_from_db()
    assert unrelated.assigned_to == officer  # other work stays with them


def test_declaring_with_no_open_work_sends_no_email(officer, practice, lead):
    conflict_declare(officer=officer, practice=practice, reason="I am a partner there.", by=officer)
    assert not OutboundEmail.objects.filter(to=[TRIAGE]).exists()


# --- Who records and withdraws -----------------------------------------------------------------


def test_officer_cannot_record_a_conflict_for_someone_else(officer, colleague, practice):
    with pytest.raises(PermissionDenied):
        conflict_declare(officer=colleague, practice=practice, reason="Heard they are a partner.", by=officer)


def test_only_the_triage_lead_can_withdraw_a_conflict(officer, practice):
    conflict = conflict_declare(officer=officer, practice=practice, reason="Partner there.", by=officer)
    with pytest.raises(PermissionDenied):
        conflict_withdraw(conflict=conflict, by=officer)
    assert ConflictOfInterest.objects.get(pk=conflict.pk).is_open


def test_declaring_needs_exactly_one_of_practice_and_pcn(officer, practice):
    with pytest.raises(ValidationError, match="either a practice or a PCN"):
        conflict_declare(officer=officer, practice=practice, pcn=practice.pcn, reason="Both.", by=officer)
    with pytest.raises(ValidationError, match="either a practice or a PCN"):
        conflict_declare(officer=officer, reason="Neither.", by=officer)


def test_the_same_conflict_cannot_be_declared_twice_while_in_force(officer, practice):
    conflict_declare(officer=officer, practice=practice, reason="Partner there.", by=officer)
    with pytest.raises(ValidationError, match="already"):
        conflict_declare(officer=officer, practice=practice, reason="Partner there.", by=officer)


@pytest.mark.postgres
@pytest.mark.parametrize("where", ["both", "neither"])
def test_database_refuses_a_conflict_with_both_or_neither(where, officer, practice, lead):
    fields = {"practice": practice, "pcn": practice.pcn} if where == "both" else {}
    with pytest.raises(IntegrityError), transaction.atomic():
        ConflictOfInterest.objects.create(
            officer=officer, reason="Bad row", recorded_by=lead, recorded_at=timezone.now(), **fields
        )


# --- The admin pages for conflicts ---------------------------------------------------------------


def test_officer_declares_their_own_conflict_on_an_admin_page(client, officer, practice, enquiry):
    page = logged_in(client, officer).get(DECLARE)
    assert page.status_code == 200
    assert "officer" not in page.context["adminform"].form.fields

    response = client.post(DECLARE, {"practice": practice.pk, "reason": "I am a partner there."})

    assert response.status_code == 302
    conflict = ConflictOfInterest.objects.get()
    assert (conflict.officer, conflict.recorded_by, conflict.practice) == (officer, officer, practice)
    assert enquiry not in enquiries_visible_to_staff(user=officer)


def test_declaring_both_on_the_admin_page_explains_and_saves_nothing(client, officer, practice):
    response = logged_in(client, officer).post(
        DECLARE, {"practice": practice.pk, "pcn": practice.pcn.pk, "reason": "Both."}
    )
    assert response.status_code == 200
    assert "Choose either a practice or a PCN, not both." in response.content.decode()
    assert not ConflictOfInterest.objects.exists()


def test_triage_lead_records_a_conflict_for_any_officer(client, lead, officer, practice):
    response = logged_in(client, lead).post(
        DECLARE, {"officer": officer.pk, "pcn": practice.pcn.pk, "reason": "Spouse is clinical director."}
    )
    assert response.status_code == 302
    assert ConflictOfInterest.objects.get().recorded_by == lead


def test_officer_sees_only_their_own_conflicts_and_cannot_withdraw(client, officer, colleague, practice, lead):
    mine = conflict_declare(officer=officer, practice=practice, reason="Partner there.", by=officer)
    conflict_declare(officer=colleague, pcn=practice.pcn, reason="Spouse in the PCN.", by=lead)
    page = logged_in(client, officer).get(CONFLICTS)
    assert list(page.context["cl"].result_list) == [mine]
    action_form = page.context["action_form"]
    assert action_form is None or "withdraw_selected" not in dict(action_form.fields["action"].choices)
    client.post(CONFLICTS, {"action": "withdraw_selected", "_selected_action": [mine.pk]})
    assert ConflictOfInterest.objects.get(pk=mine.pk).is_open


def test_triage_lead_sees_every_conflict_and_withdraws_one(client, officer, colleague, practice, lead):
    first = conflict_declare(officer=officer, practice=practice, reason="Partner there.", by=officer)
    second = conflict_declare(officer=colleague, pcn=practice.pcn, reason="Spouse in the PCN.", by=lead)
    MembershipFactory(user=colleague, practice=PracticeFactory(name="Automatic Surgery"))

    page = logged_in(client, lead).get(CONFLICTS)

    assert set(page.context["cl"].result_list) == {first, second}
    assert "Automatic Surgery" in page.content.decode()  # automatic conflicts are listed too
    client.post(CONFLICTS, {"action": "withdraw_selected", "_selected_action": [second.pk]})
    assert not ConflictOfInterest.objects.get(pk=second.pk).is_open


def test_lead_sees_how_many_open_enquiries_have_no_unconflicted_officer_and_the_warning(
    client, officer, practice, enquiry, unrelated
):
    lead_only = make_staff("lead")  # a triage lead outside the officers group still sees the enquiry
    MembershipFactory(user=officer, practice=practice)  # the only officer is conflicted

    assert list(enquiries_without_unconflicted_officer()) == [enquiry]
    assert "1 open enquiry has no officer left" in logged_in(client, lead_only).get(CONFLICTS).content.decode()
    rows = client.get(CHANGELIST)
    assert "every officer has a conflict of interest" in rows.content.decode()
    flagged = {e.pk: e.has_unconflicted_officer for e in rows.context["cl"].result_list}
    assert flagged == {enquiry.pk: False, unrelated.pk: True}


def test_enquiry_with_a_free_officer_is_not_counted(officer, colleague, practice, enquiry):
    MembershipFactory(user=officer, practice=practice)
    assert list(enquiries_without_unconflicted_officer()) == []


# --- One selector for every staff read: walk every enquiries admin URL ---------------------------


def _document_on(enquiry):
    """A member's message on `enquiry` with a PDF, stored through the enquiry storage."""
    from django.utils import timezone

    from enquiries.models import EnquiryFile, EnquiryMessage
    from tests.enquiries.conversation_support import PDF, upload

    message = EnquiryMessage.objects.create(
        enquiry=enquiry, author=enquiry.submitted_by, from_lmc=False, text="The agreement", created_at=timezone.now()
    )
    document = EnquiryFile(message=message, name="agreement.pdf", kind="pdf", size=len(PDF), created_at=timezone.now())
    document.file.save("agreement.pdf", upload("agreement.pdf", PDF), save=False)
    document.save()
    return document


def _admin_urls_of_enquiries(enquiry, access_row, conflict):
    """Every URL the admin serves for the enquiries app, with object ids filled in."""
    from django.contrib import admin
    from django.urls import URLPattern, URLResolver

    from enquiries.admin.triage.steps import STEPS

    objects = {"enquiry": enquiry.pk, "enquiryaccess": access_row.pk, "conflictofinterest": conflict.pk}
    urls = []

    def walk(patterns, prefix, object_id):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + str(pattern.pattern), object_id)
            elif isinstance(pattern, URLPattern):
                urls.append((prefix + str(pattern.pattern)).replace("<path:object_id>", str(object_id)))

    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label == "enquiries":
            prefix = reverse(f"admin:enquiries_{model._meta.model_name}_changelist")
            walk(model_admin.get_urls(), prefix, objects.get(model._meta.model_name, 1))
    expanded = []
    for route in urls:
        if "<str:step_name>" in route:
            expanded += [route.replace("<str:step_name>", name) for name in STEPS]
        elif "<int:file_id>" in route:
            expanded.append(route.replace("<int:file_id>", str(_document_on(enquiry).pk)))
        else:
            expanded.append(route)
    assert not [route for route in expanded if "<" in route], "an admin URL the walk does not know how to fill"
    return expanded


@pytest.mark.parametrize(
    ("role", "kind"),
    [(*pair,) for pair in [("officer", k) for k in KINDS] + [("lead", "declared_pcn"), ("superuser", "automatic")]],
)
def test_every_enquiries_admin_url_hides_the_enquiry_from_a_conflicted_user(client, role, kind, practice, colleague):
    lead = make_staff("lead")
    user = {
        "officer": lambda: make_staff("officer"),
        "lead": lambda: make_staff("lead"),
        "superuser": lambda: make_staff("none", is_superuser=True),
    }[role]()
    enquiry = EnquiryFactory(practice=practice, summary="Secret partnership quarrel", details="Dr Secretive says")
    enquiry_assign(enquiry=enquiry, officer=colleague, by=lead)
    access_row = EnquiryAccess.objects.create(enquiry=enquiry, user=colleague, action="viewed")
    conflict = conflict_declare(officer=colleague, pcn=PCNFactory(), reason="Unrelated PCN.", by=lead)
    make_conflict(kind, who=user, practice=practice, by=lead)
    client.force_login(user)

    urls = _admin_urls_of_enquiries(enquiry, access_row, conflict)
    queries = ["", f"?q={enquiry.reference}", f"?q={practice.ods_code}", f"?enquiry__id__exact={enquiry.pk}"]
    checked = 0
    for url in urls:
        for query in queries if url.endswith("/") and "/change" not in url else [""]:
            response = client.get(url + query, follow=True)
            assert response.status_code in (200, 403, 404), url + query
            body = b"".join(response.streaming_content) if response.streaming else response.content
            assert secrets_in(body.decode(), enquiry, typed=query) == [], url + query
            if response.context and "cl" in response.context:
                rows = response.context["cl"].result_list
                assert enquiry not in rows
                assert enquiry.pk not in {getattr(row, "enquiry_id", None) for row in rows}
            checked += 1
    assert checked > 20
    assert reverse("admin:enquiries_enquiry_change", args=[enquiry.pk]) in urls
    assert not EnquiryAccess.objects.filter(user=user).exists()
