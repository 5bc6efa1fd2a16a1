"""The portal's own 403, 404, 500 and CSRF-failure pages, each with the LMC's contact details."""

import pytest
from django.db import connection
from django.test import Client, RequestFactory
from django.urls import reverse

from lmcportal.errors import server_error
from tests.factories import PASSWORD, UserFactory


def _has_contact(page: str, settings) -> bool:
    return settings.LMC_PHONE in page and settings.LMC_EMAIL in page


def test_404_page_says_what_to_do_and_how_to_reach_the_lmc(member_client, settings):
    response = member_client.get("/enquiries/LMS-2026-99999/")

    page = response.content.decode()
    assert response.status_code == 404
    assert "Page not found" in page
    assert _has_contact(page, settings)


def test_403_page_has_the_contact_details(client, settings, db):
    from members.permissions import OFFICERS
    from tests.factories import StaffFactory

    client.force_login(StaffFactory(groups=[OFFICERS]))
    response = client.get(reverse("levies:index"))  # members' area, no practice: the portal's own 403

    assert response.status_code == 403
    assert _has_contact(response.content.decode(), settings)


def test_permission_denied_uses_the_portals_403_template(rf, settings, db):
    from django.core.exceptions import PermissionDenied
    from django.views.defaults import permission_denied

    response = permission_denied(rf.get("/"), PermissionDenied())

    page = response.content.decode()
    assert "You cannot see this page" in page
    assert _has_contact(page, settings)


def test_500_page_renders_without_the_database(settings):
    request = RequestFactory().get("/")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(connection, "cursor", lambda *a, **k: (_ for _ in ()).throw(AssertionError("database used")))
        response = server_error(request)

    page = response.content.decode()
    assert response.status_code == 500
    assert "Sorry, something went wrong" in page
    assert _has_contact(page, settings)


def test_csrf_failure_on_login_offers_a_fresh_login_form(db, settings):
    user = UserFactory()
    client = Client(enforce_csrf_checks=True)

    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})

    page = response.content.decode()
    assert response.status_code == 403
    assert "Log in again" in page
    assert 'name="csrfmiddlewaretoken"' in page
    assert 'name="password"' in page
    assert _has_contact(page, settings)
    token = page.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    again = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD, "csrfmiddlewaretoken": token})
    assert again.status_code == 302


def test_csrf_failure_elsewhere_explains_and_gives_the_contact_details(member, settings):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)

    response = client.post(reverse("enquiries:draft_save"), {"details": "x"})

    page = response.content.decode()
    assert response.status_code == 403
    assert "The form had expired" in page
    assert _has_contact(page, settings)


def test_every_page_footer_has_the_contact_details(member_client, settings):
    page = member_client.get(reverse("members:dashboard")).content.decode()

    footer = page.split('data-testid="footer-contact"', 1)[1]
    assert settings.LMC_PHONE in footer
    assert settings.LMC_EMAIL in footer
    assert settings.LMC_ADDRESS in footer


def test_member_emails_carry_the_contact_details(member, practice, settings, mailoutbox, django_capture_on_commit_callbacks):
    from enquiries.services import enquiry_submit

    with django_capture_on_commit_callbacks(execute=True):
        enquiry_submit(
            submitted_by=member,
            practice=practice,
            scope="practice",
            topic="premises",
            urgent=False,
            urgent_reason="",
            summary="The lease",
            details="The landlord wants to end it.",
        )
        Client().post(reverse("account_reset_password"), {"email": member.email})

    to_member = [email for email in mailoutbox if email.to == [member.email]]
    assert len(to_member) == 2
    for email in to_member:
        assert settings.LMC_PHONE in email.body
        assert settings.LMC_EMAIL in email.body
