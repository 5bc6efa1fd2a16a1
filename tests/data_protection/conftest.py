import pytest

from members.permissions import OFFICERS, TRIAGE_LEAD
from tests.conftest import give_totp
from tests.factories import StaffFactory


@pytest.fixture
def triage_lead(db):
    user = StaffFactory(groups=[OFFICERS, TRIAGE_LEAD], first_name="Tara", last_name="Leadbetter")
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


@pytest.fixture
def fake_app_with_personal_data():
    """Make `levies` answer the personal-data registry with tests/data_protection/fake_personal_data.py."""
    from django.apps import apps

    from privacy.personal_data import PersonalDataSource
    from privacy.signals import register_personal_data
    from tests.data_protection import fake_personal_data

    def source(sender, **kwargs):
        return PersonalDataSource(collect=fake_personal_data.collect)

    levies = apps.get_app_config("levies")
    register_personal_data.connect(source, sender=levies, dispatch_uid="tests.fake_personal_data")
    yield
    register_personal_data.disconnect(sender=levies, dispatch_uid="tests.fake_personal_data")
