"""Settings shared by every environment. Everything that differs between machines
comes from environment variables (see the configuration table in README.md)."""

import os
import zoneinfo
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from core.sqlite import SQLITE_OPTIONS

BASE_DIR = Path(__file__).resolve().parent.parent.parent
SITE_DIR = BASE_DIR / "site"  # site-wide templates and static files; not a Python package


def env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return default if value in (None, "") else value


def env_bool(name: str, default: bool = False) -> bool:
    value = env(name)
    if value is None:
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_int(name: str, default: int) -> int:
    value = env(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from exc


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in (env(name, default) or "").split(",") if item.strip()]


DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "core",
    "accounts",
    "courses",
    "progress",
    "quizzes",
    "scorm",
    "assignments",
    "reports",
    "notifications",
    "certificates",
    "classroom",
    "xapi",
    "demo",
    "api",
    "assistant",
    "rest_framework",  # its translations of field errors; the API's settings are on its views (api/views.py)
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "accounts.apps.UsersAdminConfig",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django_tasks",
    "django_tasks_db",  # the persistent queue behind TASKS["background"]
    "pgtrigger",  # the report tallies' triggers, declared in reports/models.py
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Wagtail's search index on PostgreSQL needs its full-text search functions.
    "django.contrib.postgres",
]

MIDDLEWARE = [
    "core.request_costs.RequestCostMiddleware",  # off unless REQUEST_COST_LOG is set (docs/scaling.md)
    "django.middleware.security.SecurityMiddleware",
    # Outside WhiteNoise, so static files get the headers too.
    "core.security.SecurityHeadersMiddleware",  # Content-Security-Policy and Permissions-Policy
    "core.security.UntrustedProxyMiddleware",  # warns when TRUSTED_PROXY_COUNT is 0 behind a proxy
    # With SCORM_CONTENT_ORIGIN set, its host serves package files and nothing else (no static files,
    # no session, no cookie): ahead of everything that could answer or set a cookie.
    "scorm.hosts.ContentHostMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "accounts.sessions.SessionMiddleware",  # Django's, plus the user id hint for one-round-trip sign-in
    "core.middleware.CookieLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.learner_state.LearnerWritesMiddleware",  # whose request a write belongs to (learner pages' cache)
    "accounts.middleware.PasswordChangeRequiredMiddleware",
    "notifications.badge.NotificationBadgeMiddleware",  # per-user badge into cached headers
    "core.pwa.OfflineCopyMiddleware",  # pages saved to the phone: no CSRF token (core.pwa)
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Inside the messages and X-Frame-Options: it may answer a learner's own kept page at once.
    "core.routing.CachedRoutingMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [SITE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "core.context_processors.reading_preferences",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------
# SQLite is the embedded default so the site runs with no server; production uses PostgreSQL.
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # One writer at a time: a write-ahead log, and transactions that wait for the write lock instead of
    # failing at once (core/sqlite.py says why).
    DATABASES["default"].setdefault("OPTIONS", {}).update(SQLITE_OPTIONS)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # SQLite has no covering indexes: the reports' indexes on enrolments (progress.models) are built there
    # without their INCLUDE columns, which only PostgreSQL's index-only counts use.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
# A read replica for the training reports (core.db_routers; docs/scaling.md says when to add one).
REPORTS_DATABASE_URL = env("REPORTS_DATABASE_URL")
if REPORTS_DATABASE_URL:
    DATABASES["reports"] = dj_database_url.parse(
        REPORTS_DATABASE_URL, conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60), conn_health_checks=True
    )
    DATABASES["reports"]["TEST"] = {"MIRROR": "default"}  # tests read the test database through it
DATABASE_ROUTERS = ["core.db_routers.ReportsReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Measuring only: each request's CPU time, wall time and queries to <prefix>.<pid>.jsonl (core.request_costs).
REQUEST_COST_LOG = env("REQUEST_COST_LOG")

# --- Cache and sessions -------------------------------------------------------------------
REDIS_URL = env("REDIS_URL")
CACHE_KEY_PREFIX = env("CACHE_KEY_PREFIX", "fa")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "core.cache_backends.FastRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": CACHE_KEY_PREFIX,
            "TIMEOUT": 600,
        },
        "renditions": {
            "BACKEND": "core.cache_backends.FastRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": f"{CACHE_KEY_PREFIX}:renditions",
            "TIMEOUT": 60 * 60 * 24,
        },
    }
    # Shared by every app server; the database copy survives a cache flush. Django's cached_db, read in
    # one round trip with the signed-in user (accounts.sessions).
    SESSION_ENGINE = "accounts.sessions"
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "frontline-academy",
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

# Tables the learner's own pages are built from (prefixes): a write to one makes those pages out of date
# (core.learner_state).
LEARNER_STATE_TABLES = (
    "progress_",
    "quizzes_quizattempt",
    "quizzes_attemptanswer",
    "certificates_",
    "classroom_",
    "assignments_",
    "scorm_scormattempt",
    "assistant_assistantpolicyacceptance",  # the lesson page offers the AI helpers once it is accepted
)

# Staff stay signed in on their own phone: two weeks by default.
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 60 * 60 * 24 * 14)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# --- Users --------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("username", "name", "mobile", "email")},
    },
    # Django's, with its message in Chinese (accounts.passwords says why).
    {"NAME": "accounts.passwords.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Language and time --------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
# The project's own catalogues first (they win), then Chinese for Django's and Wagtail's strings that
# upstream's zh_Hans lacks. makemessages writes only to the first entry, never to locale_upstream.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_upstream"]
TIME_ZONE = env("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True
WAGTAIL_I18N_ENABLED = False
WAGTAIL_CONTENT_LANGUAGES = [("zh-hans", "简体中文")]
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
# Wagtail offers every zone the system has; Debian's include "localtime", a file and no zone, which
# browsers refuse (the account screen's script fails on it).
WAGTAIL_USER_TIME_ZONES = sorted(zoneinfo.available_timezones() - {"localtime"})

# --- Static and media files ---------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [SITE_DIR / "static"]
MEDIA_URL = env("MEDIA_URL", "/media/")
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_MAX_AGE = 60 * 60 * 24 * 365  # only hashed names are served from STATIC_ROOT

# --- Email --------------------------------------------------------------------------------
# With EMAIL_HOST set, mail goes to that server; without, it is printed (development).
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if env("EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "一线学堂 <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Text messages (core.sms) ------------------------------------------------------------
# Development prints messages to the log; set SMS_BACKEND to a provider in production: "alibaba",
# "tencent", or a dotted path. The provider's keys, signature (签名) and template codes (模板) come from
# SMS_* variables (README, "Text messages"); SMS_TEMPLATE_SIGN_IN_CODE=SMS_123 names the provider's
# template for our "sign_in_code" messages.
SMS_BACKENDS = {
    "console": "core.sms.ConsoleBackend",
    "file": "core.sms.FileBackend",
    "alibaba": "core.sms_providers.AlibabaCloudSmsBackend",
    "tencent": "core.sms_providers.TencentCloudSmsBackend",
}
SMS_BACKEND = SMS_BACKENDS.get(env("SMS_BACKEND", "console"), env("SMS_BACKEND", "console"))
SMS_FILE_PATH = env("SMS_FILE_PATH", str(BASE_DIR / "sms-outbox.jsonl"))
SMS_OPTIONS: dict = {
    key: value
    for key, value in {
        "access_key_id": env("SMS_ACCESS_KEY_ID"),
        "access_key_secret": env("SMS_ACCESS_KEY_SECRET"),
        "sign_name": env("SMS_SIGN_NAME"),
        "sdk_app_id": env("SMS_SDK_APP_ID"),
        "region": env("SMS_REGION"),
        "endpoint": env("SMS_ENDPOINT"),
        "timeout": env("SMS_TIMEOUT"),
        "templates": {
            name.removeprefix("SMS_TEMPLATE_").lower(): value
            for name, value in os.environ.items()
            if name.startswith("SMS_TEMPLATE_") and value
        },
    }.items()
    if value
}
# Codes sent by text message (accounts.phone_codes): how long one lives, how many tries it allows.
PHONE_CODE_SECONDS = env_int("PHONE_CODE_SECONDS", 5 * 60)

# --- Sign-in with WeCom (企业微信) or WeChat (accounts.external_sign_in) --------------------------
# Off unless the ids and secret are set. The *_BASE URLs are the providers' own; tests point them at a fake.
WECOM_CORP_ID = env("WECOM_CORP_ID", "")
WECOM_AGENT_ID = env("WECOM_AGENT_ID", "")
WECOM_SECRET = env("WECOM_SECRET", "")
WECOM_OAUTH_BASE = env("WECOM_OAUTH_BASE", "https://open.weixin.qq.com")
WECOM_QR_BASE = env("WECOM_QR_BASE", "https://login.work.weixin.qq.com")
WECOM_API_BASE = env("WECOM_API_BASE", "https://qyapi.weixin.qq.com")
WECHAT_APP_ID = env("WECHAT_APP_ID", "")
WECHAT_SECRET = env("WECHAT_SECRET", "")
WECHAT_OAUTH_BASE = env("WECHAT_OAUTH_BASE", "https://open.weixin.qq.com")
WECHAT_API_BASE = env("WECHAT_API_BASE", "https://api.weixin.qq.com")

# --- Background tasks ---------------------------------------------------------------------
# "default" runs Wagtail's own small tasks (search index, references) at once, in the request.
# "background" is the persistent queue for scheduled and slow work (reminders, emails): rows in
# the database, run by `manage.py db_worker --backend background` (see README, "Background work").
# Its "videos" queue holds video conversions (minutes each), run by a worker of their own so that
# sign-in codes on the "default" queue never wait behind them.
BACKGROUND_QUEUES = ["default", "videos"]
TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "background": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": BACKGROUND_QUEUES},
}

# --- Videos (courses app) ----------------------------------------------------------------------
# Each ffmpeg run making a phone version of a trainer's video stops after this long (courses.media_files).
VIDEO_CONVERSION_TIMEOUT_SECONDS = env_int("VIDEO_CONVERSION_TIMEOUT_SECONDS", 1800)

# --- Reminders (notifications app) ----------------------------------------------------------
REMINDER_DUE_SOON_DAYS = env_int("REMINDER_DUE_SOON_DAYS", 3)  # "due soon" = due within this many days
REMINDER_CERTIFICATE_EXPIRING_DAYS = env_int("REMINDER_CERTIFICATE_EXPIRING_DAYS", 30)
REMINDER_DIGEST_WEEKDAY = env_int("REMINDER_DIGEST_WEEKDAY", 0)  # managers' weekly digest: 0 = Monday
# Each app server reuses a person's unread count this long (notifications.badge).
NOTIFICATION_BADGE_MEMO_SECONDS = env_int("NOTIFICATION_BADGE_MEMO_SECONDS", 60)
# Reminders go by email only when a mail server is configured: EMAIL_HOST given in the
# environment, or REMINDER_EMAIL_ENABLED=true (e.g. with another EMAIL_BACKEND).
REMINDER_EMAIL_ENABLED = env_bool("REMINDER_EMAIL_ENABLED", env("EMAIL_HOST") is not None)
# The outward channels the organisation uses besides the app (notifications.channels): any of
# email, sms, wecom. E-mail is also on with REMINDER_EMAIL_ENABLED; WeCom application messages need the
# three WECOM_* settings above (the same application signs people in and sends them messages).
NOTIFY_CHANNELS = env_list("NOTIFY_CHANNELS")
NOTIFY_MAX_ATTEMPTS = env_int("NOTIFY_MAX_ATTEMPTS", 6)  # tries per message before it is marked failed
NOTIFY_RETRY_BASE_SECONDS = env_int("NOTIFY_RETRY_BASE_SECONDS", 60)  # waits 1, 2, 4, 8 … minutes

# --- Certificates -------------------------------------------------------------------------
# The public address printed in QR codes (e.g. https://learn.example.org); empty = the request's host.
CERTIFICATE_VERIFY_BASE_URL = env("CERTIFICATE_VERIFY_BASE_URL", "")
CERTIFICATE_VERIFY_LIMIT = env_int("CERTIFICATE_VERIFY_LIMIT", 30)  # lookups per address per window
CERTIFICATE_VERIFY_WINDOW_SECONDS = env_int("CERTIFICATE_VERIFY_WINDOW_SECONDS", 600)

# --- xAPI: learning events to a learning record store (xapi app) ---------------------------------
# Statements are built and sent only when all three are set (a system check names what is missing).
XAPI_ENDPOINT = env("XAPI_ENDPOINT", "")  # the LRS's xAPI base, e.g. https://lrs.example.org/xapi
XAPI_KEY = env("XAPI_KEY", "")  # Basic auth user name (the LRS calls it key or client id)
XAPI_SECRET = env("XAPI_SECRET", "")
# Who the statements name: "account" (an opaque stable id on this site; the default), or, only if the
# organisation chooses, "username", "mobile" or "email".
XAPI_ACTOR = env("XAPI_ACTOR", "account")
# The site's public address: the actor's account homePage and the root of every activity id. Keep it
# fixed once statements have been sent (it is part of every id). Empty = WAGTAILADMIN_BASE_URL.
XAPI_SITE_URL = env("XAPI_SITE_URL", "")
XAPI_BATCH_SIZE = env_int("XAPI_BATCH_SIZE", 50)  # statements per POST
XAPI_MAX_ATTEMPTS = env_int("XAPI_MAX_ATTEMPTS", 10)  # tries before a statement is marked failed
XAPI_RETRY_BASE_SECONDS = env_int("XAPI_RETRY_BASE_SECONDS", 60)  # waits 1, 2, 4, 8 … minutes, at most a day
XAPI_TIMEOUT_SECONDS = env_int("XAPI_TIMEOUT_SECONDS", 20)

# --- SCORM packages (scorm app) -------------------------------------------------------------
# Where package files are served. Empty (the default): on this site, each file a sandbox of its own
# (an opaque origin), which is safe but breaks packages whose frames script each other (a frameset or a
# wrapper page around an inner frame). Set to an origin of its own, e.g. https://scorm.example.org, to
# serve them there (and only there) as one origin per package host, so those packages play. It must be
# another origin that carries none of this site's cookies: best a different registrable domain (not
# scorm.example.org beside learn.example.org when cookies are set for .example.org); add its host to
# DJANGO_ALLOWED_HOSTS. See README.md § SCORM.
SCORM_CONTENT_ORIGIN = (env("SCORM_CONTENT_ORIGIN", "") or "").rstrip("/")
# The lesson pages' origins, allowed to frame the packages on SCORM_CONTENT_ORIGIN and the only ones the
# packages' API talks to. Empty = the origins of WAGTAILADMIN_BASE_URL and DJANGO_CSRF_TRUSTED_ORIGINS.
SCORM_LESSON_ORIGINS = env_list("SCORM_LESSON_ORIGINS")

# --- Wagtail ------------------------------------------------------------------------------
WAGTAIL_SITE_NAME = _("Frontline Academy")
WAGTAILADMIN_BASE_URL = env("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAILIMAGES_IMAGE_MODEL = "core.CustomImage"
WAGTAILIMAGES_FORMAT_CONVERSIONS = {"gif": "webp", "bmp": "webp", "tiff": "webp"}
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
# Wagtail's default is 128 million. A whole-page phone screenshot at 3× is under 15 million and an 8K
# screen 33 million; every picture is decoded in full (4 bytes a pixel) when it is resized. Profile
# pictures have the same two limits (core.security.AvatarForm).
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 40_000_000
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = [
    "pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "txt", "csv", "zip",
    "mp4", "webm", "mov",  # videos (converted for phones, courses.media_files)
    "mp3", "m4a", "aac", "ogg", "oga", "wav",  # trainers' recordings of lessons
]  # fmt: skip
WAGTAILDOCS_MAX_UPLOAD_SIZE = 200 * 1024 * 1024  # training videos
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAIL_MODERATION_ENABLED = True
WAGTAIL_WORKFLOW_ENABLED = True
WAGTAIL_ENABLE_UPDATE_CHECK = False  # no outbound requests
WAGTAIL_GRAVATAR_PROVIDER_URL = None  # no staff e-mail hashes to a third party: Wagtail's default avatar
WAGTAILADMIN_USER_LOGIN_FORM = "wagtail.admin.forms.auth.LoginForm"
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# Demo accounts with printed passwords are for a local machine only.
DEMO_ACCOUNTS_ALLOWED = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        # Every page save runs search-index and reference-index tasks; don't log each one.
        "django_tasks": {"level": "WARNING"},
        "wagtail": {"level": env("WAGTAIL_LOG_LEVEL", "WARNING")},
    },
}

# One-machine installs without a front proxy or object storage can let Django serve uploads.
SERVE_MEDIA = env_bool("DJANGO_SERVE_MEDIA", False)

# --- Sign-in ------------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = ["accounts.backends.UsernameOrMobileBackend", "accounts.backends.PhoneCodeBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "progress:my_learning"
LOGOUT_REDIRECT_URL = "/"
SIGN_IN_ACCOUNT_LIMIT = env_int("SIGN_IN_ACCOUNT_LIMIT", 5)  # failures per account per window
SIGN_IN_ADDRESS_LIMIT = env_int("SIGN_IN_ADDRESS_LIMIT", 30)  # failures per address per window
SIGN_IN_WINDOW_SECONDS = env_int("SIGN_IN_WINDOW_SECONDS", 15 * 60)
# Behind N reverse proxies that append to X-Forwarded-For, the client is the Nth from the right.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
# Whether clients reach this server through a reverse proxy: true, false, or unknown (None). With 0
# trusted proxies, "true" stops production from starting and "unknown" is a `check --deploy` warning:
# every visitor would share the proxy's address (core.checks, core.security.UntrustedProxyMiddleware).
BEHIND_PROXY = env_bool("DJANGO_BEHIND_PROXY") if env("DJANGO_BEHIND_PROXY") is not None else None

# Published content is cached in each app server's memory (core.content_cache); a server
# re-reads the shared "content generation" at most this often, so a publish on one server
# shows on the others within this many seconds.
CONTENT_CACHE_GENERATION_SECONDS = float(env("CONTENT_CACHE_GENERATION_SECONDS", "1.0"))

# --- Browser security headers (core.security.SecurityHeadersMiddleware) --------------------------
# Every script, style, font, image and frame comes from this site: no third-party origin at all
# (a system check warns about one). Media served from another host (object storage) would have to
# be added to img-src and media-src in that deployment's settings module.
CONTENT_SECURITY_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],  # no inline script on the learner site
    # The one inline <style>: the 500 page's, which must render when nothing else does
    # (site/templates/500.html; core/tests/test_security.py keeps the hash in step).
    "style-src": ["'self'", "'sha256-fEbKl5dDKkx3KIJVXjCRIjEp+mNtpHQvV6P2G9UAXkQ='"],
    # Progress bars and the tap-the-spot picture are sized in a style attribute; no inline <style>.
    "style-src-attr": ["'unsafe-inline'"],
    "img-src": ["'self'", "data:"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
if SCORM_CONTENT_ORIGIN:  # the SCORM lesson page frames the packages there
    CONTENT_SECURITY_POLICY["frame-src"] = ["'self'", SCORM_CONTENT_ORIGIN]
# The Wagtail admin (its screens, choosers and previews): Wagtail's templates carry inline scripts
# (inline panels, date pickers) and inline styles; its image uploads preview through blob: URLs,
# and the preview panel frames the admin's own preview URLs.
CONTENT_SECURITY_POLICY_ADMIN = {
    **CONTENT_SECURITY_POLICY,
    "script-src": ["'self'", "'unsafe-inline'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
    "frame-ancestors": ["'self'"],
}
# Nothing on the site uses these (uploads from a phone's camera go through the file picker, which
# needs no permission); fullscreen, autoplay and the clipboard keep the browser's same-origin default.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "serial",
        "usb",
    )
}

# --- REST API (api/) --------------------------------------------------------------------------
# Authentication, rights, rate limits, pages and errors are set on the API's own views (api.views), not
# here: Wagtail's admin API shares DRF's defaults.
REST_FRAMEWORK = {"DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema"}
SPECTACULAR_SETTINGS = {
    "TITLE": "Frontline Academy API",
    "DESCRIPTION": (
        "Scoped REST API of Frontline Academy (一线学堂). Authenticate with an API client's token: "
        '`Authorization: Bearer <token>`. Errors: `{"error": {"code", "message", "fields"}}`, '
        "in Chinese unless Accept-Language asks for English."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "PREPROCESSING_HOOKS": ["api.schema.only_the_api"],
    "COMPONENT_SPLIT_REQUEST": True,
}

# --- AI helpers (assistant/) ------------------------------------------------------------------
# Any OpenAI-compatible chat API (DeepSeek, Qwen through DashScope, Ollama, vLLM). Everything is off until
# AI_BASE_URL and AI_HELPERS are set; README.md § AI helpers has the table.
AI_BASE_URL = env("AI_BASE_URL", "")
AI_API_KEY = env("AI_API_KEY", "")
AI_CHAT_MODEL = env("AI_CHAT_MODEL", "")
AI_VISION_MODEL = env("AI_VISION_MODEL", "")
AI_TIMEOUT_SECONDS = env_int("AI_TIMEOUT_SECONDS", 30)
AI_DAILY_LIMIT = env_int("AI_DAILY_LIMIT", 30)
# Which helpers are on: simplify, ask (learners); question_drafts, alt_text, readability (trainers).
AI_HELPERS = env_list("AI_HELPERS", "")
AI_AUDIT_TEXT = env_bool("AI_AUDIT_TEXT", False)
