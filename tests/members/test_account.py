"""One account page, and a login that returns the person to the page they were on."""

import pytest
from django.urls import reverse

from tests.factories import PASSWORD, MembershipFactory

pytestmark = pytest.mark.django_db


def test_account_page_shows_name_email_practices_and_the_ways_to_change_them(client):
    membership = MembershipFactory(practice__name="Riverside Medical Practice", user__first_name="Helen")
    client.force_login(membership.user)

    page = client.get(reverse("members:account")).content.decode()

    assert membership.user.email in page
    assert "Helen" in page
    assert "Riverside Medical Practice" in page
    assert membership.get_role_display() in page
    for url in (reverse("account_change_password"), reverse("mfa_index"), reverse("account_email"), reverse("privacy:personal_data_overview")):
        assert f'href="{url}"' in page


def test_the_navigation_links_to_the_account_page(client):
    membership = MembershipFactory()
    client.force_login(membership.user)

    page = client.get(reverse("members:dashboard")).content.decode()

    assert f'href="{reverse("members:account")}">Your account' in page


def test_a_session_that_expired_during_a_form_returns_to_that_form_after_login(client):
    membership = MembershipFactory()
    form_page = reverse("enquiries:submit")

    # The session has gone: sending the form leads to the login page, which remembers the form.
    to_login = client.post(form_page, {"summary": "lost?"})
    assert to_login.status_code == 302
    assert to_login.url.startswith(reverse("account_login"))
    assert "next=" in to_login.url

    logged_in = client.post(to_login.url, {"login": membership.user.email, "password": PASSWORD})

    assert logged_in.status_code == 302
    assert logged_in.url == form_page
