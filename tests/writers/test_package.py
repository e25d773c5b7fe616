"""Reproducible .docx packages: the same report is the same bytes at any time, in any zone."""

from __future__ import annotations

import datetime as dt
import io
import time
import zipfile

import docx
import pytest

from fulian_report.api import make_document
from fulian_report.errors import FulianError
from fulian_report.model.dataset import load_org
from fulian_report.writers.docx import docx_bytes
from fulian_report.writers.package import DEFAULT_TIME, build_time, zip_bytes
from tests.conftest import DATA


@pytest.fixture(scope="module")
def document():
    return make_document(load_org(DATA / "2021" / "furong"))


def _in_zone(monkeypatch: pytest.MonkeyPatch, zone: str, shift_seconds: float) -> None:
    monkeypatch.setenv("TZ", zone)
    time.tzset()
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() + shift_seconds)


def test_same_bytes_across_time_zones_and_times(document, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    builds = []
    for zone, shift in (("UTC", 0), ("Asia/Shanghai", 86400 * 400 + 3601), ("America/New_York", -86400 * 3000)):
        _in_zone(monkeypatch, zone, shift)
        builds.append(docx_bytes(document))
        monkeypatch.undo()
        time.tzset()
        monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert builds[0] == builds[1] == builds[2]


def test_default_time_is_fixed_in_the_zip_and_the_properties(document, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    content = docx_bytes(document)
    archive = zipfile.ZipFile(io.BytesIO(content))
    assert archive.testzip() is None
    assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    properties = docx.Document(io.BytesIO(content)).core_properties
    assert properties.created == properties.modified == DEFAULT_TIME
    assert properties.title == document.title.text


def test_source_date_epoch_is_honoured(document, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1644192000")  # 2022-02-07 00:00:00 UTC
    content = docx_bytes(document)
    archive = zipfile.ZipFile(io.BytesIO(content))
    assert {info.date_time for info in archive.infolist()} == {(2022, 2, 7, 0, 0, 0)}
    properties = docx.Document(io.BytesIO(content)).core_properties
    assert properties.created == dt.datetime(2022, 2, 7, tzinfo=dt.timezone.utc)


def test_parts_in_a_fixed_order_content_types_first(document):
    names = zipfile.ZipFile(io.BytesIO(docx_bytes(document))).namelist()
    assert names[:2] == ["[Content_Types].xml", "_rels/.rels"]
    assert names[2:] == sorted(names[2:])
    assert "word/document.xml" in names


def test_build_time_from_the_environment():
    assert build_time({}) == DEFAULT_TIME
    assert build_time({"SOURCE_DATE_EPOCH": "0"}) == DEFAULT_TIME  # before 1980: the zip's earliest
    assert build_time({"SOURCE_DATE_EPOCH": "1700000000"}).year == 2023
    with pytest.raises(FulianError, match="SOURCE_DATE_EPOCH.*非负整数"):
        build_time({"SOURCE_DATE_EPOCH": "yesterday"})


def test_zip_holds_non_ascii_names_and_exact_contents():
    entries = [("a.txt", b"x" * 1000), ("文件/说明.xml", "正文".encode()), ("empty", b"")]
    archive = zipfile.ZipFile(io.BytesIO(zip_bytes(entries, DEFAULT_TIME)))
    assert archive.testzip() is None
    assert [(name, archive.read(name)) for name in archive.namelist()] == entries
