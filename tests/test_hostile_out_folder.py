"""The output folder's own lock file replaced by something else: the build is refused at that
file, in Chinese, and nothing it points to is touched."""

from __future__ import annotations

import pytest

from fulian_report import api
from fulian_report.selection import Selection
from fulian_report.errors import FulianError
from fulian_report.output import LOCK_NAME
from tests.conftest import MINIMAL_ORG, write_org


@pytest.mark.parametrize("kind, words", [("link", "符号链接"), ("folder", "同名的文件夹")])
def test_a_lock_file_that_is_a_link_or_a_folder_is_named_and_its_target_untouched(tmp_path, kind, words):
    data = tmp_path / "data"
    write_org(data, MINIMAL_ORG, org="lakeside")
    out_year = tmp_path / "out" / "2021"
    out_year.mkdir(parents=True)
    precious = tmp_path / "precious.txt"
    precious.write_text("别人的文件", encoding="utf-8")
    lock = out_year / LOCK_NAME
    if kind == "link":
        lock.symlink_to(precious)
    else:
        lock.mkdir()
    with pytest.raises(FulianError) as refused:
        api.build(Selection(2021, data, tmp_path / "out"))
    message = str(refused.value)
    assert message.startswith(f"{lock}: 错误：") and words in message, message
    assert precious.read_text(encoding="utf-8") == "别人的文件"
    assert list(out_year.glob("*.docx")) == []


@pytest.mark.parametrize("kind", ["fifo", "link", "folder"])
def test_check_tells_a_report_replaced_by_something_else_as_standing_there_not_missing(tmp_path, kind):
    import os

    data = tmp_path / "data"
    write_org(data, MINIMAL_ORG, org="lakeside")
    (report,) = [path for built in api.build(Selection(2021, data, tmp_path / "out")) for path in built.files]
    report.unlink()
    {"fifo": lambda: os.mkfifo(report), "link": lambda: report.symlink_to("/dev/zero"), "folder": report.mkdir}[kind]()
    check = api.check(Selection(2021, data, tmp_path / "out"))
    # Not missing: something stands where the report should be, which build will not overwrite.
    assert check.missing == [] and check.differing == [] and list(check.kept) == [report] and not check.ok
    assert "不是普通文件" in check.kept[report]
