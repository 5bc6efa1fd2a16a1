"""Issue 20, item 8: a reset link lasts an hour, an invitation seven days, and unknown addresses get no email."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from mail.models import OutboundEmail
from members.services import invitation_link, invitation_user
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

RESET_PATH = re.compile(r"/accounts/password/reset/key/\S+?/")


def reset_path(client, member, django_capture_on_commit_callbacks) -> str:
    with django_capture_on_commit_callbacks(execute=False):
        client.post(reverse("account_reset_password"), {"email": member.email})
    return RESET_PATH.search(OutboundEmail.objects.get(to=[member.email]).body_text).group(0)


def reset_link_works(client, path: str) -> bool:
    """Follow a reset link as the member would and say whether it offers a new password."""
    response = client.get(path, follow=True)
    return "password1" in response.content.decode() and not response.context.get("token_fail")


def invitation_parts(member) -> tuple[str, str]:
    uidb64, token = invitation_link(user=member).rstrip("/").split("/")[-2:]
    return uidb64, token


def test_a_password_reset_link_works_within_the_hour(client, django_capture_on_commit_callbacks):
    member = MembershipFactory().user
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        path = reset_path(client, member, django_capture_on_commit_callbacks)

    with time_machine.travel(start + timedelta(minutes=59), tick=False):
        assert reset_link_works(client, path)


def test_a_password_reset_link_stops_working_after_an_hour(client, django_capture_on_commit_callbacks):
    member = MembershipFactory().user
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        path = reset_path(client, member, django_capture_on_commit_callbacks)

    with time_machine.travel(start + timedelta(minutes=61), tick=False):
        assert not reset_link_works(client, path)


def test_an_invitation_still_works_on_its_seventh_day():
    member = MembershipFactory().user
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        uidb64, token = invitation_parts(member)

    with time_machine.travel(start + timedelta(days=6, hours=23), tick=False):
        assert invitation_user(uidb64=uidb64, token=token) == member


def test_an_invitation_stops_working_after_seven_days():
    member = MembershipFactory().user
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        uidb64, token = invitation_parts(member)

    with time_machine.travel(start + timedelta(days=7, hours=1), tick=False):
        assert invitation_user(uidb64=uidb64, token=token) is None


def test_a_password_reset_token_is_not_an_invitation(client, django_capture_on_commit_callbacks):
    from allauth.account.forms import default_token_generator

    member = MembershipFactory().user
    uidb64, _ = invitation_parts(member)

    assert invitation_user(uidb64=uidb64, token=default_token_generator.make_token(member)) is None


def test_an_invitation_token_does_not_reset_a_password():
    from allauth.account.forms import default_token_generator

    member = MembershipFactory().user
    _, token = invitation_parts(member)

    assert not default_token_generator.check_token(member, token)


def test_a_reset_for_an_address_with_no_account_sends_nothing_and_says_the_same(client, django_capture_on_commit_callbacks):
    member = MembershipFactory().user
    with django_capture_on_commit_callbacks(execute=False):
        unknown = client.post(reverse("account_reset_password"), {"email": "nobody@example.org"}, follow=True)
        known = client.post(reverse("account_reset_password"), {"email": member.email}, follow=True)

    assert not OutboundEmail.objects.filter(to=["nobody@example.org"]).exists()
    assert OutboundEmail.objects.filter(to=[member.email]).exists()
    assert unknown.redirect_chain[-1][0] == known.redirect_chain[-1][0]
