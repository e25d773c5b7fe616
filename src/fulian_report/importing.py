"""`import`: an existing report (.docx, .txt) → a data folder that `build` turns back into it.

The pipeline is the build's, run the other way: a reader makes the document
tree (readers/), the figures are recognised and filed (readers/figures.py,
readers/filing.py), the data writer writes the YAML (writers/data.py).  The
folder is written to a scratch place first and built there: a bundled style
is chosen when it gives the same report, else the written style is kept.
Only then is it moved into place, so that bad input leaves nothing behind.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .collector import paused
from .diff import changed_paragraphs, report_paragraphs
from .doctree import Block, Heading, Paragraph
from .errors import Finding, FulianError, Location, Severity, os_reason, printable
from .filenames import org_folder_problem
from .model.quantities import calendar_check
from .model.period import PARTS_OF_A_YEAR, PeriodSpan, ReportingPeriod, resolve_period
from .pipeline import own_style
from .readers import read_report_located
from .readers.figures import chinese_numeral_value, recognise_layout
from .readers.filing import file_figures
from .readers.layout import Layout, first_numbered, layout, texts
from .readers.structure import ReadReport
from .source.yaml_source import MAX_FILE_BYTES, display_path
from .writers.data import STYLE_FOLDER, next_year_expression, write_data

_YEAR_RANGE = re.compile(r"(\d{4})\s*[—－\-~～至到]\s*(\d{4})\s*年")
_YEAR = re.compile(r"(\d{4})\s*年")
_FIRST_YEAR, _LAST_YEAR = 1949, 2100  # the years the command line takes
_ORG_END = re.compile(r"^(.*?(妇联|妇女联合会|妇委会|妇工委))")
_PLAN_TITLE_WORDS = ("计划", "要点", "打算", "思路", "谋划", "规划", "安排")
_SUMMARY_TITLE_WORDS = ("总结", "情况", "回顾", "汇报", "述职", "盘点", "亮点", "成效", "报告")
_FIVE_YEAR_PLAN = re.compile(r"“?([十][一二三四五六七八九]?)五”?(?:期间|时期|以来)")
_RECENT_YEARS = re.compile(r"近([二三四五六七八九十]+)年|([二三四五六七八九十]+)年来|过去([二三四五六七八九十]+)年")
# What cannot be inside an organisation's name: digits, punctuation, the separators of titles.
_NAME_BREAK = re.compile(r"[\d\s，,。；;：:、丨|｜“”\"《》（）()—\-·!！?？和与及的在向对]+|关于")
_YEAR_WORDS = re.compile(r"^(?:年度|年|上半年|下半年|第[一二三四]季度)+")
# A level or a pronoun before 妇联 names no organisation: 街道妇联, 我县妇联, 各级妇联.
_GENERIC_ORG = re.compile(r"(?:[全我本该各]?(?:省|市|区|县|镇|乡|街道|社区|村|乡镇|自治区|旗|州)?(?:各级|基层|上级)?)")


@dataclass
class ImportResult:
    folder: Path
    year: int
    org: str
    org_name: str
    style: str
    style_written: bool
    figures: int
    names: list[str]
    digit_runs_in_figures: int
    digit_runs_in_names: int
    digit_runs_in_layout: int
    build: list[str]
    to_check: list[str] = field(default_factory=list)
    period: str = ""  # the report's period in words: 2023年, 2023年上半年, 2019—2023年

    def as_json(self) -> dict:
        return {
            "folder": str(self.folder),
            "year": self.year,
            "org": self.org,
            "org_name": self.org_name,
            "style": self.style,
            "style_written": self.style_written,
            "figures": self.figures,
            "names": self.names,
            "digit_runs_in_figures": self.digit_runs_in_figures,
            "digit_runs_in_names": self.digit_runs_in_names,
            "digit_runs_in_layout": self.digit_runs_in_layout,
            "build": self.build,
            "to_check": self.to_check,
            "period": self.period,
        }


def title_year(title: str) -> int | None:
    """The report year a title names: 2021年度…, the last year of 2017—2021年, 2020 for “十三五”."""
    span = title_span(title)
    if span:
        return span[1]
    match = _YEAR.search(title)
    return int(match.group(1)) if match else None


def title_span(title: str, year: int | None = None) -> tuple[int, int] | None:
    """(first, last year) of a report of several years: 2017—2021年, “十三五”期间, and with the
    report's year known, 近五年 or 五年来; None for a year or a part of one."""
    span = _YEAR_RANGE.search(title)
    if span and int(span.group(1)) < int(span.group(2)):
        return int(span.group(1)), int(span.group(2))
    plan = _FIVE_YEAR_PLAN.search(title)
    if plan:
        number = chinese_numeral_value(plan.group(1))
        if number and number >= 10:  # the tenth plan was 2001—2005, each five years on
            first = 2001 + 5 * (number - 10)
            return first, first + 4
    if year is not None:
        recent = _RECENT_YEARS.search(title)
        if recent:
            years = chinese_numeral_value(recent.group(1) or recent.group(2) or recent.group(3))
            if years and years >= 2:
                return year - years + 1, year
    return None


def title_period(title: str, year: int) -> str | None:
    """The part of the year a title's report covers: 上半年 in …2023年上半年工作总结及下半年工作计划,
    or in 上半年工作总结 (the year said in the opening); None for a whole year (or a span of years)."""
    parts = "|".join(name for name in PARTS_OF_A_YEAR if name != "全年")
    match = re.search(rf"{year}\s*年\s*({parts})", title)
    if match:
        return match.group(1)
    if _YEAR.search(title):  # a year written with no part after it: the whole of that year
        return None
    first_clause = re.split(r"[及和与暨]", title, maxsplit=1)[0]  # …及下半年工作计划 names the plan's part
    match = re.search(rf"({parts})", first_clause)
    return match.group(1) if match else None


def title_org(title: str) -> str:
    """The organisation a title names: 芙蓉区妇联 in 芙蓉区妇联2021年度工作总结…, or in
    盘点2021年丨芙蓉区妇联亮点工作; empty when it names none, or only a level (街道妇联)."""
    return _named_org(title)


def _named_org(text: str) -> str:
    for piece in _NAME_BREAK.split(text):
        piece = _YEAR_WORDS.sub("", piece)
        match = _ORG_END.match(piece)
        if match and not _GENERIC_ORG.fullmatch(match.group(1)[: -len(match.group(2))]):
            return match.group(1)
    return ""


@dataclass(frozen=True)
class Identity:
    """Whose report, of which year and period, and where in the source each was read."""

    year: int
    org_name: str
    period: str | PeriodSpan | None
    notes: list[str]  # where a value not in the title was taken from, for the person to check
    plan_alone: bool = False  # 2024年工作要点: its data is in the period before, whose plan it is


def identify(read: ReadReport, year: int | None, org: str | None) -> Identity:
    """The report's year, organisation and period: the options, else the title, else the opening
    (the year, the organisation) or the signature (the organisation); else a located question."""
    where, title = read.where, read.document.title.text
    notes: list[str] = []
    opening = _opening(read)
    if year is None:
        # 工作总结及2024年工作计划: the title's year is the plan's, the report's is in the opening.
        year = None if _year_of_the_plan_only(title) else title_year(title)
        if year is None:
            found = _opening_year(opening)
            if found is None:
                raise FulianError.single(
                    where, f"标题“{title}”和开头一段中都没有报告年度，请用 --year 指明报告年度，如 --year 2023", line=read.title_line
                )
            year, line, text = found
            notes.append(f"报告年度 {year} 取自{_place(read, line)}“{_shown(text)}”，标题中没有写；如不对，请用 --year 指明")
    if not _FIRST_YEAR <= year <= _LAST_YEAR:  # build takes these years only, as four-digit folders
        raise FulianError.single(
            where, f"标题“{title}”中的年度 {year} 不像报告年度，请用 --year 指明报告年度，如 --year 2021", line=read.title_line
        )
    org_name = title_org(title)
    if not org_name:
        signature = read.document.signature
        signed = _named_org(signature.organisation) if signature is not None and signature.organisation else ""
        if signed:
            org_name = signed
            notes.append(f"单位名称“{org_name}”取自{_place(read, read.signature_line)}的落款，标题中没有写")
        else:
            found_org = next(((line, name) for line, text in opening if (name := _named_org(text))), None)
            if found_org:
                org_name = found_org[1]
                notes.append(f"单位名称“{org_name}”取自{_place(read, found_org[0])}，标题中没有写；如不对，请用 --org 指明")
    if not org_name:
        if not org:
            raise FulianError.single(
                where,
                f"标题“{title}”、开头和落款中都没有单位名称（如“××区妇联”），请用 --org 指明组织，如 --org songlin",
                line=read.title_line,
            )
        org_name = org
    period = _period(title, year)
    if not is_plan_alone(title):
        return Identity(year, org_name, period, notes)
    if first_numbered(read.document.blocks) == 0:  # the data needs a 总结 part: the opening, which it lacks
        notes.append("这份计划在各部分之前没有开头段落，而数据必须有总结部分，所以按总结导入：请核对 narrative.yaml")
        return Identity(year, org_name, period, notes)
    # The data of a plan is that of the period before it, as every report's plan is for the period after.
    before = resolve_period(period, year).previous
    notes.append(
        f"这是一份单独的计划（{before.next.words}），按“{before.words}的报告所附的计划”导入，数据在 {before.last_year} 年的文件夹中；"
        "开头的段落写在 narrative.yaml，各部分写在 plan.yaml"
    )
    return Identity(before.last_year, org_name, _period_setting(before), notes, plan_alone=True)


def is_plan_alone(title: str) -> bool:
    """A plan with no 总结 before it: 2024年工作要点, 2024年妇女工作计划 (but not …总结及…计划)."""
    return any(word in title for word in _PLAN_TITLE_WORDS) and not any(word in title for word in _SUMMARY_TITLE_WORDS)


def _period_setting(period: ReportingPeriod) -> str | PeriodSpan | None:
    """organisation.yaml's `period:` for a period: None for a calendar year, a name, or a span."""
    if period.is_calendar_year:
        return None
    return period.name or PeriodSpan(start=period.first_day, end=period.last_day)


def _year_of_the_plan_only(title: str) -> bool:
    """Whether the title's years are all after its 总结 part: …工作总结及2024年工作计划."""
    parts = re.split(r"[及和与暨]", title, maxsplit=1)
    if len(parts) < 2:
        return False
    head, tail = parts
    return not _YEAR.search(head) and bool(_YEAR.search(tail)) and any(word in head for word in _SUMMARY_TITLE_WORDS)


def _period(title: str, year: int) -> str | PeriodSpan | None:
    span = title_span(title, year)
    if span is not None:
        first, last = span
        first, last = year - (last - first), year  # --year moves a span the title names to end in it
        return PeriodSpan(start=f"{first}-01-01", end=f"{last}-12-31")
    return title_period(title, year)


def _opening(read: ReadReport) -> list[tuple[int, str]]:
    """(line, text) of the first paragraphs of the body (up to three in a row): where a report
    says what year and whose it is (2023年，示例街道妇联在…) when its title does not."""
    found: list[tuple[int, str]] = []
    for block, line in zip(read.document.blocks, read.block_lines):
        if isinstance(block, Paragraph) and block.runs[0].heading_level is None:
            found.append((line, block.text))
            if len(found) == 3:
                break
        elif found:
            break
    return found


def _opening_year(opening: list[tuple[int, str]]) -> tuple[int, int, str] | None:
    """The year the opening says the report is of (2023年，…), not one it looks back from (2019年以来)."""
    for line, text in opening:
        span = _YEAR_RANGE.search(text)
        if span and int(span.group(1)) < int(span.group(2)):
            return int(span.group(2)), line, text
        for match in _YEAR.finditer(text):
            if not text.startswith("以来", match.end()) and _FIRST_YEAR <= int(match.group(1)) <= _LAST_YEAR:
                return int(match.group(1)), line, text
    return None


def _place(read: ReadReport, line: int) -> str:
    """第 3 行 of a text file, 第 3 段 of a Word document, as a person finds it."""
    return f"第 {line} 段" if read.where.lower().endswith(".docx") else f"第 {line} 行"


def _shown(text: str) -> str:
    return text if len(text) <= 20 else text[:20] + "…"


def _folder_name(org_name: str) -> str:
    name = re.sub(r"(妇联|妇女联合会|妇委会|妇工委)$", "", org_name) or org_name
    return "".join(ch for ch in name if ch not in '\\/:*?"<>| .') or "org"


def import_file(
    path: Path, data_root: Path = Path("data"), org: str | None = None, year: int | None = None, force: bool = False
) -> ImportResult:
    # What an import makes (lines, figures, words, the data it loads back) stays alive until the
    # folder is written, and holds almost no cycles: the collector walking it again and again was
    # a fifth of a 30,000-character import.  Cycles left are collected once it is done, as a build's are.
    with paused():
        return _import_file(path, data_root, org, year, force)


def _import_file(path: Path, data_root: Path, org: str | None, year: int | None, force: bool) -> ImportResult:
    path = Path(path)
    where = display_path(path)
    if org is not None:  # a name that would leave data/<year>/ is refused before the report is even read
        problem = org_folder_problem(org)
        if problem:
            raise FulianError.single(where, f"--org “{org}”不能用作组织文件夹名：{problem}。请换一个名称，如 --org songlin")
    read = read_report_located(path)
    document = read.document
    identity = identify(read, year, org)
    year, org_name, period = identity.year, identity.org_name, identity.period
    org_id = org or _folder_name(org_name)
    if org is None:
        problem = org_folder_problem(org_id)
        if problem:
            raise FulianError.single(
                where, f"由单位名称“{org_name}”得出的文件夹名“{org_id}”不能用作组织文件夹名：{problem}。请用 --org 指明组织文件夹名，如 --org songlin",
                line=read.title_line,
            )
    target = Path(data_root) / str(year) / org_id
    _check_target(Path(data_root), year, target, force)
    signature = document.signature
    report_date, date_not_read = None, ""
    to_check: list[str] = list(identity.notes)
    if signature is not None:
        report_date, problem = _iso_date(signature.date)
        if report_date is None:
            date_not_read = f"原稿落款日期“{signature.date}”{problem}，没有写成成文日期；请按实际填写"
            # A date the calendar has not (2023年2月30日) is a slip of the writer's: the import goes on
            # without it, and says where it was, rather than failing on the data it would make.
            to_check.append(
                f"{read.where}:{read.date_line}: 警告：落款日期“{signature.date}”{problem}，organisation.yaml 中没有写成文日期"
                "（report_date），生成的报告没有日期行；请按实际填写，如 report_date: "
                f"{resolve_period(period, year).example_report_date.isoformat()}"
            )
    # The stages, each on its own: the tree's parts, the figures in their text, where each is filed.
    parts = layout(document, plan_alone=identity.plan_alone)
    _check_sizes(read, _prose_sizes(parts), at_least=True)
    # The period is said in organisation.yaml, so that dates are checked against it and the plan's
    # against the period after it: a first half's plan is for the second half, the same year.
    plan_year = resolve_period(period, year).next.last_year
    units = recognise_layout(parts, year, plan_year)
    filing = file_figures(units, next_year_expression(period, year))
    made = write_data(
        document, parts, units, filing, year, org_name,
        org_signature=(signature.organisation or None) if signature else None,
        report_date=report_date, source_name=printable(path.name), period=period,  # a name that is not UTF-8, as it is shown
        date_not_read=date_not_read,
    )
    to_check.append("organisation.yaml 中的全称（full_name）和所在省、市（region）原稿没有写，请填写")
    if made.names:
        to_check.append(f"{len(made.names)} 处含数字的名称保留为文字（如 {'、'.join(dict.fromkeys(made.names[:5]))}）：若其中有应统计的数字，请改为数字字段")
    _check_sizes(read, {name: len(text.encode("utf-8")) for name, text in made.files.items()})
    scratch_root = None
    try:
        Path(data_root).mkdir(parents=True, exist_ok=True)
        scratch_root = Path(tempfile.mkdtemp(prefix=".import-", dir=Path(data_root)))
        scratch = scratch_root / str(year) / org_id
        _write(scratch, made.files, made.style_files)
        source = report_paragraphs(path, as_text=path.suffix.lower() != ".docx")  # as diff reads it
        style, kept_style, differences = _choose_style(scratch, year, source, where)
        to_check.extend(differences)
        if not kept_style:
            shutil.rmtree(scratch / STYLE_FOLDER)
            organisation = scratch / "organisation.yaml"
            organisation.write_text(
                organisation.read_text(encoding="utf-8").replace(f"style: {STYLE_FOLDER}", f"style: {style}"), encoding="utf-8"
            )
        target.parent.mkdir(parents=True, exist_ok=True)
        # The folder replaced is set aside, not deleted, until the new one is in its place.
        replaced = scratch_root / "replaced"
        if target.is_dir():
            shutil.move(str(target), str(replaced))
        try:
            shutil.move(str(scratch), str(target))
        except OSError:
            if replaced.is_dir():
                shutil.move(str(replaced), str(target))
            raise
    except OSError as exc:
        raise FulianError.single(
            display_path(target), f"无法写入导入的数据（{os_reason(exc)}），没有改动原有的文件；请检查数据文件夹（--data）能否写入"
        ) from None
    finally:
        if scratch_root is not None:
            shutil.rmtree(scratch_root, ignore_errors=True)
    build = ["build", str(year), "--data", str(data_root), "--org", org_id]
    return ImportResult(
        folder=target, year=year, org=org_id, org_name=org_name, style=style, style_written=kept_style,
        period=resolve_period(period, year).words,
        figures=made.figures, names=made.names, digit_runs_in_figures=made.digit_runs_in_figures,
        digit_runs_in_names=made.digit_runs_in_names, digit_runs_in_layout=made.digit_runs_in_layout, build=build, to_check=to_check,
    )


def _check_target(data_root: Path, year: int, target: Path, force: bool) -> None:
    """Refuse, before anything is written, a place that is not for an organisation's folder:
    --force replaces an organisation's folder there, never a file, a link or another folder."""
    for folder in (data_root, data_root / str(year)):
        if os.path.lexists(folder) and not folder.is_dir():
            raise FulianError.single(
                display_path(folder), "这里应是数据文件夹，却是一个文件，没有改动它；请把它移走或改名，或用 --data 指明别的数据文件夹"
            )
    if target.is_symlink():
        raise FulianError.single(
            display_path(target), "组织文件夹的位置上是一个符号链接（快捷方式），没有改动它（--force 也不替换链接）；请把它移走后再导入"
        )
    if os.path.lexists(target) and not target.is_dir():
        raise FulianError.single(
            display_path(target), "组织文件夹要放在这里，这里却已有一个同名的文件，没有改动它（--force 也不替换文件）；请把它移走或改名后再导入"
        )
    if not target.exists():
        return
    if not force:
        raise FulianError.single(display_path(target), "文件夹已存在，没有改动它；要用导入的数据替换它，请加 --force")
    try:
        entries = [entry.name for entry in target.iterdir()]
    except OSError as exc:
        raise FulianError.single(display_path(target), f"无法读取这个文件夹（{os_reason(exc)}），没有改动它") from None
    if entries and "organisation.yaml" not in entries and "organisation.yml" not in entries:
        raise FulianError.single(
            display_path(target), "这个文件夹中没有 organisation.yaml，不像组织文件夹，没有改动它（--force 只替换组织文件夹）；请把它移走或改名后再导入"
        )


def _check_sizes(read: ReadReport, sizes: dict[str, int], at_least: bool = False) -> None:
    """A data file larger than build reads is refused before anything is written, in the source's
    terms and at the line where a first part would have to end; `at_least` when the sizes are the
    prose alone, which its data file holds and more."""
    too_large = {name: size for name, size in sizes.items() if size > MAX_FILE_BYTES}
    if too_large:
        shown = "、".join(f"{name}（{'至少 ' if at_least else ''}{size // 1024} KB）" for name, size in too_large.items())
        line = _line_at_share(read, MAX_FILE_BYTES / max(too_large.values()))
        raise FulianError.single(
            read.where,
            f"报告太长：导入后 {shown} 超过数据文件的上限 {MAX_FILE_BYTES // 1024} KB，build 将无法读取；"
            f"大约到{_place(read, line)}，数据就已达到这个上限。请在这之前把报告分成几份（如总结和计划、或前后几部分），"
            "每份用不同的 --org 分别导入",
            line=line,
        )


def _line_at_share(read: ReadReport, share: float) -> int:
    """The line (paragraph of a Word document) of the body at which `share` of its text is reached:
    a data file grows with the text it holds, so a part ending before it fits where the whole does not."""
    sizes = [len(_plain_text(block)) for block in read.document.blocks]
    limit, reached = share * sum(sizes), 0
    for size, line in zip(sizes, read.block_lines):
        reached += size
        if reached > limit:
            return line
    return read.block_lines[-1]


def _plain_text(block: Block) -> str:
    if isinstance(block, Heading):
        return block.full_text
    if isinstance(block, Paragraph):
        return block.text
    return "".join(cell for row in block.rows for cell in row)


def _prose_sizes(parts: Layout) -> dict[str, int]:
    """The bytes of prose narrative.yaml and plan.yaml will hold: they write each text with its
    figures as longer {{ … }} names, so a report too long for them is known before its figures are read."""
    sizes = {"narrative.yaml": 0, "plan.yaml": 0}
    for _, text, in_plan in texts(parts):
        sizes["plan.yaml" if in_plan else "narrative.yaml"] += len(text.encode("utf-8"))
    return sizes


def _iso_date(written: str) -> tuple[str | None, str]:
    """The 落款's date as organisation.yaml writes it, or None and why it cannot be one."""
    numbers = re.findall(r"\d+", written)
    if len(numbers) != 3:
        return None, "无法识别"
    y, m, d = (int(n) for n in numbers)
    if not _FIRST_YEAR <= y <= _LAST_YEAR:
        return None, f"的年份 {y} 不像成文日期的年份"
    try:
        calendar_check({"year": y, "month": m, "day": d})
    except ValueError as exc:
        return None, f"不存在（{exc}）"
    return f"{y:04d}-{m:02d}-{d:02d}", ""


def _write(folder: Path, files: dict[str, str], style_files: dict[str, str]) -> None:
    folder.mkdir(parents=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    (folder / STYLE_FOLDER).mkdir()
    for name, text in style_files.items():
        (folder / STYLE_FOLDER / name).write_text(text, encoding="utf-8")


def _choose_style(folder: Path, year: int, source: list[str], where: str) -> tuple[str, bool, list[str]]:
    """A bundled style when it builds the same report as the written one; else the written one.
    With it, how many of the `source` report's paragraphs its build changes, as `diff` counts them.
    Data that does not load back is the writer's fault, said at the source (`where`)."""
    from .model.dataset import load_org
    from .render.report import parse_markup, render_markup, render_prose, title_lines
    from .render.style import available_styles, resolve_style
    from .render.usage import digits_in_prose
    from .writers.text import to_text

    # The prose is the same whatever the style: rendered once, laid out by the written style and by
    # each bundled one (a full build per style made the choice most of an import's time; and the
    # build's warnings, as of figures no text uses, are not what the choice needs).
    try:
        data = load_org(folder, year, with_previous=False)
        slips = digits_in_prose(data)
        if slips:
            raise FulianError(slips)
        prose = render_prose(data)
        written = own_style(data)
        own = to_text(parse_markup(render_markup(prose, data, written), written))
    except FulianError as exc:
        raise FulianError(_not_read_back(exc.findings, folder, where)) from None
    own_title = title_lines(prose, data, written)
    for name in available_styles():
        try:
            style = resolve_style(name)
            if title_lines(prose, data, style) != own_title:
                continue  # another title is another report: not laid out in full to be told so
            other = to_text(parse_markup(render_markup(prose, data, style), style))
        except FulianError:
            continue
        if _same(other, own):
            return name, False, _differences(source, other)
    return STYLE_FOLDER, True, _differences(source, own)


def _differences(source: list[str], built: str) -> list[str]:
    """The paragraphs of the report that its build changes, as `diff` of the two would count them."""
    unequal = changed_paragraphs(source, [line for line in built.splitlines() if line.strip()])
    if not unequal:
        return []
    return [f"有 {unequal} 段生成后与原稿不完全一致（多为序号写法），请用 build 生成后用 diff 与原稿对照"]


def _not_read_back(findings: list[Finding], folder: Path, where: str) -> list[Finding]:
    """The data written does not load back: the import's own fault, said of the imported file,
    naming the data file and line as written (its scratch folder is gone by the time it is read)."""
    scratch = display_path(folder)
    said = []
    for finding in findings:
        if finding.severity is not Severity.ERROR:
            continue
        place = finding.location.path
        place = place[len(scratch):].lstrip("/\\") if place.startswith(scratch) else place
        if finding.location.line:
            place += f":{finding.location.line}"
        said.append(Finding(Location(where), f"导入写出的数据（{place}）读不回来：{finding.message}。"
                            "这是导入本身的缺陷，没有写入任何文件；请把这份原稿交给维护者"))
    return said


def _same(other: str, own: str) -> bool:
    """The same report, up to how heading numbers are punctuated (1、 or 1．), which a bundled
    style writes one way throughout, as GB/T 9704 does.  A 落款 the source does not have (every
    bundled style prints one) makes another report: nothing is printed that was not written."""
    return _numbers_alike(other) == _numbers_alike(own)


def _numbers_alike(text: str) -> list[str]:
    text = re.sub(r"^(\d+)[．、.]", r"\1．", text, flags=re.M)
    return re.sub(r"^([一二三四五六七八九十]+)[．、.]", r"\1、", text, flags=re.M).splitlines()
