"""`User.has_module_perms` remembers its answers only as long as Django's permission cache they come from,
and that cache is filled in one query with what Django's own backend would read."""

import pytest
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission

from members.groups import OFFICERS
from members.models import User
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


def test_an_answer_follows_the_permissions_when_django_reads_them_again():
    group = Group.objects.create(name="Levy readers")
    group.permissions.add(Permission.objects.get(codename="view_levyrate"))
    user = StaffFactory()
    assert user.has_module_perms("levies") is False

    user.groups.add(group)
    # Django's own answers are cached on the object too; a fresh object reads them again.
    user = User.objects.get(pk=user.pk)
    assert user.has_module_perms("levies") is True
    assert user.has_module_perms("levies") is True  # remembered

    user.groups.remove(group)
    for cache in ("_perm_cache", "_user_perm_cache", "_group_perm_cache"):
        user.__dict__.pop(cache, None)  # what Django's docs say to do after changing permissions
    assert user.has_module_perms("levies") is False


# Django's permission cache, filled in one query (`User._read_permissions`)


def django_s_answer(user) -> set[str]:
    """What Django's ModelBackend reads for `user`, in its own two queries, on a fresh object."""
    return ModelBackend().get_all_permissions(User.objects.get(pk=user.pk))


def test_a_user_s_own_and_group_permissions_are_read_as_django_reads_them_in_one_query(django_assert_num_queries):
    group = Group.objects.create(name="Levy readers")
    group.permissions.add(*Permission.objects.filter(codename__in=["view_levyrate", "view_remittance"]))
    user = StaffFactory(groups=[OFFICERS])
    user.groups.add(group)
    user.user_permissions.add(Permission.objects.get(codename="view_remittance"))  # also through the group
    user.user_permissions.add(Permission.objects.get(codename="add_levyrate"))

    fresh = User.objects.get(pk=user.pk)
    with django_assert_num_queries(1):
        permissions = fresh.get_all_permissions()
        assert fresh.has_perm("levies.add_levyrate")
        assert fresh.has_perm("levies.view_remittance")
        assert not fresh.has_perm("levies.delete_levyrate")
        assert fresh.has_module_perms("levies")
    assert permissions == django_s_answer(user)
    assert {"levies.view_levyrate", "levies.view_remittance", "levies.add_levyrate"} <= permissions


def test_a_user_with_no_permissions_has_none():
    user = StaffFactory(groups=[])
    assert User.objects.get(pk=user.pk).get_all_permissions() == set() == django_s_answer(user)


def test_inactive_users_and_superusers_are_answered_as_django_answers_them(django_assert_num_queries):
    inactive = StaffFactory(groups=[OFFICERS], is_active=False)
    fresh = User.objects.get(pk=inactive.pk)
    with django_assert_num_queries(0):
        assert fresh.get_all_permissions() == set()
        assert not fresh.has_perm("enquiries.view_enquiry")

    superuser = User.objects.get(pk=StaffFactory(is_superuser=True).pk)
    assert superuser.has_perm("levies.delete_levyrate")
    assert superuser.get_all_permissions() == django_s_answer(superuser)
    assert len(superuser.get_all_permissions()) == Permission.objects.count()


def test_a_permission_taken_away_goes_when_the_cache_is_cleared_as_django_s_docs_say():
    group = Group.objects.create(name="Levy readers")
    group.permissions.add(Permission.objects.get(codename="view_levyrate"))
    user = StaffFactory(groups=[])
    user.groups.add(group)
    user = User.objects.get(pk=user.pk)
    assert user.has_perm("levies.view_levyrate")

    user.groups.remove(group)
    for cache in ("_perm_cache", "_user_perm_cache", "_group_perm_cache"):
        user.__dict__.pop(cache, None)
    assert not user.has_perm("levies.view_levyrate")
