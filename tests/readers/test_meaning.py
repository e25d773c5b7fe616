"""Import reads what a report means: figures, not names; one fact, one value; whole-word names;
subjects by what a figure is.  On fictional text and on a fictional report (songlin-2023) that
holds each case."""

from __future__ import annotations

import contextlib
import io
import json
import re
from pathlib import Path

import pytest
import yaml

from fulian_report.cli import run
from fulian_report.readers.figures import TextUnit, recognise
from fulian_report.readers.filing import file_figures
from tests.readers.helpers import REPORTS
from tests.readers.meaning import Judge, chinese_names, figures_inside_names, typed_values

SONGLIN = REPORTS / "songlin-2023.txt"


@pytest.mark.parametrize("text,name", [
    ("深入学习党的十九届六中全会精神。", "十九届六中全会"),
    ("召开第二届执委会第三次会议。", "第二届"),
    ("在第36个“世界艾滋病日”开展宣传。", "36个“世界艾滋病日”"),
    ("坚决做到“两个维护”，增强“四个意识”、坚定“四个自信”。", "两个维护"),
    ("围绕五个“好”推进工作。", "五个"),
    ("推进5+5行动。", "5+5行动"),
    ("庆祝建党100周年。", "100周年"),
    ("以纪念新中国成立74周年为契机。", "74周年"),
    ("结合“十四五”规划开展评估。", "十四五"),
    ("印发《松林区妇女发展规划（2021－2025年）》。", "2021－2025年"),
    ("畅通12338维权热线。", "12338维权热线"),
])
def test_numbers_that_name_stay_words(text, name):
    found = recognise(text, 2023)
    start = text.index(name)
    assert not [f for f in found if f.is_figure and f.start < start + len(name) and start < f.end], found
    digits = [m.start() for m in re.finditer(r"\d", name)]
    for offset in digits:  # each digit of the name is in a text field, written back as it is
        assert any(f.name_field and f.start <= start + offset < f.end for f in found), found


@pytest.mark.parametrize("text,word", [
    ("一、第1项工作：宣传", "第1项工作"),
    ("在第36个“世界艾滋病日”开展宣传。", "第36个“世界艾滋病日”"),
    ("召开第2届执委会。", "第2届执委会"),
])
def test_an_ordinal_is_kept_with_its_di_as_one_word(text, word):
    """第 belongs to the ordinal: the text field holds 第1项工作, never 1项工作 cut after 第."""
    assert [f.text for f in recognise(text, 2023) if f.name_field] == [word]


@pytest.mark.parametrize("text,figure", [
    ("开展主题宣讲活动38场。", "38场"),
    ("参加人数逾5000人。", "逾5000人"),
    ("组织两场培训。", "2场"),
    ("新增妇女小组4个。", "4个"),
    ("争取上级资金220多万元。", "220多万元"),
    ("覆盖妇女3余万人次。", "3余万人次"),
    ("参加人数愈5000人。", "愈5000人"),
])
def test_figures_of_the_period_are_typed(text, figure):
    assert [str(f.figure) for f in recognise(text, 2023) if f.is_figure] == [figure]


def _file(*texts: str):
    units = [TextUnit(i, text, tuple(recognise(text, 2023)), False) for i, text in enumerate(texts)]
    return file_figures(units)


def test_a_sentence_told_again_is_the_same_record_and_names_never_chain():
    sentence = "开展禁毒宣传活动12场次，参与人数800人。"
    filing = _file(*[sentence] * 300)
    assert [r.key for r in filing.records] == ["禁毒宣传活动"]
    assert set(filing.records[0].fields) == {"场次", "参与人数"}
    assert len(set(filing.expressions.values())) == 2
    filing = _file(*[f"举办“读书会”{n}场。" for n in range(1, 40)])
    keys = [r.key for r in filing.records]
    assert len(set(keys)) == 39 and all("之" not in key and len(key) <= 5 for key in keys), keys


def test_the_same_count_of_the_same_thing_is_one_value():
    filing = _file("全区保留的4个项目点由社会组织运营。", "全区4个项目点共开展亲子活动16次。")
    four = [e for (unit, start), e in filing.expressions.items() if unit == 1 and start == 2] + [
        e for (unit, start), e in filing.expressions.items() if unit == 0 and start == 5]
    assert len(four) == 2 and four[0] == four[1]
    assert sum(1 for r in filing.records for v in r.fields.values() if v == "4个") == 1


@pytest.fixture(scope="module")
def songlin(tmp_path_factory):
    root = tmp_path_factory.mktemp("songlin")
    with contextlib.redirect_stdout(io.StringIO()) as out:
        assert run(["import", str(SONGLIN), "--data", str(root), "--format", "json"]) == 0
    folder = Path(json.loads(out.getvalue())["folder"])
    return root, folder, str(tmp_path_factory.mktemp("jieba-cache"))


def _yaml(folder: Path, subject: str) -> dict:
    return yaml.safe_load((folder / f"{subject}.yaml").read_text(encoding="utf-8"))


def test_the_report_comes_back_with_whole_word_names_and_no_figure_inside_a_name(songlin, tmp_path):
    root, folder, cache = songlin
    source = SONGLIN.read_text(encoding="utf-8")
    judge = Judge(source, cache)
    names = chinese_names(folder)
    assert names and all(judge.on_word_boundaries(name) for name in names), [n for n in names if not judge.on_word_boundaries(n)]
    assert not [n for n in names if re.search(r"\d|之[二三四五六七八九又]", n)]
    assert figures_inside_names(folder, 2023, source) == []
    with contextlib.redirect_stdout(io.StringIO()):
        assert run(["build", "2023", "--data", str(root), "--org", folder.name, "--out", str(tmp_path), "--format", "txt"]) == 0
    (built,) = tmp_path.rglob("*.txt")
    assert "十九届六中全会" in built.read_text(encoding="utf-8") and "第36个“世界艾滋病日”" in built.read_text(encoding="utf-8")


def test_a_total_with_its_parts_declares_sums_and_a_changed_part_fails_validate(songlin, tmp_path):
    _, folder, _ = songlin
    (record,) = [r for r in _yaml(folder, "honors").values() if r.get("sums")]
    assert record["title"] == "巾帼文明岗" and record["count"] == "24家"
    assert record["sums"] == {"count": ["全国", "省级", "市级", "区级"]}
    assert [record[level] for level in ("全国", "省级", "市级", "区级")] == ["1家", "5家", "8家", "10家"]
    copy = tmp_path / "honors.yaml"
    copy.write_text((folder / "honors.yaml").read_text(encoding="utf-8").replace("省级: 5家", "省级: 6家"), encoding="utf-8")
    assert "省级: 6家" in copy.read_text(encoding="utf-8")
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()) as err:
        assert run(["validate", str(copy)]) == 1
    assert "合计" in err.getvalue() or "sums" in err.getvalue()


def test_a_share_with_its_part_and_whole_declares_shares(songlin):
    _, folder, _ = songlin
    (record,) = [r for r in _yaml(folder, "organisation_building").values() if r.get("shares")]
    ((share, (part, whole)),) = record["shares"].items()
    assert (record[share], record[part], record[whole]) == ("65.3%", "365人", "559人")


def test_labour_transfer_is_employment_and_cases_are_rights_cases_only(songlin):
    _, folder, _ = songlin
    employment = (folder / "employment.yaml").read_text(encoding="utf-8")
    assert "转移就业" in employment and "860人" in employment
    cases = _yaml(folder, "cases")
    assert all("维权" in line or "纠纷" in line for line in (folder / "cases.yaml").read_text(encoding="utf-8").splitlines()
               if line and not line.startswith((" ", "#")))
    assert {v for r in cases.values() for v in r.values()} == {"15件", "42起"}


def test_honours_carry_their_level(songlin):
    _, folder, _ = songlin
    honours = [(r["title"], r.get("level"), r["count"]) for r in _yaml(folder, "honors").values() if not r.get("sums")]
    assert honours == [("最美家庭", "全国", "1户"), ("最美家庭", "省", "3户"), ("五好家庭", "市", "6户")]


def test_a_fact_told_twice_is_one_value_used_twice(songlin):
    _, folder, _ = songlin
    assert (folder / "activities.yaml").read_text(encoding="utf-8").count(": 4个") == 1
    narrative = (folder / "narrative.yaml").read_text(encoding="utf-8")
    (expression,) = set(re.findall(r"\{\{ activities\.项目点[^}]*\}\}(?=项目点)", narrative))
    assert narrative.count(expression) == 2


def test_init_marks_only_the_figures_of_the_period(songlin, tmp_path):
    import shutil

    root, folder, _ = songlin
    data = tmp_path / "data"
    shutil.copytree(root, data)
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        assert run(["init", "2024", "--data", str(data)]) == 0
    new = data / "2024" / folder.name
    text = "\n".join(p.read_text(encoding="utf-8") for p in sorted(new.glob("*.yaml")))
    marked = re.findall(r"待填（2023年：([^）\n]*)）", text)
    typed = typed_values(folder, 2023)
    assert marked and len(marked) == len(typed)  # each typed figure once, the report date among them
    for name in ("74周年", "36个“世界艾滋病日”", "5+5行动", "12338维权热线", "松林区妇女发展规划（2021－2025年）"):
        assert name in text and not any(name in value for value in marked)
    assert not [value for value in marked if re.search(r"周年?$|届|世界|行动|热线|规划", value)]


def test_other_shapes_of_totals_honours_and_labour_transfer():
    filing = _file(
        "组织开展“巾帼建功”竞赛活动，评选出县级三八红旗手10名、三八红旗集体5个。",
        "全年共受理来信来访案件48件，其中家庭纠纷32件、婚姻问题10件、其他6件。",
        "农村劳动力转移就业3500人，其中女性1820人，占52%。",
    )
    honours = [(r.fields["title"], r.fields["level"], r.fields["count"]) for r in filing.of("honors")]
    assert honours == [("三八红旗手", "县", "10名"), ("三八红旗集体", "县", "5个")]
    (case,) = filing.of("cases")
    assert case.fields["sums"] == {"件数": ["家庭纠纷", "婚姻问题", "其他"]}
    (work,) = filing.of("employment")
    assert work.key == "农村劳动力转移就业" and work.fields["shares"] == {"比例": ["女性", "人数"]}


def test_parts_that_do_not_add_up_declare_no_sums():
    (record,) = _file("全区巾帼文明岗30家，其中全国1家、省级5家、市级8家、区级10家。").records
    assert "sums" not in record.fields


@pytest.mark.parametrize("text,title", [
    ("贯彻落实《松林市儿童友好城市三年行动计划（2018－2020年）的要求。", "松林市儿童友好城市三年行动计划（2018－2020年）"),
    ("深入实施妇女发展纲要（2021－2030年）。", "妇女发展纲要（2021－2030年）"),
])
def test_a_plans_years_stay_in_its_whole_title(text, title):
    (found,) = recognise(text, 2021)
    assert (found.text, found.name_field) == (title, "document")
