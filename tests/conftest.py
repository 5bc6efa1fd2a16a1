"""Shared fixtures. Database-specific tests are marked and skipped with a reason."""

import os

import pytest
from django.db import connection

from tests.factories import MembershipFactory, PracticeFactory, StaffFactory

# Playwright's sync API runs an event loop in the test thread; Django's
# live server is fine with that in tests.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    on_postgres = os.environ.get("DATABASE_URL", "").startswith(("postgres", "postgresql", "psql"))
    has_redis = bool(os.environ.get("REDIS_URL"))
    has_chromium = os.path.exists("/usr/bin/chromium")
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL=postgres://..."))
        if "redis" in item.keywords and not has_redis:
            item.add_marker(pytest.mark.skip(reason="needs Redis: set REDIS_URL=redis://..."))
        if "browser" in item.keywords and not has_chromium:
            item.add_marker(pytest.mark.skip(reason="needs /usr/bin/chromium (apt-get install chromium)"))


@pytest.fixture
def practice(db):
    return PracticeFactory()


@pytest.fixture
def other_practice(db):
    return PracticeFactory()


@pytest.fixture
def member(db, practice):
    """A practice manager at `practice`."""
    return MembershipFactory(practice=practice).user


@pytest.fixture
def other_member(db, other_practice):
    """A practice manager at `other_practice`: must never see `practice`'s data."""
    return MembershipFactory(practice=other_practice).user


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


@pytest.fixture
def staff_user(db):
    """A superuser-free officer with a TOTP authenticator, so the admin lets them in."""
    from members.permissions import OFFICERS

    user = StaffFactory(groups=[OFFICERS])
    give_totp(user)
    return user


def give_totp(user):
    """Register a TOTP authenticator for `user` and return its secret."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    return secret


@pytest.fixture
def on_postgres():
    return connection.vendor == "postgresql"
