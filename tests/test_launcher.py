"""The entry point (launcher.py): typer parses every command line, a build or validate ends
without Python's teardown and loses nothing on the way, and nothing in the package imports
the entry point back."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import MINIMAL_ORG, ROOT, write_org

PACKAGE = ROOT / "src" / "fulian_report"
DEADLINE_SECONDS = 120


def _command(args: list[str], entry: str, tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    """`fulian-report <args>` through the entry point, or through cli.main alone (typer's own ending)."""
    code = {"launcher": "from fulian_report.launcher import main; main()", "typer": "from fulian_report.cli import main; main()"}
    environment = dict(os.environ, FULIAN_REPORT_RESIDENT="0", FULIAN_REPORT_CACHE_DIR=str(tmp_path / "cache"), **env)
    try:
        return subprocess.run(
            [sys.executable, "-c", f"import sys; sys.argv[0] = 'fulian-report'; {code[entry]}", *args],
            cwd=ROOT, capture_output=True, text=True, env=environment, timeout=DEADLINE_SECONDS,
        )
    except subprocess.TimeoutExpired:
        raise AssertionError(f"fulian-report {' '.join(args)} 没有在 {DEADLINE_SECONDS} 秒内结束") from None


def test_a_build_through_the_entry_point_writes_and_says_what_typer_alone_does(tmp_path):
    ours = _command(["build", "2021", "--out", str(tmp_path / "ours"), "--format", "txt"], "launcher", tmp_path)
    typer = _command(["build", "2021", "--out", str(tmp_path / "typer"), "--format", "txt"], "typer", tmp_path)
    assert ours.returncode == typer.returncode == 0, ours.stderr
    strip = lambda text, folder: [line.split("用时")[0] for line in text.replace(str(tmp_path / folder), "OUT").splitlines()]  # noqa: E731
    assert strip(ours.stdout, "ours") == strip(typer.stdout, "typer")
    assert ours.stderr == typer.stderr
    names = sorted(path.name for path in (tmp_path / "ours" / "2021").iterdir())
    assert names and names == sorted(path.name for path in (tmp_path / "typer" / "2021").iterdir())
    for name in names:
        assert (tmp_path / "ours" / "2021" / name).read_bytes() == (tmp_path / "typer" / "2021" / name).read_bytes(), name


def test_a_validate_through_the_entry_point_says_and_ends_as_typer_alone_does(tmp_path):
    data = tmp_path / "data"
    folder = write_org(data, MINIMAL_ORG, org="lakeside")
    (folder / "cases.yaml").write_text("visits:\n  received: 55件\n  referred: 十件\n", encoding="utf-8")
    (folder / "honors.yaml").write_text("", encoding="utf-8")  # a warning besides the error
    for args in (["validate", str(data)], ["validate", str(folder / "honors.yaml"), "--strict"],
                 ["validate", str(data), "--format", "json"], ["--debug", "validate", str(folder / "honors.yaml")],
                 ["validate", str(ROOT / "data")], ["validate", str(data), "--format=json"]):
        ours, typer = _command(args, "launcher", tmp_path), _command(args, "typer", tmp_path)
        assert (ours.returncode, ours.stdout, ours.stderr) == (typer.returncode, typer.stdout, typer.stderr)
        assert ours.stdout or ours.stderr


@pytest.mark.parametrize(
    "args",
    [["build", "2021", "--format", "pdfx"], ["build", "3000"], ["--debug", "build", "2021", "--check", "--force"],
     ["build", "2021", "-j", "0"], ["validate"], ["nosuchcommand"]],
)
def test_a_mistake_is_told_by_typer_in_chinese(tmp_path, args):
    ours, typer = _command(args, "launcher", tmp_path), _command(args, "typer", tmp_path)
    assert (ours.returncode, ours.stdout, ours.stderr) == (typer.returncode, typer.stdout, typer.stderr)
    assert ours.returncode == 2
    assert "错误：" in ours.stderr


@pytest.mark.parametrize("args", [["--help"], ["-h"], ["build", "--help"], ["validate", "-h"]])
def test_the_help_is_typers_and_nothing_is_kept_for_it(tmp_path, args):
    ours, typer = _command(args, "launcher", tmp_path, COLUMNS="70"), _command(args, "typer", tmp_path, COLUMNS="70")
    assert (ours.returncode, ours.stdout, ours.stderr) == (typer.returncode, typer.stdout, typer.stderr)
    assert ours.returncode == 0 and "用法：" in ours.stdout
    assert not (tmp_path / "cache" / "help").exists()


def _imported_modules(path: Path) -> set[str]:
    """The modules of this package a source file imports (relative imports resolved)."""
    package = ["fulian_report", *path.parent.relative_to(PACKAGE).parts]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *(node.module.split(".") if node.module else [])])
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_nothing_in_the_package_imports_the_entry_point():
    importers = [
        path.relative_to(PACKAGE).as_posix()
        for path in PACKAGE.rglob("*.py")
        if path.name not in ("launcher.py", "__main__.py") and "fulian_report.launcher" in _imported_modules(path)
    ]
    assert importers == []
    assert "fulian_report.launcher" in _imported_modules(PACKAGE / "__main__.py")  # the check sees an import



@pytest.mark.parametrize("args", [["build", "2021", "--format", "txt"], ["validate", "data"]])
def test_ctrl_c_in_a_build_or_validate_says_so_and_ends_with_130(tmp_path, monkeypatch, capsys, args):
    """typer ends a Ctrl-C with 130 and not a word; build and validate say it."""
    from fulian_report import api
    from fulian_report.cli import run_command_line

    def interrupted(*_args, **_options):
        raise KeyboardInterrupt

    monkeypatch.setattr(api, "build", interrupted)
    monkeypatch.setattr(api, "validate", interrupted)
    monkeypatch.chdir(ROOT)
    assert run_command_line([*args, "--out", str(tmp_path)] if args[0] == "build" else args) == 130
    assert capsys.readouterr().err == "已中断。\n"
