"""The entry point's fast start (launcher.py): a plain `build` parsed without typer means
exactly what typer makes of it, everything else is typer's, and a help kept on disk is
the help typer prints."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fulian_report import build_command, launcher
from fulian_report.build_command import BuildOptions, ValidateOptions
from fulian_report.cli import run
from tests.conftest import MINIMAL_ORG, ROOT, write_org

TOKENS = [
    "build", "2021", "2022", "1948", "2101", "21", "twenty", "--data", "data", "--out", "out", "--org", "furong",
    "--org", "虚构区", "--style", "xiangdong", "--format", "txt", "--format", "docx", "--format", "pdfx",
    "--pdf", "--check", "--strict", "--force", "--jobs", "2", "-j", "0", "-j2", "--jobs=3", "--help", "-h",
    "--", "", "-x", "--bogus", "validate",
]


VALIDATE_TOKENS = [
    "data", "data/2021", "data/2021/furong/cases.yaml", "虚构区", "--strict", "--format", "text", "--format", "json",
    "--format", "xml", "--format=json", "--help", "-h", "--", "", "-x", "--bogus", "build", "2021",
]


def _typer_options(args: list[str]) -> BuildOptions | ValidateOptions | None:
    """The options typer hands to the build or validate (None when it refuses the command line)."""
    seen = []

    def record(options):
        seen.append(options)
        return 0

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(build_command, "run_build", record)
        patch.setattr(build_command, "run_validate", record)
        status = run(args)
    return seen[0] if seen and status == 0 else None


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(TOKENS), max_size=8))
def test_a_command_line_the_fast_parser_takes_means_to_typer_what_it_means_to_it(tokens):
    args = ["build", *tokens]
    fast = launcher.parse_build(args)
    if fast is not None:
        assert _typer_options(args) == fast


@pytest.mark.parametrize(
    "args",
    [
        ["build", "2021"],
        ["build", "2021", "--data", "data", "--out", "out", "--org", "furong", "--org", "xiangdong"],
        ["build", "--out", "elsewhere", "2021", "--format", "txt", "--format", "docx", "--pdf", "-j", "1"],
        ["build", "2021", "--style", "xiangdong", "--check", "--strict"],
        ["build", "2021", "--force", "--jobs", "4"],
    ],
)
def test_everyday_build_command_lines_take_the_fast_path(args):
    fast = launcher.parse_build(args)
    assert fast is not None
    assert _typer_options(args) == fast


@pytest.mark.parametrize(
    "args",
    [
        ["build"], ["build", "twenty"], ["build", "3000"], ["build", "2021", "--bogus"], ["build", "2021", "--format", "pdfx"],
        ["build", "2021", "--check", "--force"], ["build", "2021", "-h"], ["build", "2021", "2022"], ["validate", "data"],
        ["build", "2021", "--jobs", "0"], ["build", "2021", "--data"], ["build", "2021", "--data="],
    ],
)
def test_mistakes_and_other_commands_are_left_to_typer(args):
    assert launcher.parse_build(args) is None


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(VALIDATE_TOKENS), max_size=6))
def test_a_validate_line_the_fast_parser_takes_means_to_typer_what_it_means_to_it(tokens):
    args = ["validate", *tokens]
    fast = launcher.parse_validate(args)
    if fast is not None:
        assert _typer_options(args) == fast


@pytest.mark.parametrize(
    "args",
    [
        ["validate", "data"],
        ["validate", "data/2021/furong", "data/2021/xiangdong/cases.yaml"],
        ["validate", "--strict", "data", "--format", "json"],
        ["validate", "data", "--format", "text", "--format", "json"],
    ],
)
def test_everyday_validate_command_lines_take_the_fast_path(args):
    fast = launcher.parse_validate(args)
    assert fast is not None
    assert _typer_options(args) == fast


@pytest.mark.parametrize(
    "args",
    [
        ["validate"], ["validate", "--strict"], ["validate", "data", "--format", "xml"], ["validate", "data", "--format"],
        ["validate", "data", "--format=json"], ["validate", "-h"], ["validate", "data", "--"], ["validate", ""],
        ["build", "2021"], ["validat", "data"],
    ],
)
def test_validate_mistakes_and_other_commands_are_left_to_typer(args):
    assert launcher.parse_validate(args) is None


def test_a_fast_validate_says_and_ends_as_the_typer_validate_does(tmp_path):
    data = tmp_path / "data"
    folder = write_org(data, MINIMAL_ORG, org="lakeside")
    (folder / "cases.yaml").write_text("visits:\n  received: 55件\n  referred: 十件\n", encoding="utf-8")
    (folder / "honors.yaml").write_text("", encoding="utf-8")  # a warning besides the error
    for args in (["validate", str(data)], ["validate", str(folder / "honors.yaml"), "--strict"],
                 ["validate", str(data), "--format", "json"], ["--debug", "validate", str(folder / "honors.yaml")],
                 ["validate", str(ROOT / "data")]):
        fast, full = _command(args, "launcher", tmp_path), _command(args, "typer", tmp_path)
        assert launcher.plain_command(args)[0] is not None
        assert (fast.returncode, fast.stdout, fast.stderr) == (full.returncode, full.stdout, full.stderr)
        assert fast.stdout or fast.stderr


def test_a_plain_validate_does_not_import_typer(tmp_path):
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "from fulian_report.launcher import main; main()", "validate", "data"],
        cwd=ROOT, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stderr
    imported = {line.split("|")[-1].strip() for line in result.stderr.splitlines() if line.startswith("import time:")}
    assert "fulian_report.api" in imported
    assert not {name for name in imported if name.split(".")[0] in ("typer", "click", "rich")}


def _command(args: list[str], entry: str, tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    code = {"launcher": "from fulian_report.launcher import main; main()", "typer": "from fulian_report.cli import main; main()"}
    environment = dict(os.environ, **env)
    return subprocess.run(
        [sys.executable, "-c", f"import sys; sys.argv[0] = 'fulian-report'; {code[entry]}", *args],
        cwd=ROOT, capture_output=True, text=True, env=environment,
    )


def test_a_fast_build_writes_and_says_what_the_typer_build_does(tmp_path):
    fast = _command(["build", "2021", "--out", str(tmp_path / "fast"), "--format", "txt"], "launcher", tmp_path)
    full = _command(["build", "2021", "--out", str(tmp_path / "full"), "--format", "txt"], "typer", tmp_path)
    assert fast.returncode == full.returncode == 0
    strip = lambda text, folder: [line.split("用时")[0] for line in text.replace(str(tmp_path / folder), "OUT").splitlines()]  # noqa: E731
    assert strip(fast.stdout, "fast") == strip(full.stdout, "full")
    assert fast.stderr == full.stderr
    names = sorted(path.name for path in (tmp_path / "fast" / "2021").iterdir())
    assert names == sorted(path.name for path in (tmp_path / "full" / "2021").iterdir())
    for name in names:
        if name.endswith(".txt"):
            assert (tmp_path / "fast" / "2021" / name).read_bytes() == (tmp_path / "full" / "2021" / name).read_bytes()


def test_a_mistake_gets_the_same_chinese_message_and_status_either_way(tmp_path):
    for args in (["build", "2021", "--format", "pdfx"], ["build", "3000"], ["--debug", "build", "2021", "--check", "--force"]):
        fast, full = _command(args, "launcher", tmp_path), _command(args, "typer", tmp_path)
        assert (fast.returncode, fast.stdout, fast.stderr) == (full.returncode, full.stdout, full.stderr) != (0, "", "")
        assert "错误：" in fast.stderr


@pytest.mark.parametrize("args", [["--help"], ["-h"], ["build", "--help"], ["validate", "-h"], ["nosuchcommand", "-h"]])
def test_the_help_kept_on_disk_is_the_help_typer_prints(tmp_path, args):
    cache = str(tmp_path / "cache")
    expected = _command(args, "typer", tmp_path)
    for width in ("100", "60"):
        expected = _command(args, "typer", tmp_path, COLUMNS=width)
        first = _command(args, "launcher", tmp_path, FULIAN_REPORT_CACHE_DIR=cache, COLUMNS=width)
        again = _command(args, "launcher", tmp_path, FULIAN_REPORT_CACHE_DIR=cache, COLUMNS=width)
        for result in (first, again):
            assert (result.returncode, result.stdout, result.stderr) == (expected.returncode, expected.stdout, expected.stderr)
    for entry in (tmp_path / "cache" / "help").iterdir() if (tmp_path / "cache" / "help").exists() else ():
        entry.write_bytes(entry.read_bytes()[:-3])  # damaged: typer's help again, not a cut one
    damaged = _command(args, "launcher", tmp_path, FULIAN_REPORT_CACHE_DIR=cache, COLUMNS="60")
    assert damaged.stdout == expected.stdout


def test_a_plain_build_does_not_import_typer(tmp_path):
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "from fulian_report.launcher import main; main()",
         "build", "2021", "--out", str(tmp_path), "--format", "txt"],
        cwd=ROOT, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stderr
    imported = {line.split("|")[-1].strip() for line in result.stderr.splitlines() if line.startswith("import time:")}
    assert "fulian_report.api" in imported
    assert not {name for name in imported if name.split(".")[0] in ("typer", "click", "rich")}
