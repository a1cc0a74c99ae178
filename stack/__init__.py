"""The dev launcher: one machine, the whole stack (`./dev run`, `./dev test`, ...).

It lives outside the Django project because it runs before Django is configured and
starts the processes that then read the settings. Tests and benchmarks use its helpers
to start their own servers on free ports.
"""

from stack.processes import LLM_ALIAS, llm_server_command, llm_server_env, web_server_command
from stack.services import VENV_BIN, free_port, wait_for_port

__all__ = [
    "LLM_ALIAS",
    "VENV_BIN",
    "free_port",
    "llm_server_command",
    "llm_server_env",
    "wait_for_port",
    "web_server_command",
]
