"""The program's entry point: a fast start for the two commands people wait on most.

- A plain `build` (the command line of every day: a year, the options of `build -h` with
  ordinary values) or `validate` (paths, --strict, --format text or json) is parsed here,
  without importing typer, and the process ends without Python's teardown once its output is
  flushed.  Importing typer and its parsing took a third of a build's start, the teardown a
  tenth; in a resident process (resident.py) typer's parsing alone was 15 ms of a validate.
- `--help` and `<command> --help` print the text typer made the last time, kept in the disk
  cache (cache.py) under a key naming the terminal width, the source of the command line and
  typer's version.

Everything else (another command, a mistake, anything this parser is not sure of) goes to
cli.py, whose typer parsing and Chinese messages are the definition: this parser only ever
accepts what typer accepts, with the same meaning, and leaves every message to it.
"""

from __future__ import annotations

import gc
import os
import sys

# Nothing more at the top: a cached --help is mostly the imports of this module and cache.py.
_VALUE_OPTIONS = {"--data": "data", "--out": "out", "--style": "style", "--org": "org", "--format": "fmt", "--jobs": "jobs", "-j": "jobs"}
_FLAGS = {"--pdf": "pdf", "--check": "check", "--strict": "strict", "--force": "force"}
_HELP = ("--help", "-h")


def main() -> None:
    args = sys.argv[1:]
    from .process import prepare

    unable = prepare()  # closed streams, a working folder that is gone (process.py)
    if unable is not None:
        _exit_now(unable)
    # Importing pydantic and building the data models makes hundreds of thousands of objects, none
    # of them garbage: the collector's passes over them are a tenth of the imports' time.
    gc.disable()
    options, debug = plain_command(args)
    if options is None:
        gc.enable()
        if _is_help(args):
            _print_help(args)
            return
    from . import resident

    served = options is not None or resident.serves(args)
    if served:
        status = resident.run(args)  # a resident process that has done the imports (resident.py)
        if status is not None:
            _exit_now(status)
    if options is not None:
        status = run_plain(options, debug)
        resident.start()
        _exit_now(status)
    from .cli import main as typer_main

    try:
        typer_main()
    finally:
        if served:
            resident.start()


def plain_command(args: list[str]):
    """The options of a plain `build` or `validate` (after an optional leading --debug) and
    whether --debug was given; (None, …) for anything else."""
    debug = bool(args) and args[0] == "--debug"
    rest = args[1:] if debug else args
    return parse_build(rest) or parse_validate(rest), debug


def parse_build(args: list[str]):
    """The options of a plain `build` command line; None for anything else (typer decides)."""
    if not args or args[0] != "build":
        return None
    from pathlib import Path

    from .build_command import BuildOptions, usage_problem

    values: dict[str, object] = {"org": [], "fmt": []}
    year = None
    rest = iter(args[1:])
    for arg in rest:
        if arg in _FLAGS:
            values[_FLAGS[arg]] = True
        elif arg in _VALUE_OPTIONS:
            value = next(rest, None)
            # No value, or one that looks like an option or is empty: typer's rules and messages.
            if not value or value.startswith("-"):
                return None
            name = _VALUE_OPTIONS[arg]
            if name in ("org", "fmt"):
                values[name].append(value)
            elif name == "jobs":
                if not _digits(value, 1, 4) or value.startswith("0"):
                    return None
                values[name] = int(value)
            else:
                values[name] = value
        elif year is None and _digits(arg, 4, 4) and 1949 <= int(arg) <= 2100:
            year = int(arg)
        else:  # --help, --opt=value, -j2, a second argument, a year out of range…
            return None
    if year is None:
        return None
    options = BuildOptions(
        year=year,
        data=Path(values.get("data", "data")),
        out=Path(values.get("out", "out")),
        org=tuple(values["org"]),
        style=values.get("style"),
        fmt=tuple(values["fmt"]) or ("docx",),
        pdf=bool(values.get("pdf")),
        jobs=values.get("jobs"),
        check=bool(values.get("check")),
        strict=bool(values.get("strict")),
        force=bool(values.get("force")),
    )
    return None if usage_problem(options) is not None else options


def parse_validate(args: list[str]):
    """The options of a plain `validate` command line: paths, --strict, --format text or json;
    None for anything else (typer decides)."""
    if not args or args[0] != "validate":
        return None
    from pathlib import Path

    from .build_command import ValidateOptions

    paths: list[Path] = []
    strict, fmt = False, "text"
    rest = iter(args[1:])
    for arg in rest:
        if arg == "--strict":
            strict = True
        elif arg == "--format":
            fmt = next(rest, None)
            if fmt not in ("text", "json"):  # a wrong or missing value: typer's message
                return None
        elif arg and not arg.startswith("-"):
            paths.append(Path(arg))
        else:  # --help, --format=json, --, an empty path, an unknown option…
            return None
    return ValidateOptions(tuple(paths), strict, fmt) if paths else None


def _digits(text: str, shortest: int, longest: int) -> bool:
    """ASCII digits only (int() would also take "２０２１", "+2021" or "2_021": typer's to judge)."""
    return shortest <= len(text) <= longest and text.isascii() and text.isdigit()


def run_plain(options, debug: bool) -> int:
    """Run a plain build or validate; the exit status, every failure included (as cli.main)."""
    from .build_command import BuildOptions, echo, run_build, run_validate

    building = isinstance(options, BuildOptions)
    try:
        from . import api  # noqa: F401  what every build needs, imported before the collector is back

        if building and "docx" in options.fmt:
            from .writers import docx  # noqa: F401
        # What was imported stays for good: later collections (and forked workers) leave it alone.
        gc.freeze()
        gc.enable()
        return run_build(options) if building else run_validate(options)
    except KeyboardInterrupt:
        echo("已中断。", err=True)
        return 130
    except Exception as error:  # noqa: BLE001 - as cli.main: the last line of defence for a user-facing tool
        from .process import outside_cause

        status = outside_cause(error, debug)  # the file system's or the person's doing: not 3
        if status is not None:
            return status
        if debug:
            import traceback

            traceback.print_exc()
        else:
            echo("发生意外错误，这是本工具的缺陷而非您数据的问题；请加 --debug 重新运行，并把输出发给维护人员。", err=True)
        return 3


def _exit_now(status: int) -> None:
    """End without Python's teardown (freeing every object one by one): the reports are
    written and closed, the worker processes joined; only the output is left to flush, and
    the LibreOffice profile of a PDF converted in this process to remove."""
    pdf = sys.modules.get(f"{__package__}.writers.pdf")
    if pdf is not None:
        pdf.remove_profile()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(status)


def _is_help(args: list[str]) -> bool:
    return len(args) == 1 and args[0] in _HELP or len(args) == 2 and args[1] in _HELP and not args[0].startswith("-")


def _print_help(args: list[str]) -> None:
    from . import cache

    store = cache.DiskCache("help")
    key = _help_key(args)
    text = store.get(key)
    if text is not None:
        sys.stdout.write(text.decode("utf-8"))
        sys.stdout.flush()
        return
    import contextlib
    import io

    from .cli import run

    captured = io.StringIO()
    with contextlib.redirect_stdout(captured):
        status = run(args)
    sys.stdout.write(captured.getvalue())
    sys.stdout.flush()
    if status == 0:
        store.put(key, captured.getvalue().encode("utf-8"))
    else:  # not a help after all (an unknown command): as typer ends it
        sys.exit(status)


def _help_key(args: list[str]) -> str:
    """The help depends on the command asked about, the width it is wrapped to (click wraps
    at the terminal's width, at most 80), the command line's code and typer's (or click's) version."""
    from . import cache

    here = os.path.dirname(os.path.abspath(__file__))
    sources = [_read(os.path.join(here, "cli.py"))]
    sources += [_read(path) for path in map(_package_init, ("typer", "click")) if path]  # they name their version
    return cache.fingerprint("\0".join(args), str(min(_terminal_columns(), 80)), *sources)


def _terminal_columns() -> int:
    """shutil.get_terminal_size's columns, as click asks for them, without importing shutil."""
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns or 80


def _package_init(name: str) -> str | None:
    """Where `import name` finds the package's __init__.py (importlib.util costs more than the rest)."""
    for folder in sys.path:
        path = os.path.join(folder or ".", name, "__init__.py")
        if os.path.isfile(path):
            return path
    return None


def _read(path: str) -> bytes:
    with open(path, "rb") as stream:
        return stream.read()
