"""JSON Schema of the data files, for editors that check YAML while it is typed.

Each data file starts with `# yaml-language-server: $schema=…/schema/<file>.schema.json`;
an editor with the YAML extension (VS Code and others) then completes the
names, shows the Chinese descriptions and underlines a wrongly written
figure before the tool is ever run.  The schema is the models' own
(pydantic), with two changes: a figure accepts the way people write it
("700余名", "2021-03-05") besides the mapping form, and the descriptions a
person hovers over are Chinese.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

from . import quantities
from .subjects import SUBJECT_MODELS

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"

# What each file holds, as the README's table says it.
SUBJECT_DESCRIPTIONS = {
    "organisation": "organisation.yaml：单位简称、全称、地区、落款、成文日期、默认样式",
    "narrative": "narrative.yaml：工作总结正文，数字写成 {{ 名称 }}",
    "plan": "plan.yaml：下一年度计划：总体思路、各部分、可衡量目标 targets",
    "cases": "cases.yaml：维权：来电来访、交办、婚调委（接待/调和）、家暴警情、告诫书",
    "funds": "funds.yaml：资金：筹集或发放、金额、计划目标、受助人数",
    "activities": "activities.yaml：活动、培训、宣传：日期、场次、参加人数……",
    "honors": "honors.yaml：荣誉：称号、级别（全国；省/自治区/直辖市；市/州/盟/地区；县/区/旗/县级市；乡/镇/街道；村/社区；可不写）、获评或推荐、数量",
    "organisation_building": "organisation_building.yaml：组织建设：换届、两委（总人数/女性）、新建组织",
    "employment": "employment.yaml：就业与技能培训",
}

_DEFINITION_DESCRIPTIONS = {
    "Count": "计数：数字+量词，可带修饰词 余、多、近、约、超、逾（愈）、左右、上下、以上，如 64名、700余名、500多只、近3000人、2000名以上；"
    "内置量词表之外的量词写在 organisation.yaml 的 measure_words 中",
    "Money": "金额：如 73600元、1584.44万元、34.5万余元、6万元左右",
    "Share": "比例或比率：如 25.7%、25.7％；增长率、完成率可超过 100%（150%），shares 中核对的比例不能超过 100%",
    "ReportDate": "日期，精确到哪一级就写到哪一级：2021-03-05、2021年3月下旬、2021-06、2025年",
    "Period": "起止日期：{start: 开始日期, end: 结束日期}",
    "Range": "范围：如 0—3岁",
    "Record": "一项工作：文字字段（name、place 等）加若干命名的数字，如 families: 16组；名称可用中文，如 接待: 55件",
    "Activity": "活动、培训、宣传或会议：日期、场次、参加人数，以及其他命名的数字",
    "Fund": "资金：筹集或发放、金额、计划目标、受助人数",
    "Honor": "荣誉：称号、级别、获评或推荐、数量",
    "Mediation": "婚姻家庭纠纷调解：接待与调和的夫妻对数",
    "Committee": "两委、执委等：总人数与其中女性人数",
    "Target": "可衡量的计划目标",
    "Region": "所在地区：省、市、区县",
    "Section": "一个部分：标题、正文段落、下一级小节",
    "Qualifier": "修饰词：余、多、近、约、超、逾（愈）、左右、上下、以上（空为准确数）",
    "MoneyDisplay": "金额的写法：元 或 万元",
    "FundDirection": "筹集 或 发放",
    "HonorStatus": "获评 或 推荐",
}


def _ecma(pattern: re.Pattern) -> str:
    """A pattern of `quantities` as JSON Schema (ECMA-262) writes it; full-width digits allowed,
    as the loader reads them."""
    text = pattern.pattern
    text = re.sub(r"\(\?P<\w+>", "(", text)
    return text.replace(r"\d", "[0-9０-９]").replace(r"\.", "[.．]")


def _written_forms() -> dict[str, list[dict[str, Any]]]:
    """How a person writes each figure in YAML, besides the mapping form."""
    return {
        "Count": [{"type": "string", "pattern": _ecma(quantities._COUNT_RE), "examples": ["64名", "700余名", "近3000人"]}],
        "Money": [{"type": "string", "pattern": _ecma(quantities._MONEY_RE), "examples": ["73600元", "34.5万余元"]}],
        "Share": [{"type": "string", "pattern": _ecma(quantities._SHARE_RE), "examples": ["25.7%"]}],
        "ReportDate": [
            {"type": "string", "pattern": _ecma(quantities._ISO_DATE), "examples": ["2021-03-05", "2021-06"]},
            {"type": "string", "pattern": _ecma(quantities._CN_DATE), "examples": ["2021年3月下旬", "2025年"]},
            {"type": "integer", "minimum": 1949, "maximum": 2100},
        ],
        "Range": [{"type": "string", "pattern": _ecma(quantities._RANGE_RE), "examples": ["0—3岁"]}],
    }


def _drop_titles(node: Any) -> Any:
    """pydantic's titles are the English field names again; the editor should show the Chinese description."""
    if isinstance(node, dict):
        return {k: _drop_titles(v) for k, v in node.items() if not (k == "title" and isinstance(v, str))}
    if isinstance(node, list):
        return [_drop_titles(v) for v in node]
    return node


def subject_schema(subject: str) -> dict[str, Any]:
    """The JSON Schema of one data file, e.g. `cases`."""
    schema = _drop_titles(SUBJECT_MODELS[subject].model_json_schema())
    written = _written_forms()
    for name, definition in schema.get("$defs", {}).items():
        definition.pop("description", None)  # the models' docstrings, written for programmers
        if name in written:
            schema["$defs"][name] = {"anyOf": [*written[name], definition]}
        schema["$defs"][name]["description"] = _DEFINITION_DESCRIPTIONS.get(name, "")
        if not schema["$defs"][name]["description"]:
            del schema["$defs"][name]["description"]
    schema.pop("description", None)
    return {
        "$schema": SCHEMA_DIALECT,
        "title": f"{subject}.yaml",
        "description": SUBJECT_DESCRIPTIONS[subject],
        **schema,
    }


def schema_files() -> dict[str, bytes]:
    """File name → content, for every data file kind."""
    return {
        f"{subject}.schema.json": (json.dumps(subject_schema(subject), ensure_ascii=False, indent=2) + "\n").encode("utf-8")
        for subject in SUBJECT_MODELS
    }


def schema_comment(data_file: Path, schema_folder: Path) -> str:
    """The first line of a data file that points an editor at its schema (a path relative to the file)."""
    target = Path(schema_folder).resolve() / f"{Path(data_file).stem}.schema.json"
    relative = Path(os.path.relpath(target, Path(data_file).resolve().parent)).as_posix()
    return f"# yaml-language-server: $schema={relative}"
