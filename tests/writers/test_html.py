"""The HTML writer: A4 pages on the style's grid, every figure a link to the line it was written on."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from fulian_report.api import make_document
from fulian_report.model.dataset import load_org
from fulian_report.writers.html import layout_lines, pages, to_html
from fulian_report.gbt9704 import text_width_chars
from fulian_report.writers.text import to_text
from tests.conftest import DATA, ORGS, write_org

# A fictional office: prose by the fast path, by Jinja (a loop, a condition), through filters,
# a derived total and a plan target printed as its record.
RIVERSIDE = {
    "organisation.yaml": """\
name: 河畔区妇联
full_name: 河畔市河畔区妇女联合会
region: {province: 临江省, city: 河畔市, district: 河畔区}
report_date: 2024-01-12
style: furong
""",
    "narrative.yaml": """\
opening:
  - |-
    {{ year }}年，河畔区妇联接待来访群众{{ cases.visits.received }}，其中调处家庭纠纷{{ cases.visits.disputes }}。
sections:
  - title: 关爱帮扶
    paragraphs:
      - |-
        {{ activities.spring_fair.date | month_day }}举办春风招聘会，{{ activities.spring_fair.participants }}求职妇女到场。
      - |-
        {% for name, fund in funds.items() %}{{ fund.name }}{{ fund.amount }}{% if not loop.last %}，{% endif %}{% endfor %}，合计筹集{{ derived.funds_raised | wan }}。
""",
    "cases.yaml": """\
visits:
  received: 312件
  disputes: 47件
""",
    "activities.yaml": """\
spring_fair:
  date: 2023-03-18
  participants: 1200余名
""",
    "funds.yaml": """\
river_bursary:
  name: 河畔助学金
  direction: 筹集
  amount: 38000元
mothers_fund:
  name: 母亲健康基金
  direction: 筹集
  amount: 2.5万元
""",
    "plan.yaml": """\
targets:
  night_school:
    target: 12所
sections:
  - title: 工作打算
    paragraphs:
      - |-
        新办妇女夜校{{ plan.targets.night_school }}。
""",
}


class _Figures(HTMLParser):
    """Every element with data-source: (data-source, title, href, text inside)."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[dict] = []
        self._open: list[dict | None] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        entry = None
        if "data-source" in attributes:
            entry = {**attributes, "text": ""}
            self.found.append(entry)
        self._open.append(entry)

    def handle_endtag(self, tag):
        self._open.pop()

    def handle_data(self, data):
        for entry in self._open:
            if entry is not None:
                entry["text"] += data


def _figures(html: str) -> list[dict]:
    """The figures, a figure broken across two lines (two links, one source) joined again."""
    parser = _Figures()
    parser.feed(html)
    joined: list[dict] = []
    for figure in parser.found:
        if joined and joined[-1]["data-source"] == figure["data-source"] and joined[-1]["title"] == figure["title"] and figure.get("data-part") == "rest":
            joined[-1]["text"] += figure["text"]
        else:
            joined.append(dict(figure))
    return joined


def _line_of(root: Path, source: str) -> str:
    """The line named, with the lines of a value written as a mapping under it (a period's start and end)."""
    file, line = source.rsplit(":", 1)
    lines = (root / file).read_text(encoding="utf-8").splitlines()[int(line) - 1 :]
    depth = len(lines[0]) - len(lines[0].lstrip())
    below = [text for text in lines[1:] if text.strip()]
    nested = []
    for text in below:
        if len(text) - len(text.lstrip()) <= depth:
            break
        nested.append(text)
    return "\n".join([lines[0], *nested]) if lines[0].split("#")[0].rstrip().endswith(":") else lines[0]


def _document(folder: Path):
    return make_document(load_org(folder), provenance=True)


@pytest.mark.parametrize("org", ORGS)
def test_every_figure_of_a_seed_points_at_a_line_holding_its_value(org):
    html = to_html(_document(DATA / "2021" / org))
    figures = _figures(html)
    assert len(figures) >= 20
    for figure in figures:
        line = _line_of(DATA, figure["data-source"])
        # The line holds the figure as written (a date printed as 6月 is written 2021-06-06).
        value = figure["text"]
        digits = re.findall(r"\d+(?:\.\d+)?", value)
        assert all(d in line or d.lstrip("0") in line for d in digits), (figure, line)
        assert digits or re.search(r"\d", line), (figure, line)  # 四个 is written 4个
        file, number = figure["data-source"].rsplit(":", 1)
        assert figure["href"] == f"vscode://file/{(DATA / file).resolve()}:{number}"


def test_each_kind_of_printed_figure_carries_its_source(tmp_path):
    write_org(tmp_path, RIVERSIDE, year=2023, org="riverside")
    html = to_html(_document(tmp_path / "2023" / "riverside"))
    by_text = {figure["text"]: figure for figure in _figures(html)}
    expected = {
        "312件": ("cases.yaml", 2, "cases.visits.received"),  # the fast path
        "3月18日": ("activities.yaml", 2, "activities.spring_fair.date"),  # through a filter
        "1200余名": ("activities.yaml", 3, "activities.spring_fair.participants"),
        "38000元": ("funds.yaml", 4, "funds.river_bursary.amount"),  # in a Jinja loop
        "2.5万元": ("funds.yaml", 8, "funds.mothers_fund.amount"),
        "12所": ("plan.yaml", 3, "plan.targets.night_school.target"),  # a record printed as its figure
    }
    for text, (file, line, label) in expected.items():
        figure = by_text[text]
        assert figure["data-source"] == f"2023/riverside/{file}:{line}"
        assert label in figure["title"]
    derived = by_text["6.3万元"]  # 38000 + 25000 yuan, in 万元
    assert derived["data-source"] == "2023/riverside/funds.yaml:4"
    assert "funds.river_bursary.amount" in derived["title"] and "funds.mothers_fund.amount" in derived["title"]


def test_a_periods_start_and_end_printed_apart_carry_their_own_lines(tmp_path):
    files = dict(RIVERSIDE)
    files["activities.yaml"] = RIVERSIDE["activities.yaml"] + """\
summer_camp:
  period:
    start: 2023-07-01
    end: 2023-08-15
  sessions: 9期
"""
    files["narrative.yaml"] = RIVERSIDE["narrative.yaml"].replace(
        "其中调处家庭纠纷{{ cases.visits.disputes }}。",
        "其中调处家庭纠纷{{ cases.visits.disputes }}。{{ activities.summer_camp.period.start }}至"
        "{{ activities.summer_camp.period.end }}办夏令营{{ activities.summer_camp.sessions }}。",
    )
    write_org(tmp_path, files, year=2023, org="riverside")
    by_text = {figure["text"]: figure for figure in _figures(to_html(_document(tmp_path / "2023" / "riverside")))}
    assert by_text["2023年7月1日"]["data-source"] == "2023/riverside/activities.yaml:6"
    assert by_text["2023年8月15日"]["data-source"] == "2023/riverside/activities.yaml:7"
    assert "activities.summer_camp.period.end" in by_text["2023年8月15日"]["title"]


def test_provenance_changes_no_text(tmp_path):
    write_org(tmp_path, RIVERSIDE, year=2023, org="riverside")
    folder = tmp_path / "2023" / "riverside"
    assert to_text(make_document(load_org(folder))) == to_text(_document(folder))
    assert all(run.source is None for block in make_document(load_org(folder)).blocks for run in getattr(block, "runs", ()))


@pytest.mark.parametrize("org", ORGS)
def test_lines_keep_to_the_grid(org):
    document = _document(DATA / "2021" / org)
    page = document.settings["page"]
    for line in layout_lines(document):
        if line.kind in ("body", "heading"):
            width = line.indent + sum(text_width_chars(piece.text) for piece in line.pieces)
            assert width <= page["chars_per_line"]
            assert not line.pieces or line.pieces[0].text[0] not in "，。、；：？！）》”"
    assert all(len(lines) <= page["lines_per_page"] for lines in pages(document))
    # The text of the lines is the text of the report, nothing lost or added.
    text = "".join(piece.text for line in layout_lines(document) for piece in line.pieces)
    assert text.replace(" ", "") == to_text(document).replace("\n", "").replace("\t", "").replace(" ", "")


def test_page_size_and_line_pitch_come_from_the_style(tmp_path):
    html = to_html(_document(DATA / "2021" / "furong"))
    assert "width:210mm;height:297mm" in html
    assert "height:10.2273mm;line-height:10.2273mm" in html  # 225 mm / 22 lines
    assert "letter-spacing:calc(5.5714mm - 16pt)" in html  # 156 mm / 28 characters
    assert '"仿宋_GB2312"' in html and '"方正小标宋简体"' in html
    assert "<script" not in html  # the writer itself draws only the pages
