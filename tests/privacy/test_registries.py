"""The personal-data and demo-data registries fail loudly when an app forgets to contribute."""

import pytest
from django.apps import AppConfig, apps
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command

import tests.privacy
from members.checks import demo_data_contributors
from privacy.checks import personal_data_contributors
from privacy.personal_data import personal_data_export


def fake_app(**attributes) -> AppConfig:
    """An app config for a package inside the repository, as a new app of ours would be."""
    config = AppConfig("tests.privacy", tests.privacy)
    for name, value in attributes.items():
        setattr(config, name, value)
    return config


def test_the_project_passes_its_registry_checks():
    assert personal_data_contributors() == []
    assert demo_data_contributors() == []


def test_an_app_that_holds_personal_data_with_no_contributor_fails_the_check():
    errors = personal_data_contributors(app_configs=[fake_app(holds_personal_data=True, has_demo_data=False)])

    assert [e.id for e in errors] == ["privacy.E002"]


def test_an_app_that_does_not_say_whether_it_holds_personal_data_fails_the_check():
    errors = personal_data_contributors(app_configs=[fake_app(has_demo_data=False)])

    assert [e.id for e in errors] == ["privacy.E001"]


def test_an_installed_app_whose_contributor_is_missing_fails_the_check_and_the_export(member, monkeypatch):
    # Levies holds no personal data today; were that to change without a contributor, nothing may pass.
    monkeypatch.setattr(apps.get_app_config("levies"), "holds_personal_data", True)

    assert [e.id for e in personal_data_contributors()] == ["privacy.E002"]
    with pytest.raises(ImproperlyConfigured, match="levies"):
        personal_data_export(user=member)


def test_an_app_with_demo_data_that_nothing_seeds_fails_the_check():
    errors = demo_data_contributors(app_configs=[fake_app(holds_personal_data=False, has_demo_data=True)])

    assert [e.id for e in errors] == ["members.E002"]


def test_an_app_that_does_not_say_whether_it_has_demo_data_fails_the_check():
    errors = demo_data_contributors(app_configs=[fake_app(holds_personal_data=False)])

    assert [e.id for e in errors] == ["members.E001"]


@pytest.mark.django_db
def test_seed_demo_refuses_when_an_app_with_demo_data_has_no_seeder(monkeypatch):
    monkeypatch.setattr(apps.get_app_config("privacy"), "has_demo_data", True)

    with pytest.raises(CommandError, match="privacy"):
        call_command("seed_demo")


def test_demo_data_is_seeded_in_installed_apps_order_after_members():
    from members.signals import register_demo_data

    answering = [config.label for config in apps.get_app_configs() if register_demo_data.has_listeners(sender=config)]

    assert answering == ["enquiries", "levies", "programmes", "voice"]


@pytest.mark.django_db
def test_personal_data_sections_come_in_installed_apps_order_members_first(member):
    from privacy.personal_data import personal_data_collect

    names = list(personal_data_collect(user=member))

    assert names[:4] == ["profile", "email_addresses", "sign_in_methods", "memberships"]
    assert names.index("enquiries") < names.index("programme_bookings")
