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


PROJECT_APPS = {"members", "mail", "privacy", "enquiries", "levies", "programmes", "voice"}


def replay_data_migrations() -> None:
    """Re-run our apps' data migrations (groups, grants, beat schedule), in migration order.

    Transactional and live-server tests end by flushing every table, which
    wipes what data migrations created; Django's post-migrate signal only
    brings back content types, permissions and the site. Each data migration
    is idempotent, so replaying them restores the database a user would have.
    """
    from django.apps import apps
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.operations.special import RunPython

    loader = MigrationLoader(connection)
    ordered = []
    for leaf in loader.graph.leaf_nodes():
        for node in loader.graph.forwards_plan(leaf):
            if node not in ordered:
                ordered.append(node)
    for app_label, name in ordered:
        if app_label not in PROJECT_APPS:
            continue
        for operation in loader.graph.nodes[(app_label, name)].operations:
            if isinstance(operation, RunPython):
                operation.code(apps, None)


@pytest.fixture(autouse=True)
def _restore_data_migrations(request):
    """Give transactional tests the groups and schedules a migrated database has."""
    marker = request.node.get_closest_marker("django_db")
    marked_transactional = marker is not None and (
        marker.kwargs.get("transaction") or (marker.args and marker.args[0])
    )
    if marked_transactional or {"transactional_db", "live_server"} & set(request.fixturenames):
        request.getfixturevalue("transactional_db")
        replay_data_migrations()


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
