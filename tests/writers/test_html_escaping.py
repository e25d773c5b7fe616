"""The preview's HTML against hostile text: a font name, a figure's text and its file's path are
escaped for the context each is written into (CSS string, HTML text, attribute, URL)."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from urllib.parse import unquote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fulian_report.errors import FulianError
from fulian_report.render.style import resolve_style
from fulian_report.writers.html import css_string, pdf_faces


def _css_unescape(quoted: str) -> str:
    """What a browser reads from a CSS string (CSS Syntax 4.3.7: a hex escape and one space)."""
    assert quoted[0] == quoted[-1] == '"'
    return re.sub(r"\\([0-9a-fA-F]{1,6}) ?", lambda m: chr(int(m.group(1), 16)), quoted[1:-1])


@given(st.text())
def test_any_text_as_a_css_string_reads_back_and_cannot_leave_the_string_or_the_style(text):
    quoted = css_string(text)
    assert _css_unescape(quoted) == text
    inner = quoted[1:-1]
    for char in "\"'<>\n\r\f;{}":
        assert char not in inner
    # every backslash starts a hex escape: none escapes the closing quote
    assert re.fullmatch(r'(?:[^\\]|\\[0-9a-f]{1,6} )*', inner)


@given(st.text(min_size=1))
def test_text_in_a_page_is_html_text_whatever_it_holds(text):
    """Headings, figures and cells go through html.escape: no element can come of them."""
    from fulian_report.writers.html import _Piece, _piece_html

    started: list[str] = []

    class Tags(HTMLParser):
        def handle_starttag(self, tag, attrs):
            started.append(tag)

    Tags().feed(_piece_html(_Piece(text)))
    assert started == ["span"]


@pytest.mark.parametrize(
    "name, bad",
    [("仿宋</style><script>alert(1)</script>", "<"), ('宋体"', '"'), ("黑体;}", ";"), ("宋体\\", "\\")],
)
def test_a_font_name_that_can_be_no_font_is_refused_at_its_line(tmp_path, name, bad):
    (tmp_path / "style.yaml").write_text(f"name: 试样式\nfonts:\n  body: '{name}'\n", encoding="utf-8")
    with pytest.raises(FulianError) as caught:
        resolve_style(str(tmp_path))
    (finding,) = caught.value.findings
    assert finding.location.path.endswith("style.yaml") and finding.location.line == 3, finding
    assert "不是一个字体的名称" in finding.message and bad in finding.message, finding


def test_the_fonts_of_the_shipped_styles_are_accepted_and_shown_in_the_pdfs_faces():
    for style in ("furong", "xiangdong"):
        resolve_style(style)
    faces = pdf_faces()
    assert faces["仿宋_GB2312"][0] == "FandolFang" and faces["宋体"][0] == "FandolSong"
    assert faces["Times New Roman"][0] == "Liberation Serif"
    assert faces["方正小标宋简体"][0] == "FandolSong"  # a match rule, not an alias


def test_the_pages_css_names_the_faces_the_pdf_prints(tmp_path):
    from fulian_report.api import make_document
    from fulian_report.model.dataset import load_org
    from fulian_report.writers.html import stylesheet
    from tests.conftest import MINIMAL_ORG, write_org

    css = stylesheet(make_document(load_org(write_org(tmp_path, MINIMAL_ORG))))
    body = re.search(r"\.font-body\{font-family:([^}]*)\}", css).group(1)
    families = [_css_unescape(name.strip()) if name.strip().startswith('"') else name.strip() for name in body.split(",")]
    assert families == ["Times New Roman", "Liberation Serif", "Tinos", "FandolSong", "仿宋_GB2312", "FandolFang", "serif"]


@given(st.text(min_size=1), st.text(min_size=1), st.text(min_size=1), st.text())
def test_a_figures_attributes_read_back_as_written_whatever_its_file_label_and_value(file, label, written, text):
    """A data file's name, a record's name and a value as written go into attributes and a URL:
    parsed back, the link has exactly its attributes, with the values given."""
    from fulian_report.render.provenance import KeyedSource
    from fulian_report.writers.html import _Piece, _piece_html

    source = KeyedSource(file, 3, "/data/" + file, label, ("cases", label), written, True)
    found: list[tuple[str, dict]] = []

    class Tags(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, dict(attrs)))

    Tags().feed(_piece_html(_Piece(text or "1", source=source), editable=True))
    tag, attributes = found[0]
    assert tag == "a" and set(attributes) == {"class", "data-source", "data-key", "data-was", "title", "href"}
    assert attributes["data-source"] == f"{file}:3" and attributes["data-was"] == written
    assert json.loads(attributes["data-key"]) == ["cases", label]
    href = attributes["href"]
    assert href.startswith("vscode://file/") and not re.search(r"[\s\"'<>]", href)
    assert unquote(href[len("vscode://file/"):]) == f"/data/{file}:3"
