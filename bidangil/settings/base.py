"""Settings shared by every environment; every deploy-specific value comes from the environment."""

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import environ
import redis
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parents[2]
VAR_DIR = BASE_DIR / "var"
VAR_DIR.mkdir(exist_ok=True)  # SQLite, Huey storage, media and mail of the embedded default live here

env = environ.Env()

# Values only fit for a development machine; production settings refuse them (bidangil/checks.py).
DEV_SECRET_KEY = "dev-only-insecure-key-change-me-0123456789abcdefghijklmnop"
DEV_STRIPE_WEBHOOK_SECRET = "whsec_dev_only_dummy_secret"
# Production settings turn this on: system checks then refuse dummy providers and development defaults.
DEPLOYED = False
ALLOW_DUMMY_PROVIDERS = True

SECRET_KEY = env("SECRET_KEY", default=DEV_SECRET_KEY)
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
SITE_URL = env("SITE_URL", default=f"http://127.0.0.1:{env('PORT', default='8000')}").rstrip("/")
FRONTEND_URL = env("FRONTEND_URL", default="http://localhost:3000").rstrip("/")

INSTALLED_APPS = [
    "daphne",
    "bidangil.apps.BidangilConfig",
    "accounts",
    "cms",
    "commerce.apps.CommerceConfig",
    "community.apps.CommunityConfig",
    "integrations",
    "notifications",
    "tasks",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail_headless_preview",
    "wagtail_localize",
    "wagtail_localize.locales",  # Wagtail's locale admin, with wagtail-localize's sync options
    "wagtail.api.v2",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "wagtail_modeladmin",
    "modelcluster",
    "taggit",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "corsheaders",
    "channels",
    "huey.contrib.djhuey",
    "storages",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "bidangil.apps.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "bidangil.metrics.RequestMetricsMiddleware",
    "bidangil.replicas.ReplicaReadsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The request's language from Accept-Language; a signed-in member's saved one wins (docs/i18n.md).
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.language.UserLanguageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.two_factor.StaffTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into its lockout answer (accounts/lockout.py).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "bidangil.urls"
WSGI_APPLICATION = "bidangil.wsgi.application"
ASGI_APPLICATION = "bidangil.asgi.application"

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
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

# --- Data -------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.mysql":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "charset": "utf8mb4",
            "collation": "utf8mb4_unicode_ci",
            "init_command": "SET sql_mode='STRICT_TRANS_TABLES', innodb_strict_mode=1",
            "isolation_level": "read committed",
        }
    )
    DATABASES["default"]["TEST"] = {"CHARSET": "utf8mb4", "COLLATION": "utf8mb4_unicode_ci"}
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default serves parallel writers. WAL lets readers run beside the one writer; IMMEDIATE takes
    # the write lock at BEGIN, where the busy timeout waits for it (a deferred transaction that reads first and
    # writes later fails at once with "database is locked" when another writer got in between).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": env.int("SQLITE_BUSY_TIMEOUT_SECONDS", default=20),
        }
    )
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# A read replica of the primary (docs/scaling.md): the reads of GET requests go there, except for a client that
# wrote in the last REPLICA_PIN_SECONDS; writes, transactions and credentials stay on the primary.
if env("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = {
        **env.db("DATABASE_REPLICA_URL"),
        "OPTIONS": DATABASES["default"].get("OPTIONS", {}),
        "TEST": {"MIRROR": "default"},
    }
DATABASE_REPLICA_READS = "replica" in DATABASES
DATABASE_ROUTERS = ["bidangil.replicas.ReplicaRouter"]
REPLICA_PIN_SECONDS = env.int("REPLICA_PIN_SECONDS", default=5)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="")

# Every Redis client gives up on a dead server instead of hanging: longer than the blocking reads that wait on
# purpose (5 s for the channel layer's BZPOPMIN, 1 s for Huey's BRPOP), short enough not to hold a request.
REDIS_TIMEOUTS = {"socket_connect_timeout": 5, "socket_timeout": 10}

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "bidangil.redis_cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="bidangil"),
            "OPTIONS": REDIS_TIMEOUTS,
        }
    }
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "notifications.layers.RedisChannelLayer",
            "CONFIG": {
                "hosts": [{"address": REDIS_URL, **REDIS_TIMEOUTS}],
                "prefix": env("CHANNELS_PREFIX", default="bidangil:asgi"),
            },
        }
    }
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": env("HUEY_NAME", default="bidangil"),
        "connection_pool": redis.ConnectionPool.from_url(REDIS_URL, **REDIS_TIMEOUTS),
        "immediate": False,
        "consumer": {"workers": 2, "worker_type": "thread"},
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "bidangil"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "bidangil",
        "filename": env("HUEY_SQLITE_PATH", default=str(VAR_DIR / "huey.sqlite3")),
        "immediate": False,
        "consumer": {"workers": 2, "worker_type": "thread"},
    }
# A public API page (feed, post lists, post, CMS pages) stays cached at most this long; every community write
# and every page the Wagtail admin publishes renews them all at once (bidangil/page_cache.py).
PUBLIC_CACHE_SECONDS = env.int("PUBLIC_CACHE_SECONDS", default=30)
# A member's order list and order pages, and the staff order list, stay cached at most this long; every write to
# an order renews its owner's and the staff list's (commerce/orders/pages.py). Well under
# PRIVATE_MEDIA_LINK_MAX_AGE: an order page carries signed photo links.
ORDER_PAGES_CACHE_SECONDS = env.int("ORDER_PAGES_CACHE_SECONDS", default=60)
# Huey runs inside the web process (`manage.py serve`) when there is no Redis to share a queue through.
HUEY_EMBEDDED = env.bool("HUEY_EMBEDDED", default=not REDIS_URL)
# How long a job's claim on a pending row (bidangil.claims), or a periodic job's lease, holds without renewal:
# longer than the slowest single side effect (an AI image). A killed worker's work is taken over after this.
JOB_CLAIM_SECONDS = env.int("JOB_CLAIM_SECONDS", default=300)

# --- Auth -------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "wagtailadmin_login"
# django-axes counts failed sign-ins on every password form (API, legacy, Wagtail and Django admin) and locks
# a client IP, and an account, after AXES_FAILURE_LIMIT failures for AXES_COOLOFF_TIME; a password reset
# unlocks the account.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True  # failures are what count; a row per successful sign-in would only grow
AXES_USERNAME_CALLABLE = "accounts.lockout.username"
AXES_CLIENT_IP_CALLABLE = "accounts.lockout.client_ip"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
# Sessions carry their user id so signing an account out everywhere can find them (accounts.sessions).
SESSION_ENGINE = "accounts.sessions"
# A TOTP device's secret is shown to nobody after set-up, superusers included (django-otp's admin screens).
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# Order staff and superusers must set up TOTP before using the admin (on in production settings).
STAFF_2FA_REQUIRED = env.bool("STAFF_2FA_REQUIRED", default=False)
OTP_TOTP_ISSUER = "Bidangil"
# Wagtail's admin login only starts sessions for admin users; its password reset only mails them.
WAGTAILADMIN_USER_LOGIN_FORM = "accounts.admin_forms.AdminLoginForm"
WAGTAILADMIN_USER_PASSWORD_RESET_FORM = "accounts.admin_forms.AdminPasswordResetForm"
VERIFICATION_CODE_TTL_SECONDS = 600
# Wrong code guesses per address (all codes and purposes); each 5th locks it, 15 min doubling up to a day.
VERIFICATION_CODE_MAX_ATTEMPTS = 5
VERIFICATION_LOCK_SECONDS = 15 * 60
VERIFICATION_LOCK_MAX_SECONDS = 24 * 3600
# Sign-ups never verified are deleted (with the nickname they hold) after this many days.
UNVERIFIED_ACCOUNT_MAX_AGE_DAYS = env.int("UNVERIFIED_ACCOUNT_MAX_AGE_DAYS", default=7)

SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "bidangil.views.csrf_failure"
SESSION_COOKIE_DOMAIN = env("SESSION_COOKIE_DOMAIN", default=None)
CSRF_COOKIE_DOMAIN = env("CSRF_COOKIE_DOMAIN", default=None)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=["http://localhost:3000", "http://127.0.0.1:3000"])
CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=["http://localhost:3000", "http://127.0.0.1:3000"])
CORS_ALLOW_CREDENTIALS = True
CORS_URLS_REGEX = r"^/(api|webhook)/.*$"

# --- I18N -------------------------------------------------------------------
# English is the source language of every string (and Wagtail's default locale); Korean is the translation in
# locale/ko/, compiled at install (docs/i18n.md).
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("ko", "한국어")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static and media ---------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = env("MEDIA_ROOT", default=str(VAR_DIR / "media"))
AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME", default="")
AWS_S3_ENDPOINT_URL = env("AWS_S3_ENDPOINT_URL", default=None)
AWS_S3_REGION_NAME = env("AWS_S3_REGION_NAME", default=None)
AWS_ACCESS_KEY_ID = env("AWS_ACCESS_KEY_ID", default=None)
AWS_SECRET_ACCESS_KEY = env("AWS_SECRET_ACCESS_KEY", default=None)
AWS_S3_CUSTOM_DOMAIN = env("AWS_S3_CUSTOM_DOMAIN", default=None)
AWS_QUERYSTRING_AUTH = env.bool("AWS_QUERYSTRING_AUTH", default=False)
AWS_DEFAULT_ACL = None
AWS_S3_FILE_OVERWRITE = False
STORAGES = {
    "default": {
        "BACKEND": "storages.backends.s3.S3Storage"
        if AWS_STORAGE_BUCKET_NAME
        else "django.core.files.storage.FileSystemStorage"
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    # Order documents (parcel photos): a folder outside MEDIA_ROOT, or a bucket prefix reached only through
    # short-lived signed URLs (bidangil.storage).
    "private": {
        "BACKEND": "bidangil.storage.PrivateS3Storage"
        if AWS_STORAGE_BUCKET_NAME
        else "bidangil.storage.PrivateFileSystemStorage"
    },
}
PRIVATE_MEDIA_ROOT = env("PRIVATE_MEDIA_ROOT", default=str(VAR_DIR / "private"))
# How long a parcel photo link handed to the customer or staff stays valid (seconds).
PRIVATE_MEDIA_LINK_MAX_AGE = env.int("PRIVATE_MEDIA_LINK_MAX_AGE", default=15 * 60)
# A user counts as connected (no conversation email) this long after their last socket connect or ping.
PRESENCE_TTL_SECONDS = env.int("PRESENCE_TTL_SECONDS", default=30 * 60)
MAX_IMAGE_UPLOAD_BYTES = env.int("MAX_IMAGE_UPLOAD_BYTES", default=10 * 1024 * 1024)
# `manage.py serve` answers 413 at the first byte over this, whatever the request declared. The largest request
# is a parcel with its 10 photos of MAX_IMAGE_UPLOAD_BYTES each.
REQUEST_BODY_MAX_BYTES = env.int("REQUEST_BODY_MAX_BYTES", default=10 * MAX_IMAGE_UPLOAD_BYTES + 1024 * 1024)
# JSON bodies and form fields are read into memory (files are not): Django's default bound, then a 413.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024 // 2
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Community: posts of members with fewer approved posts than this go through the Wagtail workflow.
COMMUNITY_MODERATE_NEW_MEMBERS = env.bool("COMMUNITY_MODERATE_NEW_MEMBERS", default=False)
COMMUNITY_NEW_MEMBER_POSTS = env.int("COMMUNITY_NEW_MEMBER_POSTS", default=1)
# What closing an account does to the member's posts and comments (docs/privacy.md): "anonymise" keeps
# them under "탈퇴한 회원" so threads stay whole, "remove" deletes them.
COMMUNITY_CLOSED_MEMBER_CONTENT = env("COMMUNITY_CLOSED_MEMBER_CONTENT", default="anonymise")
if COMMUNITY_CLOSED_MEMBER_CONTENT not in ("anonymise", "remove"):
    raise ImproperlyConfigured('COMMUNITY_CLOSED_MEMBER_CONTENT must be "anonymise" or "remove".')

# --- Email ------------------------------------------------------------------
# Default: each email is written as a file under var/mail/ (read the verification code there).
vars().update(env.email_url("EMAIL_URL", default="filemail://"))
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", default=str(VAR_DIR / "mail"))
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Bidangil <hello@bidangil.local>")

# --- API --------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.language.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "bidangil.api.parsers.JSONParser",
        "rest_framework.parsers.MultiPartParser",
        "rest_framework.parsers.FormParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "bidangil.api.pagination.PagePagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "bidangil.api.schema.ApiAutoSchema",
    "EXCEPTION_HANDLER": "bidangil.api.exceptions.exception_handler",
    # Proxies in front of the app: 0 ignores X-Forwarded-For, so clients can't dodge per-IP throttles.
    "NUM_PROXIES": env.int("NUM_PROXIES", default=0),
    "DEFAULT_THROTTLE_RATES": {
        "login": env("THROTTLE_LOGIN", default="10/min"),
        "code": env("THROTTLE_CODE", default="5/min"),
        "signup": env("THROTTLE_SIGNUP", default="20/hour"),
        "post": env("THROTTLE_POST", default="10/hour"),
        "comment": env("THROTTLE_COMMENT", default="30/hour"),
        "like": env("THROTTLE_LIKE", default="120/min"),
        "report": env("THROTTLE_REPORT", default="20/hour"),
        "order": env("THROTTLE_ORDER", default="30/hour"),
        "product_info": env("THROTTLE_PRODUCT_INFO", default="30/hour"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Bidangil API",
    "DESCRIPTION": "Headless API for the Bidangil buying agent and community.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI and Redoc from our own static files: the docs work offline and load nothing from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "PREPROCESSING_HOOKS": ["bidangil.api.schema.only_public_api"],
    # Several models have a `status`/`kind` field with different choices; name each enum after its model.
    "ENUM_NAME_OVERRIDES": {
        "OrderStatusEnum": "commerce.orders.models.Order.Status",
        "PaymentStatusEnum": "commerce.payments.models.Payment.Status",
        "PaymentKindEnum": "commerce.payments.models.Payment.Kind",
        "OrderEventKindEnum": "commerce.orders.models.OrderEvent.Kind",
        "ItemProblemKindEnum": "commerce.problems.models.ItemProblem.Kind",
        "ItemProblemStatusEnum": "commerce.problems.models.ItemProblem.Status",
        "ItemProblemChoiceEnum": "commerce.problems.models.ItemProblem.Choice",
        # pending/ready/failed of a background job: product lookups, item names, avatars.
        "JobStatusEnum": "commerce.products.models.ProductLookup.Status",
    },
}

# --- Wagtail ----------------------------------------------------------------
WAGTAIL_SITE_NAME = "Bidangil"
# Content pages exist in English (the source, served without a prefix) and Korean (under /ko/); editors
# translate with wagtail-localize (docs/content.md).
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
# Staff choose the admin's language in their account settings; Wagtail ships the Korean admin.
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
WAGTAILADMIN_BASE_URL = SITE_URL
WAGTAIL_USER_EDIT_FORM = None
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILIMAGES_MAX_UPLOAD_SIZE = MAX_IMAGE_UPLOAD_BYTES
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "xlsx", "txt", "csv"]
WAGTAILAPI_BASE_URL = SITE_URL
# Editors' "Frontend" preview mode redirects the preview panel to the Next.js app (Wagtail 7.1+ handles
# cross-origin preview frames), which reads the draft from /api/cms/v2/page_preview/.
WAGTAIL_HEADLESS_PREVIEW = {"CLIENT_URLS": {"default": FRONTEND_URL + "/preview"}, "REDIRECT_ON_PREVIEW": True}
# Rich text in the page API is display HTML (links resolved), not Wagtail's database format.
WAGTAILAPI_RICH_TEXT_FORMAT = "html"

# --- Providers (integrations/) -------------------------------------------------
PAYMENT_BACKEND = env("PAYMENT_BACKEND", default="dummy")
CARRIER_BACKEND = env("CARRIER_BACKEND", default="dummy")
AI_BACKEND = env("AI_BACKEND", default="dummy")
SMS_BACKEND = env("SMS_BACKEND", default="console")
EXCHANGE_RATE_BACKEND = env("EXCHANGE_RATE_BACKEND", default="dummy")
EXCHANGE_RATE_KRW_PER_USD = Decimal(env("EXCHANGE_RATE_KRW_PER_USD", default="1380.00"))

STRIPE_SECRET_KEY = env("STRIPE_SECRET_KEY", default="")
STRIPE_WEBHOOK_SECRET = env("STRIPE_WEBHOOK_SECRET", default=DEV_STRIPE_WEBHOOK_SECRET)
STRIPE_API_BASE = env("STRIPE_API_BASE", default="")
CHECKOUT_SESSION_TTL_MINUTES = env.int("CHECKOUT_SESSION_TTL_MINUTES", default=60)
# Where a payer returns from Checkout ("?checkout=success" or "?checkout=cancelled" is added): the new
# client's order page, and for checkouts opened from the legacy pay links the original client's profile
# page ({language_prefix} is "" for Korean and "/en" for English, the original client's two page trees).
CHECKOUT_RETURN_URL = env("CHECKOUT_RETURN_URL", default=FRONTEND_URL + "/orders/{number}")
LEGACY_CHECKOUT_RETURN_URL = env("LEGACY_CHECKOUT_RETURN_URL", default=FRONTEND_URL + "{language_prefix}/profile")

FEDEX_API_URL = env("FEDEX_API_URL", default="https://apis-sandbox.fedex.com")
FEDEX_CLIENT_ID = env("FEDEX_CLIENT_ID", default="")
FEDEX_CLIENT_SECRET = env("FEDEX_CLIENT_SECRET", default="")
# Rate and Ship APIs: the shipping account billed and the service booked.
FEDEX_ACCOUNT_NUMBER = env("FEDEX_ACCOUNT_NUMBER", default="")
FEDEX_SERVICE_TYPE = env("FEDEX_SERVICE_TYPE", default="INTERNATIONAL_PRIORITY")
TRACKING_POLL_INTERVAL_MINUTES = env.int("TRACKING_POLL_INTERVAL_MINUTES", default=120)
# Warehouse storage: days a measured parcel is kept free while its delivery fee is unpaid, and the period of the
# reminders sent to the customer while it waits (one per period, the first after that many days).
STORAGE_FREE_DAYS = env.int("STORAGE_FREE_DAYS", default=30)
STORAGE_REMINDER_DAYS = env.int("STORAGE_REMINDER_DAYS", default=7)
# Item problems after payment: how long the customer has to choose, and what applies without an answer.
ITEM_PROBLEM_ANSWER_HOURS = env.int("ITEM_PROBLEM_ANSWER_HOURS", default=72)
ITEM_PROBLEM_DEFAULT = env("ITEM_PROBLEM_DEFAULT", default="refund_item")  # refund_item | cancel
# The shipper on commercial invoices: the Korean warehouse, one line per address line.
WAREHOUSE_ADDRESS = env(
    "WAREHOUSE_ADDRESS", default="Bidangil warehouse\n123 Gonghang-ro, Jung-gu\nIncheon 22382\nRepublic of Korea (KR)"
).replace("\\n", "\n")
# The same warehouse as the sender of carrier rates and labels (FedEx needs it field by field).
WAREHOUSE_SHIPPER = {
    "name": env("WAREHOUSE_SHIPPER_NAME", default="Bidangil warehouse"),
    "phone": env("WAREHOUSE_SHIPPER_PHONE", default="+82325550100"),
    "line1": env("WAREHOUSE_SHIPPER_LINE1", default="123 Gonghang-ro, Jung-gu"),
    "city": env("WAREHOUSE_SHIPPER_CITY", default="Incheon"),
    "postal_code": env("WAREHOUSE_SHIPPER_POSTAL_CODE", default="22382"),
    "country": "KR",
}

OPENAI_API_KEY = env("OPENAI_API_KEY", default="")
OPENAI_BASE_URL = env("OPENAI_BASE_URL", default=None)
OPENAI_EXTRACTION_MODEL = env("OPENAI_EXTRACTION_MODEL", default="gpt-4o-mini")
OPENAI_IMAGE_MODEL = env("OPENAI_IMAGE_MODEL", default="gpt-image-1")
OPENAI_IMAGE_SIZE = env("OPENAI_IMAGE_SIZE", default="1024x1024")

SMS_FROM = env("SMS_FROM", default="")
TWILIO_ACCOUNT_SID = env("TWILIO_ACCOUNT_SID", default="")
TWILIO_AUTH_TOKEN = env("TWILIO_AUTH_TOKEN", default="")
TWILIO_API_URL = env("TWILIO_API_URL", default="https://api.twilio.com")

# Fetching shop pages: tests may allow loopback so a local fake shop can be used.
FETCH_ALLOW_LOOPBACK = False

# --- Fees -------------------------------------------------------------------
AGENCY_FEE_PERCENT = Decimal(env("AGENCY_FEE_PERCENT", default="4"))
CARD_FEE_PERCENT = Decimal(env("CARD_FEE_PERCENT", default="4"))

LEGACY_API = env.bool("LEGACY_API", default=True)

# --- Observability ------------------------------------------------------------
# LOG_FORMAT=json writes one JSON object per line (python-json-logger), the default in production.
LOG_FORMAT = env("LOG_FORMAT", default="plain")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "filters": {"without_traceback": {"()": "bidangil.logs.WithoutTraceback"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT},
        "client_errors": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["without_traceback"]},
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django.security": {"handlers": ["client_errors"], "propagate": False},
    },
}
# Errors go to Sentry only when a DSN is set (integrations.sentry, at start-up).
SENTRY_DSN = env("SENTRY_DSN", default="")
SENTRY_ENVIRONMENT = env("SENTRY_ENVIRONMENT", default="production")
SENTRY_TRACES_SAMPLE_RATE = env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0)
# /metrics: staff sessions, or Prometheus sending `Authorization: Bearer <METRICS_TOKEN>` (unset: staff only).
METRICS_TOKEN = env("METRICS_TOKEN", default="")
