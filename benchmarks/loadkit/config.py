"""Names and limits of the load benchmark, shared by its modules."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
# The entry script: the baseline server runs as `load.py --baseline-server PORT`.
LOAD_SCRIPT = ROOT / "benchmarks" / "load.py"
SLUG = "bench-load"
USER_PREFIX = "bench-load-operator-"
PERSONA = "Bench"
# REDIS_URL's database + this: a broker no worker reads (the app uses + 0, 1 and 2).
SCRATCH_BROKER_OFFSET = 9
WEB_LOG = ROOT / "var" / "bench-load-web.log"
DRAIN_LIMIT = 180  # seconds after the last send, whatever happens
CONNECTIONS = 100  # HTTP requests in flight at most, as a sender with a connection pool
HTTP_TIMEOUT = 30  # seconds a message may wait for a connection, and then for its answer
