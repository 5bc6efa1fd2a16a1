"""Settings for the benchmarks and the load and fault scripts (never for real use).

Production-like where it matters for the figures: DEBUG off, the PostgreSQL
DATABASE_URL, Redis when REDIS_URL is set, whitenoise. Three things differ,
each so the scripts measure the portal rather than the harness (and, as in
production, each worker keeps its database connection between requests):

- a fast password hasher, so logging 50 members in does not spend the two
  cores on PBKDF2 (the figures are about submissions, not logins);
- allauth's per-address login limit raised, because every bench client
  logs in from 127.0.0.1;
- plain HTTP on 127.0.0.1 (no SSL redirect, cookies not marked Secure).
"""

import warnings

from lmcportal.settings.base import *  # noqa: F403
from lmcportal.settings.base import BASE_DIR, DATABASES, STORAGES, TEMPLATES, env

DEBUG = False
SECRET_KEY = env("SECRET_KEY", default="bench-only-secret-key-never-used-for-anything-real-0123456789")
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
ROOT_URLCONF = "bench.urls"
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# As production.py: a connection kept per worker, checked before reuse.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/300s/key", "login": "100000/m/ip"}

# A claim left by a task Celery cancelled when Redis went away is taken over
# after this long; production waits 10 minutes, the fault scripts 5 seconds,
# so they can prove the takeover within the run.
EMAIL_CLAIM_TIMEOUT_SECONDS = 5

# The bare view's template (bench/templates).
TEMPLATES[0]["DIRS"] = [*TEMPLATES[0]["DIRS"], BASE_DIR / "bench" / "templates"]

# No collectstatic step: serve from the finders, as the tests do.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
WHITENOISE_USE_FINDERS = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING")},
}

# Whitenoise warns that STATIC_ROOT is missing: expected here (no collectstatic).
warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
