import pytest

from members.permissions import OFFICERS, TRIAGE_LEAD
from tests.conftest import give_totp
from tests.factories import StaffFactory


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
