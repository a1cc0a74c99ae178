"""The processes of a running stack: the CPU model server, the web server and the Celery
workers, the banner that tells a user where to log in, and the supervisor loop."""

from __future__ import annotations

import os
import signal
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from stack.services import VENV_BIN, WORKER_QUEUES, Stack, free_port, wait_for_port

LLM_ALIAS = "smollm2-135m-instruct"
# Replies drafted at once by default (LLM_SERVERS): one per core of a two-core laptop.
DRAFTING_SLOTS = 2
DRAFTING_PROCESSES_PER_SERVER = 4
# Servers besides those, behind the balancer, kept for the drafts an operator has open:
# idle until one comes, then it is the only server running while it reads its prompt
# (stack.llm_pause). A 135M model's server holds ~300 MB.
WATCHED_SERVERS = 1


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
        # By default a streamed reply is cut short as soon as another request waits; the
        # samples of one suggestion are requested together, so each must run to its end.
        "--interrupt_requests",
        "false",
    ]


def llm_balancer_command(
    port: int, upstreams: list[str], kept_for_watched: int = 0, pause_pids: Sequence[int] = ()
) -> list[str]:
    """stack.llm_balancer: one address that hands each request to the least busy server;
    the last `kept_for_watched` take only drafts an operator is watching, and the servers
    whose `pause_pids` are given pause while such a draft reads its prompt."""
    command = [
        sys.executable,
        "-m",
        "stack.llm_balancer",
        "--port",
        str(port),
        "--upstream",
        ",".join(upstreams),
        "--kept-for-watched",
        str(kept_for_watched),
    ]
    if pause_pids:
        command += ["--pause-pids", ",".join(str(pid) for pid in pause_pids)]
    return command


def llm_servers(stack: Stack) -> int:
    """How many replies are drafted at once: CPU model servers started and the llm worker's
    processes. On two cores two two-thread servers drafted 1.7-2.4x the replies per second
    of one, at the same or a lower median latency, in every run; two one-thread servers
    matched them on a quiet machine only (benchmarks/parallel_generation.py). Against
    vLLM the worker's concurrent requests are batched by the server."""
    count = int(stack.env.get("LLM_SERVERS") or DRAFTING_SLOTS)
    if count < 1:
        raise SystemExit("LLM_SERVERS must be 1 or more")
    return count


def drafting_processes(stack: Stack) -> int:
    """The llm worker's processes: several per model server. A process mostly waits on
    the server, and while some fill in the second and third options of older messages, a
    free one can already send the first draft of the newest, which the balancer serves
    first; with too few, that draft would wait for a whole older set to finish."""
    return DRAFTING_PROCESSES_PER_SERVER * llm_servers(stack)


def start_llm_server(stack: Stack) -> None:
    """The CPU model servers, unless LLM_BASE_URL already points at one (vLLM, say): two
    threads each (a lone request still gets both cores; passive OpenMP waits keep two busy
    servers from spinning against each other), behind the balancer when there are several,
    with one more kept for the drafts an operator has open (WATCHED_SERVERS)."""
    if stack.env.get("LLM_BASE_URL"):
        return
    count = llm_servers(stack)
    kept = WATCHED_SERVERS if count > 1 else 0
    ports = [free_port() for _ in range(count + kept)]
    pids = []
    for index, port in enumerate(ports):
        server = stack.spawn(
            "llm",
            llm_server_command(port, threads=2),
            log=stack.var_dir / ("llm-server.log" if index == 0 else f"llm-server-{index}.log"),
            env=llm_server_env(port),
        )
        pids.append(server.pid)
    for port in ports:
        wait_for_port(port, "LLM server", timeout=60)
    port = ports[0]
    if count > 1:
        port = free_port()
        upstreams = [f"http://127.0.0.1:{p}" for p in ports]
        stack.spawn(
            "llm",
            llm_balancer_command(port, upstreams, kept_for_watched=kept, pause_pids=pids),
            log=stack.var_dir / "llm-balancer.log",
        )
        wait_for_port(port, "LLM balancer")
    stack.env.update(
        {
            "LLM_BASE_URL": f"http://127.0.0.1:{port}",
            "LLM_MODEL": LLM_ALIAS,
            # llama.cpp enforces a JSON schema given inside a json_object response_format.
            "LLM_STRUCTURED_OUTPUT": "json_object",
            # Each server answers one request at a time, ~2 s each: wait longer than for a
            # GPU server before falling back.
            "LLM_TIMEOUT_MS": stack.env.get("LLM_TIMEOUT_MS", "20000"),
            "LLM_DEADLINE_MS": stack.env.get("LLM_DEADLINE_MS", "40000"),
            "LLM_MAX_TOKENS": stack.env.get("LLM_MAX_TOKENS", "100"),
        }
    )


# What the web processes together may hold of PostgreSQL's connections (the embedded
# server allows 100; Celery workers, beat and `./dev manage` take the rest).
WEB_CONNECTIONS = 32


def web_workers() -> int:
    """One web process per core: Python runs one request's code at a time per process."""
    return max(2, os.cpu_count() or 1)


def web_server_env(workers: int) -> dict[str, str]:
    """Pooled connections for the web processes only (Celery's prefork children must not
    inherit a pool): each keeps up to 8, fewer when many processes share WEB_CONNECTIONS."""
    return {"DB_POOL_SIZE": str(max(2, min(8, WEB_CONNECTIONS // workers)))}


def web_server_command(port: int, workers: int = 1) -> list[str]:
    """The ASGI server (HTTP and websockets) on a loopback port; tests start the same one,
    in one process unless they ask for more. Several workers share the port; the Redis
    channel layer carries events between them."""
    return [
        str(VENV_BIN / "uvicorn"),
        "dashboard.asgi:application",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "warning",
        # Its send writes the frame and returns; it waits only on a client that stopped
        # reading, which the live hub then drops (live_hub.py), as it writes each event to
        # every socket of a process in turn.
        "--ws",
        "websockets-sansio",
        # The pages only listen; uvicorn refuses bigger client frames before any app code.
        "--ws-max-size",
        "65536",
        # Frames are small JSON events on a local network: deflating each one again for
        # every socket costs CPU per page and saves little (docs/deploy.md).
        "--ws-per-message-deflate",
        "false",
        *(["--workers", str(workers)] if workers > 1 else []),
    ]


def worker_command(name: str, queues: str, concurrency: int = 1) -> list[str]:
    """One Celery worker of the stack, one task at a time (two cores are shared by all)
    unless told otherwise: the llm worker drafts as many replies at once as there are
    model servers."""
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
        str(concurrency),
        "--loglevel",
        "warning",
    ]


def start_web_and_workers(stack: Stack, port: int) -> None:
    workers = web_workers()
    stack.spawn("web", web_server_command(port, workers), env=web_server_env(workers))
    # On a laptop (or this sandbox) the stack runs as root; Celery's warning about that is
    # meant for servers, so it is silenced here only.
    quiet_root = {"PYTHONWARNINGS": "ignore:You're running the worker with superuser"}
    # Workers run torch beside the model server on few cores: OpenMP threads that spin
    # while waiting starve each other (training and evaluation ran several times slower).
    worker_env = {**quiet_root, **LLM_SERVER_ENV}
    # A worker per kind of work, as on production nodes where GPU workers take ml and llm.
    for name, queues in WORKER_QUEUES.items():
        concurrency = drafting_processes(stack) if name == "llm" else 1
        stack.spawn(f"worker-{name}", worker_command(name, queues, concurrency), env=worker_env)
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
