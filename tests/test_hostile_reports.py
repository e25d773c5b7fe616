"""A report given to import or diff that is a link, a FIFO or a folder: refused at that file with
a reason about reports, not the data files' rule."""

from __future__ import annotations

import os

import pytest

from fulian_report import api
from fulian_report.errors import FulianError
from fulian_report.readers import read_report_bytes


@pytest.mark.parametrize("kind", ["fifo", "link"])
def test_a_report_that_is_no_regular_file_is_refused_as_a_report(tmp_path, kind):
    report = tmp_path / "汇报.docx"
    if kind == "fifo":
        os.mkfifo(report)
    else:
        report.symlink_to("/dev/zero")
    for read in (read_report_bytes, lambda path: api.import_report(path, tmp_path / "data")):
        with pytest.raises(FulianError) as refused:
            read(report)
        message = str(refused.value)
        assert message.startswith(f"{report}: 错误：") and "要读取的报告" in message and "数据和样式文件" not in message, message
    assert not (tmp_path / "data").exists()
