"""Settings for the test suite: PostgreSQL/Redis when the environment names them."""

from .base import *  # noqa: F403
from .base import BASE_DIR, env

DEBUG = False
SECRET_KEY = "test-only-secret-key-not-for-production-use-0123456789"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
LMC_STAFF_MFA_REQUIRED = True
# Tests call tasks in-process unless a test starts a real worker itself.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL = env("REDIS_URL", default="memory://")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "enquiry_files": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(BASE_DIR / "var" / "test_enquiry_files"), "base_url": None},
    },
}
# Rate limits need a cache shared between requests; locmem is per process,
# which is what the tests run in.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Serve static files straight from the finders (no collectstatic in tests).
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# Many tests freeze the clock days away from a client logged in at real time;
# session lifetimes themselves are tested explicitly in tests/test_security.py.
SESSION_COOKIE_AGE = 365 * 24 * 3600
# The LMC's contact details, as the demo has them.
LMC_PHONE = "01772 000 000"
LMC_EMAIL = "support@lmc.example.org"
LMC_ADDRESS = "Demo LMC, 1 Example Street, Preston PR1 1AA"
LMC_OFFICE_HOURS = "Monday to Friday, 9am to 5pm"
