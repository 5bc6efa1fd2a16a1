"""The admin's model list (sidebar, index, app pages) is Django's own, with its links worked out once.

`lmcportal.admin_site.PortalAdminSite._build_app_dict` is a copy of Django's
with remembered URLs; these tests compare it with Django's method for every
staff group, and check that what depends on the user is still asked each time.
"""

import pytest
from django.contrib import admin
from django.contrib.admin import AdminSite
from django.contrib.auth.models import Group, Permission
from django.test import RequestFactory
from django.urls import clear_script_prefix, set_script_prefix

from lmcportal.admin_site import PortalAdminSite
from members.groups import PASTORAL_SUPPORT, STAFF_GROUPS
from members.models import User
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


def admin_request(user):
    request = RequestFactory().get("/admin/")
    request.user = User.objects.get(pk=user.pk)  # no permission cache carried over
    return request


@pytest.mark.parametrize("groups", [[name] for name in STAFF_GROUPS] + [["LMC officers", PASTORAL_SUPPORT], []])
def test_each_staff_group_gets_the_list_django_would_build(groups):
    user = StaffFactory(groups=groups)
    assert isinstance(admin.site, PortalAdminSite)

    ours = admin.site.get_app_list(admin_request(user))
    django = sorted(AdminSite._build_app_dict(admin.site, admin_request(user)).values(), key=lambda a: a["name"].lower())

    assert [app["app_label"] for app in ours] == [app["app_label"] for app in django]
    for mine, theirs in zip(ours, django, strict=True):
        assert {k: v for k, v in mine.items() if k != "models"} == {k: v for k, v in theirs.items() if k != "models"}
        assert sorted(mine["models"], key=lambda m: m["name"]) == sorted(theirs["models"], key=lambda m: m["name"])


def test_the_superuser_gets_every_registered_model_with_django_s_links():
    user = StaffFactory(is_superuser=True)
    djangos = AdminSite._build_app_dict(admin.site, admin_request(user))
    assert admin.site._build_app_dict(admin_request(user)) == djangos
    listed = {m["model"] for app in admin.site.get_app_list(admin_request(user)) for m in app["models"]}
    assert listed == set(admin.site._registry)


def test_a_permission_given_shows_on_the_next_page_though_the_links_are_remembered():
    user = StaffFactory(groups=[])
    assert admin.site.get_app_list(admin_request(user)) == []

    group = Group.objects.create(name="Rate readers")
    group.permissions.add(Permission.objects.get(codename="view_levyrate"))
    user.groups.add(group)
    [levies] = admin.site.get_app_list(admin_request(user))
    [rates] = levies["models"]
    assert rates["admin_url"] == "/admin/levies/levyrate/"
    assert rates["add_url"] is None  # viewing only

    group.permissions.add(Permission.objects.get(codename="add_levyrate"))
    [levies] = admin.site.get_app_list(admin_request(user))
    assert levies["models"][0]["add_url"] == "/admin/levies/levyrate/add/"


def test_the_links_follow_the_script_prefix_a_server_sets():
    user = StaffFactory(is_superuser=True)
    admin.site.get_app_list(admin_request(user))  # remembered under "/"
    set_script_prefix("/portal/")
    try:
        apps = admin.site.get_app_list(admin_request(user))
    finally:
        clear_script_prefix()
    assert all(app["app_url"].startswith("/portal/admin/") for app in apps)
    assert all(m["admin_url"].startswith("/portal/admin/") for app in apps for m in app["models"])
