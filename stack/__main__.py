"""`python -m stack COMMAND`: what the `dev` script runs once the venv is ready."""

import sys

from stack.commands import main

sys.exit(main())
