"""gunicorn settings for the login-lockout tests: the bench settings with production's login limits.

The bench settings raise allauth's per-address login limit (all their clients
are 127.0.0.1); these tests are about exactly that limit, so they put back the
one every deployment runs with.
"""

from bench.settings import *  # noqa: F403
from lmcportal.settings.base import ACCOUNT_RATE_LIMITS  # noqa: F401
