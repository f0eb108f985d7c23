"""One settings module for every environment, driven by environment variables.

Development defaults are safe to run locally; production sets DJANGO_DEBUG=false,
DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS, DATABASE_URL (PostgreSQL), DJANGO_TRUSTED_PROXIES and
EMAIL_URL (or EMAIL_HOST and its EMAIL_* variables, for scorecard reminders). README.md lists
every variable; docs/DEPLOY.md the rest.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from config.mail import default_mailer

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env.str(
    "DJANGO_SECRET_KEY",
    default="dev-only-insecure-key-change-me" if DEBUG else environ.Env.NOTSET,
)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.humanize",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "config",
    "roles",
    "hiring",
    "accounts",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks_db",
    "api",
    "webhooks",
]
if DEBUG:
    INSTALLED_APPS.append("devtools")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Text responses compressed: pages, JSON and exports here, and static files whitenoise serves uncompressed
    # (in development; collectstatic's .gz files in production already carry their Content-Encoding, which it
    # leaves alone). BREACH: docs/DEPLOY.md, "Compression".
    "django.middleware.gzip.GZipMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.sessions.SessionRenewalMiddleware",
    "accounts.timezones.TimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "config.middleware.NoStoreMiddleware",
    "config.middleware.PermissionsPolicyMiddleware",
    "axes.middleware.AxesMiddleware",
    "accounts.middleware.OIDCSessionRefresh",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.LocalPasswordBackend",
    "accounts.backends.OIDCBackend",
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_CLIENT_IP_CALLABLE = "config.proxy.client_ip"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True

# Retention (issue 29, docs/COMPLIANCE.md): candidates not hired are anonymised (hiring.services.privacy) once every
# loop of theirs has been still for RETENTION_DAYS_NOT_HIRED days, unless a legal hold keeps them. The minimum is the
# law the company answers to: 365 days (EEOC, 29 CFR 1602.14); set 730 for an OFCCP contractor (41 CFR 60-1.12).
# The default, 730 days, meets both and stays within GDPR guidance on keeping applicants' data (up to two years).
RETENTION_LEGAL_MINIMUM = 365  # days: the least any US employer keeps hiring records (29 CFR 1602.14)
RETENTION_MINIMUM_DAYS = env.int("RETENTION_MINIMUM_DAYS", default=RETENTION_LEGAL_MINIMUM)
RETENTION_DAYS_NOT_HIRED = env.int("RETENTION_DAYS_NOT_HIRED", default=730)
if not RETENTION_LEGAL_MINIMUM <= RETENTION_MINIMUM_DAYS <= 36_500:
    raise ImproperlyConfigured(
        f"RETENTION_MINIMUM_DAYS must be between {RETENTION_LEGAL_MINIMUM} (29 CFR 1602.14) and 36500 days, "
        f"not {RETENTION_MINIMUM_DAYS}."
    )
if not RETENTION_MINIMUM_DAYS <= RETENTION_DAYS_NOT_HIRED <= 36_500:
    raise ImproperlyConfigured(
        f"RETENTION_DAYS_NOT_HIRED ({RETENTION_DAYS_NOT_HIRED}) is shorter than the legal minimum configured "
        f"(RETENTION_MINIMUM_DAYS, {RETENTION_MINIMUM_DAYS} days) or longer than 36500 days."
    )

# Validity (issue 29): calibration shows a dimension's correlation with later performance only once this many hires
# have an outcome (below it the interval spans most of -1..1). Fisher's z needs at least 4.
VALIDITY_MIN_HIRES = env.int("VALIDITY_MIN_HIRES", default=10)
if not 4 <= VALIDITY_MIN_HIRES <= 100_000:
    raise ImproperlyConfigured(f"VALIDITY_MIN_HIRES must be between 4 and 100000, not {VALIDITY_MIN_HIRES}.")

# Compliance (issue 29): voluntary self-identification and the adverse-impact report -----------
# The categories a candidate may self-identify with, per company (comma-separated); "Declined to answer"
# (hiring.models.DECLINED) is always offered besides them and is the default. Defaults: EEO-1's.
SELF_IDENTIFICATION_SEX = tuple(env.list("SELF_IDENTIFICATION_SEX", default=["Female", "Male"]))
SELF_IDENTIFICATION_RACE_ETHNICITY = tuple(
    env.list(
        "SELF_IDENTIFICATION_RACE_ETHNICITY",
        default=[
            "Hispanic or Latino",
            "White",
            "Black or African American",
            "Native Hawaiian or Other Pacific Islander",
            "Asian",
            "American Indian or Alaska Native",
            "Two or More Races",
        ],
    )
)
for _categories in (SELF_IDENTIFICATION_SEX, SELF_IDENTIFICATION_RACE_ETHNICITY):
    if not _categories or any(not name.strip() or len(name) > 100 for name in _categories):
        raise ImproperlyConfigured("Self-identification categories are names of 1 to 100 characters, at least one.")
# The adverse-impact report shows no ratio, test or difference for a group with fewer loops than this.
ADVERSE_IMPACT_MIN_GROUP = env.int("ADVERSE_IMPACT_MIN_GROUP", default=5)
if ADVERSE_IMPACT_MIN_GROUP < 2:
    raise ImproperlyConfigured(f"ADVERSE_IMPACT_MIN_GROUP must be at least 2, not {ADVERSE_IMPACT_MIN_GROUP}.")

# Hardening (issue 18): login limits and proxies --------------------------------------------------
# None (unset) behaves as 0 but fails `check --deploy` (config.checks): production must say how
# many proxies append to X-Forwarded-For (docs/DEPLOY.md).
TRUSTED_PROXIES = env.int("DJANGO_TRUSTED_PROXIES", default=None)
# Per username across all addresses: a back-off, not a lock (config/lockouts.py explains why).
AXES_HANDLER = "config.lockouts.LockoutHandler"
AXES_LOCKOUT_CALLABLE = "config.lockouts.lockout_response"
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
LOGIN_USERNAME_FAILURE_LIMIT = env.int("LOGIN_USERNAME_FAILURE_LIMIT", default=20)
LOGIN_BACKOFF_MAX_SECONDS = env.int("LOGIN_BACKOFF_MAX_SECONDS", default=60)
# -------------------------------------------------------------------------------------------------

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "hiring.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Writers take SQLite's lock when their transaction begins and queue for it, instead of
    # failing with "database is locked" when two requests write at once (autosave, sessions).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("transaction_mode", "IMMEDIATE")
    DATABASES["default"]["OPTIONS"].setdefault("timeout", 20)
else:
    # A connection kept by each server thread between its requests: opening one (a PostgreSQL backend process,
    # authentication) cost a signed-in request more than the rest of the bare view; checked before reuse, so a
    # restarted database costs one failed check, not an error page.
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"].setdefault("TEST", {})
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env.str("DJANGO_TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_URL_PATH = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
]
# Served at the site's root by whitenoise: /favicon.ico, which browsers ask for whatever the page links.
WHITENOISE_ROOT = BASE_DIR / "static" / "root"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Hardening (issue 18): mail from EMAIL_URL or EMAIL_HOST/EMAIL_* (config/mail.py) -----------------
MAILERS = {"default": default_mailer(env)}
# -------------------------------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = env.str("DJANGO_DEFAULT_FROM_EMAIL", default="scorecards@localhost")

# Caches and sessions (issue 27; docs/PERFORMANCE.md says why) -----------------------------------
# CACHE_URL names a cache every app server shares (redis://host:6379/0): the API's rate limit counts
# there, and sessions are read from it ("cached_db": written through to the database, so restarting
# the cache signs nobody out). Without it (make run, make test, one server) each process has a
# local-memory cache, and sessions are read from the database: a copy of a session kept in one
# process's memory would outlive its sign-out on the others.
# A redis:// URL gets Django's Redis backend with one client per connection pool (config/cache.py says why).
CACHE_URL = env.str("CACHE_URL", default="")
CACHES = {
    "default": env.cache_url_config(CACHE_URL)
    if CACHE_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "scorecards"}
}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    CACHES["default"]["BACKEND"] = "config.cache.PooledClientRedisCache"
SESSION_ENGINE = "django.contrib.sessions.backends." + ("cached_db" if CACHE_URL else "db")
# The idle timeout: a signed-in session ends this long after its last renewal (accounts/sessions.py)…
SESSION_COOKIE_AGE = env.int("DJANGO_SESSION_COOKIE_AGE", default=60 * 60 * 8)
# …and a request renews it only once the last renewal is this old, so reading a page writes nothing.
SESSION_RENEW_SECONDS = env.int("DJANGO_SESSION_RENEW_SECONDS", default=min(300, SESSION_COOKIE_AGE // 10))
SESSION_SAVE_EVERY_REQUEST = False
# -------------------------------------------------------------------------------------------------

# No inline script or style anywhere, so no 'unsafe-inline' is needed.
SECURE_CSP: dict[str, list[str]] = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"

# Hardening (issue 18): headers, CSRF page, plain-HTTP health probe ------------------------------
# No page uses a device feature; an empty allow-list refuses each to every origin.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
}
CSRF_FAILURE_VIEW = "config.views.csrf_failure"
# The load balancer probes /health/ over plain HTTP on the private network; only it is exempt.
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
# -------------------------------------------------------------------------------------------------

if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="WARNING")},
}
# Single sign-on (OpenID Connect, app accounts/, mozilla-django-oidc) -------------------------------
# Off unless OIDC_ENABLED=true. Endpoints come from the provider's discovery document; docs/DEPLOY.md
# has the values for Okta, Microsoft Entra ID, Google Workspace and Keycloak.
OIDC_ENABLED = env.bool("OIDC_ENABLED", default=False)
OIDC_PROVIDER_NAME = env.str("OIDC_PROVIDER_NAME", default="your company account")
OIDC_ISSUER = env.str("OIDC_ISSUER", default="")
OIDC_DISCOVERY_URL = env.str("OIDC_DISCOVERY_URL", default="")  # default: OIDC_ISSUER/.well-known/openid-configuration
OIDC_RP_CLIENT_ID = env.str("OIDC_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = env.str("OIDC_CLIENT_SECRET", default="")
OIDC_RP_SCOPES = env.str("OIDC_SCOPES", default="openid email profile")
OIDC_RP_SIGN_ALGO = env.str("OIDC_SIGN_ALGO", default="RS256")
OIDC_GROUPS_CLAIM = env.str("OIDC_GROUPS_CLAIM", default="groups")  # empty: roles are managed here, not synced
OIDC_GROUP_MAP = env.str("OIDC_GROUP_MAP", default="")  # "provider-value=Interviewers,other-value=Recruiters"
OIDC_CREATE_USERS = env.bool("OIDC_CREATE_USERS", default=True)
OIDC_RENEW_ID_TOKEN_EXPIRY_SECONDS = env.int("OIDC_RENEW_SECONDS", default=15 * 60)
OIDC_CLOCK_SKEW_SECONDS = 60
OIDC_TIMEOUT = 10
OIDC_USE_PKCE = True
OIDC_USE_NONCE = True
OIDC_STORE_ID_TOKEN = True  # the id_token_hint of RP-initiated logout
OIDC_AUTHENTICATION_CALLBACK_URL = "oidc_authentication_callback"
if OIDC_ENABLED and OIDC_ISSUER:
    # Sign-out is a form post that ends at the provider's end-session endpoint: let the form go there.
    SECURE_CSP["form-action"] = [CSP.SELF, urlsplit(OIDC_ISSUER)._replace(path="").geturl()]
LOCAL_LOGIN = env.bool("DJANGO_LOCAL_LOGIN", default=True)
BREAK_GLASS_USERS = env.list("DJANGO_BREAK_GLASS_USERS", default=[])

ROLE_FIXTURES_DIR = BASE_DIR / "fixtures"
DEMO_PASSWORD = env.str("DEMO_PASSWORD", default="scorecards-demo")
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
SCORECARD_DUE_HOURS = env.int("SCORECARD_DUE_HOURS", default=24)
if not 1 <= SCORECARD_DUE_HOURS <= 24 * 366:
    raise ImproperlyConfigured(
        f"SCORECARD_DUE_HOURS must be between 1 and {24 * 366} (a year), not {SCORECARD_DUE_HOURS}."
    )

# The reliability a dimension's panel should reach (hiring.reliability, docs/DECISIONS.md): calibration shows
# how many independent ratings each dimension needs for it, by Spearman–Brown on its measured agreement.
PANEL_RELIABILITY_TARGET = env.float("PANEL_RELIABILITY_TARGET", default=0.80)
if not 0 < PANEL_RELIABILITY_TARGET < 1:
    raise ImproperlyConfigured(
        f"PANEL_RELIABILITY_TARGET is a reliability strictly between 0 and 1, not {PANEL_RELIABILITY_TARGET}."
    )

# Hardening (issue 18): blind scoring and the signed-out post stash ------------------------------
# A draft is private to its author; true lets a loop's recruiter, hiring manager and staff read
# drafts while they are written (panel members stay blind until their own scorecard is in).
SCORECARD_DRAFTS_VISIBLE_TO_MANAGERS = env.bool("SCORECARD_DRAFTS_VISIBLE_TO_MANAGERS", default=False)
# Scorecard posts that arrive after the session expired are kept for the next login: at most this
# many scorecards, this many bytes each, for this long (hiring/views/pending_posts.py).
PENDING_POSTS_MAX = 5
PENDING_POST_MAX_BYTES = 64 * 1024
PENDING_POST_MAX_AGE = dt.timedelta(hours=24)
# -------------------------------------------------------------------------------------------------

# The JSON API (api/, docs/API.md): personal access tokens, JSON only, errors as JSON, throttled per token.
API_RATE = env.str("API_RATE", default="600/minute")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated", "api.permissions.TokenScope"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.TokenRateThrottle"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["api.renderers.SafeJSONRenderer"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Pagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "URL_FORMAT_OVERRIDE": None,  # ?format= is the API's own parameter (?format=greenhouse)
    "UNICODE_JSON": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Scorecards API",
    "DESCRIPTION": "Roles and rubrics, loops, interviews, scorecards, debriefs, decisions, exports (docs/API.md).",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "api.schema.postprocess"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"validatorUrl": None, "persistAuthorization": False},
    "ENUM_NAME_OVERRIDES": {
        "LoopStatusEnum": "hiring.models.Loop.Status",
        "ScorecardStatusEnum": "hiring.models.Scorecard.Status",
        "DecisionOutcomeEnum": "hiring.models.Decision.Outcome",
        "SuggestionOutcomeEnum": ["wait", "discuss", "hire", "no_hire"],
    },
}

# Background work (reminders, emails, webhook deliveries) runs as django.tasks on the database:
# `manage.py run_worker` on any number of machines (README, "Workers").
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Webhooks (webhooks/, README "Webhooks"): only hosts listed here are ever called; a name, ".example.com"
# for its subdomains, or an IP address or network (needed to reach a private or loopback address).
WEBHOOK_ALLOWED_HOSTS = env.list("WEBHOOK_ALLOWED_HOSTS", default=[])
WEBHOOK_TIMEOUT = env.float("WEBHOOK_TIMEOUT", default=5.0)
WEBHOOK_RETRY_BASE = env.float("WEBHOOK_RETRY_BASE", default=30.0)  # seconds; doubles after each failure
WEBHOOK_MAX_ATTEMPTS = env.int("WEBHOOK_MAX_ATTEMPTS", default=8)
