import pytest

from members.permissions import OFFICERS, TRIAGE_LEAD
from tests.conftest import give_totp
from tests.factories import StaffFactory


@pytest.fixture(autouse=True)
def officers_work_on_enquiries(db):
    """Officers view and change enquiries (granted by the triage admin's migration once merged)."""
    from django.contrib.auth.models import Group, Permission

    perms = Permission.objects.filter(content_type__app_label="enquiries", codename__in=["view_enquiry", "change_enquiry"])
    Group.objects.get(name=OFFICERS).permissions.add(*perms)


@pytest.fixture
def triage_lead(db):
    user = StaffFactory(groups=[OFFICERS, TRIAGE_LEAD], first_name="Tara", last_name="Lead")
    give_totp(user)
    return user


@pytest.fixture
def officer(db):
    user = StaffFactory(groups=[OFFICERS], first_name="Olivia", last_name="Officer")
    give_totp(user)
    return user


@pytest.fixture
def other_officer(db):
    user = StaffFactory(groups=[OFFICERS], first_name="Owen", last_name="Other")
    give_totp(user)
    return user


@pytest.fixture
def superuser(db):
    user = StaffFactory(is_superuser=True, first_name="Ada", last_name="Admin")
    give_totp(user)
    return user
