"""Security headers and session rules a reviewer from an NHS body would check."""

import pytest
from django.urls import reverse

from tests.factories import MembershipFactory


@pytest.mark.django_db
def test_pages_send_a_strict_content_security_policy(client):
    response = client.get("/accounts/login/")

    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy


@pytest.mark.django_db
def test_pages_send_referrer_policy_and_no_framing(client):
    response = client.get("/accounts/login/")

    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_staff_session_expires_after_inactivity(client, staff_user, settings):
    settings.LMC_STAFF_SESSION_IDLE_SECONDS = 900
    client.force_login(staff_user)

    client.get(reverse("members:dashboard"))

    assert client.session.get_expiry_age() == 900


@pytest.mark.django_db
def test_member_session_keeps_the_normal_lifetime(client, settings):
    client.force_login(MembershipFactory().user)

    client.get(reverse("members:dashboard"))

    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE
