"""All settings, read from environment variables with safe defaults (see .env.example)."""

import os
import tempfile
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
# The fallback key is only good for a laptop demo; production must set SECRET_KEY.
# The "django-insecure-" prefix makes `check --deploy` refuse it (security.W009).
SECRET_KEY = env.str("SECRET_KEY", default="django-insecure-demo-key-change-me-" + "x" * 24)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "csp",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "axes",
    "rules.apps.AutodiscoverRulesConfig",
    "lotsa.audit",
    "lotsa.accounts",
    "lotsa.directory",
    "lotsa.people",
    "lotsa.referrals",
    "lotsa.outcomes",
    "lotsa.privacy",
    "lotsa.matching",
    "lotsa.reports",
    "lotsa.interop",
    "lotsa.bench",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The client's address (and the unit acted for) for the access log's events.
    "lotsa.audit.context.AuditContextMiddleware",
    # No-store on signed-in and answer-link pages, Permissions-Policy everywhere.
    "lotsa.accounts.headers.SecurityHeadersMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "lotsa.accounts.security.SessionLimitMiddleware",
    "lotsa.accounts.security.TwoFactorRequiredMiddleware",
    # Reports and public search read from the replica when there is one (lotsa.routers).
    "lotsa.routers.ReplicaReadsMiddleware",
    # Axes turns a flagged failed login into the lockout page: it must come last.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "lotsa.urls"
WSGI_APPLICATION = "lotsa.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "lotsa" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "lotsa.accounts.context.navigation",
            ],
        },
    }
]

# SQLite is the embedded default: one file under the project, WAL so readers never block
# the writer, IMMEDIATE transactions so two writers queue instead of failing mid-way.
SQLITE_PATH = env.path("SQLITE_PATH", default=BASE_DIR / "var" / "lotsa.sqlite3")
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{SQLITE_PATH}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
    }
    # Tests use a file too, not shared-cache memory: concurrent writers must queue as in
    # production (shared-cache memory databases fail at once with "table is locked").
    # One file per test run (the process id), so that runs side by side never share one.
    DATABASES["default"]["TEST"] = {
        "NAME": env.str(
            "TEST_DATABASE_NAME",
            default=str(Path(tempfile.gettempdir()) / f"lotsa-test-{os.getpid()}.sqlite3"),
        )
    }
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"].setdefault("TEST", {"NAME": env.str("TEST_DATABASE_NAME", default="")})
    if not DATABASES["default"]["TEST"]["NAME"]:
        del DATABASES["default"]["TEST"]["NAME"]
# A streaming replica of the PostgreSQL primary, e.g. postgres://lotsa@db-replica:5432/lotsa.
# The reports and the public search (LOTSA_REPLICA_VIEWS, GET and HEAD) read from it; every
# write, every other page and everything about sign-in and access stay on "default"
# (lotsa.routers). Empty: one database, nothing routed. Tests never make a copy of it: there
# it is a mirror of the test database.
DATABASE_REPLICA_URL = env.str("DATABASE_REPLICA_URL", default="")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = env.db_url_config(DATABASE_REPLICA_URL)
    if {DATABASES["default"]["ENGINE"], DATABASES["replica"]["ENGINE"]} != {
        "django.db.backends.postgresql"
    }:
        raise ImproperlyConfigured(
            "DATABASE_REPLICA_URL needs PostgreSQL for both DATABASE_URL and the replica."
        )
    DATABASES["replica"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["lotsa.routers.ReplicaRouter"]
# The pages that read from the replica when there is one: a URL namespace ("reports:"), a URL
# name, or a path prefix ("/api/hsds/"). Public and aggregate pages only: a moment's lag is
# harmless there, never on a case.
LOTSA_REPLICA_VIEWS = [
    "reports:",
    "directory:search",
    "directory:offering",
    "directory:offering-print",
    "/api/hsds/",
]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    # Refuses a locked-out (e-mail, IP) before any backend checks the password.
    "lotsa.accounts.security.LockoutBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_ADAPTER = "lotsa.accounts.adapter.AccountAdapter"
ACCOUNT_LOGOUT_ON_GET = False
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "accounts:home"

# Two factors (TOTP and recovery codes) through allauth.mfa; staff who can see people's data
# must enrol before anything else (lotsa.accounts.security). Only a laptop demo turns it off.
LOTSA_REQUIRE_MFA = env.bool("LOTSA_REQUIRE_MFA", default=True)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Lotsa"
# Accept the code of the neighbouring 30-second period too: phones' clocks drift, and a code
# typed as the period turns would otherwise fail (RFC 6238 suggests one step of tolerance).
MFA_TOTP_TOLERANCE = 1
MFA_ADAPTER = "lotsa.accounts.adapter.MFAAdapter"

# Single sign-on through one OpenID Connect provider: the broker that reaches SITHS/BankID
# (Sweden) or MitID (Denmark), or the region's or municipality's own identity provider.
# Without LOTSA_OIDC_SERVER_URL there is no sign-on button. Only existing, active users may
# sign in: the provider's verified e-mail address is matched to one (lotsa.accounts.sso).
LOTSA_OIDC_SERVER_URL = env.str("LOTSA_OIDC_SERVER_URL", default="")
LOTSA_OIDC_NAME = env.str("LOTSA_OIDC_NAME", default="SSO")
LOTSA_OIDC_CLIENT_ID = env.str("LOTSA_OIDC_CLIENT_ID", default="")
LOTSA_OIDC_CLIENT_SECRET = env.str("LOTSA_OIDC_CLIENT_SECRET", default="")
LOTSA_OIDC_SCOPES = env.list("LOTSA_OIDC_SCOPES", default=["openid", "email", "profile"])
# "client_secret_post" or "client_secret_basic"; empty: as the provider's discovery says.
LOTSA_OIDC_TOKEN_AUTH_METHOD = env.str("LOTSA_OIDC_TOKEN_AUTH_METHOD", default="")
# Take the e-mail claim as verified even without "email_verified": true (only for a provider
# whose addresses come from an authoritative directory, such as the HSA catalogue).
LOTSA_OIDC_TRUST_EMAIL = env.bool("LOTSA_OIDC_TRUST_EMAIL", default=False)
# Whether a sign-in through the provider counts as both factors (the brokers for SITHS,
# BankID and MitID authenticate with two). False: staff still enrol and give a TOTP code.
LOTSA_OIDC_COUNTS_AS_MFA = env.bool("LOTSA_OIDC_COUNTS_AS_MFA", default=False)
LOTSA_OIDC_PROVIDER_ID = "sso"  # in the callback URL: /<lang>/account/oidc/sso/login/callback/
SOCIALACCOUNT_ADAPTER = "lotsa.accounts.sso.SocialAccountAdapter"
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False  # matching is Lotsa's own (lotsa.accounts.sso)
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {
        "OAUTH_PKCE_ENABLED": True,
        "APPS": (
            [
                {
                    "provider_id": LOTSA_OIDC_PROVIDER_ID,
                    "name": LOTSA_OIDC_NAME,
                    "client_id": LOTSA_OIDC_CLIENT_ID,
                    "secret": LOTSA_OIDC_CLIENT_SECRET,
                    "settings": {
                        "server_url": LOTSA_OIDC_SERVER_URL,
                        "scope": LOTSA_OIDC_SCOPES,
                        **(
                            {"token_auth_method": LOTSA_OIDC_TOKEN_AUTH_METHOD}
                            if LOTSA_OIDC_TOKEN_AUTH_METHOD
                            else {}
                        ),
                    },
                }
            ]
            if LOTSA_OIDC_SERVER_URL
            else []
        ),
    }
}

# Brute force: AXES_FAILURE_LIMIT failed sign-ins for one (e-mail, IP) lock that pair out
# for AXES_COOLOFF_MINUTES; a successful sign-in resets the count.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "lotsa.accounts.security.axes_username"
AXES_LOCKOUT_CALLABLE = "lotsa.accounts.security.locked_out"
AXES_RESET_ON_SUCCESS = True
# The same client address as the access log and the rate limits (LOTSA_CLIENT_IP_HEADER).
AXES_CLIENT_IP_CALLABLE = "lotsa.audit.context.client_ip"
AXES_VERBOSE = False

# The client's address for the access log, lockouts and rate limits (and allauth's): REMOTE_ADDR,
# or behind a reverse proxy the header it sets to the client's address (e.g. X-Real-IP; the
# proxy must overwrite it).
LOTSA_CLIENT_IP_HEADER = env.str("LOTSA_CLIENT_IP_HEADER", default="")
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = LOTSA_CLIENT_IP_HEADER or None
RATELIMIT_IP_META_KEY = "lotsa.accounts.ratelimits.ip_key"

# Rate limits ("N/period[/per]", period s, m, h or d, optionally with a count: "30/10m").
# allauth's, on sign-in and password reset: per IP, and per e-mail address ("key").
ACCOUNT_RATE_LIMITS = {
    "login": env.str("LOTSA_RATE_LIMIT_LOGIN", default="30/m/ip"),
    "login_failed": env.str("LOTSA_RATE_LIMIT_LOGIN_FAILED", default="10/m/ip,5/5m/key"),
    "reset_password": env.str("LOTSA_RATE_LIMIT_PASSWORD_RESET", default="20/m/ip,3/h/key"),
    "reset_password_from_key": "20/m/ip",
    "reauthenticate": "10/m/user",
    "change_password": "5/m/user",
}
# Lotsa's own, per IP, on public pages (lotsa.accounts.ratelimits); empty: no limit.
LOTSA_RATE_LIMIT_SEARCH = env.str("LOTSA_RATE_LIMIT_SEARCH", default="120/m")
LOTSA_RATE_LIMIT_SELF_REFERRAL = env.str("LOTSA_RATE_LIMIT_SELF_REFERRAL", default="5/h")
LOTSA_RATE_LIMIT_ANSWER_LINK = env.str("LOTSA_RATE_LIMIT_ANSWER_LINK", default="30/10m")
# Rate limits count in the cache, which every worker must share: by default a table in the
# database (created by a migration); e.g. CACHE_URL=redis://… for a large site.
CACHES = {"default": env.cache_url("CACHE_URL", default="dbcache://lotsa_cache")}
RATELIMIT_USE_CACHE = "default"

# A session ends after 30 minutes without a request (every request renews the cookie) and
# at the latest LOTSA_SESSION_MAX_AGE seconds after sign-in (lotsa.accounts.security).
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=30 * 60)
SESSION_SAVE_EVERY_REQUEST = env.bool("SESSION_SAVE_EVERY_REQUEST", default=True)
SESSION_COOKIE_SAMESITE = "Lax"
LOTSA_SESSION_MAX_AGE = env.int("LOTSA_SESSION_MAX_AGE", default=12 * 60 * 60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# HTTPS: behind a TLS-terminating proxy, name the header it sets (e.g. HTTP_X_FORWARDED_PROTO,
# meaning "https" when the request came in over TLS); the proxy must overwrite it, never pass
# on a client's own. SECURE_SSL_REDIRECT stays off for development and tests over http.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
_proxy_ssl_header = env.str("SECURE_PROXY_SSL_HEADER", default="")
SECURE_PROXY_SSL_HEADER = (_proxy_ssl_header, "https") if _proxy_ssl_header else None
# HSTS (subdomains included): by default a year wherever cookies are HTTPS-only, else off.
_hsts_seconds = env.str("SECURE_HSTS_SECONDS", default="")
SECURE_HSTS_SECONDS = (
    int(_hsts_seconds) if _hsts_seconds else 365 * 24 * 60 * 60 if SESSION_COOKIE_SECURE else 0
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = False
SILENCED_SYSTEM_CHECKS = [
    # security.W021 asks for SECURE_HSTS_PRELOAD. Entering the browsers' preload list binds
    # the whole registered domain (a region's or a municipality's) to HTTPS for good and is
    # slow to undo: the domain's owner decides it and submits it, not the application.
    "security.W021",
]
# The CSRF failure page, like every error page, in the site's style and language (Django's
# own has an inline <style> that the Content-Security-Policy refuses).
CSRF_FAILURE_VIEW = "lotsa.accounts.errors.csrf_failure"

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Swedish")), ("da", _("Danish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "lotsa" / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Stockholm")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "lotsa" / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "var" / "static")
# Serve straight from the apps' static folders too, so a demo needs no collectstatic.
WHITENOISE_USE_FINDERS = True
Path(STATIC_ROOT).mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Lotsa <noreply@lotsa.invalid>")
if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
# Text messages: console (development), locmem (tests), log (no gateway) or a gateway class.
SMS_BACKEND = env.str("SMS_BACKEND", default="lotsa.messaging.sms.ConsoleBackend")

# Background work runs through Django's tasks API with the database backend: no broker.
TASKS = {
    "default": {
        "BACKEND": env.str("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend"),
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # WeasyPrint and fontTools report every font they subset at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # Axes reports every sign-in at INFO; lockouts still show as warnings.
        "axes": {"level": "WARNING"},
    },
}

# Lotsa's own settings.
# A listing not reviewed for this many weeks is stale: staff see it, the provider is reminded.
LOTSA_STALE_AFTER_WEEKS = env.int("LOTSA_STALE_AFTER_WEEKS", default=26)
# A provider is reminded about stale listings at most once per this many days.
LOTSA_REMINDER_INTERVAL_DAYS = env.int("LOTSA_REMINDER_INTERVAL_DAYS", default=14)
# Map tiles: any XYZ tile server; the map still shows markers if no tile loads.
LOTSA_MAP_TILE_URL = env.str(
    "LOTSA_MAP_TILE_URL", default="https://tile.openstreetmap.org/{z}/{x}/{y}.png"
)
LOTSA_MAP_ATTRIBUTION = env.str(
    "LOTSA_MAP_ATTRIBUTION", default="&copy; OpenStreetMap contributors"
)

# Content-Security-Policy (django-csp): only Lotsa's own scripts, styles, fonts and requests;
# no inline script or style and no eval (htmx is configured for it in base.html). Images may
# also come from the map tile server, whose origin is read from LOTSA_MAP_TILE_URL ("{s}"
# subdomains become a wildcard).
_tiles = urlsplit(LOTSA_MAP_TILE_URL)
LOTSA_MAP_TILE_ORIGIN = (
    f"{_tiles.scheme}://{_tiles.netloc.replace('{s}', '*')}"
    if _tiles.scheme in ("http", "https") and _tiles.netloc
    else ""
)
# The sign-on button posts to Lotsa, which redirects to the OpenID Connect provider: browsers
# hold that redirect to form-action, so the provider's origin is allowed there.
_oidc = urlsplit(LOTSA_OIDC_SERVER_URL)
LOTSA_OIDC_ORIGIN = (
    f"{_oidc.scheme}://{_oidc.netloc}" if _oidc.scheme in ("http", "https") and _oidc.netloc else ""
)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *([LOTSA_MAP_TILE_ORIGIN] if LOTSA_MAP_TILE_ORIGIN else [])],
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF, *([LOTSA_OIDC_ORIGIN] if LOTSA_OIDC_ORIGIN else [])],
        "frame-ancestors": [NONE],
    }
}
LOTSA_SEARCH_PAGE_SIZE = env.int("LOTSA_SEARCH_PAGE_SIZE", default=20)
LOTSA_DEFAULT_RADIUS_KM = env.int("LOTSA_DEFAULT_RADIUS_KM", default=10)
# Suggestions for a case whose person states no travel limit come from this far from home.
LOTSA_MATCHING_RADIUS_KM = env.int("LOTSA_MATCHING_RADIUS_KM", default=25)
# A referral to a link worker team is due for first contact within this many working days.
LOTSA_FIRST_CONTACT_WORKING_DAYS = env.int("LOTSA_FIRST_CONTACT_WORKING_DAYS", default=5)
# An activity referral without an answer is reminded after this many days (then once more
# after as many again); the e-mailed answer link expires after LOTSA_ANSWER_LINK_DAYS.
LOTSA_ANSWER_REMINDER_DAYS = env.int("LOTSA_ANSWER_REMINDER_DAYS", default=3)
LOTSA_ANSWER_LINK_DAYS = env.int("LOTSA_ANSWER_LINK_DAYS", default=14)
# The log review's alerts: a user who reads more than this many distinct people within an
# hour; reads outside these working hours (local time, "HH-HH" or "HH:MM-HH:MM", weekdays;
# weekends and Swedish/Danish public holidays count as outside).
LOTSA_ALERT_PEOPLE_PER_HOUR = env.int("LOTSA_ALERT_PEOPLE_PER_HOUR", default=20)
LOTSA_WORKING_HOURS = env.str("LOTSA_WORKING_HOURS", default="07-18")
# Retention (lotsa/privacy/retention.py; `manage.py purge`, nightly). A closed case, and a
# referral that led to none, is anonymised this many months after it closed or last changed.
LOTSA_RETENTION_CASE_MONTHS = env.int("LOTSA_RETENTION_CASE_MONTHS", default=24)
# Months after closing in which a law binding the operator (archive rules, a patient record)
# requires keeping a case: an erasure request is refused until then. At most the above.
LOTSA_RETENTION_LEGAL_HOLD_MONTHS = env.int("LOTSA_RETENTION_LEGAL_HOLD_MONTHS", default=0)
# The access log is kept this many years (the law asks for at least five; less is refused).
LOTSA_RETENTION_AUDIT_YEARS = env.int("LOTSA_RETENTION_AUDIT_YEARS", default=5)
# Sign-in attempts and sign-in records (django-axes) are deleted after this many days.
LOTSA_RETENTION_LOGIN_DAYS = env.int("LOTSA_RETENTION_LOGIN_DAYS", default=90)
# Finished background task results are deleted after this many days.
LOTSA_RETENTION_TASK_DAYS = env.int("LOTSA_RETENTION_TASK_DAYS", default=30)
# The contact a member of the public left on a problem report is cleared this many days
# after the report was resolved.
LOTSA_RETENTION_REPORT_CONTACT_DAYS = env.int("LOTSA_RETENTION_REPORT_CONTACT_DAYS", default=90)
# An administrator's break-glass access to one person's record ends after this many minutes.
LOTSA_BREAK_GLASS_MINUTES = env.int("LOTSA_BREAK_GLASS_MINUTES", default=60)
# Reports: the anonymised examples of a gap are shown only for groups of at least this many
# unmet needs (DOMAIN.md: cells under 5 suppressed), so nobody in a small area is recognised.
LOTSA_REPORT_MIN_GROUP = env.int("LOTSA_REPORT_MIN_GROUP", default=5)
# Managers' flow and outcome reports read the whole cohort; a computed report is kept this
# many seconds (0: computed on every request) and `manage.py refresh_reports` (cron, hourly)
# computes every manager's default reports ahead (lotsa.reports.snapshots).
LOTSA_REPORT_SNAPSHOT_SECONDS = env.int("LOTSA_REPORT_SNAPSHOT_SECONDS", default=3 * 60 * 60)
# Outcomes: the follow-up schedule after the baseline (months), the instruments used where an
# organisation has chosen none, and how long a person's own answer link stays valid.
LOTSA_FOLLOW_UP_MONTHS = env.list("LOTSA_FOLLOW_UP_MONTHS", cast=int, default=[3, 6, 12])
LOTSA_DEFAULT_INSTRUMENTS = env.list("LOTSA_DEFAULT_INSTRUMENTS", default=["ucla3", "who5"])
LOTSA_FOLLOW_UP_LINK_DAYS = env.int("LOTSA_FOLLOW_UP_LINK_DAYS", default=14)
# An unanswered link is sent again, once, as a fresh link after this many days.
LOTSA_FOLLOW_UP_LINK_REMINDER_DAYS = env.int("LOTSA_FOLLOW_UP_LINK_REMINDER_DAYS", default=4)
# The research export's pseudonyms are keyed HMACs: the key stays here, never in the export.
# Empty: the export is refused (a system check warns when it is empty or shorter than 32
# characters).
LOTSA_RESEARCH_PSEUDONYM_KEY = env.str("LOTSA_RESEARCH_PSEUDONYM_KEY", default="")
# `make bench` builds its data sets in their own databases: on this PostgreSQL server (the
# database lotsa_bench_<size>), and in var/bench/ for SQLite.
LOTSA_BENCH_POSTGRES_URL = env.str(
    "LOTSA_BENCH_POSTGRES_URL", default="postgres://root@127.0.0.1:5432/postgres"
)
