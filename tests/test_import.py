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

from fulian_report.api import make_document
from fulian_report.cli import run
from fulian_report.model.dataset import load_org, validate_subject
from fulian_report.readers import read_report
from fulian_report.writers.text import to_text
from tests.conftest import GOLDEN
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
    assert imported["xiangdong", "txt"][0]["style"] == "xiangdong"
    for label in ("qingshi-half-year-township", "yunxi-five-year", "linjiang-yishi-no-plan-unsigned"):
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
