"""A path named on the command line that is neither a data file nor a folder (a device, a FIFO,
a socket, a plain file where a folder goes): every command that takes one says so, in Chinese,
at that path, with exit status 1 (diff: 2, its status for a report it cannot read).  It is never
read, so nothing hangs and nothing is swallowed whole."""

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path

import pytest

from tests.conftest import DATA
from tests.test_file_safety import assert_clean, run_cli

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo") or not sys.platform.startswith("linux"), reason="FIFOs and Unix sockets")

KINDS = ["device", "fifo", "socket"]


@pytest.fixture
def special(tmp_path, request) -> Path:
    """A path of the kind asked for, with a name that looks like data."""
    kind = request.param
    if kind == "device":
        if not Path("/dev/zero").exists():
            pytest.skip("no /dev/zero")
        return Path("/dev/zero")
    path = tmp_path / "2021.yaml"
    if kind == "fifo":
        os.mkfifo(path)
    else:
        listener = socket.socket(socket.AF_UNIX)
        listener.bind(str(path))
        request.addfinalizer(listener.close)
    return path


def _said_at(result, path: Path) -> None:
    lines = [line for line in result.output.splitlines() if line.startswith(f"{path}: 错误")]
    assert lines, result.output


@pytest.mark.parametrize("special", KINDS, indirect=True)
def test_validate_of_a_special_path_is_an_error_at_it(special):
    result = run_cli(["validate", special])
    assert_clean(result, own=("validate", "yaml"))
    assert result.exit_code == 1
    _said_at(result, special)


@pytest.mark.parametrize("special", KINDS, indirect=True)
@pytest.mark.parametrize("command", ["build", "init", "preview", "watch"])
def test_a_data_root_that_is_a_special_path_is_an_error_at_it(special, command, tmp_path):
    year = "2022" if command == "init" else "2021"
    extra = ["--out", tmp_path / "out"] if command == "build" else []
    result = run_cli([command, year, "--data", special, *extra])
    assert_clean(result)
    assert result.exit_code == 1
    _said_at(result, special)
    assert "不是文件夹" in result.output, result.output
    assert not (tmp_path / "out").exists()


def test_a_data_root_that_is_a_plain_file_is_an_error_at_it(tmp_path):
    file = tmp_path / "data"
    file.write_text("不是文件夹", encoding="utf-8")
    result = run_cli(["build", "2021", "--data", file, "--out", tmp_path / "out"])
    assert result.exit_code == 1
    _said_at(result, file)
    assert "普通文件" in result.output, result.output


@pytest.mark.parametrize("special", KINDS, indirect=True)
def test_import_and_diff_of_a_special_path_are_errors_at_it(special, tmp_path):
    imported = run_cli(["import", special, "--data", tmp_path / "data", "--year", "2021", "--org", "demo"])
    assert_clean(imported, own=("docx", "txt", "yaml", "data"))
    assert imported.exit_code == 1
    assert f"{special}: 错误" in imported.output, imported.output
    assert not (tmp_path / "data").exists()
    compared = run_cli(["diff", special, special])
    assert compared.exit_code == 2, compared.output
    assert f"{special}: 错误" in compared.output, compared.output


@pytest.mark.parametrize("special", KINDS, indirect=True)
def test_import_into_a_data_root_that_is_a_special_path_is_an_error_at_it(special, tmp_path):
    from tests.readers.helpers import REPORTS

    result = run_cli(["import", REPORTS / "hexi-2022.txt", "--data", special, "--org", "hexi"])
    assert_clean(result, own=("data",))
    assert result.exit_code == 1
    assert f"{special.name}: 错误" in result.output, result.output


@pytest.mark.parametrize("special", KINDS, indirect=True)
def test_a_style_that_is_a_special_path_is_said_to_be_no_style_folder(special, tmp_path):
    result = run_cli(["build", "2021", "--data", DATA, "--style", special, "--out", tmp_path / "out"])
    assert_clean(result, own=("furong", "xiangdong"))
    assert result.exit_code == 1
    _said_at(result, special)
    assert "不是样式文件夹" in result.output, result.output
    assert not (tmp_path / "out").exists()
