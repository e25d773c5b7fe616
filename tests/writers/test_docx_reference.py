"""The .docx keeps its content: every part's XML is the same as in the reference files.

`docx_reference/` holds, canonicalised (C14N), every XML part of the .docx
built for each case below: `<case>/parts.txt` lists the zip entries in order,
`<case>/<part>` holds the parts particular to the case and `shared/<part>` those
that every case has alike.  Parts that are not XML (pictures) are kept as
their SHA-256, and the document properties name the tool's version as
`{version}`, so that a release changes no reference file.  A change in how the writer builds the document must leave
these unchanged; after an intended change of the document,
`pytest tests/writers/test_docx_reference.py --update-golden` rewrites them
(check the diff).
"""

from __future__ import annotations

import hashlib
import io
import shutil
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from benchmarks.synth import generate
from fulian_report import __version__
from fulian_report.api import make_document
from fulian_report.doctree import (
    Document,
    Heading,
    Paragraph,
    Run,
    Signature,
    Table,
    Title,
)
from fulian_report.model.dataset import load_org
from fulian_report.render.style import resolve_style
from fulian_report.writers.docx import docx_bytes
from fulian_report.writers.package_parts import app_version
from tests.conftest import DATA, ROOT

REFERENCE = Path(__file__).resolve().parent / "docx_reference"
SHARED = REFERENCE / "shared"
PARTS_LIST = "parts.txt"


def _every_block_kind(style: str, signature: bool) -> Document:
    """A hand-made tree using what the bundled reports do not: tables, bold runs, unindented text, deep headings."""
    blocks = [
        Heading(1, "第一部分", "一、"),
        Paragraph((Run("（一）接排标题。", heading_level=2), Run("正文 with Latin 123，"), Run("加粗", bold=True), Run("。"))),
        Heading(3, "三级标题", "1."),
        Heading(5, "五级标题按四级排"),
        Paragraph((Run("不缩进的一段"),), indent=False),
        Paragraph((Run("1.四级接排", heading_level=4), Run(" 前后有空格 ")),),
        Paragraph((Run("制表\t符、\t\t换行\n与回车\r"), Run(""), Run("\t"))),
        Table(rows=()),
        Table(rows=(("项目", "数量"), ("分表头", "说明"), ("接待来访", "55件", "多一格"), ("空格",)), header_rows=2),
    ]
    return Document(
        title=Title(("示例区妇联", "", " 2021年工作总结")),
        blocks=blocks,
        signature=Signature("示例区妇女联合会", "2022年1月10日") if signature else None,
        settings=resolve_style(style).settings.model_dump(),
    )


def _synthetic(tmp_path_factory: pytest.TempPathFactory) -> Document:
    root = tmp_path_factory.mktemp("synth")
    (folder,) = generate(root, 1)
    return make_document(load_org(folder))


CASES = {
    "furong-2021": lambda _: make_document(load_org(DATA / "2021" / "furong")),
    "xiangdong-2021": lambda _: make_document(load_org(DATA / "2021" / "xiangdong")),
    "example-shili-2021": lambda _: make_document(load_org(ROOT / "examples" / "data" / "2021" / "shili")),
    "synth0001-2021": _synthetic,
    "every-block-kind-furong": lambda _: _every_block_kind("furong", signature=True),
    "every-block-kind-xiangdong-unsigned": lambda _: _every_block_kind("xiangdong", signature=False),
}


def _canonical_parts(content: bytes) -> list[tuple[str, bytes]]:
    """(zip entry, canonical form) of every part: C14N for XML, `sha256:<hex>` for the rest.

    C14N 1.0 rather than 2.0: it keeps every namespace declaration, and Word refuses a part whose
    mc:Ignorable names a prefix no longer declared.
    """
    parts = []
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        for name in package.namelist():
            data = package.read(name)
            if name.endswith((".xml", ".rels")):
                canonical = etree.tostring(etree.fromstring(data), method="c14n")
                if name.startswith("docProps/"):
                    for version in (__version__, app_version()):
                        canonical = canonical.replace(version.encode("ascii"), b"{version}")
                parts.append((name, canonical))
            else:
                parts.append((name, f"sha256:{hashlib.sha256(data).hexdigest()}\n".encode("ascii")))
    return parts


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[tuple[str, bytes]]]:
    return {case: _canonical_parts(docx_bytes(make(tmp_path_factory))) for case, make in CASES.items()}


def _reference_name(name: str) -> str:
    return name if name.endswith((".xml", ".rels")) else f"{name}.sha256"


def _write_reference(built: dict[str, list[tuple[str, bytes]]]) -> None:
    shutil.rmtree(REFERENCE, ignore_errors=True)
    contents: dict[str, set[bytes]] = {}
    for parts in built.values():
        for name, data in parts:
            contents.setdefault(name, set()).add(data)
    everywhere = {name for name, seen in contents.items() if len(seen) == 1 and all(name in dict(p) for p in built.values())}
    for case, parts in built.items():
        (REFERENCE / case).mkdir(parents=True)
        (REFERENCE / case / PARTS_LIST).write_text("".join(f"{name}\n" for name, _ in parts), encoding="utf-8")
        for name, data in parts:
            target = (SHARED if name in everywhere else REFERENCE / case) / _reference_name(name)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)


def _first_difference(expected: bytes, actual: bytes) -> str:
    """Where two XML parts first differ, as a path into the expected one (for the failure message)."""
    if not expected.startswith(b"<"):
        return "contents differ"
    old, new = etree.fromstring(expected), etree.fromstring(actual)
    for before, after in zip(old.iter(), new.iter()):
        if (before.tag, dict(before.attrib), before.text, before.tail, len(before)) != (
            after.tag, dict(after.attrib), after.text, after.tail, len(after)
        ):
            shown = lambda element: (etree.QName(element).localname, dict(element.attrib), element.text, len(element))
            return f"{old.getroottree().getpath(before)}: expected {shown(before)}, got {shown(after)}"
    return "contents differ"


@pytest.mark.parametrize("case", CASES)
def test_every_part_is_the_reference_xml(case, built, update_golden):
    if update_golden:
        _write_reference(built)
    parts = built[case]
    listed = (REFERENCE / case / PARTS_LIST).read_text(encoding="utf-8").splitlines()
    assert [name for name, _ in parts] == listed
    for name, data in parts:
        own = REFERENCE / case / _reference_name(name)
        expected = (own if own.exists() else SHARED / _reference_name(name)).read_bytes()
        assert data == expected, f"{case} {name}: {_first_difference(expected, data)}"
