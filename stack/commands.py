"""`./dev run`, `./dev test`, `./dev bench NAME` and `./dev manage ...`."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from stack.processes import print_banner, start_llm_server, start_web_and_workers, supervise
from stack.services import DEFAULT_PORT, ROOT, VENV_BIN, manage, port_is_free, services


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
            # Imports point down the app layers, never up (pyproject's [tool.importlinter]).
            [str(VENV_BIN / "lint-imports")],
            [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"],
        ]
        # A run of chosen tests (`./dev test tests/test_api.py`) skips the whole-tree checks.
        for check in checks if not argv else []:
            print("==", " ".join(Path(check[0]).name if i == 0 else a for i, a in enumerate(check)))
            if subprocess.call(check, cwd=ROOT, env=stack.env) != 0:
                return 1
        # The corpus-only intent head every test reads messages with, trained once per
        # machine before the tests, so no test's time limit pays for it.
        if manage(stack, "build_intent_model") != 0:
            return 1
        print("== pytest", flush=True)
        return subprocess.call([sys.executable, "-m", "pytest", *argv], cwd=ROOT, env=stack.env)


def bench(argv: list[str]) -> int:
    """Run benchmarks/NAME.py against the embedded servers of `./dev run` (migrated)."""
    if not argv:
        print("usage: ./dev bench NAME [args]; NAME is a file in benchmarks/", file=sys.stderr)
        return 2
    # "suggestions-quality" runs benchmarks/suggestions_quality.py
    script = ROOT / "benchmarks" / f"{argv[0].replace('-', '_')}.py"
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
        print(f"usage: python -m stack {'|'.join(commands)} [args...]", file=sys.stderr)
        return 2
    return commands[sys.argv[1]](sys.argv[2:])
