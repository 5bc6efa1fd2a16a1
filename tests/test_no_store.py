"""Shared computers: nothing a signed-in person sees is kept by the browser or a cache.

Every URL of the members area is found from the URL resolver (as the access
sweep does), opened by someone allowed to see it, and must be sent with
`Cache-Control: no-store, private`; so are the staff admin's pages and exports.
"""

import pytest
from django.urls import reverse

from enquiries.models import Enquiry
from programmes.models import Booking, Enrolment, Goal, Mentoring, PeerReview
from tests.enquiries.triage_support import admin_client
from tests.factories import MembershipFactory
from tests.programmes.factories import BookingFactory, SessionFactory, gp, manager
from tests.test_access_sweep import BUILDERS, member_urls
from voice.models import FeedbackInvitation
from voice.services import token_hash

pytestmark = pytest.mark.django_db

NOT_FOR_A_SIGNED_IN_MEMBER = {
    "members:accept_invitation": "a one-time token link for someone not yet signed in",
}


def _owner(url_name: str, kwargs: dict):
    """Return someone allowed to open `url_name` for the object `kwargs` names, with a practice of their own."""
    user = _person(url_name, kwargs)
    if not user.memberships.exists():
        MembershipFactory(user=user)
    return user


def _person(url_name: str, kwargs: dict):
    pk = kwargs.get("pk")
    if url_name.startswith("enquiries:"):
        return Enquiry.objects.get(reference=kwargs["reference"]).submitted_by
    if url_name in ("programmes:booking_cancel", "programmes:booking_calendar"):
        return Booking.objects.get(pk=pk).user
    if url_name in ("programmes:review_meeting_record", "programmes:plan_agree"):
        return PeerReview.objects.get(pk=pk).reviewer
    if url_name in ("programmes:plan_detail", "programmes:goal_add"):
        return PeerReview.objects.get(pk=pk).manager
    if url_name == "programmes:goal_edit":
        return Goal.objects.get(pk=pk).review.manager
    if url_name in ("programmes:enrolment_cancel", "programmes:enrolment_calendar"):
        return Enrolment.objects.get(pk=pk).user
    if url_name == "voice:feedback":
        return FeedbackInvitation.objects.get(token_hash=token_hash(kwargs["token"])).user
    if url_name == "programmes:mentoring_session_add":
        return Mentoring.objects.get(pk=pk).mentor
    raise AssertionError(f"Say who may open {url_name} in _owner()")


def _no_store(response) -> bool:
    directives = {part.strip() for part in response.get("Cache-Control", "").split(",")}
    return {"no-store", "private"} <= directives


@pytest.mark.parametrize("url_name", sorted(set(member_urls()) - set(NOT_FOR_A_SIGNED_IN_MEMBER)))
def test_every_member_page_is_sent_with_no_store(client, practice, member, url_name):
    if url_name == "programmes:session_book":
        kwargs, user = {"pk": SessionFactory().pk}, member
    elif url_name in ("voice:detail", "voice:thanks"):
        kwargs, user = BUILDERS[url_name](practice).kwargs, member  # a consultation for the member's own PCN
    elif url_name == "programmes:cohort_enrol":
        kwargs = BUILDERS[url_name](practice).kwargs
        user = gp(practice=practice)
    elif url_name == "enquiries:submit_service":
        kwargs, user = {"slug": "pastoral"}, member
    elif url_name in BUILDERS:
        kwargs = BUILDERS[url_name](practice).kwargs
        user = _owner(url_name, kwargs)
    else:
        kwargs, user = {}, member
    client.force_login(user)
    url = reverse(url_name, kwargs=kwargs)

    response = client.get(url)
    opened = (200, 302)
    if response.status_code == 405:
        response = client.post(url)
        opened = (200, 302, 400)  # an empty form posted by its owner is answered with its errors

    assert response.status_code in opened, f"{url_name} answered {response.status_code}: not opened as its owner"
    assert _no_store(response), f"{url_name} sent Cache-Control: {response.get('Cache-Control')!r}"


def test_calendar_file_is_sent_with_no_store(client):
    booking = BookingFactory(user=manager())
    client.force_login(booking.user)

    response = client.get(reverse("programmes:booking_calendar", kwargs={"pk": booking.pk}))

    assert response["Content-Type"].startswith("text/calendar")
    assert _no_store(response)


@pytest.mark.parametrize("url_name", ["account_email", "account_change_password", "mfa_index"])
def test_account_pages_are_sent_with_no_store(member_client, url_name):
    response = member_client.get(reverse(url_name))

    assert response.status_code == 200
    assert _no_store(response)


@pytest.mark.parametrize(
    ("kind", "url"),
    [
        ("lead", reverse("admin:enquiries_enquiry_export")),
        ("lead", reverse("admin:enquiries_enquiry_changelist")),
        ("levy", reverse("admin:levies_reconciliation_csv")),
        ("programme", reverse("admin:programmes_session_changelist")),
    ],
)
def test_staff_pages_and_exports_are_sent_with_no_store(client, kind, url):
    response = admin_client(client, kind).get(url)

    assert response.status_code == 200
    assert _no_store(response)
