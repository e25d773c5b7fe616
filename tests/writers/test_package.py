"""The .docx package: the same bytes at any time, in any zone, and this tool's own document
(Word 2013 settings, its properties, a Chinese theme, a font table for every style font), valid OOXML."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import time
import zipfile
from pathlib import Path

import docx
import pytest
from docx.enum.style import WD_STYLE_TYPE
from lxml import etree

from fulian_report import __version__
from fulian_report.api import make_document
from fulian_report.doctree import Document, Heading, Paragraph, Run, Signature, Table, Title
from fulian_report.errors import FulianError
from fulian_report.model.dataset import load_org
from fulian_report.render.style import available_styles, resolve_style
from fulian_report.writers.docx import docx_bytes
from fulian_report.writers.oxml import named_fonts
from fulian_report.writers.package import DEFAULT_TIME, build_time, zip_bytes
from fulian_report.writers.package_parts import WORD_2013_COMPAT, app_version, drop_template_numbering
from tests.conftest import DATA, ROOT, TEMPLATES


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


# ---------------------------------------------------------------------------
# The package is this tool's own: Word 2013+ settings, its properties, Chinese theme, full font table.

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
EXTENDED_NS = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
W = f"{{{W_NS}}}"

BUNDLED = {
    "芙蓉区": DATA / "2021" / "furong",
    "湘东区": DATA / "2021" / "xiangdong",
    "示例区": ROOT / "examples" / "data" / "2021" / "shili",
}


@pytest.fixture(scope="module")
def reports() -> dict[str, Document]:
    """Every report the repository ships data for."""
    return {name: make_document(load_org(folder)) for name, folder in BUNDLED.items()}


@pytest.fixture(scope="module")
def bundled(reports) -> dict[str, bytes]:
    """Every bundled report as .docx bytes."""
    return {name: docx_bytes(document) for name, document in reports.items()}


def _parts(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _xml(content: bytes, name: str) -> etree._Element:
    return etree.fromstring(_parts(content)[name])


def _audit(content: bytes, path: Path) -> list[str]:
    """The errors openxml-audit (Open XML SDK's checks) finds for Microsoft 365."""
    from openxml_audit import FileFormat, OpenXmlValidator

    path.write_bytes(content)
    result = OpenXmlValidator(file_format=FileFormat.MICROSOFT_365).validate(path)
    print(f"openxml-audit {FileFormat.MICROSOFT_365.value} {path.name}: {result.error_count} errors")
    return [str(error) for error in result.errors]


def test_every_bundled_report_passes_openxml_audit_for_microsoft_365(bundled, tmp_path):
    for name, content in bundled.items():
        assert _audit(content, tmp_path / f"{name}.docx") == [], name


def test_openxml_audit_sees_a_part_out_of_schema_order(bundled, tmp_path):
    """The check above can fail: settings with w:themeFontLang moved before w:compat are reported."""
    parts = _parts(bundled["芙蓉区"])
    settings = etree.fromstring(parts["word/settings.xml"])
    settings.find(f"{W}compat").addprevious(settings.find(f"{W}themeFontLang"))
    parts["word/settings.xml"] = etree.tostring(settings)
    errors = _audit(zip_bytes(list(parts.items()), DEFAULT_TIME), tmp_path / "out-of-order.docx")
    assert errors and all("settings.xml" in error for error in errors)


def test_word_opens_it_in_word_2013_mode_not_compatibility_mode(bundled):
    for content in bundled.values():
        compat = _xml(content, "word/settings.xml").find(f"{W}compat")
        settings = {s.get(f"{W}name"): s.get(f"{W}val") for s in compat.iter(f"{W}compatSetting")}
        assert int(settings["compatibilityMode"]) >= 15
        assert settings == dict(WORD_2013_COMPAT)
        # The writer's own option survives next to them.
        assert compat.find(f"{W}doNotExpandShiftReturn") is not None


def test_no_trace_of_python_docx_template(bundled):
    for content in bundled.values():
        parts = _parts(content)
        assert not any("thumbnail" in name or name.startswith("customXml/") for name in parts)
        for name, data in parts.items():
            for trace in ("python-docx", "ja-JP", "ＭＳ", "Jpan", "thumbnail", "Macintosh", "24062061"):
                assert trace.encode() not in data, (name, trace)
        types = etree.fromstring(parts["[Content_Types].xml"])
        assert not [entry for entry in types if entry.get("Extension") == "jpeg"]
        for name, data in parts.items():
            if name.endswith((".xml", ".rels")):
                assert not _revision_ids(etree.fromstring(data)), name
        # Nothing in a report is a list: no part names one, so the template's list definitions
        # (Symbol bullets) and the list styles that named them are gone, with the part's entries.
        for name, data in parts.items():
            if name.startswith("word/") and name.endswith(".xml"):
                assert etree.fromstring(data).find(f".//{W}numId") is None, name
        assert "word/numbering.xml" not in parts
        assert b"numbering" not in parts["[Content_Types].xml"] + parts["word/_rels/document.xml.rels"]
        styles = {style.get(f"{W}styleId") for style in _xml(content, "word/styles.xml").iter(f"{W}style")}
        assert not {"ListBullet", "ListNumber"} & styles


def test_the_template_numbering_stays_while_a_part_names_a_list():
    """Lists are dropped only when unused: a paragraph in a list keeps them, and so does a list
    style that another style is based on (the styles name lists too)."""
    listed = docx.Document()
    listed.add_paragraph("一项", style="List Bullet")
    based = docx.Document()
    based.styles.add_style("某列表", WD_STYLE_TYPE.PARAGRAPH).base_style = based.styles["List Number"]
    unused = docx.Document()
    for document, kept in ((listed, True), (based, True), (unused, False)):
        drop_template_numbering(document)
        names = {part.partname for part in document.part.package.parts}
        assert ("/word/numbering.xml" in names) == kept
    assert "List Bullet" in [style.name for style in listed.styles]
    assert "List Number" in [style.name for style in based.styles]
    assert "List Bullet" not in [style.name for style in based.styles]


def _revision_ids(root: etree._Element) -> list[str]:
    """Every editing-session id in a part: w:rsid… attributes, a style's w:rsid, the settings' w:rsids."""
    found = []
    for element in root.iter(etree.Element):
        if element.tag in (f"{W}rsid", f"{W}rsids"):
            found.append(etree.QName(element).localname)
        found += [etree.QName(name).localname for name in element.attrib if name.startswith(f"{W}rsid")]
    return found


def test_theme_language_and_theme_fonts_are_the_styles_chinese(bundled, reports):
    for name, content in bundled.items():
        settings = _xml(content, "word/settings.xml")
        assert settings.find(f"{W}themeFontLang").get(f"{W}eastAsia") == "zh-CN"
        fonts = reports[name].settings["fonts"]
        scheme = _xml(content, "word/theme/theme1.xml").find(f"{{{A_NS}}}themeElements/{{{A_NS}}}fontScheme")
        for kind, east_asian in (("majorFont", fonts["title"]), ("minorFont", fonts["body"])):
            theme_fonts = scheme.find(f"{{{A_NS}}}{kind}")
            assert theme_fonts.find(f"{{{A_NS}}}latin").get("typeface") == fonts["latin"]
            assert theme_fonts.find(f"{{{A_NS}}}ea").get("typeface") == east_asian
            scripts = {f.get("script"): f.get("typeface") for f in theme_fonts.iter(f"{{{A_NS}}}font")}
            assert scripts["Hans"] == east_asian and "Jpan" not in scripts


def test_properties_name_this_tool_and_no_count_nobody_computed(bundled):
    for content in bundled.values():
        app = {etree.QName(child).localname: child.text for child in _xml(content, "docProps/app.xml")}
        assert app["Application"] == "fulian-report"
        assert app["AppVersion"] == app_version(__version__)
        assert not {"Pages", "Words", "Characters", "CharactersWithSpaces", "Lines", "Paragraphs", "TotalTime"} & set(app)
        assert docx.Document(io.BytesIO(content)).core_properties.comments == f"由 fulian-report {__version__} 生成"


@pytest.mark.parametrize(
    ("version", "expected"), [("0.1.0", "00.0100"), ("1.12.3", "01.1203"), ("2.0", "02.0000"), ("3.1.0rc1", "03.0100")]
)
def test_app_version_takes_the_form_xx_yyyy(version, expected):
    assert app_version(version) == expected


def _font_table(content: bytes) -> dict[str, dict[str, dict[str, str]]]:
    """name → {child element: its attributes (w: prefix dropped)} of every w:font."""
    return {
        font.get(f"{W}name"): {
            etree.QName(child).localname: {etree.QName(key).localname: value for key, value in child.attrib.items()}
            for child in font
        }
        for font in _xml(content, "word/fontTable.xml").iter(f"{W}font")
    }


def _fonts_named_in_parts(content: bytes) -> set[str]:
    named = set()
    for name, data in _parts(content).items():
        if name.startswith("word/") and name.endswith(".xml"):
            named |= named_fonts(etree.fromstring(data))
    return named


def _small_report(settings: dict) -> Document:
    """A fictional county's report with every kind of block: heading, run-in heading, bold text, table."""
    blocks = [
        Heading(1, "维权服务", "一、"),
        Paragraph((Run("（一）信访接待。", heading_level=2), Run("全年接待来访"), Run("46件", bold=True), Run("。"))),
        Table(rows=(("项目", "件数"), ("来访", "46件"), ("来电", "18件")), header_rows=1),
    ]
    return Document(
        title=Title(("某县妇联", "2023年工作总结")),
        blocks=blocks,
        signature=Signature("某县妇女联合会", "2024年1月8日"),
        settings=settings,
    )


@pytest.mark.parametrize("style", available_styles())
def test_font_table_lists_every_font_of_the_style_with_what_substitutes_it(style, tmp_path):
    fonts = resolve_style(style).settings.fonts
    content = docx_bytes(_small_report(resolve_style(style).settings.model_dump()))
    table = _font_table(content)
    assert set(fonts.model_dump().values()) | _fonts_named_in_parts(content) <= set(table)
    for key, name in fonts.model_dump().items():
        entry = table[name]
        assert {"charset", "family", "pitch"} <= set(entry), name
        if key != "latin":
            assert entry["charset"]["val"] == "86", name  # GB2312
    for name, successor in (("仿宋_GB2312", "仿宋"), ("楷体_GB2312", "楷体"), ("宋体", "SimSun"), ("黑体", "SimHei")):
        if name in table:
            assert table[name]["altName"]["val"] == successor
            assert len(table[name]["panose1"]["val"]) == 20 and len(table[name]["sig"]) == 6
    assert _audit(content, tmp_path / f"{style}.docx") == []


def test_a_style_with_other_fonts_gets_them_in_the_font_table(tmp_path):
    """A county's own style naming Founder fonts and one the table does not know."""
    folder = tmp_path / "founder"
    shutil.copytree(TEMPLATES / "furong", folder)
    (folder / "style.yaml").write_text(
        "name: 方正字体样式\nfonts:\n  title: 方正小标宋_GBK\n  body: 方正仿宋_GBK\n  level1: 方正黑体_GBK\n"
        "  level2: 方正楷体_GBK\n  level3: 方正仿宋_GBK\n  level4: 方正仿宋_GBK\n  page_number: 某某书宋\n  latin: Arial\n",
        encoding="utf-8",
    )
    content = docx_bytes(_small_report(resolve_style(str(folder)).settings.model_dump()))
    table = _font_table(content)
    assert {"方正小标宋_GBK", "方正仿宋_GBK", "方正黑体_GBK", "方正楷体_GBK", "某某书宋", "Arial"} <= set(table)
    assert not {"仿宋_GB2312", "方正小标宋简体", "黑体", "楷体_GB2312"} & set(table)
    assert table["方正仿宋_GBK"]["altName"]["val"] == "仿宋"
    # Unknown fonts: the character set of their slot, and no guessed alternative or PANOSE class.
    assert table["某某书宋"] == {"charset": {"val": "86"}, "family": {"val": "auto"}, "pitch": {"val": "variable"}}
    assert table["Arial"]["charset"] == {"val": "00"}
    theme = _xml(content, "word/theme/theme1.xml")
    assert {f.get("typeface") for f in theme.iter(f"{{{A_NS}}}latin")} == {"Arial"}
    assert _audit(content, tmp_path / "founder.docx") == []
