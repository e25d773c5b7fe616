"""The program's entry point.

typer parses every command line (cli.py).  Two things happen around it:

- a `build` or `validate` is first offered to a resident process that has done the imports
  (resident.py); when none takes it, the command runs here and leaves one for the next;
- a `build` or `validate` ends without Python's teardown once its output is flushed
  (process.exit_now); the other commands (watch, preview…) end as Python ends, their
  temporary folders removed on the way.

A second command-line grammar for plain builds and a --help kept in the disk cache used to
stand beside typer; each saved less than a person notices (README, "启动") and went.
"""

from __future__ import annotations

import sys

from . import resident
from .process import exit_now, prepare


def main() -> None:
    args = sys.argv[1:]
    unable = prepare()  # closed streams, a working folder that is gone (process.py)
    if unable is not None:
        exit_now(unable)
    served = resident.serves(args)
    if served:
        status = resident.run(args)
        if status is not None:
            exit_now(status)
    from .cli import run_command_line

    try:
        status = run_command_line(args)
    finally:
        if served:
            resident.start()
    if served:
        exit_now(status)
    sys.exit(status)
