import pytest
from django.conf import settings
from django.urls import reverse

from tests.conftest import give_totp
from tests.factories import MembershipFactory, StaffFactory

ADMIN = "/" + settings.LMC_ADMIN_PATH


@pytest.mark.django_db
def test_member_cannot_reach_the_admin(client):
    client.force_login(MembershipFactory().user)

    response = client.get(ADMIN, follow=True)

    assert response.status_code == 403


@pytest.mark.django_db
def test_anonymous_admin_visit_goes_to_allauth_login(client):
    response = client.get(ADMIN, follow=True)

    final_url, _ = response.redirect_chain[-1]
    assert final_url.startswith("/accounts/login/")
    assert "Log in" in response.content.decode()


@pytest.mark.django_db
def test_staff_without_totp_is_told_to_set_it_up(client):
    client.force_login(StaffFactory(groups=["LMC officers"]))

    response = client.get(ADMIN)

    assert response.status_code == 302
    assert response.url == reverse("members:staff_mfa_required")
    page = client.get(response.url).content.decode()
    assert "authenticator app" in page
    assert reverse("mfa_activate_totp") in page


@pytest.mark.django_db
def test_staff_with_totp_reaches_the_admin_index(client, staff_user):
    client.force_login(staff_user)

    response = client.get(ADMIN)

    assert response.status_code == 200


@pytest.mark.django_db
def test_staff_with_totp_must_give_a_code_at_login(client):
    from tests.factories import PASSWORD

    staff = StaffFactory(groups=["LMC officers"])
    give_totp(staff)

    response = client.post("/accounts/login/", {"login": staff.email, "password": PASSWORD})

    assert response.status_code == 302
    assert response.url == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_local_demo_setting_lets_staff_in_without_totp(client, settings):
    settings.LMC_STAFF_MFA_REQUIRED = False
    client.force_login(StaffFactory(groups=["LMC officers"]))

    assert client.get(ADMIN).status_code == 200


@pytest.mark.django_db
def test_staff_groups_exist_with_permissions():
    from django.contrib.auth.models import Group

    from members.permissions import STAFF_GROUPS

    groups = {g.name: g for g in Group.objects.prefetch_related("permissions")}
    assert set(STAFF_GROUPS) <= set(groups)
    triage_perms = {p.codename for p in groups["Triage lead"].permissions.all()}
    assert {"invite_member", "add_user", "change_membership"} <= triage_perms
    officer_perms = {p.codename for p in groups["LMC officers"].permissions.all()}
    assert "view_practice" in officer_perms
    assert "invite_member" not in officer_perms


@pytest.mark.django_db
def test_new_staff_member_sets_up_totp_and_then_reaches_the_admin(client):
    from allauth.mfa.totp.internal.auth import hotp_value, yield_hotp_counters_from_time

    from tests.factories import PASSWORD

    staff = StaffFactory(groups=["LMC officers"])
    client.post("/accounts/login/", {"login": staff.email, "password": PASSWORD})
    assert client.get(ADMIN).url == reverse("members:staff_mfa_required")

    # allauth asks for the password again before changing security settings.
    response = client.get(reverse("mfa_activate_totp"), follow=True)
    client.post(response.redirect_chain[-1][0], {"password": PASSWORD})
    secret = client.get(reverse("mfa_activate_totp")).context["form"].secret
    code = format(hotp_value(secret, next(yield_hotp_counters_from_time())), "06d")
    client.post(reverse("mfa_activate_totp"), {"code": code})

    assert client.get(ADMIN).status_code == 200
