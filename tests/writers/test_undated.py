"""An undated report (no report_date in organisation.yaml) ends with its 署名 alone."""

from __future__ import annotations

import io

import docx

from fulian_report.api import make_document
from fulian_report.model.dataset import load_org
from fulian_report.writers.docx import SIGNATURE_STYLE, docx_bytes
from fulian_report.writers.text import to_text
from tests.conftest import DATA, GENRE


def _signature_lines(document) -> list[str]:
    result = docx.Document(io.BytesIO(docx_bytes(document)))
    return [p.text for p in result.paragraphs if p.style.style_id == SIGNATURE_STYLE]


def test_an_undated_report_has_no_date_line():
    document = make_document(load_org(GENRE / "data" / "2022" / "baisha"))
    assert _signature_lines(document) == ["白沙街道妇联"]
    assert to_text(document).splitlines()[-1] == "白沙街道妇联"


def test_a_dated_report_keeps_both_lines():
    document = make_document(load_org(DATA / "2021" / "furong"))
    assert _signature_lines(document) == ["芙蓉区妇联", "2022年2月7日"]
