"""The access sweep: no member reaches another practice's data by any URL.

Every URL pattern of the members area is found from the URL resolver, so a new
URL is covered automatically: the sweep fails until the URL is given a
builder below (which makes the object behind it as practice B's) or an
exemption with its reason.
"""

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from programmes import services as programme_services
from programmes.models import Goal, Training
from tests.enquiries.factories import EnquiryFactory
from tests.factories import PracticeFactory, StaffFactory
from tests.programmes.factories import (
    BookingFactory,
    CohortFactory,
    EnrolmentFactory,
    NhsAreaFactory,
    TrainingFactory,
    gp,
    manager,
)

MEMBER_NAMESPACES = {"members", "privacy", "enquiries", "support", "levies", "programmes", "voice"}
PROJECT_APPS = {"members", "privacy", "enquiries", "levies", "programmes", "mail", "voice"}

EXEMPT = {
    "members:home": "redirects to the dashboard or the login page; shows nothing",
    "members:staff_mfa_required": "static advice for staff; shows no data",
    "members:accept_invitation": "a one-time token link for an invited person; tested in tests/members/test_invitations.py",
    "programmes:session_book": "sessions belong to the LMC, not a practice; who may book is tested in tests/programmes/test_booking.py",
    "enquiries:submit_service": "a support service's form: services belong to the LMC, not a practice; tested in tests/enquiries/test_pastoral_pages.py",
}


@dataclass
class Target:
    kwargs: dict
    secrets: list[str]  # text of practice B's that must never appear in A's responses


def _enquiry(practice_b) -> Target:
    enquiry = EnquiryFactory(practice=practice_b, summary="Partners cannot agree the drawings")
    return Target({"reference": enquiry.reference}, [enquiry.reference, enquiry.summary])


def _pastoral_request(practice_b) -> Target:
    from tests.enquiries.factories import PastoralEnquiryFactory

    enquiry = PastoralEnquiryFactory(practice=practice_b, summary="Frightened about the GMC letter")
    return Target({"reference": enquiry.reference}, [enquiry.reference, enquiry.summary])


def _enquiry_document(practice_b) -> Target:
    from tests.enquiries.conversation_support import message_with_pdf

    message = message_with_pdf(practice=practice_b, text="Practice B's draft partnership agreement")
    document = message.files.get()
    return Target(
        {"reference": message.enquiry.reference, "file_id": document.pk}, [message.enquiry.reference, message.text]
    )


def _booking(practice_b) -> Target:
    booking = BookingFactory(user=manager(practice=practice_b), session__title="Practice B's private session")
    return Target({"pk": booking.pk}, [])


def _cohort(practice_b) -> Target:
    """A cohort that runs only in practice B's NHS area: invisible, and closed to enrolment, elsewhere."""
    practice_b.area = NhsAreaFactory(name="Practice B's Sub-ICB")
    practice_b.save()
    cohort = CohortFactory(
        name="Practice B's area cohort",
        area__name="Practice B's footprint",
        area__nhs_area=practice_b.area,
        programme__audience_roles=["practice_manager", "gp_trainee", "salaried_gp", "gp_partner"],
    )
    return Target({"pk": cohort.pk}, [cohort.name])


def _enrolment(practice_b) -> Target:
    enrolment = EnrolmentFactory(user=gp(practice=practice_b), cohort__name="Practice B's private cohort")
    return Target({"pk": enrolment.pk}, [])


def _plan(practice_b):
    reviewer = TrainingFactory(kind=Training.Kind.PEER_REVIEWER).user
    review = programme_services.peer_review_pair(manager=manager(practice=practice_b), reviewer=reviewer)
    goal = Goal.objects.create(
        review=review, what="Resolve the partnership dispute", why="Practice B's business", target_date=date(2027, 3, 31)
    )
    return review, goal


def _review(practice_b) -> Target:
    review, goal = _plan(practice_b)
    return Target({"pk": review.pk}, [goal.what])


def _goal(practice_b) -> Target:
    _, goal = _plan(practice_b)
    return Target({"pk": goal.pk}, [goal.what])


def _mentoring(practice_b) -> Target:
    mentor = TrainingFactory(kind=Training.Kind.MENTOR).user
    mentoring = programme_services.mentoring_pair(
        mentee=manager(practice=practice_b), mentor=mentor, started_on=date.today() - timedelta(days=7)
    )
    return Target({"pk": mentoring.pk}, [])


def _voice_survey(practice_b) -> Target:
    from tests.voice.factories import survey_with_questions

    survey = survey_with_questions(
        title="Practice B's PCN consultation", audience="pcn", audience_pcn=practice_b.pcn
    )
    return Target({"pk": survey.pk}, [survey.title])


def _voice_feedback(practice_b) -> Target:
    from voice import services
    from voice.models import Survey

    enquiry = EnquiryFactory(practice=practice_b)
    survey = Survey.objects.get(purpose=Survey.Purpose.SUPPORT_FEEDBACK)
    invitation = services.invitation_claim(survey=survey, user=enquiry.submitted_by, enquiry=enquiry, now=enquiry.submitted_at)
    token = "practice-b-feedback-token"
    type(invitation).objects.filter(pk=invitation.pk).update(token_hash=services.token_hash(token))
    return Target({"token": token}, [enquiry.reference])


BUILDERS = {
    "enquiries:detail": _enquiry,
    "enquiries:submitted": _enquiry,
    "enquiries:message_send": _enquiry,
    "enquiries:chase": _enquiry,
    "enquiries:sharing": _enquiry,
    "enquiries:file_download": _enquiry_document,
    "programmes:booking_cancel": _booking,
    "programmes:booking_calendar": _booking,
    "programmes:plan_detail": _review,
    "programmes:goal_add": _review,
    "programmes:review_meeting_record": _review,
    "programmes:plan_agree": _review,
    "programmes:goal_edit": _goal,
    "programmes:mentoring_session_add": _mentoring,
    "programmes:cohort_enrol": _cohort,
    "programmes:enrolment_cancel": _enrolment,
    "programmes:enrolment_calendar": _enrolment,
    "voice:detail": _voice_survey,
    "voice:thanks": _voice_survey,
    "voice:feedback": _voice_feedback,
}


def _walk(patterns, namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern) and namespace in MEMBER_NAMESPACES and pattern.name:
            yield f"{namespace}:{pattern.name}", pattern


def member_urls() -> dict[str, URLPattern]:
    return dict(_walk(get_resolver().url_patterns))


def object_url_names() -> list[str]:
    return sorted(name for name, pattern in member_urls().items() if pattern.pattern.regex.groupindex and name not in EXEMPT)


def page_url_names() -> list[str]:
    return sorted(name for name, pattern in member_urls().items() if not pattern.pattern.regex.groupindex and name not in EXEMPT)


def database_snapshot() -> dict[str, list[tuple]]:
    """Every row of our apps' tables, except what merely logging in touches."""
    snapshot = {}
    for model in apps.get_models():
        if model._meta.app_label not in PROJECT_APPS:
            continue
        fields = [f.attname for f in model._meta.concrete_fields if f.attname != "last_login"]
        snapshot[model._meta.label] = sorted(model.objects.values_list(*fields), key=repr)
    return snapshot


def test_every_member_url_with_an_object_has_a_builder():
    missing = [name for name in object_url_names() if name not in BUILDERS]
    assert not missing, f"Add a builder (practice B's object) or an exemption for: {missing}"


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", object_url_names())
@pytest.mark.parametrize("method", ["get", "post"])
def test_member_of_another_practice_gets_404_and_changes_nothing(client, member, url_name, method):
    target = BUILDERS[url_name](PracticeFactory())
    url = reverse(url_name, kwargs=target.kwargs)
    client.force_login(member)
    before = database_snapshot()

    response = getattr(client, method)(url, {"what": "x", "why": "y", "target_date": "2027-01-01", "status": "done"})

    if method == "get" and response.status_code == 405:
        # A POST-only view refuses GET before looking anything up: the same
        # answer as for an object that does not exist, so nothing leaks.
        missing = reverse(url_name, kwargs=_missing_kwargs(target.kwargs))
        assert client.get(missing).status_code == 405
    else:
        assert response.status_code == 404, f"{method.upper()} {url} answered {response.status_code}"
    assert database_snapshot() == before


def _missing_kwargs(kwargs: dict) -> dict:
    missing = {"reference": "LMS-1999-99999", "token": "no-such-token"}
    return {key: missing.get(key, 999_999) for key in kwargs}


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", page_url_names())
def test_pages_without_an_object_show_a_member_nothing_of_another_practice(client, member, url_name):
    practice_b = PracticeFactory(name="Practice Bee Surgery", ods_code="B99999")
    secrets = [practice_b.name, practice_b.ods_code]
    for builder in {_enquiry, _pastoral_request, _booking, _review, _voice_survey}:
        secrets += builder(practice_b).secrets
    client.force_login(member)
    before_b = {label: rows for label, rows in database_snapshot().items()}

    page = client.get(reverse(url_name))
    client.post(reverse(url_name), {})

    content = page.content.decode()
    assert page.status_code in (200, 302, 405), f"GET {url_name} answered {page.status_code}"
    leaked = [secret for secret in secrets if secret and secret in content]
    assert not leaked, f"{url_name} showed practice B's data: {leaked}"
    after = database_snapshot()
    for label in ("enquiries.Enquiry", "programmes.Booking", "programmes.Goal", "programmes.PeerReview", "voice.Response"):
        assert after[label] == before_b[label], f"POST {url_name} changed {label}"


# Account pages serve every logged-in person, staff included.
ACCOUNT_PAGES = {"members:dashboard", "members:account", "privacy:personal_data_overview", "privacy:personal_data_download"}


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", [name for name in page_url_names() if name not in ACCOUNT_PAGES])
def test_a_logged_in_user_with_no_practice_is_refused_member_pages(client, url_name):
    client.force_login(StaffFactory())

    response = client.get(reverse(url_name))

    assert response.status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", sorted(set(object_url_names()) | set(page_url_names())))
def test_anonymous_visitors_are_sent_to_log_in(client, url_name):
    kwargs = BUILDERS[url_name](PracticeFactory()).kwargs if url_name in BUILDERS else {}

    url = reverse(url_name, kwargs=kwargs)
    response = client.get(url)
    if response.status_code == 405:  # POST-only: the POST is what must be refused
        response = client.post(url)

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


# --- The staff admin ------------------------------------------------------------


def admin_models() -> list[str]:
    return sorted(model._meta.label for model in admin.site._registry if model._meta.app_label in PROJECT_APPS)


@pytest.mark.django_db
@pytest.mark.parametrize("label", admin_models())
def test_staff_without_permissions_are_refused_every_admin_list_and_action(client, label):
    from tests.conftest import give_totp

    model = apps.get_model(label)
    model_admin = admin.site._registry[model]
    staff = StaffFactory()  # staff, with TOTP, in no group
    give_totp(staff)
    client.force_login(staff)
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    before = database_snapshot()

    assert client.get(url).status_code == 403
    for action in model_admin.actions or []:
        name = action if isinstance(action, str) else action.__name__
        response = client.post(url, {"action": name, "_selected_action": ["1"], "post": "yes"})
        assert response.status_code == 403, f"{label} action {name} answered {response.status_code}"
    assert database_snapshot() == before


@pytest.mark.django_db
def test_members_never_reach_any_admin_page(client, member):
    client.force_login(member)
    for label in admin_models():
        model = apps.get_model(label)
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        response = client.get(url, follow=True)
        assert response.status_code == 403, f"{url} answered {response.status_code}"
    assert client.get("/" + settings.LMC_ADMIN_PATH, follow=True).status_code == 403
