import re

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.urls import reverse

from members.models import User
from tests.conftest import give_totp
from tests.factories import MembershipFactory, StaffFactory

ADMIN = "/" + settings.LMC_ADMIN_PATH


def invitation_path(message) -> str:
    link = re.search(r"https?://\S+/invitation/\S+/", message.body).group(0)
    return link[link.index("/invitation/"):]


@pytest.fixture
def triage_lead(db):
    user = StaffFactory(groups=["Triage lead"])
    give_totp(user)
    return user


@pytest.fixture
def invited(db):
    """A member created by staff without a password, as the admin does."""
    user = User.objects.create_user(email="new.manager@practice.example.org", first_name="Nia")
    MembershipFactory(user=user, practice__name="Harbour Lane Medical Centre")
    return user


def send_invitation(client, staff, user, django_capture_on_commit_callbacks):
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:members_user_changelist"),
            {"action": "send_invitation", "_selected_action": [user.pk]},
        )
    client.logout()
    return response


def test_staff_invites_and_member_sets_password_and_lands_on_dashboard(
    client, triage_lead, invited, mailoutbox, django_capture_on_commit_callbacks
):
    send_invitation(client, triage_lead, invited, django_capture_on_commit_callbacks)

    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [invited.email]
    path = invitation_path(message)
    assert "Set your password" in client.get(path).content.decode()

    response = client.post(path, {"new_password1": "Lancashire-hotpot-42", "new_password2": "Lancashire-hotpot-42"})

    assert response.status_code == 302
    assert response.url == reverse("members:dashboard")
    dashboard = client.get(response.url).content.decode()
    assert "Harbour Lane Medical Centre" in dashboard
    assert EmailAddress.objects.get(user=invited).verified
    invited.refresh_from_db()
    assert invited.check_password("Lancashire-hotpot-42")


def test_invitation_link_works_only_once(client, triage_lead, invited, mailoutbox, django_capture_on_commit_callbacks):
    send_invitation(client, triage_lead, invited, django_capture_on_commit_callbacks)
    path = invitation_path(mailoutbox[0])
    client.post(path, {"new_password1": "Lancashire-hotpot-42", "new_password2": "Lancashire-hotpot-42"})
    client.logout()

    response = client.get(path)

    assert response.status_code == 400
    assert "does not work" in response.content.decode()


def test_weak_password_is_refused_with_a_message(client, triage_lead, invited, mailoutbox, django_capture_on_commit_callbacks):
    send_invitation(client, triage_lead, invited, django_capture_on_commit_callbacks)
    path = invitation_path(mailoutbox[0])

    response = client.post(path, {"new_password1": "password", "new_password2": "password"})

    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    invited.refresh_from_db()
    assert not invited.has_usable_password()


def test_officer_without_invite_permission_cannot_send_invitations(
    client, staff_user, invited, mailoutbox, django_capture_on_commit_callbacks
):
    send_invitation(client, staff_user, invited, django_capture_on_commit_callbacks)

    assert mailoutbox == []
