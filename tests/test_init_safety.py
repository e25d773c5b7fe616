"""`init YEAR --from PREV` over last year's folders that hold links, FIFOs or files where folders
go, and over a data folder that cannot be written: each is a located Chinese error (exit 1),
nothing outside the data is ever copied, and nothing is written."""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import MINIMAL_ORG, write_org
from tests.test_file_safety import SECRET, run_cli


def _outside(tmp_path: Path) -> Path:
    secret = tmp_path / "outside" / "secret.txt"
    secret.parent.mkdir(exist_ok=True)
    secret.write_text(SECRET, encoding="utf-8")
    return secret


def _linked_file(root: Path, tmp_path: Path) -> str:
    (root / "2021" / "demo" / "notes.txt").symlink_to(_outside(tmp_path))
    return "2021/demo/notes.txt"


def _linked_subfolder(root: Path, tmp_path: Path) -> str:
    (root / "2021" / "demo" / "style").symlink_to(_outside(tmp_path).parent, target_is_directory=True)
    return "2021/demo/style"


def _linked_org_folder(root: Path, tmp_path: Path) -> str:
    shutil.move(root / "2021" / "demo", tmp_path / "elsewhere")
    (root / "2021" / "demo").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    return "2021/demo"


def _dangling_link(root: Path, tmp_path: Path) -> str:
    (root / "2021" / "demo" / "gone.txt").symlink_to(tmp_path / "nothing-here")
    return "2021/demo/gone.txt"


def _fifo(root: Path, tmp_path: Path) -> str:
    os.mkfifo(root / "2021" / "demo" / "pipe")
    return "2021/demo/pipe"


def _year_is_a_file(root: Path, tmp_path: Path) -> str:
    (root / "2022").write_text("不是文件夹", encoding="utf-8")
    return "2022"


def _year_is_a_link(root: Path, tmp_path: Path) -> str:
    (root / "2022").symlink_to(_outside(tmp_path).parent, target_is_directory=True)
    return "2022"


@pytest.mark.parametrize(
    "damage",
    [_linked_file, _linked_subfolder, _linked_org_folder, _dangling_link, _fifo, _year_is_a_file, _year_is_a_link],
)
def test_last_years_folder_is_read_only_through_the_checked_reader(tmp_path, damage):
    root = tmp_path / "data"
    write_org(root, MINIMAL_ORG)
    named = damage(root, tmp_path)
    before = sorted(str(p) for p in tmp_path.rglob("*"))
    result = run_cli(["init", "2022", "--from", "2021", "--data", root, "--org", "demo"])
    assert result.exit_code == 1, result.output
    assert f"{root / named}: 错误：" in result.output, result.output
    assert SECRET not in result.output
    assert sorted(str(p) for p in tmp_path.rglob("*")) == before  # nothing written
    for path in tmp_path.rglob("*"):
        if path.is_file() and not path.is_symlink() and path.name != "secret.txt":
            assert SECRET not in path.read_text(encoding="utf-8", errors="replace")


def test_a_data_folder_that_cannot_be_written_is_a_located_error(tmp_path, monkeypatch):
    root = tmp_path / "data"
    write_org(root, MINIMAL_ORG)

    def refused(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", str(root))

    # The tests may run as root, whom a read-only folder does not stop: the refusal is the system's.
    monkeypatch.setattr("fulian_report.new_year.tempfile.mkdtemp", refused)
    result = run_cli(["init", "2022", "--from", "2021", "--data", root])
    assert result.exit_code == 1, result.output
    assert f"{root}: 错误：无法新建 2022 年的数据（没有权限）" in result.output
    assert not (root / "2022").exists()


def _fifo_named_like_data(folder: Path) -> str:
    os.mkfifo(folder / "extra.yaml")
    return "不是普通文件"


def _device_link_named_like_data(folder: Path) -> str:
    (folder / "extra.yaml").symlink_to("/dev/zero")
    return "符号链接"


def _unknown_data_file(folder: Path) -> str:
    (folder / "extra.yaml").write_text("a: 1\n", encoding="utf-8")
    return "不认识的文件名"


@pytest.mark.skipif(not hasattr(os, "mkfifo") or not Path("/dev/zero").exists(), reason="FIFOs and devices")
@pytest.mark.parametrize("plant", [_fifo_named_like_data, _device_link_named_like_data, _unknown_data_file])
def test_a_yaml_entry_that_is_no_data_file_is_skipped_with_a_located_warning(tmp_path, plant):
    root = tmp_path / "data"
    write_org(root, MINIMAL_ORG)
    said = plant(root / "2021" / "demo")
    result = run_cli(["init", "2022", "--from", "2021", "--data", root])  # a FIFO read would hang here
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if line.startswith(f"{root / '2021' / 'demo' / 'extra.yaml'}: 警告：")]
    assert len(warnings) == 1, result.stderr
    assert said in warnings[0] and "init 没有读取它" in warnings[0] and "2022" in warnings[0], warnings[0]
    assert (root / "2022" / "demo" / "cases.yaml").is_file()
    assert not os.path.lexists(root / "2022" / "demo" / "extra.yaml")
