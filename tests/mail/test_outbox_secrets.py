"""Issue 20, item 1: nobody on the staff side can read a sign-in link out of the outbox."""

import contextlib
import re

import pytest
from django.conf import settings
from django.contrib import admin
from django.urls import NoReverseMatch, reverse

from mail.models import SECRET_BODY_HIDDEN, SECRET_BODY_REMOVED, OutboundEmail, OutboundEmailAccess
from mail.services import MAX_ATTEMPTS, email_deliver, email_retry
from members.permissions import STAFF_GROUPS
from members.services import user_invite
from tests.conftest import give_totp
from tests.factories import MembershipFactory, StaffFactory

pytestmark = pytest.mark.django_db

INVITATION = re.compile(r"/invitation/[^/\s]+/([^/\s]+)/")
RESET = re.compile(r"/accounts/password/reset/key/[0-9a-z]+-([^/\s]+)/")


def _smtp_down(self, messages):
    raise ConnectionRefusedError("SMTP server down")


@pytest.fixture
def invitation(django_capture_on_commit_callbacks):
    member = MembershipFactory().user
    with django_capture_on_commit_callbacks(execute=False):
        user_invite(user=member)
    email = OutboundEmail.objects.get(to=[member.email])
    return email, INVITATION.search(email.body_text).group(1)


@pytest.fixture
def password_reset(client, django_capture_on_commit_callbacks):
    member = MembershipFactory().user
    with django_capture_on_commit_callbacks(execute=False):
        client.post(reverse("account_reset_password"), {"email": member.email})
    email = OutboundEmail.objects.get(to=[member.email])
    return email, RESET.search(email.body_text).group(1)


def test_an_invitation_is_queued_as_secret(invitation):
    email, _token = invitation

    assert email.secret


def test_a_password_reset_is_queued_as_secret(password_reset):
    email, _key = password_reset

    assert email.secret


def test_an_ordinary_email_is_not_secret(django_capture_on_commit_callbacks):
    from mail.services import email_queue

    with django_capture_on_commit_callbacks(execute=False):
        email = email_queue(to=["a@example.org"], template="members/email/invitation", context={"link": "x"})

    assert not email.secret


def test_a_secret_email_reaches_its_recipient_and_then_loses_its_body(invitation, mailoutbox):
    email, token = invitation

    assert email_deliver(email_id=email.pk)

    assert token in mailoutbox[0].body
    email.refresh_from_db()
    assert (email.status, email.body_text, email.body_html) == (OutboundEmail.Status.SENT, SECRET_BODY_REMOVED, "")


def test_a_secret_email_that_fails_for_good_loses_its_body(invitation, monkeypatch):
    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", _smtp_down)
    email, token = invitation
    OutboundEmail.objects.filter(pk=email.pk).update(attempts=MAX_ATTEMPTS - 1)

    email_deliver(email_id=email.pk)

    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.FAILED
    assert token not in email.body_text + email.body_html
    assert not email_retry(email=email)  # a blank email is not sent again: the person needs a new link


def test_a_secret_email_that_fails_once_keeps_its_body_to_retry(invitation, monkeypatch):
    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", _smtp_down)
    email, token = invitation

    email_deliver(email_id=email.pk)

    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.PENDING
    assert token in email.body_text


def _staff_client(client, **kwargs):
    user = StaffFactory(**kwargs)
    give_totp(user)
    client.force_login(user)
    return user


def test_the_admin_shows_a_secret_body_as_hidden_and_logs_who_opened_it(client, invitation):
    email, token = invitation
    superuser = _staff_client(client, is_superuser=True)

    page = client.get(reverse("admin:mail_outboundemail_change", args=[email.pk])).content.decode()

    assert SECRET_BODY_HIDDEN in page
    assert token not in page
    access = OutboundEmailAccess.objects.get()
    assert (access.email, access.user, access.ip_address) == (email, superuser, "127.0.0.1")


def test_an_ordinary_email_body_is_still_shown_to_staff(client, staff_user, django_capture_on_commit_callbacks):
    from django.core.mail import EmailMultiAlternatives

    from mail.services import email_queue_message

    message = EmailMultiAlternatives(subject="Your session", body="See you at Riverside on Tuesday", to=["a@example.org"])
    with django_capture_on_commit_callbacks(execute=False):
        email = email_queue_message(message=message)
    client.force_login(staff_user)

    page = client.get(reverse("admin:mail_outboundemail_change", args=[email.pk])).content.decode()

    assert "See you at Riverside on Tuesday" in page
    assert OutboundEmailAccess.objects.filter(email=email, user=staff_user).exists()


def test_the_outbox_access_log_cannot_be_changed_by_anyone(client, invitation):
    _staff_client(client, is_superuser=True)
    client.get(reverse("admin:mail_outboundemail_change", args=[invitation[0].pk]))
    access = OutboundEmailAccess.objects.get()

    assert client.get(reverse("admin:mail_outboundemailaccess_changelist")).status_code == 200
    assert client.post(reverse("admin:mail_outboundemailaccess_delete", args=[access.pk]), {"post": "yes"}).status_code == 403
    assert OutboundEmailAccess.objects.filter(pk=access.pk).exists()


def _admin_pages(objects) -> list[str]:
    """Every admin changelist, and the change and history pages of `objects`."""
    urls = [reverse("admin:index")]
    for model in admin.site._registry:
        urls.append(reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"))
    for obj in objects:
        opts = obj._meta
        for view in ("change", "history"):
            with contextlib.suppress(NoReverseMatch):
                urls.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=[obj.pk]))
    return urls


@pytest.mark.parametrize("group", [*STAFF_GROUPS, "superuser"])
def test_no_staff_member_finds_a_reset_or_invitation_token_on_any_admin_page(
    client, group, invitation, password_reset, mailoutbox
):
    (invited, invitation_token), (reset, reset_key) = invitation, password_reset
    email_deliver(email_id=reset.pk)  # one sent, one still waiting: both must stay hidden
    if group == "superuser":
        _staff_client(client, is_superuser=True)
    else:
        _staff_client(client, groups=[group])
    subjects = [invited, reset, *(email.to and _user(email.to[0]) for email in (invited, reset))]

    for url in _admin_pages(subjects):
        content = client.get(url).content.decode()
        assert invitation_token not in content, f"{group} found the invitation token at {url}"
        assert reset_key not in content, f"{group} found the password-reset key at {url}"


def test_searching_the_outbox_for_a_token_finds_nothing(client, invitation):
    # A search that matched inside bodies would reveal a token one guess at a time.
    _staff_client(client, is_superuser=True)

    response = client.get(reverse("admin:mail_outboundemail_changelist"), {"q": invitation[1]})

    assert response.context["cl"].result_count == 0


def _user(email: str):
    from members.models import User

    return User.objects.get(email=email)


def test_the_walk_reaches_the_outbox_pages(invitation):
    urls = _admin_pages([invitation[0]])

    assert reverse("admin:mail_outboundemail_change", args=[invitation[0].pk]) in urls
    assert "/" + settings.LMC_ADMIN_PATH + "mail/outboundemail/" in urls


def test_the_demo_has_an_invitation_that_staff_see_as_hidden(client):
    from django.core.management import call_command

    from members.demo import INVITED_MEMBER

    call_command("seed_demo")
    email = OutboundEmail.objects.get(to=[INVITED_MEMBER])
    _staff_client(client, groups=[STAFF_GROUPS[1]])

    page = client.get(reverse("admin:mail_outboundemail_change", args=[email.pk])).content.decode()

    assert email.secret
    assert SECRET_BODY_HIDDEN in page
    assert "/invitation/" not in page
