"""The embedded default: SQLite, tasks in-process, console email, demo-friendly."""

from .base import *  # noqa: F401,F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env("SECRET_KEY", default="local-only-insecure-key-do-not-use-in-production")
# The demo lets staff into the admin without an authenticator app so a
# newcomer can click through; production.py refuses this.
LMC_STAFF_MFA_REQUIRED = env.bool("LMC_STAFF_MFA_REQUIRED", default=False)
