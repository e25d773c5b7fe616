"""`init`: next year's folders from this year's, every figure and date marked to be filled."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from fulian_report.cli import run
from fulian_report.model.dataset import load_org
from fulian_report.model.unfilled import MARKER, stand_in

_MARKER_IN_TEXT = re.compile(r"待填（(\d{4})年：([^）\n]*)）")


def _figures(folder):
    return list(load_org(folder, 2021, with_previous=False).figures())


def _fill_with_last_year(root, year: int) -> None:
    """What an office does by hand, here with last year's values (a year later for dates)."""
    for path in (root / str(year)).rglob("*.yaml"):
        def fill(match):
            value = stand_in(match.group(2))
            return f"{{start: {value['start']}, end: {value['end']}}}" if isinstance(value, dict) else value

        path.write_text(_MARKER_IN_TEXT.sub(fill, path.read_text(encoding="utf-8")), encoding="utf-8")


def test_validate_lists_each_figure_and_date_once_with_last_years_value(data_copy, capsys):
    assert run(["init", "2022", "--from", "2021", "--data", str(data_copy)]) == 0
    assert "待填" in capsys.readouterr().out
    assert run(["validate", str(data_copy / "2022"), "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    findings = report["findings"]
    expected = sum(
        len(value) if isinstance(value, dict) else 1
        for org in ("furong", "xiangdong")
        for subject, path, figure in _figures(data_copy / "2021" / org)
        for value in [_written(data_copy / "2021" / org, subject, path)]
    )
    assert len(findings) == expected
    assert all(f["severity"] == "error" and f["message"].startswith("待填：") and "2021 年的报告中是" in f["message"] for f in findings)
    places = [(f["file"], f["line"], f["column"]) for f in findings]
    assert len(set(places)) == len(places) and all(line and column for _, line, column in places)


def _written(folder, subject, path):
    from fulian_report.source.yaml_source import load_yaml

    value = load_yaml(folder / f"{subject}.yaml").data
    for key in path:
        value = value[key]
    return value


def test_the_marker_names_last_years_value_at_its_own_place(data_copy, capsys):
    run(["init", "2022", "--data", str(data_copy), "--org", "xiangdong"])
    capsys.readouterr()
    text = (data_copy / "2022" / "xiangdong" / "employment.yaml").read_text(encoding="utf-8")
    assert "  sessions: 待填（2021年：7期）\n" in text
    assert "  participants: 待填（2021年：400余名）           # 掌握家政服务技能的妇女" in text  # the comment is kept
    assert run(["validate", str(data_copy / "2022" / "xiangdong" / "employment.yaml")]) == 1
    err = capsys.readouterr().err
    assert "xiangdong/employment.yaml:4:13: 错误：待填：请填写 2022 年的数字或日期（2021 年的报告中是 7期）" in err.replace("\\", "/")
    assert "名称: 值" not in err


def test_prose_structure_names_and_comments_are_kept(data_copy, capsys):
    run(["init", "2022", "--data", str(data_copy)])
    for org in ("furong", "xiangdong"):
        for name in ("narrative.yaml", "plan.yaml"):
            old = (data_copy / "2021" / org / name).read_text(encoding="utf-8")
            new = (data_copy / "2022" / org / name).read_text(encoding="utf-8")
            kept = [line for line in new.splitlines() if not line.startswith("# ")] if name == "narrative.yaml" else new.splitlines()
            old_lines = [line for line in old.splitlines() if not line.startswith("# ")] if name == "narrative.yaml" else old.splitlines()
            assert len(kept) == len(old_lines)
            for before, after in zip(old_lines, kept):
                assert after == before or "待填（2021年：" in after
    organisation = (data_copy / "2022" / "furong" / "organisation.yaml").read_text(encoding="utf-8")
    assert "report_date: 待填（2021年：2022年2月7日）" in organisation


def test_filled_in_it_builds_titled_with_the_new_year_and_checks_last_years_targets(data_copy, capsys, tmp_path):
    run(["init", "2022", "--from", "2021", "--data", str(data_copy)])
    _fill_with_last_year(data_copy, 2022)
    assert run(["validate", str(data_copy / "2022")]) == 0
    out = tmp_path / "out"
    assert run(["build", "2022", "--data", str(data_copy), "--out", str(out), "--format", "txt"]) == 0
    titles = sorted(path.read_text(encoding="utf-8").splitlines()[0] for path in (out / "2022").glob("*.txt"))
    assert titles == ["湘东区妇联2022年工作情况和2023年主要工作打算汇报", "芙蓉区妇联2022年度工作总结及2023年工作计划"]
    data = load_org(data_copy / "2022" / "furong")
    assert data.previous is not None and data.previous.year == 2021
    from fulian_report.derive import derive

    progress = derive(data).target_progress
    assert progress and all(item.actual is not None for item in progress.values())
    hint = (data_copy / "2022" / "furong" / "narrative.yaml").read_text(encoding="utf-8")
    assert "derived.target_progress." in hint and "previous.plan.targets." in hint


def test_it_never_overwrites_a_year(data_copy, capsys):
    assert run(["init", "2022", "--data", str(data_copy)]) == 0
    capsys.readouterr()
    marker = data_copy / "2022" / "furong" / "cases.yaml"
    marker.write_text("# 已填写\n", encoding="utf-8")
    assert run(["init", "2022", "--data", str(data_copy)]) == 1
    assert "已存在" in capsys.readouterr().err
    assert marker.read_text(encoding="utf-8") == "# 已填写\n"


def test_the_marker_reads_back():
    match = MARKER.match("待填（2021年：444对）")
    assert match and match.group("value") == "444对"
    assert stand_in("2021年3月5日") == "2022年3月5日" and stand_in("444对") == "444对"
    assert stand_in("2021年1月1日至10月31日") == {"start": "2022年1月1日", "end": "2022年10月31日"}


def test_last_years_date_left_in_gets_one_true_message(data_copy, capsys):
    run(["init", "2022", "--data", str(data_copy), "--org", "furong"])
    path = data_copy / "2022" / "furong" / "activities.yaml"
    text = path.read_text(encoding="utf-8")
    assert "rizhao_visit: 待填（2021年：2021年4月）" in text
    path.write_text(text.replace("rizhao_visit: 待填（2021年：2021年4月）", "rizhao_visit: 2021-04"), encoding="utf-8")
    capsys.readouterr()
    run(["validate", str(data_copy / "2022" / "furong"), "--format", "json"])
    findings = [f for f in json.loads(capsys.readouterr().out)["findings"] if not f["message"].startswith("待填")]
    assert [f["message"] for f in findings] == ["日期 2021年4月 不在报告年度 2022 年内；往年的事请写在往年的数据里，荣誉所属年度请用 year 字段"]


def test_an_imported_report_starts_its_next_year_with_its_own_style(tmp_path, capsys):
    from tests.readers.helpers import REPORTS

    data = tmp_path / "data"
    assert run(["import", str(REPORTS / "linjiang-2022.txt"), "--data", str(data), "--org", "linjiang"]) == 0
    assert run(["init", "2023", "--data", str(data)]) == 0
    assert (data / "2023" / "linjiang" / "本单位样式" / "style.yaml").is_file()
    _fill_with_last_year(data, 2023)
    assert run(["build", "2023", "--data", str(data), "--out", str(tmp_path / "out"), "--format", "txt"]) == 0
    (built,) = (tmp_path / "out" / "2023").glob("*.txt")
    assert built.read_text(encoding="utf-8").startswith("临江县妇联2023年工作总结\n2023年，")


def test_an_org_that_is_not_one_folder_name_is_refused(data_copy, capsys):
    before = sorted(data_copy.rglob("*"))
    assert run(["init", "2022", "--data", str(data_copy), "--org", "../2021/furong", "--org", ".hidden"]) == 1
    err = capsys.readouterr().err
    assert "--org “../2021/furong”不能用作组织文件夹名" in err and "--org “.hidden”不能用作组织文件夹名" in err
    assert sorted(data_copy.rglob("*")) == before


_RECORD_FORMS = {
    "flow period": "巾帼心向党:  # 宣讲\n  period: {start: 2024年1月1日, end: 2024年6月30日}\n  宣讲活动: 26场\n  覆盖妇女: 1800余人次\n",
    "flow period, comment": "巾帼心向党:\n  period: {start: 2024年1月1日, end: 2024年6月30日}   # 起止\n  宣讲活动: 26场   # 场次\n  覆盖妇女: 1800余人次\n",
    "block period": "巾帼心向党:\n  period:\n    start: 2024年1月1日\n    end: 2024年6月30日\n  宣讲活动: 26场\n  覆盖妇女: 1800余人次\n",
    "quoted flow period": "巾帼心向党:\n  period: {start: \"2024年1月1日\", end: '2024年6月30日'}\n  宣讲活动: '26场'\n  覆盖妇女: \"1800余人次\"\n",
    "record in one flow mapping": "巾帼心向党: {period: {start: 2024年1月1日, end: 2024年6月30日}, 宣讲活动: 26场, 覆盖妇女: 1800余人次}\n",
    "flow mapping over two lines": "巾帼心向党: {period: {start: 2024年1月1日,\n    end: 2024年6月30日}, 宣讲活动: 26场,\n  覆盖妇女: 1800余人次}\n",
}
_REPORT = "松林县妇联2024年工作总结\n一、思想引领有力度\n1月1日至6月30日，共组织“巾帼心向党”宣讲活动26场，覆盖妇女1800余人次。\n二、维权服务有温度\n全年共接待来信来访45件。\n松林县妇联\n2025年1月5日\n"


@pytest.mark.parametrize("form", _RECORD_FORMS)
def test_after_import_each_figure_and_date_is_marked_once_however_it_is_written(tmp_path, capsys, form):
    source = tmp_path / "report.txt"
    source.write_text(_REPORT, encoding="utf-8")
    data = tmp_path / "data"
    assert run(["import", str(source), "--data", str(data), "--org", "songlin"]) == 0
    activities = data / "2024" / "songlin" / "activities.yaml"
    activities.write_text(_RECORD_FORMS[form], encoding="utf-8")
    assert run(["validate", str(data / "2024")]) == 0
    figures = list(load_org(data / "2024" / "songlin", 2024, with_previous=False).figures())
    capsys.readouterr()
    assert run(["init", "2025", "--data", str(data)]) == 0
    capsys.readouterr()
    assert run(["validate", str(data / "2025"), "--format", "json"]) == 1
    findings = json.loads(capsys.readouterr().out)["findings"]
    expected = sum(len(v) if isinstance(v, dict) else 1 for s, p, _ in figures for v in [_written(data / "2024" / "songlin", s, p)])
    assert len(findings) == expected
    assert all(f["severity"] == "error" and f["message"].startswith("待填：") for f in findings)
    places = {(f["file"], f["line"], f["column"]) for f in findings}
    assert len(places) == len(findings)
    for file, line, column in places:  # each at its marker (or the quote before it)
        text = Path(file).read_text(encoding="utf-8")  # named from the working directory, as validate names it
        assert text.splitlines()[line - 1][column - 1:].lstrip("\"'").startswith("待填（2024年："), (file, line, column)
    _fill_with_last_year(data, 2025)
    assert run(["validate", str(data / "2025")]) == 0


def test_a_marker_that_a_flow_mapping_cannot_hold_plainly_is_quoted():
    import yaml

    from fulian_report.new_year import _written

    assert _written("待填（2021年：444对）") == "待填（2021年：444对）"
    for value in ("待填（2021年：1,200元）", "待填（2021年：a: b）"):
        assert yaml.safe_load(f"{{k: {_written(value)}}}") == {"k": value} == yaml.safe_load(f"k: {_written(value)}")


def test_a_failure_answers_in_json_when_json_is_asked_for(tmp_path, capsys):
    """A program that asked for JSON reads JSON on stdout, failure included, as import and validate answer."""
    (tmp_path / "data").mkdir()
    assert run(["init", "2023", "--data", str(tmp_path / "data"), "--format", "json"]) == 1
    answer = json.loads(capsys.readouterr().out)
    assert answer["ok"] is False and answer["errors"] >= 1
    assert all(finding["severity"] == "error" and finding["message"] for finding in answer["findings"])
    assert run(["init", "2023", "--data", str(tmp_path / "data")]) == 1
    said = capsys.readouterr()
    assert said.out == "" and "新建失败" in said.err
