"""The processes of a running stack: the CPU model server, the web server and the Celery
workers, the banner that tells a user where to log in, and the supervisor loop."""

from __future__ import annotations

import signal
import sys
import time
from pathlib import Path

from stack.services import VENV_BIN, WORKER_QUEUES, Stack, free_port, wait_for_port

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
        # The pages only listen; uvicorn refuses bigger client frames before any app code.
        "--ws-max-size",
        "65536",
    ]


def worker_command(name: str, queues: str) -> list[str]:
    """One Celery worker of the stack, one task at a time (two cores are shared by all)."""
    return [
        str(VENV_BIN / "celery"),
        "--quiet",
        "-A",
        "dashboard",
        "worker",
        "-Q",
        queues,
        "-n",
        f"{name}@%h",
        "--concurrency",
        "1",
        "--loglevel",
        "warning",
    ]


def start_web_and_workers(stack: Stack, port: int) -> None:
    stack.spawn("web", web_server_command(port))
    # On a laptop (or this sandbox) the stack runs as root; Celery's warning about that is
    # meant for servers, so it is silenced here only.
    quiet_root = {"PYTHONWARNINGS": "ignore:You're running the worker with superuser"}
    # Workers run torch beside the model server on few cores: OpenMP threads that spin
    # while waiting starve each other (training and evaluation ran several times slower).
    worker_env = {**quiet_root, **LLM_SERVER_ENV}
    # A worker per kind of work, as on production nodes where GPU workers take ml and llm.
    for name, queues in WORKER_QUEUES.items():
        stack.spawn(f"worker-{name}", worker_command(name, queues), env=worker_env)
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
        f"  Workspace settings (as admin): {base_url}/w/{credentials['workspace']}/settings/",
        *platform_login(base_url, credentials),
        f"  API key (X-API-Key): {credentials['api_key']}",
        f"  Saved to {credentials_file}",
        f"  Persona folder (watched): {persona_folder}",
        "  Ctrl-C stops everything.",
        "",
    ]
    print("\n".join(lines), flush=True)


def platform_login(base_url: str, credentials: dict) -> list[str]:
    """The platform staff account, apart: it is not a workspace login."""
    platform = credentials.get("platform")
    if not platform:
        return []
    return [
        f"  Platform staff, Django admin only ({base_url}{platform['url']}):",
        f"    {platform['username']} / {platform['password']}",
    ]


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
