"""`import`: each report, from .txt and from .docx, rebuilt with the command the JSON names.

Checked as the golden tests check the bundled data: the text under their
normalisation, the title, every digit run of the source with its multiplicity,
no digit in prose, most digit runs held by typed figures, and every typed
figure driving the text.  On the two seeds and on fictional reports of other
shapes (half-year, township, five-year, 一是/二是, with and without a plan and
a signature).
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import pytest
import yaml

from fulian_report import api
from fulian_report.api import make_document
from fulian_report.cli import run
from fulian_report.diff import diff_reports
from fulian_report.model.dataset import load_org, validate_subject
from fulian_report.readers import read_report
from fulian_report.selection import Selection
from fulian_report.writers.text import to_text
from tests.conftest import DATA, GOLDEN
from tests.golden import fidelity
from tests.golden.test_figures_drive_text import _lookup, _set, changed
from tests.readers.helpers import REPORTS, docx_from_text

SOURCES = {
    "furong": GOLDEN / "seeds" / "furong-2021.txt",
    "xiangdong": GOLDEN / "seeds" / "xiangdong-2021.txt",
    "qingshi-half-year-township": REPORTS / "qingshi-2023H1.txt",
    "yunxi-five-year": REPORTS / "yunxi-2021-five-year.txt",
    "linjiang-yishi-no-plan-unsigned": REPORTS / "linjiang-2022.txt",
    "hexi-run-in-unsigned": REPORTS / "hexi-2022.txt",
    "beihu-numbered-with-dun-comma-signed": REPORTS / "beihu-2022.txt",
    "songlin-names-totals-shares-signed": REPORTS / "songlin-2023.txt",
}


def _import(capsys, source: Path, data: Path, *extra: str) -> dict:
    assert run(["import", str(source), "--data", str(data), "--format", "json", *extra]) == 0
    return json.loads(capsys.readouterr().out)


def _rebuild(capsys, result: dict, out: Path) -> str:
    args = [*result["build"], "--out", str(out), "--format", "txt"]
    assert run(args) == 0, capsys.readouterr().err
    capsys.readouterr()
    (built,) = (out / str(result["year"])).glob("*.txt")
    return built.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    """Each source imported from its .txt and from a .docx made of it, rebuilt as the JSON says."""
    import contextlib
    import io

    results = {}
    root = tmp_path_factory.mktemp("import")
    for label, source in SOURCES.items():
        docx = docx_from_text(source.read_text(encoding="utf-8"), root / f"{label}.docx")
        for kind, path in (("txt", source), ("docx", docx)):
            data, out = root / f"{label}-{kind}-data", root / f"{label}-{kind}-out"
            stdout = io.StringIO()
            with contextlib.redirect_stdout(stdout):
                assert run(["import", str(path), "--data", str(data), "--format", "json"]) == 0
            result = json.loads(stdout.getvalue())
            with contextlib.redirect_stdout(io.StringIO()):
                assert run([*result["build"], "--out", str(out), "--format", "txt"]) == 0
            (built,) = (out / str(result["year"])).glob("*.txt")
            results[label, kind] = (result, built.read_text(encoding="utf-8"))
    return results


CASES = [(label, kind) for label in SOURCES for kind in ("txt", "docx")]


def _seed(label: str) -> str:
    return fidelity.normalise_seed(SOURCES[label].read_text(encoding="utf-8"))


def _comparable(label: str, built: str) -> str:
    signed = re.search(r"\d{4}(年\d{1,2}月\d{1,2}日|-\d\d-\d\d)\s*$", SOURCES[label].read_text(encoding="utf-8").strip())
    return built.strip() if signed else fidelity.without_signature(built) if built.count("\n") and _has_signature_lines(built) else built.strip()


def _has_signature_lines(built: str) -> bool:
    return bool(re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日", built.strip().splitlines()[-1]))


@pytest.mark.parametrize("label,kind", CASES)
def test_the_rebuilt_report_is_the_source(imported, label, kind):
    result, built = imported[label, kind]
    seed = _seed(label)
    # The normalisations say which writings count as the same (1、 and 1．): both sides take them.
    comparable = fidelity.normalise_seed(_comparable(label, built))
    assert fidelity.similarity(seed, comparable) >= 0.99, fidelity.diff(seed, comparable)
    assert built.splitlines()[0] == seed.splitlines()[0]  # the title, exactly
    assert fidelity.missing_numbers(seed, built) == {}


_CHANGED = "段生成后与原稿不完全一致"


def _changed_said(result: dict) -> list[str]:
    return [note for note in result["to_check"] if _CHANGED in note]


@pytest.mark.parametrize("label,kind", CASES)
def test_the_paragraphs_said_to_change_are_those_diff_counts(imported, label, kind, tmp_path):
    result, built = imported[label, kind]
    source = SOURCES[label] if kind == "txt" else docx_from_text(SOURCES[label].read_text(encoding="utf-8"), tmp_path / "source.docx")
    rebuilt = tmp_path / "rebuilt.txt"
    rebuilt.write_text(built, encoding="utf-8")
    changes = diff_reports(source, rebuilt).changes
    assert _changed_said(result) == ([f"有 {changes} {_CHANGED}（多为序号写法），请用 build 生成后用 diff 与原稿对照"] if changes else [])


def test_the_tools_own_report_imports_with_no_paragraph_said_to_change(tmp_path, capsys):
    # Its title is one paragraph broken into two lines: read line by line, every paragraph after
    # it was counted as changed (55 of them), while diff, reading paragraphs, found none.
    out = tmp_path / "out"
    api.build(Selection(2021, DATA, out, orgs=["furong"]))
    (report,) = (out / "2021").glob("*.docx")
    result = _import(capsys, report, tmp_path / "data")
    assert _changed_said(result) == []
    rebuilt = _rebuild(capsys, result, tmp_path / "rebuilt")
    assert rebuilt.count("\n") > 50 and rebuilt.startswith("芙蓉区妇联2021年度工作总结及2022年工作计划\n")


@pytest.mark.parametrize("label,kind", CASES)
def test_no_digit_in_prose_and_most_digits_typed(imported, label, kind):
    result, _ = imported[label, kind]
    folder = Path(result["folder"])
    for name in ("narrative.yaml", "plan.yaml"):
        if (folder / name).exists():
            text = yaml.safe_load((folder / name).read_text(encoding="utf-8"))
            prose = json.dumps({k: v for k, v in text.items() if k != "targets"}, ensure_ascii=False)
            assert not re.search(r"[0-9０-９]", prose), name
    typed, names = result["digit_runs_in_figures"], result["digit_runs_in_names"]
    # Ordinals, anniversaries, hotlines and formulas are names (湘东区: 建党100周年, 12338维权热线, 99公益, 148法律服务所)
    # songlin is written to hold a name with digits of each kind: a quarter of its digit runs
    assert typed / (typed + names) >= (0.75 if label.startswith("songlin") else 0.8)
    total = sum(fidelity.numbers(SOURCES[label].read_text(encoding="utf-8").translate(fidelity.FULLWIDTH_DIGITS)).values())
    assert typed + names + result["digit_runs_in_layout"] == total  # every digit run accounted for


@pytest.mark.parametrize("label", SOURCES)
def test_docx_and_txt_give_the_same_data(imported, label):
    txt, docx = Path(imported[label, "txt"][0]["folder"]), Path(imported[label, "docx"][0]["folder"])
    names = sorted(p.relative_to(txt) for p in txt.rglob("*") if p.is_file())
    assert names == sorted(p.relative_to(docx) for p in docx.rglob("*") if p.is_file())
    for name in names:
        if name.name != "organisation.yaml":  # which file it came from is said there
            assert (txt / name).read_text(encoding="utf-8") == (docx / name).read_text(encoding="utf-8"), name


def _checked_against_others(raw: dict, path: tuple) -> str:
    """"sums" or "shares" when the figure at `path` is in its record's sums or shares, else ""."""
    record = _lookup(raw, path[:-1]) if len(path) > 1 else None
    if not isinstance(record, dict):
        return ""
    for kind in ("sums", "shares"):
        if any(path[-1] == total or path[-1] in items for total, items in (record.get(kind) or {}).items()):
            return kind
    return ""


@pytest.mark.parametrize("label", SOURCES)
def test_every_typed_figure_drives_the_text(imported, label):
    result, _ = imported[label, "txt"]
    data = load_org(Path(result["folder"]), result["year"])
    before = to_text(make_document(data))
    # An unsigned report's report_date is one the import had to supply, not one it typed from the source.
    signed = read_report(SOURCES[label]).signature is not None
    figures = [f for f in data.figures() if signed or f[:2] != ("organisation", ("report_date",))]
    assert len(figures) >= 10
    for subject, path, figure in figures:
        raw = copy.deepcopy(data.sources[subject].data)
        _set(raw, path, changed(figure))
        source = copy.copy(data.sources[subject])
        source.data = raw
        model, errors = validate_subject(subject, source)
        checked = _checked_against_others(data.sources[subject].data, path)
        if checked == "sums":
            assert errors, f"{subject}.{path}: a part or total of a stated sum changed alone passes validate"
            continue
        if checked == "shares" and errors:  # a change within the share's rounding passes, and drives the text
            continue
        assert not errors, (subject, path, errors)
        altered = copy.copy(data)
        altered.subjects = dict(data.subjects, **{subject: model})
        assert to_text(make_document(altered)) != before, f"{subject}.{path} = {figure} drives nothing"
        assert _lookup(model, path) != figure


@pytest.mark.parametrize("label", SOURCES)
def test_each_file_has_its_schema_line_and_each_record_its_sentence(imported, label):
    folder = Path(imported[label, "txt"][0]["folder"])
    for path in folder.glob("*.yaml"):
        lines = path.read_text(encoding="utf-8").splitlines()
        assert lines[0] == f"# yaml-language-server: $schema=../../../schema/{path.stem}.schema.json"
        if path.stem not in ("organisation", "narrative", "plan"):
            records = [line for line in lines if line and not line.startswith((" ", "#"))]
            assert records and all("  # " in line for line in records)


def test_the_bundled_styles_are_chosen_when_they_fit(imported):
    assert imported["furong", "txt"][0]["style"] == "furong"
    # The xiangdong seed has no 落款, which the bundled style prints: its own layout is written out.
    for label in ("xiangdong", "qingshi-half-year-township", "yunxi-five-year", "linjiang-yishi-no-plan-unsigned"):
        result = imported[label, "txt"][0]
        assert result["style_written"] and (Path(result["folder"]) / result["style"] / "style.yaml").is_file()
    assert not (Path(imported["linjiang-yishi-no-plan-unsigned", "txt"][0]["folder"]) / "plan.yaml").exists()


def test_year_and_org_come_from_the_title_or_the_options(capsys, tmp_path):
    result = _import(capsys, SOURCES["xiangdong"], tmp_path)
    assert (result["year"], result["org"]) == (2021, "湘东区")
    assert result["build"] == ["build", "2021", "--data", str(tmp_path), "--org", "湘东区"]
    other = _import(capsys, SOURCES["xiangdong"], tmp_path, "--org", "xd", "--year", "2021")
    assert Path(other["folder"]) == tmp_path / "2021" / "xd"


def test_an_existing_folder_is_kept_unless_forced(capsys, tmp_path):
    _import(capsys, SOURCES["hexi-run-in-unsigned"], tmp_path, "--org", "hexi")
    marker = tmp_path / "2022" / "hexi" / "narrative.yaml"
    marker.write_text("# 手工改过\n", encoding="utf-8")
    assert run(["import", str(SOURCES["hexi-run-in-unsigned"]), "--data", str(tmp_path), "--org", "hexi"]) == 1
    assert "--force" in capsys.readouterr().err
    assert marker.read_text(encoding="utf-8") == "# 手工改过\n"
    _import(capsys, SOURCES["hexi-run-in-unsigned"], tmp_path, "--org", "hexi", "--force")
    assert marker.read_text(encoding="utf-8") != "# 手工改过\n"


def test_bad_input_writes_nothing(capsys, tmp_path):
    data = tmp_path / "data"
    for name, content in (("a.doc", b"\xd0\xcf\x11\xe0x"), ("b.pdf", b"%PDF-1.4"), ("c.txt", "无题的一段话，开展活动3场。".encode()), ("d.docx", b"")):
        path = tmp_path / name
        path.write_bytes(content)
        assert run(["import", str(path), "--data", str(data)]) == 1
        err = capsys.readouterr().err
        assert "错误" in err and "未写入任何文件" in err
    assert not data.exists() or not any(data.rglob("*"))


def test_the_summary_says_what_to_check(capsys, tmp_path):
    assert run(["import", str(SOURCES["qingshi-half-year-township"]), "--data", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "已导入" in out and "个数字写成了数据" in out and "请核对" in out and "fulian-report build 2023" in out


_BAD_ORGS = ["../../evilx", "/tmp/x", "..", ".", ".hidden", "a/b", "a\\b", "_drafts", "", " songlin", "x.", "CON", "a:b"]


@pytest.mark.parametrize("org", _BAD_ORGS)
def test_an_org_that_is_not_one_folder_name_is_refused_before_anything_is_written(capsys, tmp_path, monkeypatch, org):
    work = tmp_path / "a" / "b"
    work.mkdir(parents=True)
    source = tmp_path / "report.txt"
    source.write_text(SOURCES["hexi-run-in-unsigned"].read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.chdir(work)
    before = sorted(tmp_path.rglob("*"))
    assert run(["import", str(source), "--data", "ft", "--org", org, "--force"]) == 1
    err = capsys.readouterr().err
    assert f"--org “{org}”不能用作组织文件夹名" in err and "未写入任何文件" in err
    assert sorted(tmp_path.rglob("*")) == before


def _refused_title(capsys, tmp_path, title: str) -> str:
    """Import a short report under `title`, which is refused: its message, once nothing is written."""
    source = tmp_path / "report.txt"
    source.write_text(f"{title}\n一、工作\n开展活动3场。\n", encoding="utf-8")
    assert run(["import", str(source), "--data", str(tmp_path / "data")]) == 1
    assert not (tmp_path / "data").exists()
    return capsys.readouterr().err


def test_an_org_taken_from_the_title_is_checked_as_the_option_is(capsys, tmp_path):
    assert "文件夹名“_草稿”不能用作组织文件夹名" in _refused_title(capsys, tmp_path, "_草稿妇联2024年工作总结")


def test_a_year_build_cannot_take_is_refused(capsys, tmp_path):
    assert "--year" in _refused_title(capsys, tmp_path, "松林县妇联0999年工作总结")


def test_force_replaces_an_organisation_folder_only(capsys, tmp_path):
    data = tmp_path / "data"
    kept = data / "2022" / "notes"
    kept.mkdir(parents=True)
    (kept / "readme.txt").write_text("别的东西", encoding="utf-8")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "organisation.yaml").write_text("# 别处的\n", encoding="utf-8")
    (data / "2022" / "linked").symlink_to(outside, target_is_directory=True)
    for org, words in (("notes", "没有 organisation.yaml"), ("linked", "符号链接")):
        assert run(["import", str(SOURCES["hexi-run-in-unsigned"]), "--data", str(data), "--org", org, "--force"]) == 1
        assert words in capsys.readouterr().err
    assert (kept / "readme.txt").read_text(encoding="utf-8") == "别的东西" and len(list(kept.iterdir())) == 1
    assert [p.name for p in outside.iterdir()] == ["organisation.yaml"]
    for folder in (tmp_path / "file-as-data", data / "2021"):  # the data root or the year folder is a file
        folder.write_text("x", encoding="utf-8")
        year = folder.name if folder.parent == data else None
        args = ["import", str(SOURCES["hexi-run-in-unsigned"]), "--data", str(data if year else folder), "--org", "hexi"]
        assert run([*args, "--year", "2021"] if year else args) == 1
        assert "却是一个文件" in capsys.readouterr().err
        assert folder.read_text(encoding="utf-8") == "x"


@pytest.mark.parametrize("force", [[], ["--force"]])
def test_a_file_where_the_organisation_folder_goes_is_kept_even_with_force(capsys, tmp_path, force):
    source = tmp_path / "report.txt"
    source.write_text("松林县妇联2024年工作总结\n一、工作\n开展活动3场。\n", encoding="utf-8")
    data = tmp_path / "data"
    (data / "2024").mkdir(parents=True)
    (data / "2024" / "松林县").write_text("不是文件夹", encoding="utf-8")
    assert run(["import", str(source), "--data", str(data), *force]) == 1
    err = capsys.readouterr().err
    assert "松林县: 错误：组织文件夹要放在这里，这里却已有一个同名的文件" in err and "文件夹已存在" not in err
    assert [p.name for p in data.rglob("*")] == ["2024", "松林县"]
    assert (data / "2024" / "松林县").read_text(encoding="utf-8") == "不是文件夹"


@pytest.mark.parametrize("body", [
    "今年以来，我会开展活动3场，服务妇女500多人次。\n",
    "今年以来，我会开展活动3场，服务妇女500多人次。\n另有一段，发放资料200份。\n2025年工作计划\n一、抓好宣讲\n开展宣讲10场左右。\n",
])
def test_a_report_of_opening_paragraphs_only_imports_and_builds_back(capsys, tmp_path, body):
    source = tmp_path / "report.txt"
    text = "松林县妇联2024年工作总结\n" + body
    source.write_text(text, encoding="utf-8")
    result = _import(capsys, source, tmp_path / "data")
    assert _rebuild(capsys, result, tmp_path / "out").strip() == text.strip()


_HALF_YEAR = """松林县妇联2024年上半年工作总结及下半年工作计划
2024年上半年，县妇联在县委的坚强领导下，围绕中心、服务大局，各项工作取得新进展。
一、思想引领有力度
1月1日至6月30日，共组织“巾帼心向党”宣讲活动26场，覆盖妇女1800余人次。3月下旬，举办“三八”国际妇女节表彰大会，表彰先进个人两名。
二、维权服务有温度
上半年共接待来信来访45件，依托12345热线受理妇女儿童诉求60件，发放宣传资料500多份。
下半年工作计划
一、持续深化思想引领
10月中旬，举办一期妇女干部培训班，培训妇女骨干100人，为2025年换届做好准备。
二、扎实做好维权服务
持续开展矛盾纠纷排查化解。
松林县妇联
2024年7月5日
"""


def test_a_half_year_report_says_its_period_and_its_plan_dates_are_not_warned_about(capsys, tmp_path):
    source = tmp_path / "half.txt"
    source.write_text(_HALF_YEAR, encoding="utf-8")
    data = tmp_path / "data"
    result = _import(capsys, source, data)
    folder = Path(result["folder"])
    assert "period: 上半年" in (folder / "organisation.yaml").read_text(encoding="utf-8")
    assert _rebuild(capsys, result, tmp_path / "out").strip() == _HALF_YEAR.strip()  # 2025年 stays 2025年
    assert run(["validate", str(folder), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["findings"] == []  # 2024年10月中旬 is in the second half: no warning
    figures = list(load_org(folder, 2024, with_previous=False).figures())
    assert run(["init", "2025", "--data", str(data)]) == 0
    capsys.readouterr()
    assert run(["validate", str(data / "2025"), "--format", "json"]) == 1
    findings = json.loads(capsys.readouterr().out)["findings"]
    dates = sum(1 for _, path, _ in figures if path[-1] == "period")  # a period is marked date by date
    assert len(findings) == len(figures) + dates
    assert all(f["severity"] == "error" and f["message"].startswith("待填：") for f in findings)


@pytest.mark.parametrize("title,period", [
    ("松林县妇联2024年上半年工作总结及下半年工作计划", "上半年"),
    ("松林县妇联2024年第三季度工作总结", "第三季度"),
    ("松林县妇联2024年下半年工作总结及2025年上半年工作计划", "下半年"),
    ("松林县妇联2024年工作总结及2025年上半年工作要点", None),
    ("松林县妇联2024年度工作总结", None),
])
def test_the_period_is_the_part_of_the_year_after_the_titles_year(title, period):
    from fulian_report.importing import title_period

    assert title_period(title, 2024) == period


# Fictional reports of the other shapes of the genre: (file, year, folder, organisation.yaml's
# period, whether plan.yaml is written, the signature and report_date it keeps, if any).
SHAPES = {
    "street-year-in-opening": ("baishi-street-year-in-opening.txt", 2023, "白石街道", None, False, None),
    "no-year-org-in-signature": ("songxi-no-year-org-in-signature.txt", 2024, "松溪区", None, True, ("松溪区妇联", "2025-01-08")),
    "highlights": ("fenglin-2022-highlights.txt", 2022, "枫林县", None, False, None),
    "half-year-unsigned": ("zhushan-2023H1-unsigned.txt", 2023, "竹山镇", "上半年", False, None),
    "quarter-street": ("shiqiao-2023Q3-street.txt", 2023, "石桥街道", "第三季度", False, None),
    "recent-five-years": ("taoyuan-recent-five-years.txt", 2023, "桃源镇", "{start: 2019-01-01, end: 2023-12-31}", True, None),
    "13th-five-year-plan": ("liuxi-13th-five-year-plan-period.txt", 2020, "柳溪区", "{start: 2016-01-01, end: 2020-12-31}", False, None),
    "plan-alone": ("zhuxi-2024-plan-alone.txt", 2023, "竹溪县", None, True, None),
    "shuzhi-first-person": ("meishan-2023-shuzhi.txt", 2023, "梅山县", None, False, ("李明华", "2024-01-10")),
    "no-headings": ("xikou-2023-no-headings.txt", 2023, "溪口镇", None, False, None),
}


@pytest.fixture(scope="module")
def shapes(tmp_path_factory):
    """Each shape imported from its .txt and from a .docx made of it, and rebuilt as the JSON says."""
    import contextlib
    import io

    results = {}
    root = tmp_path_factory.mktemp("shapes")
    for label, (name, *_) in SHAPES.items():
        source = REPORTS / name
        docx = docx_from_text(source.read_text(encoding="utf-8"), root / f"{label}.docx")
        for kind, path in (("txt", source), ("docx", docx)):
            data, out = root / f"{label}-{kind}-data", root / f"{label}-{kind}-out"
            stdout = io.StringIO()
            with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(io.StringIO()):
                status = run(["import", str(path), "--data", str(data), "--format", "json"])
            result = json.loads(stdout.getvalue())
            assert status == 0 and result["ok"], result
            with contextlib.redirect_stdout(io.StringIO()):
                assert run([*result["build"], "--out", str(out), "--format", "txt"]) == 0
            (built,) = (out / str(result["year"])).glob("*.txt")
            results[label, kind] = (result, built.read_text(encoding="utf-8"))
    return results


@pytest.mark.parametrize("label,kind", [(label, kind) for label in SHAPES for kind in ("txt", "docx")])
def test_each_shape_is_imported_and_rebuilt_to_the_same_text(shapes, label, kind):
    name, year, org, period, has_plan, signed = SHAPES[label]
    result, built = shapes[label, kind]
    assert built.strip() == (REPORTS / name).read_text(encoding="utf-8").strip()  # the title too, exactly as written
    assert (result["year"], result["org"]) == (year, org)
    folder = Path(result["folder"])
    organisation = yaml.safe_load((folder / "organisation.yaml").read_text(encoding="utf-8"))
    written_period = organisation.get("period")
    if isinstance(written_period, dict):
        written_period = "{start: %s, end: %s}" % (written_period["start"], written_period["end"])
    assert written_period == period
    assert (folder / "plan.yaml").exists() == has_plan
    # Nothing the source does not say: no report date, no signature of an unsigned report.
    kept = (organisation.get("signature"), str(organisation["report_date"])) if "report_date" in organisation else None
    assert kept == signed
    assert "signature" in organisation or signed is None


@pytest.mark.parametrize("label", SHAPES)
def test_each_shape_validates_without_errors(capsys, shapes, label):
    result, _ = shapes[label, "txt"]
    assert run(["validate", result["folder"], "--format", "json"]) == 0
    findings = json.loads(capsys.readouterr().out)["findings"]
    # The one thing an unsigned report leaves open is named: its report date, as a warning.
    assert all(f["severity"] == "warning" and "report_date" in f["message"] for f in findings)
    assert bool(findings) == (SHAPES[label][5] is None)


def test_where_the_year_and_the_organisation_came_from_is_said(shapes):
    notes = shapes["no-year-org-in-signature", "txt"][0]["to_check"]
    assert any("报告年度 2024 取自第 2 行" in note for note in notes)
    assert any("单位名称“松溪区妇联”取自第 9 行的落款" in note for note in notes)
    street = shapes["street-year-in-opening", "docx"][0]["to_check"]
    assert any("单位名称“白石街道妇联”取自第 2 段" in note for note in street)


def test_a_plan_alone_is_filed_as_the_plan_of_the_year_before(shapes):
    result, _ = shapes["plan-alone", "txt"]
    folder = Path(result["folder"])
    plan = yaml.safe_load((folder / "plan.yaml").read_text(encoding="utf-8"))
    assert len(plan["sections"]) == 3 and len(plan["targets"]) == 3
    narrative = yaml.safe_load((folder / "narrative.yaml").read_text(encoding="utf-8"))
    assert [len(section["paragraphs"]) for section in narrative["sections"]] == [1]  # the opening only


def _import_failure(capsys, tmp_path, text: str, *extra: str) -> dict:
    source = tmp_path / "report.txt"
    source.write_text(text, encoding="utf-8")
    assert run(["import", str(source), "--data", str(tmp_path / "data"), "--format", "json", *extra]) == 1
    out = capsys.readouterr().out
    assert not (tmp_path / "data").exists()
    return json.loads(out)


def test_a_failure_answers_in_json_with_located_findings(capsys, tmp_path):
    answer = _import_failure(capsys, tmp_path, "\n街道妇联工作总结报告\n今年以来，我们开展活动3场。\n一、工作\n开展宣讲5场。\n")
    assert answer["ok"] is False and answer["errors"] == 1
    (finding,) = answer["findings"]
    assert finding["file"].endswith("report.txt") and finding["line"] == 2 and finding["severity"] == "error"
    assert "没有报告年度" in finding["message"] and "--year" in finding["message"]
    no_title = _import_failure(capsys, tmp_path, "今年以来，我们开展活动3场，服务妇女500人次。\n")
    assert "找不到标题" in no_title["findings"][0]["message"] and no_title["findings"][0]["line"] == 1


def test_an_organisation_named_nowhere_is_asked_for_and_the_options_override(capsys, tmp_path):
    text = "街道妇联工作总结报告\n2023年，我们开展活动3场。\n一、工作\n开展宣讲5场。\n"
    answer = _import_failure(capsys, tmp_path, text)
    assert "没有单位名称" in answer["findings"][0]["message"] and answer["findings"][0]["line"] == 1
    source = tmp_path / "report.txt"
    result = _import(capsys, source, tmp_path / "data", "--org", "baishi", "--year", "2022")
    assert (result["year"], result["org"]) == (2022, "baishi")
    assert _rebuild(capsys, result, tmp_path / "out").strip() == text.strip()


@pytest.mark.parametrize("title,year,span", [
    ("云溪区妇联2017—2021年工作总结及2022—2026年工作谋划", None, (2017, 2021)),
    ("柳溪区妇联“十三五”期间工作总结", None, (2016, 2020)),
    ("柳溪区妇联十四五时期工作总结", None, (2021, 2025)),
    ("桃源镇妇联近五年工作总结及未来五年谋划", 2023, (2019, 2023)),
    ("桃源镇妇联三年来工作回顾", 2024, (2022, 2024)),
    ("桃源镇妇联近五年工作总结", None, None),  # the year is not known yet
    ("松林县妇联2024年度工作总结", 2024, None),
])
def test_a_span_of_years_in_a_title(title, year, span):
    from fulian_report.importing import title_span

    assert title_span(title, year) == span


@pytest.mark.parametrize("title,org", [
    ("芙蓉区妇联2021年度工作总结及2022年工作计划", "芙蓉区妇联"),
    ("盘点2021年丨芙蓉区妇联十大亮点工作", "芙蓉区妇联"),
    ("2023年度示例县妇女联合会工作总结", "示例县妇女联合会"),
    ("关于2023年示例镇妇联工作情况的报告", "示例镇妇联"),
    ("街道妇联工作总结报告", ""),
    ("区妇联工作报告材料", ""),
    ("全县各级妇联2023年工作总结", ""),
    ("在县委和上级妇联的关心下，示例乡妇联开展活动", "示例乡妇联"),
])
def test_the_organisation_a_title_names(title, org):
    from fulian_report.importing import title_org

    assert title_org(title) == org


@pytest.mark.parametrize("title,alone", [
    ("竹溪县妇联2024年工作要点", True),
    ("竹溪县妇联2024年妇女工作计划", True),
    ("竹溪县妇联2023年工作总结及2024年工作计划", False),
    ("竹溪县妇联2023年工作情况和2024年工作打算", False),
    ("梅山县妇联主席2023年度述职报告", False),
])
def test_a_plan_alone_is_told_by_its_title(title, alone):
    from fulian_report.importing import is_plan_alone

    assert is_plan_alone(title) == alone


def test_a_report_too_long_for_its_data_files_is_refused_before_anything_is_written(capsys, tmp_path, monkeypatch):
    from fulian_report import importing

    monkeypatch.setattr(importing, "MAX_FILE_BYTES", 2048)  # as if the report were a hundred times longer
    source = REPORTS / "linjiang-2022.txt"
    assert run(["import", str(source), "--data", str(tmp_path / "data"), "--format", "json"]) == 1
    (finding,) = json.loads(capsys.readouterr().out)["findings"]
    assert finding["file"].endswith("linjiang-2022.txt") and "报告太长" in finding["message"] and "narrative.yaml" in finding["message"]
    assert not (tmp_path / "data").exists()


def test_a_year_the_title_gives_the_plan_only_is_not_the_reports(capsys, tmp_path):
    text = "松林县妇联工作总结及2025年工作计划\n2024年，县妇联开展宣讲12场。\n一、工作情况\n开展培训5期。\n二、2025年工作计划\n开展宣讲20场左右。\n"
    source = tmp_path / "report.txt"
    source.write_text(text, encoding="utf-8")
    result = _import(capsys, source, tmp_path / "data")
    assert result["year"] == 2024 and any("报告年度 2024 取自第 2 行" in note for note in result["to_check"])
    assert _rebuild(capsys, result, tmp_path / "out").strip() == text.strip()


def test_a_report_too_long_is_refused_before_its_figures_are_read(tmp_path, monkeypatch):
    from fulian_report import importing
    from fulian_report.errors import FulianError

    def unreachable(*args, **kwargs):
        raise AssertionError("figures were read for a report already known to be too long")

    monkeypatch.setattr(importing, "MAX_FILE_BYTES", 1024)
    monkeypatch.setattr(importing, "recognise_layout", unreachable)
    with pytest.raises(FulianError) as error:
        importing.import_file(REPORTS / "linjiang-2022.txt", tmp_path / "data")
    assert "narrative.yaml（至少 1 KB）" in error.value.findings[0].message
    assert not (tmp_path / "data").exists()


def test_the_help_says_where_the_year_and_the_organisation_come_from(capsys):
    assert run(["import", "--help"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "默认取标题中的年度" not in out and "默认取标题中的单位名称" not in out
    for words in ("取自标题", "开头一段", "落款", "请用本选项指明", "总是优先"):
        assert words in out, words


@pytest.mark.parametrize("kind", ["txt", "docx"])
@pytest.mark.parametrize("date,why", [("2023年2月30日", "2023年2月没有30日"), ("2023年13月5日", "2023年没有13月：月份只能是 1 到 12")])
def test_a_date_the_calendar_has_not_is_kept_as_written_and_located_not_a_failure(capsys, tmp_path, date, why, kind):
    text = f"青禾镇妇联2023年工作总结\n一、工作情况\n开展“巾帼学堂”宣讲活动14场。\n\n青禾镇妇联\n{date}\n"
    source = tmp_path / "青禾镇总结.txt"
    source.write_text(text, encoding="utf-8")
    if kind == "docx":  # the sixth paragraph (the empty line is one too)
        source = docx_from_text(text, tmp_path / "青禾镇总结.docx")
    result = _import(capsys, source, tmp_path / "data")
    (note,) = [item for item in result["to_check"] if "落款日期" in item]
    assert note.startswith(f"{source}:6: 警告：落款日期“{date}”不存在（{why}）") and "report_date" in note
    organisation = (Path(result["folder"]) / "organisation.yaml").read_text(encoding="utf-8")
    assert "\nreport_date:" not in organisation and f"# report_date:  原稿落款日期“{date}”不存在" in organisation
    built = _rebuild(capsys, result, tmp_path / "out")
    assert built.strip().splitlines()[-2:] == ["开展“巾帼学堂”宣讲活动14场。", "青禾镇妇联"]


def test_a_report_too_long_is_refused_at_the_line_before_which_a_first_part_fits(capsys, tmp_path, monkeypatch):
    from fulian_report import importing

    monkeypatch.setattr(importing, "MAX_FILE_BYTES", 4096)
    # 400 paragraphs of about 60 bytes each: the prose reaches 4 KB about a sixth of the way through.
    lines = ["白沙镇妇联2023年工作总结", "一、工作情况"] + [f"走访困难妇女家庭{index % 90 + 10}户，送去慰问品。" for index in range(400)]
    source = tmp_path / "白沙镇总结.txt"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert run(["import", str(source), "--data", str(tmp_path / "data"), "--format", "json"]) == 1
    (finding,) = json.loads(capsys.readouterr().out)["findings"]
    prose_before = sum(len(line) for line in lines[1 : finding["line"]])
    assert finding["file"].endswith("白沙镇总结.txt") and "--org" in finding["message"]
    assert f"大约到第 {finding['line']} 行" in finding["message"]
    assert 3 <= finding["line"] < len(lines) and prose_before <= 4096 / 3 * 1.1  # the text's share of the file's bound
    assert not (tmp_path / "data").exists()


def test_data_that_does_not_load_back_is_said_of_the_imported_file_not_of_a_scratch_folder(capsys, tmp_path, monkeypatch):
    from fulian_report import importing

    monkeypatch.setattr(importing, "_iso_date", lambda written: ("2023-02-30", ""))  # as the writer once did
    source = tmp_path / "青禾镇总结.txt"
    source.write_text("青禾镇妇联2023年工作总结\n一、工作情况\n开展宣讲活动14场。\n青禾镇妇联\n2024年1月5日\n", encoding="utf-8")
    assert run(["import", str(source), "--data", str(tmp_path / "data"), "--format", "json"]) == 1
    (finding,) = json.loads(capsys.readouterr().out)["findings"]
    assert finding["file"] == str(source) and ".import-" not in finding["message"]
    assert "（organisation.yaml:" in finding["message"] and "2023年2月没有30日" in finding["message"]
    assert not any((tmp_path / "data").rglob("*.yaml"))
