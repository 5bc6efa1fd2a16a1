"""The embedded default: SQLite, tasks in-process, console email, demo-friendly."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env("SECRET_KEY", default="local-only-insecure-key-do-not-use-in-production")
# The demo lets staff into the admin without an authenticator app so a
# newcomer can click through; production.py refuses this.
LMC_STAFF_MFA_REQUIRED = env.bool("LMC_STAFF_MFA_REQUIRED", default=False)

# --- The LMC's contact details (demo values) -----------------------------------
LMC_PHONE = env("LMC_PHONE", default="01772 000 000")
LMC_EMAIL = env("LMC_EMAIL", default="support@lmc.example.org")
LMC_ADDRESS = env("LMC_ADDRESS", default="Demo LMC, 1 Example Street, Preston PR1 1AA")
LMC_OFFICE_HOURS = env("LMC_OFFICE_HOURS", default="Monday to Friday, 9am to 5pm")
