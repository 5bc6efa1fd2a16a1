"""Issue 20, item 2: only superusers change rights and passwords in the user admin.

Every staff group is tried against every user-admin URL and every sensitive
field; each group's allowed set is pinned here.
"""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from members.models import Membership, User
from members.permissions import LEVY_ADMIN, OFFICERS, PROGRAMME_ADMIN, STAFF_GROUPS, TRIAGE_LEAD
from tests.conftest import give_totp
from tests.factories import PASSWORD, MembershipFactory, PracticeFactory, StaffFactory

pytestmark = pytest.mark.django_db

SENSITIVE_FIELDS = ["is_superuser", "is_staff", "groups", "user_permissions"]

# What each group may do on the user admin's pages (True: allowed).
MATRIX = {
    #                 list   add    view   change  password  delete  history
    OFFICERS:        (True, False, True, False, False, False, True),
    TRIAGE_LEAD:     (True, True, True, True, False, False, True),
    LEVY_ADMIN:      (True, False, True, False, False, False, True),
    PROGRAMME_ADMIN: (True, False, True, False, False, False, True),
    "superuser":     (True, True, True, True, True, True, True),
}
PAGES = ["list", "add", "view", "change", "password", "delete", "history"]


def staff(group: str) -> User:
    user = StaffFactory(is_superuser=True) if group == "superuser" else StaffFactory(groups=[group])
    give_totp(user)
    return user


def urls(target: User) -> dict[str, str]:
    return {
        "list": reverse("admin:members_user_changelist"),
        "add": reverse("admin:members_user_add"),
        "view": reverse("admin:members_user_change", args=[target.pk]),
        "change": reverse("admin:members_user_change", args=[target.pk]),
        "password": reverse("admin:auth_user_password_change", args=[target.pk]),
        "delete": reverse("admin:members_user_delete", args=[target.pk]),
        "history": reverse("admin:members_user_history", args=[target.pk]),
    }


def change_form_data(client, url: str) -> dict:
    """What the browser would send back from the user's change page, unchanged."""
    context = client.get(url).context
    form = context["adminform"].form
    data = {}
    for name, _field in form.fields.items():
        value = form[name].value()
        if value is None or name == "password":
            continue
        data[name] = [str(v) for v in value] if isinstance(value, list) else value
    for inline in context["inline_admin_formsets"]:
        formset = inline.formset
        for name, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{name}"] = value
        data[f"{formset.prefix}-TOTAL_FORMS"] = len(formset.initial_forms)
        for form_ in formset.initial_forms:
            for name in form_.fields:
                value = form_[name].value()
                if value is not None and value is not False:
                    data[form_.add_prefix(name)] = value
    return {key: value for key, value in data.items() if value is not False}


@pytest.fixture
def target():
    return MembershipFactory().user


@pytest.mark.parametrize("group", [*STAFF_GROUPS, "superuser"])
@pytest.mark.parametrize("page", PAGES)
def test_each_group_reaches_exactly_its_pinned_user_admin_pages(client, group, page, target):
    client.force_login(staff(group))
    allowed = MATRIX[group][PAGES.index(page)]
    url = urls(target)[page]

    if page == "change":
        response = client.post(url, {**change_form_data(client, url), "first_name": "Renamed"}) if allowed else None
        if response is None:
            response = client.post(url, {"first_name": "Renamed", "email": target.email})
        target.refresh_from_db()
        assert (target.first_name == "Renamed") is allowed
    else:
        response = client.get(url)
        assert (response.status_code == 200) is allowed, f"{group} {page}: {response.status_code}"


@pytest.mark.parametrize("group", [*STAFF_GROUPS])
@pytest.mark.parametrize("field", SENSITIVE_FIELDS)
def test_no_staff_group_can_set_a_sensitive_field_on_a_member(client, group, field, target):
    client.force_login(staff(group))
    url = reverse("admin:members_user_change", args=[target.pk])
    data = change_form_data(client, url) if group == TRIAGE_LEAD else {"email": target.email}
    data[field] = {
        "is_superuser": "on",
        "is_staff": "on",
        "groups": [str(Group.objects.get(name=TRIAGE_LEAD).pk)],
        "user_permissions": [str(Permission.objects.get(codename="change_user").pk)],
    }[field]

    client.post(url, data)

    target.refresh_from_db()
    assert not target.is_superuser
    assert not target.is_staff
    assert not target.groups.exists()
    assert not target.user_permissions.exists()


@pytest.mark.parametrize("field", SENSITIVE_FIELDS)
def test_the_triage_lead_cannot_change_a_sensitive_field_on_their_own_account(client, field):
    lead = staff(TRIAGE_LEAD)
    client.force_login(lead)
    url = reverse("admin:members_user_change", args=[lead.pk])

    response = client.post(url, {"email": lead.email, field: "on" if field.startswith("is_") else ["1"]})

    assert response.status_code == 403
    lead.refresh_from_db()
    assert not lead.is_superuser
    assert list(lead.groups.values_list("name", flat=True)) == [TRIAGE_LEAD]
    assert not lead.user_permissions.exists()


@pytest.mark.parametrize("group", [*STAFF_GROUPS])
def test_no_staff_group_can_set_a_password_in_the_admin(client, group, target):
    client.force_login(staff(group))
    url = reverse("admin:auth_user_password_change", args=[target.pk])

    response = client.post(url, {"password1": "a-new-pass-2026!", "password2": "a-new-pass-2026!", "usable_password": "true"})

    assert response.status_code == 403
    target.refresh_from_db()
    assert not target.check_password("a-new-pass-2026!")


def test_the_triage_lead_sees_no_password_link_nor_rights_as_fields(client, target):
    client.force_login(staff(TRIAGE_LEAD))

    response = client.get(reverse("admin:members_user_change", args=[target.pk]))

    form = response.context["adminform"].form
    assert not set(SENSITIVE_FIELDS + ["password", "email"]) & set(form.fields)
    assert reverse("admin:auth_user_password_change", args=[target.pk]) not in response.content.decode()


def test_the_triage_lead_cannot_change_another_staff_members_account(client):
    officer = staff(OFFICERS)
    client.force_login(staff(TRIAGE_LEAD))
    url = reverse("admin:members_user_change", args=[officer.pk])

    response = client.post(url, {"email": "lead@example.org", "first_name": "Changed"})

    assert response.status_code == 403
    officer.refresh_from_db()
    assert officer.first_name != "Changed"
    assert officer.email != "lead@example.org"


def test_a_superuser_can_change_rights_and_set_a_password(client, target):
    client.force_login(staff("superuser"))
    url = reverse("admin:members_user_change", args=[target.pk])
    data = change_form_data(client, url)
    data.update(is_staff="on", groups=[str(Group.objects.get(name=OFFICERS).pk)])

    assert client.post(url, data).status_code == 302
    client.post(
        reverse("admin:auth_user_password_change", args=[target.pk]),
        {"password1": "a-new-pass-2026!", "password2": "a-new-pass-2026!", "usable_password": "true"},
    )

    target.refresh_from_db()
    assert target.is_staff
    assert target.groups.filter(name=OFFICERS).exists()
    assert target.check_password("a-new-pass-2026!")


def test_the_triage_lead_adds_a_member_with_practice_and_role_and_no_password(client):
    practice = PracticeFactory()
    client.force_login(staff(TRIAGE_LEAD))

    response = client.post(
        reverse("admin:members_user_add"),
        {
            "email": "New.Manager@Example.org",
            "first_name": "New",
            "last_name": "Manager",
            "is_superuser": "on",
            "is_staff": "on",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "memberships-TOTAL_FORMS": 1,
            "memberships-INITIAL_FORMS": 0,
            "memberships-0-practice": practice.pk,
            "memberships-0-role": Membership.Role.PRACTICE_MANAGER,
            "memberships-0-is_active": "on",
        },
    )

    assert response.status_code == 302
    user = User.objects.get(email="new.manager@example.org")
    assert not user.is_staff
    assert not user.is_superuser
    assert not user.has_usable_password()
    assert user.memberships.get().practice == practice


def test_the_triage_lead_invites_and_deactivates_a_member(client, target, mailoutbox):
    client.force_login(staff(TRIAGE_LEAD))
    changelist = reverse("admin:members_user_changelist")

    client.post(changelist, {"action": "send_invitation", "_selected_action": [target.pk]})
    client.post(changelist, {"action": "deactivate_left_practice", "_selected_action": [target.pk], "confirm": "yes"})

    target.refresh_from_db()
    assert target.invited_at is not None
    assert not target.is_active
