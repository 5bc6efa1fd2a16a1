"""Settings shared by every environment. Values come from the environment."""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

# --- Core -------------------------------------------------------------------
DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_ID = 1
SITE_URL = env("SITE_URL", default="http://localhost:8000")

ROOT_URLCONF = "lmcportal.urls"
WSGI_APPLICATION = "lmcportal.wsgi.application"
AUTH_USER_MODEL = "members.User"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Apps ---------------------------------------------------------------------
INSTALLED_APPS = [
    "lmcportal.admin_site.PortalAdminConfig",  # django.contrib.admin, with the portal's AdminSite
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.humanize",
    "django.forms",  # its widget templates, for FORM_RENDERER below
    "csp",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_celery_beat",
    "simple_history",
    "mail",
    "members",
    "privacy",
    "enquiries",
    "levies",
    "programmes",
    "voice",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "members.middleware.StaffMFAMiddleware",
    "members.middleware.StaffSessionIdleMiddleware",
    "members.middleware.NoStoreWhenSignedInMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "members.context_processors.portal",
            ],
        },
    }
]

# --- Database -----------------------------------------------------------------
# SQLite file by default, so a newcomer needs nothing installed; PostgreSQL
# (or anything dj-database-url style) when DATABASE_URL is set.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Wait for a writer rather than failing with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
elif DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql"):
    # No JIT compilation: our queries are short, and the visibility rule's
    # subqueries inflate the planner's cost estimate past jit_above_cost, so
    # PostgreSQL spent ~0.5 s compiling each overview figure that runs in 0.1 s.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")

# --- Internationalisation and time -------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# --- Static files -------------------------------------------------------------
# Bootstrap, Chart.js and axe-core come from the npm registry (package.json)
# and are served by whitenoise from node_modules: never a CDN link.
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
NODE_MODULES = Path(env("NODE_MODULES_DIR", default=str(BASE_DIR / "node_modules")))
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/chart.js", NODE_MODULES / "chart.js" / "dist"),
]
# Documents members and officers attach to enquiry messages: their own named
# storage, outside MEDIA_URL and the static files, with no public URL; they
# are served only by enquiries.views.enquiry_file_download after an access
# check. In production point ENQUIRY_FILES_BACKEND at django-storages' S3
# backend (with its own OPTIONS) so several web nodes share the files.
ENQUIRY_FILES_DIR = Path(env("ENQUIRY_FILES_DIR", default=str(BASE_DIR / "var" / "enquiry_files")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    "enquiry_files": {
        "BACKEND": env("ENQUIRY_FILES_BACKEND", default="django.core.files.storage.FileSystemStorage"),
        "OPTIONS": {"location": str(ENQUIRY_FILES_DIR), "base_url": None},
    },
}

# --- Authentication (django-allauth) -----------------------------------------
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "members:dashboard"
ACCOUNT_ADAPTER = "members.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_PRESERVE_USERNAME_CASING = False
# Five failed logins for one address within five minutes locks that address
# out for the rest of the window (allauth's "login_failed" rate limit).
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/300s/key",
    "login": "30/m/ip",
}
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[LMC portal] "
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env("MFA_TOTP_ISSUER", default="LMC portal")
# A password-reset link works for one hour. Invitations have their own token
# generator (members.tokens) and stay valid for seven days.
PASSWORD_RESET_TIMEOUT = 3600
LMC_INVITATION_TIMEOUT_SECONDS = env.int("LMC_INVITATION_TIMEOUT_SECONDS", default=7 * 24 * 3600)
# Asking for a password reset for an address with no account sends nothing
# (and the page says the same either way, so it reveals nothing).
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False

# Staff must have TOTP set up before the admin lets them in. Only the local
# demo may switch this off; production settings refuse to start without it.
LMC_STAFF_MFA_REQUIRED = env.bool("LMC_STAFF_MFA_REQUIRED", default=True)
# The admin lives at a configurable path so it is not where scanners look.
LMC_ADMIN_PATH = env("LMC_ADMIN_PATH", default="admin/").strip("/") + "/"

# --- Behind a reverse proxy ---------------------------------------------------
# Login rate limits and the access log need the client's own address. Behind
# a proxy, REMOTE_ADDR is the proxy's address for everyone, so say how many
# proxies you run in front of gunicorn (each appends the address it saw to
# X-Forwarded-For; allauth takes the entry that many from the right), or name
# the header your proxy puts the client's address in (e.g. X-Real-IP). Never
# set either when gunicorn can be reached directly: the header would be the
# client's own claim. Read by allauth (rate limits) and members.client_ip.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("ALLAUTH_TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = env("ALLAUTH_TRUSTED_CLIENT_IP_HEADER", default=None) or None
BEHIND_TRUSTED_PROXY = bool(ALLAUTH_TRUSTED_PROXY_COUNT or ALLAUTH_TRUSTED_CLIENT_IP_HEADER)
if BEHIND_TRUSTED_PROXY:
    # Only a proxy we trust may tell us the request came over HTTPS.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Caches (rate limits need a shared cache in production) ------------------
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "lmcportal",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Email --------------------------------------------------------------------
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", default=str(BASE_DIR / "var" / "mail"))
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
# STARTTLS on a plain port (usually 587), or TLS from the first byte (usually 465): one or the other.
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("Set EMAIL_USE_TLS (STARTTLS) or EMAIL_USE_SSL (implicit TLS), not both.")
# Seconds to wait for the mail server before giving up on this attempt (it is retried).
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="LMC portal <portal@lmc.example.org>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The outbox (mail): an email claimed by a worker that then went
# silent for this long is taken to be stranded and is sent again.
EMAIL_CLAIM_TIMEOUT_SECONDS = env.int("EMAIL_CLAIM_TIMEOUT_SECONDS", default=10 * 60)

# --- Celery -------------------------------------------------------------------
# With no broker configured, tasks run in-process (the embedded default).
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=REDIS_URL or None)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_ENABLE_UTC = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# A task is acknowledged only when it has finished, and handed back to the
# queue if its worker dies: our tasks are safe to run twice, losing one is not.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# If the worker loses Redis, the unacknowledged tasks go back to the queue
# anyway: stop the running copies rather than run them twice at once.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 5 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 4 * 60
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # Longer than the longest task, so a late-acked task is not redelivered
    # while it is still running; short enough that a lost one comes back
    # within the hour (the outbox and reminder sweeps cover the gap).
    "visibility_timeout": 3600,
    # Fail fast when Redis is down or hung: a member submitting a form must
    # not wait on the broker (the outbox sweep sends what could not be queued).
    "socket_connect_timeout": 2,
    "socket_timeout": 3,
}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 2
CELERY_REDIS_SOCKET_TIMEOUT = 3
CELERY_RESULT_EXPIRES = 24 * 3600
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# --- Forms --------------------------------------------------------------------
# Form fields and widgets render through the project's own template engine, so
# templates/forms/ (the field group of lmcportal.forms) is found beside Django's.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- The LMC ------------------------------------------------------------------
LMC_NAME = env("LMC_NAME", default="Demo Local Medical Committee")
LMC_TRIAGE_EMAIL = env("LMC_TRIAGE_EMAIL", default="support@lmc.example.org")
# How members reach the LMC: in the footer, on the enquiry pages, the error
# pages and every email to a member (members.contact.lmc_contact reads them).
LMC_PHONE = env("LMC_PHONE", default="")
LMC_EMAIL = env("LMC_EMAIL", default=LMC_TRIAGE_EMAIL)
LMC_ADDRESS = env("LMC_ADDRESS", default="")
LMC_OFFICE_HOURS = env("LMC_OFFICE_HOURS", default="")
LMC_BANK_HOLIDAY_REGION = env("LMC_BANK_HOLIDAY_REGION", default="ENG")
LMC_CLOSE_OF_BUSINESS = env("LMC_CLOSE_OF_BUSINESS", default="17:00")
LMC_URGENT_HOURS = env.int("LMC_URGENT_HOURS", default=48)
# Closed enquiries keep their text and names this many years after closing,
# unless the retention policy (admin) sets a period for the topic.
LMC_RETENTION_YEARS_DEFAULT = env.int("LMC_RETENTION_YEARS_DEFAULT", default=6)

# --- Security (tightened further in production.py) ---------------------------
# Pages load scripts and styles only from our own static files: no inline
# script, no third-party origin. The TOTP set-up page shows its QR code as a
# data: image.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
SESSION_COOKIE_HTTPONLY = True
# A failed CSRF check gets the portal's own page (a fresh form on the login page).
CSRF_FAILURE_VIEW = "lmcportal.errors.csrf_failure"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=12 * 3600)
# Staff sessions end after this long without a request (sliding expiry).
LMC_STAFF_SESSION_IDLE_SECONDS = env.int("LMC_STAFF_SESSION_IDLE_SECONDS", default=30 * 60)
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# --- Logging ------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
