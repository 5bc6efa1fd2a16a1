"""Production: every secret from the environment, HTTPS everywhere."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import CACHES, DATABASES, LMC_STAFF_MFA_REQUIRED, env

DEBUG = False
SECRET_KEY = env("SECRET_KEY")  # no default: refuses to start without one
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")

if not LMC_STAFF_MFA_REQUIRED:
    raise ImproperlyConfigured("LMC_STAFF_MFA_REQUIRED cannot be switched off in production.")

# Login lockouts and rate limits are counted in the cache: a per-process cache
# would give each gunicorn worker its own count (3 workers, 15 tries, not 5).
if CACHES["default"]["BACKEND"].rsplit(".", 1)[-1] in ("LocMemCache", "DummyCache"):
    raise ImproperlyConfigured(
        "Production needs a cache shared by every web process for login lockouts: set REDIS_URL."
    )

# --- Database connections -----------------------------------------------------
# Keep each worker's connection for a minute instead of opening one per
# request (a new PostgreSQL backend and Django's set-up cost every request a
# few milliseconds of CPU); check it is alive before reusing it. Set
# CONN_MAX_AGE=0 behind a transaction-pooling PgBouncer.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# --- HTTPS ----------------------------------------------------------------------
# SECURE_PROXY_SSL_HEADER is set in base.py only when a trusted proxy is configured.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True

# --- Email ------------------------------------------------------------------------
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
