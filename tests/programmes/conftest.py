import pytest

from tests.programmes.factories import SessionFactory


@pytest.fixture
def session(db):
    """A peer-support session for practice managers, ten days away, with ten places."""
    return SessionFactory()
