import pytest
from django.urls import reverse

from tests.factories import PASSWORD, MembershipFactory, UserFactory

LOGIN_URL = "/accounts/login/"


def post_login(client, email, password):
    return client.post(LOGIN_URL, {"login": email, "password": password})


@pytest.mark.django_db
def test_verified_member_logs_in_and_lands_on_dashboard(client):
    user = MembershipFactory().user

    response = post_login(client, user.email, PASSWORD)

    assert response.status_code == 302
    assert response.url == reverse("members:dashboard")
    assert client.get(reverse("members:dashboard")).context["user"] == user


@pytest.mark.django_db
def test_login_email_is_case_insensitive(client):
    user = MembershipFactory(user__email="priya.shah@practice.example.org").user

    response = post_login(client, "Priya.Shah@Practice.Example.org", PASSWORD)

    assert response.status_code == 302
    assert client.get(reverse("members:dashboard")).context["user"] == user


@pytest.mark.django_db
def test_unverified_email_cannot_log_in(client):
    user = UserFactory(verified=False)

    response = post_login(client, user.email, PASSWORD)

    # allauth sends a fresh verification email and does not log them in.
    assert "_auth_user_id" not in client.session
    assert response.status_code in (200, 302)
    assert response.status_code != 302 or "confirm-email" in response.url


@pytest.mark.django_db
def test_wrong_password_shows_message_and_keeps_email(client):
    user = UserFactory()

    response = post_login(client, user.email, "not-the-password")

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    content = response.content.decode()
    assert "There is a problem" in content
    assert f'value="{user.email}"' in content


@pytest.mark.django_db
def test_sixth_wrong_password_is_throttled_even_with_the_right_one(client):
    user = UserFactory()
    for _ in range(5):
        post_login(client, user.email, "not-the-password")

    response = post_login(client, user.email, PASSWORD)

    assert "_auth_user_id" not in client.session
    assert "Too many failed login attempts" in response.content.decode()


@pytest.mark.django_db
def test_open_sign_up_is_closed(client):
    response = client.get("/accounts/signup/")

    assert "Sign Up Closed" in response.content.decode() or response.status_code in (403, 404)
    assert client.post("/accounts/signup/", {"email": "x@example.org", "password1": "Sup3r-secret-pw!"}).status_code != 302


@pytest.mark.django_db
def test_members_area_sends_anonymous_visitors_to_login(client):
    response = client.get(reverse("members:dashboard"))

    assert response.status_code == 302
    assert response.url.startswith(LOGIN_URL)


@pytest.mark.django_db
def test_dashboard_lists_only_the_members_own_practices(client):
    membership = MembershipFactory(practice__name="Riverside Medical Practice")
    MembershipFactory(practice__name="Somebody Else's Surgery")
    client.force_login(membership.user)

    content = client.get(reverse("members:dashboard")).content.decode()

    assert "Riverside Medical Practice" in content
    assert "Somebody Else&#x27;s Surgery" not in content
    assert "Somebody Else's Surgery" not in content


@pytest.mark.django_db
def test_left_practice_is_not_shown(client):
    membership = MembershipFactory(practice__name="Old Practice", is_active=False)
    client.force_login(membership.user)

    assert "Old Practice" not in client.get(reverse("members:dashboard")).content.decode()


@pytest.mark.django_db
def test_dashboard_query_count_does_not_grow_with_practices(client, django_assert_max_num_queries):
    user = UserFactory()
    for _ in range(8):
        MembershipFactory(user=user)
    client.force_login(user)

    # Session, user, memberships; the enquiries card (list, count), the levies card (practices, rates,
    # list sizes, remittances), the programme card (bookings, cohort sessions, goals) and the open
    # consultations (audience, surveys). See tests/members/test_dashboard.py.
    with django_assert_max_num_queries(13):
        client.get(reverse("members:dashboard"))


@pytest.mark.django_db
def test_login_page_has_one_forgotten_password_link(client):
    page = client.get(reverse("account_login")).content.decode()

    assert page.count(f'href="{reverse("account_reset_password")}"') == 1


@pytest.mark.django_db
def test_fresh_login_form_after_a_csrf_failure_has_one_forgotten_password_link():
    from django.test import Client

    page = Client(enforce_csrf_checks=True).post(reverse("account_login"), {"login": "a@b.c", "password": "x"})

    assert page.status_code == 403
    assert page.content.decode().count(f'href="{reverse("account_reset_password")}"') == 1
