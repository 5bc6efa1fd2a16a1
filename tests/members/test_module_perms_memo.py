"""`User.has_module_perms` remembers its answers only as long as Django's permission cache they come from."""

import pytest
from django.contrib.auth.models import Group, Permission

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
