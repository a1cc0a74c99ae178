"""Settings, all from environment variables through typed readers (see dashboard/env.py).

`./dev run` and `./dev test` set DATABASE_URL and REDIS_URL to embedded servers and
DEBUG=1. In production (DEBUG unset) the unsafe development values are refused.
"""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from dashboard.env import (
    database_from_url,
    env_bool,
    env_int,
    env_list,
    env_str,
    redis_database,
)

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY", "" if not DEBUG else "insecure-development-key")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# Addresses of reverse proxies whose X-Forwarded-For is believed (rate limits by client).
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", [])
# Rate limits, per minute (core.ratelimit): an API key, login attempts from one
# address, websocket connections of one user, model calls per workspace (mlops.llm_quota:
# calls someone waits on, and the drafting pipeline's calls, a larger budget of its own).
API_RATE_PER_MINUTE = env_int("API_RATE_PER_MINUTE", 1200, minimum=1)
LOGIN_RATE_PER_MINUTE = env_int("LOGIN_RATE_PER_MINUTE", 30, minimum=1)
WEBSOCKET_RATE_PER_MINUTE = env_int("WEBSOCKET_RATE_PER_MINUTE", 120, minimum=1)
# The pages only listen: a client frame over this many bytes closes the socket unread.
WEBSOCKET_MAX_CLIENT_FRAME = env_int("WEBSOCKET_MAX_CLIENT_FRAME", 4096, minimum=64)
LLM_RATE_PER_MINUTE = env_int("LLM_RATE_PER_MINUTE", 120, minimum=1)
LLM_DRAFTS_PER_MINUTE = env_int("LLM_DRAFTS_PER_MINUTE", 600, minimum=1)

if not DEBUG:
    # Production refuses to start on values that are only fit for a laptop.
    if len(SECRET_KEY) < 32 or SECRET_KEY.startswith("insecure"):
        raise ImproperlyConfigured("SECRET_KEY must be set to a random value of 32+ characters")
    if not ALLOWED_HOSTS or "*" in ALLOWED_HOSTS:
        raise ImproperlyConfigured("ALLOWED_HOSTS must list the dashboard's host names")
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
    # HTTPS only: redirect plain HTTP, and tell browsers never to try it (HSTS, a year).
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    # Behind a proxy that terminates TLS, trust its X-Forwarded-Proto (only then).
    if env_bool("SECURE_PROXY_SSL_HEADER", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self' 'unsafe-inline'",
    "img-src": "'self' data:",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}

INSTALLED_APPS = [
    # The Django admin, for platform staff only (workspace members are refused).
    "core.admin_config.PlatformAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django_htmx",
    "template_partials",
    "channels",
    "core",
    "dashboard",
    "conversations",
    "personas",
    "mlops",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "dashboard.security.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "dashboard.outages.DependencyOutageMiddleware",
]

ROOT_URLCONF = "dashboard.urls"
ASGI_APPLICATION = "dashboard.asgi.application"

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
                "dashboard.context_processors.live_pages",
            ],
        },
    },
]

DATABASES = {"default": database_from_url(env_str("DATABASE_URL"))}
# Web servers pool their connections (the stack sets DB_POOL_SIZE for them alone, see
# stack/processes.py; docs/deploy.md): under ASGI every request runs its sync code in a
# thread of its own, so a persistent connection is never reused, and a new one cost ~5 ms
# and a PostgreSQL backend per request; at 100 requests in flight, unpooled threads ran
# PostgreSQL out of connections. DB_POOL_SIZE connections per process at most: a request
# waits up to DB_POOL_TIMEOUT seconds for a free one (then 503, Retry-After). Celery's
# prefork children must not inherit a pool's threads, so workers stay unpooled.
DB_POOL_SIZE = env_int("DB_POOL_SIZE", 0, minimum=0)
DB_CONN_MAX_AGE = env_int("DB_CONN_MAX_AGE", 0, minimum=0)
if DB_POOL_SIZE and DB_CONN_MAX_AGE:
    raise ImproperlyConfigured("DB_POOL_SIZE and DB_CONN_MAX_AGE exclude each other; set one")
DATABASES["default"]["CONN_MAX_AGE"] = DB_CONN_MAX_AGE
if DB_POOL_SIZE:
    DATABASES["default"]["OPTIONS"] = {
        "pool": {
            "min_size": 1,
            "max_size": DB_POOL_SIZE,
            "timeout": env_int("DB_POOL_TIMEOUT", 10, minimum=1),
            # Idle connections beyond min_size go after a minute, so a burst does not
            # hold PostgreSQL backends for good.
            "max_idle": 60,
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# One Redis server, three databases, so no use can flush, scan or crowd out another's
# keys: REDIS_URL's database for the app's own keys (completion cache, outboxes, circuit
# breaker, locks), the next one for Celery's broker, the one after for Channels.
REDIS_URL = env_str("REDIS_URL")
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "") or redis_database(REDIS_URL, 1)
CHANNEL_LAYER_URL = env_str("CHANNEL_LAYER_URL", "") or redis_database(REDIS_URL, 2)

# The channel layer carries what is not a page event: a user's access changes, which close
# their sockets (page events go through conversations/live_hub.py on the same Redis
# database). Redis pub/sub: published once per group, and each server process, subscribed
# once, hands it to its own sockets. The list-based layer (channels_redis.core) pushes one
# copy per socket, each popped with its own round trip, and drops every copy once a
# process's shared list is full: 50 open inboxes then made events 4x later and, past its
# capacity, lost them (benchmarks/load.py). The backend is a setting so another layer can
# stand in without another settings module.
CHANNEL_LAYER_BACKEND = env_str(
    "CHANNEL_LAYER_BACKEND", "channels_redis.pubsub.RedisPubSubChannelLayer"
)
# Redis reads wait up to 5 s (channels_redis.core's receive); a socket timeout at or below
# that (redis-py 8 defaults to 5 s) crashed every page's consumer after 5 s of quiet.
CHANNEL_LAYER_SOCKET_TIMEOUT_SECONDS = 15
# Live events to the pages (conversations/live_hub.py): who publishes them. A setting so
# the fault-injection tests' lossy publisher (tests/faults.py) can stand in.
LIVE_EVENTS_PUBLISHER = env_str("LIVE_EVENTS_PUBLISHER", "conversations.live_hub.redis_publish")
CHANNEL_LAYERS = {
    "default": {
        "BACKEND": CHANNEL_LAYER_BACKEND,
        "CONFIG": {
            "hosts": [
                {
                    "address": CHANNEL_LAYER_URL,
                    "socket_timeout": CHANNEL_LAYER_SOCKET_TIMEOUT_SECONDS,
                    "socket_connect_timeout": 5,
                }
            ],
            "prefix": "dashboard",
        },
    }
}

# Channels delivers at most once: a page that missed an event (a message dropped by the
# layer, a full channel, a Redis restart) asks for what changed every LIVE_RESYNC_SECONDS
# anyway, so it converges to the database without waiting for the next event.
LIVE_RESYNC_SECONDS = env_int("LIVE_RESYNC_SECONDS", 15, minimum=1)

CELERY_RESULT_BACKEND = None
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# No task may outlive the broker's visibility timeout: an unacknowledged task is handed to
# another worker after it, so a longer one would run twice. Hard limits per task are
# below it (training: mlops.tasks), and a task redelivered more often than
# TASK_MAX_REDELIVERIES (a poison message killing its workers) is dropped with an error.
# The timeout is also how long a task whose worker was killed (kill -9, OOM) waits before
# it is delivered again; the pending-work sweeper recovers lost messages much sooner.
BROKER_VISIBILITY_TIMEOUT_SECONDS = env_int(
    "BROKER_VISIBILITY_TIMEOUT_SECONDS", 12 * 3600, minimum=1
)
# One Redis list per priority, 0 (first) to 9: the llm queue drafts open conversations
# first, then by triage priority (conversations.presence).
BROKER_PRIORITY_STEPS = list(range(10))
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": BROKER_VISIBILITY_TIMEOUT_SECONDS,
    "priority_steps": BROKER_PRIORITY_STEPS,
    # How often workers look for abandoned tasks: often enough for a short timeout.
    "unacked_restore_interval": min(10, max(1, BROKER_VISIBILITY_TIMEOUT_SECONDS // 4)),
    "unacked_restore_throttle": 1 if BROKER_VISIBILITY_TIMEOUT_SECONDS < 600 else 10,
}
CELERY_TASK_TIME_LIMIT = 30 * 60
TASK_MAX_REDELIVERIES = env_int("TASK_MAX_REDELIVERIES", 3, minimum=0)
CELERY_TASK_ROUTES = {
    "conversations.tasks.perceive_message": {"queue": "ml"},
    "conversations.tasks.suggest_replies": {"queue": "llm"},
    "conversations.tasks.deliver_reply": {"queue": "default"},
    "conversations.tasks.run_generation_job": {"queue": "llm"},
    "conversations.tasks.fill_suggestions": {"queue": "llm"},
    # Training has queues of its own, so perception on `ml` never waits behind it: CPU
    # models on `training`, LoRA on `train` (a GPU node in production).
    "mlops.tasks.train_cta": {"queue": "training"},
    "mlops.tasks.train_intent": {"queue": "training"},
    "conversations.tasks.train_ranker": {"queue": "training"},
    "conversations.tasks.learn_reply": {"queue": "ml"},
    "mlops.tasks.train_lora": {"queue": "train"},
    # Embedding is model work: it runs where the embedding model is already loaded.
    "personas.tasks.sync_persona_folders": {"queue": "ml"},
}
# The watched persona folder (empty: off), synced every PERSONA_SYNC_SECONDS by beat.
PERSONA_FOLDER = env_str("PERSONA_FOLDER", "")
PERSONA_SYNC_SECONDS = env_int("PERSONA_SYNC_SECONDS", 5, minimum=1)
# The pending-work sweeper (conversations.sweeper) queues again, every
# PENDING_SWEEP_SECONDS, the messages whose task was lost between commit and publish: older
# than the grace period (their own task should have run by then), younger than the lookback.
PENDING_SWEEP_SECONDS = env_int("PENDING_SWEEP_SECONDS", 30, minimum=1)
PENDING_WORK_GRACE_SECONDS = env_int("PENDING_WORK_GRACE_SECONDS", 120, minimum=1)
PENDING_WORK_LOOKBACK_SECONDS = env_int("PENDING_WORK_LOOKBACK_SECONDS", 6 * 3600, minimum=60)
CELERY_BEAT_SCHEDULE = {
    "sync-persona-folders": {
        "task": "personas.tasks.sync_persona_folders",
        "schedule": float(PERSONA_SYNC_SECONDS),
        # A sync that waited longer than one period is superseded by the next one.
        "options": {"expires": float(PERSONA_SYNC_SECONDS)},
    },
    "sweep-pending-work": {
        "task": "conversations.tasks.sweep_pending_work",
        "schedule": float(PENDING_SWEEP_SECONDS),
        "options": {"expires": float(PENDING_SWEEP_SECONDS)},
    },
}
# Reply suggestions. LLM_BASE_URL names an OpenAI-compatible server (vLLM on GPU nodes,
# or the packaged CPU model that `./dev run` starts); empty means the template generator.
LLM_BASE_URL = env_str("LLM_BASE_URL", "")
# "transformers" runs a model in the worker process instead: LLM_LOCAL_PATH, a
# save_pretrained folder or a .gguf file (empty: the packaged SmolLM2 GGUF).
LLM_BACKEND = env_str("LLM_BACKEND", "openai")
LLM_LOCAL_PATH = env_str("LLM_LOCAL_PATH", "")
LLM_MODEL = env_str("LLM_MODEL", "smollm2-135m-instruct")
LLM_API_KEY = env_str("LLM_API_KEY", "")
# json_schema for vLLM/OpenAI, json_object for llama-cpp-python's server, none for others.
LLM_STRUCTURED_OUTPUT = env_str("LLM_STRUCTURED_OUTPUT", "json_schema")
LLM_TIMEOUT_SECONDS = float(env_int("LLM_TIMEOUT_MS", 8000, minimum=100)) / 1000
# The whole suggestion, retries included, gives up and falls back after this long.
LLM_DEADLINE_SECONDS = float(env_int("LLM_DEADLINE_MS", 15000, minimum=100)) / 1000
LLM_SUGGESTIONS = env_int("LLM_SUGGESTIONS", 3, minimum=1)
# The order the llm queue drafts in. "latest": work for a message the customer has already
# written past is dropped, and watched and urgent conversations go first
# (conversations.presence). "fifo": every message is drafted, in arrival order; kept to
# measure what latest-wins buys (benchmarks/burst.py).
DRAFT_ORDER = env_str("DRAFT_ORDER", "latest")
if DRAFT_ORDER not in ("latest", "fifo"):
    raise ImproperlyConfigured("DRAFT_ORDER must be 'latest' or 'fifo'")
LLM_MAX_TOKENS = env_int("LLM_MAX_TOKENS", 120, minimum=8)
# No request (an API caller's max_tokens, a campaign's prompt config) asks for more.
LLM_MAX_TOKENS_CAP = env_int("LLM_MAX_TOKENS_CAP", 512, minimum=8)
LLM_TEMPERATURE = float(env_int("LLM_TEMPERATURE_PERCENT", 80, minimum=0)) / 100
# Seed 003's QA mode: temperature 0 and a fixed seed.
LLM_DETERMINISTIC = env_bool("LLM_DETERMINISTIC", False)
LLM_CACHE_SECONDS = env_int("LLM_CACHE_SECONDS", 3600, minimum=0)
LLM_CIRCUIT_FAILURES = env_int("LLM_CIRCUIT_FAILURES", 3, minimum=1)
LLM_CIRCUIT_COOLDOWN_SECONDS = env_int("LLM_CIRCUIT_COOLDOWN_SECONDS", 30, minimum=1)
# Training jobs (CTA, intent, ranker, LoRA) a workspace may have queued or running at once.
TRAINING_JOBS_PER_WORKSPACE = env_int("TRAINING_JOBS_PER_WORKSPACE", 3, minimum=1)

# The memory stage: a conversation summary every N messages, the last N sentiment
# snapshots per contact.
MEMORY_SUMMARY_EVERY = env_int("MEMORY_SUMMARY_EVERY", 10, minimum=2)
SENTIMENT_HISTORY_SIZE = 20

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
# The ASGI app serves static files itself unless a reverse proxy does it in production.
SERVE_STATIC = env_bool("SERVE_STATIC", DEBUG)

# Inbound messages longer than this are refused with 422 (DMs are short; this is abuse).
MESSAGE_MAX_CHARS = env_int("MESSAGE_MAX_CHARS", 4000, minimum=1)
# Signed webhooks older or newer than this many seconds are refused as replays.
WEBHOOK_TOLERANCE_SECONDS = env_int("WEBHOOK_TOLERANCE_SECONDS", 300, minimum=1)
# Replies sent out by operators are cut to this length by the suggestion guardrails.
SUGGESTION_MAX_CHARS = env_int("SUGGESTION_MAX_CHARS", 280, minimum=20)
# The reply library's options, shown as soon as a message is perceived (before any draft):
# at most this many, and only those the ranker gives at least this probability of a send.
LIBRARY_OPTIONS = env_int("LIBRARY_OPTIONS", 2, minimum=0)
LIBRARY_MIN_CONFIDENCE = env_int("LIBRARY_MIN_CONFIDENCE_PERCENT", 20, minimum=0) / 100
# How long an outbound webhook delivery may take before it is retried.
OUTBOUND_TIMEOUT_SECONDS = env_int("OUTBOUND_TIMEOUT_SECONDS", 5, minimum=1)
# Outbound webhook URLs may not reach loopback, private, link-local or metadata addresses
# (conversations.url_safety) unless the host name, address or network is listed here,
# e.g. "127.0.0.1,hooks.internal,10.2.0.0/16". A platform setting, never a tenant's.
OUTBOUND_URL_ALLOWLIST = env_list("OUTBOUND_URL_ALLOWLIST", [])
# How long an inbound webhook-id is remembered: a redelivery within it stores nothing.
WEBHOOK_ID_RETENTION_SECONDS = env_int("WEBHOOK_ID_RETENTION_SECONDS", 7 * 24 * 3600, minimum=60)
# A payment is credited to the last reply sent at most this many hours before it.
REVENUE_ATTRIBUTION_HOURS = env_int("REVENUE_ATTRIBUTION_HOURS", 72, minimum=1)

# Local transformers checkpoints (save_pretrained folders) for the perception stage; empty
# means the offline defaults: VADER, the NRC lexicon and sarcasm rules.
SENTIMENT_MODEL_PATH = env_str("SENTIMENT_MODEL_PATH", "")
EMOTION_MODEL_PATH = env_str("EMOTION_MODEL_PATH", "")
SARCASM_MODEL_PATH = env_str("SARCASM_MODEL_PATH", "")

# /metrics answers a request with `Authorization: Bearer <METRICS_TOKEN>`; with no token
# set, only a scraper on this machine (loopback, not through a proxy).
METRICS_TOKEN = env_str("METRICS_TOKEN", "")

# Trained models and datasets (JSON, JSON lines, joblib).
MLOPS_ARTIFACT_DIR = env_str("MLOPS_ARTIFACT_DIR", str(BASE_DIR / "var" / "mlops"))

# LoRA fine-tuning on operators' replies. The base model is a transformers folder (a GPU
# node names its own); blank: the packaged SmolLM2 GGUF, dequantised once into var/mlops.
LORA_BASE_MODEL = env_str("LORA_BASE_MODEL", "")
# Without CUDA a job trains this many optimizer steps at most, of one batch each: enough
# to prove the path in minutes.
LORA_CPU_MAX_STEPS = env_int("LORA_CPU_MAX_STEPS", 4, minimum=1)
# The suggestion-level half of the evaluation gate: how many held-out replies are
# generated (base vs adapter) and how long each may be.
LORA_EVAL_GENERATIONS = env_int("LORA_EVAL_GENERATIONS", 8, minimum=1)
LORA_EVAL_MAX_TOKENS = env_int("LORA_EVAL_MAX_TOKENS", 32, minimum=4)
# How a persona's deployed adapter is served: "in-process" (the llm worker loads base +
# adapter with transformers) or "server" (vLLM --enable-lora serves it by name; deploying
# registers it through POST /v1/load_lora_adapter).
LLM_ADAPTERS = env_str("LLM_ADAPTERS", "in-process")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}
