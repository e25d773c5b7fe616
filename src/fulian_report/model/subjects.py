"""The data of one organisation's year, one model per YAML file.

Each file of `data/<year>/<org>/` is one subject: the organisation itself, the
narrative of the 总结, the 计划, and the year's figures by subject (cases,
funds, activities, honors, organisation building, employment).  A subject
file maps names to records; a record has the fields its kind always has
(typed, validated) and may add further named figures, each typed by how it
is written (see `quantities.parse_figure`).
"""

from __future__ import annotations

import re
from decimal import Decimal
from enum import Enum
from typing import Annotated, Any, ClassVar, Union

from pydantic import BaseModel, BeforeValidator, ConfigDict, Discriminator, Field, Tag, ValidationInfo, model_validator

from ..errors import suggest
from .period import PeriodSetting
from .quantities import MEASURE_WORD_PATTERN, VOCABULARY, Count, Money, Period, Range, ReportDate, Share, parse_named_figure

NamedFigure = Annotated[Union[Count, Money, Share, ReportDate, Period, Range], BeforeValidator(parse_named_figure)]
# A name the data chooses for a record or a figure, as prose writes it after a dot
# (`{{ cases.婚调委.接待 }}`): Chinese or ASCII letters, digits and _, not starting with a digit.
NAME_CHARACTERS = r"A-Za-z_\u3400-\u4dbf\u4e00-\u9fff"
NAME_PATTERN = rf"^[{NAME_CHARACTERS}][0-9{NAME_CHARACTERS}]*$"
_NAME_RE = re.compile(NAME_PATTERN)


# The schema gives editors the same rule, so a name prose cannot write is underlined as it is typed.
_CHOSEN_NAMES = {"propertyNames": {"pattern": NAME_PATTERN}}


def check_names(names: Any) -> None:
    """Every chosen name is one prose can write: the first that is not is pointed at."""
    for name in names:
        if not _NAME_RE.match(name):
            raise FieldProblem(name, _bad_name_message(name))


def _bad_name_message(name: str) -> str:
    if name[:1].isdigit():
        reason = "不能以数字开头"
    else:
        odd = next((char for char in name if not _NAME_RE.match("a" + char)), name[:1])
        reason = f"含有“{odd}”；名称只能由汉字、英文字母、数字和 _ 组成"
    return (
        f"名称“{name}”{reason}，正文无法写成 {{{{ 文件名.{name} }}}}；请换一个名称，如“热线”或 hotline，"
        "含数字的名称（12345热线）写在这一项的 name 字段里。"
    )


# A piece of prose: Chinese text in which figures are written as {{ name }}.
Prose = Annotated[str, Field(min_length=1)]


# Full-width marks a Chinese input method types where YAML wants ASCII ones: a value that
# should have been a mapping or a list and stayed text because of one.
FULLWIDTH_STRUCTURE = {"：": "冒号", "［": "方括号", "｛": "花括号"}
_FULLWIDTH_CLOSING = {"［": "］", "｛": "｝"}


def fullwidth_structure(text: Any) -> str | None:
    """The first full-width mark in `text` that YAML would have read as structure, if any."""
    return next((mark for mark in FULLWIDTH_STRUCTURE if mark in text), None) if isinstance(text, str) else None


def fullwidth_hint(mark: str) -> str:
    return (f"其中的“{mark}”是全角{FULLWIDTH_STRUCTURE[mark]}，YAML 不认；"
            "请改用半角的冒号加空格“: ”、括号 [ ] 或 { }（切换输入法的全角/半角）。")


# The validation context's word that no value of the file holds ［ or ｛ (SourceFile.may_hold_fullwidth_brackets):
# then no text field can be written in them, and the fields of its thousands of records are not looked at.
NO_FULLWIDTH_BRACKETS = "no_fullwidth_brackets"


def _no_text_in_fullwidth_brackets(model: BaseModel, info: ValidationInfo) -> None:
    """A text field written wholly in ［…］ or ｛…｝ is a list or mapping typed with full-width brackets,
    which YAML keeps as text: it would be printed with its brackets."""
    if info.context is not None and info.context.get(NO_FULLWIDTH_BRACKETS):
        return
    for name, value in model.__dict__.items():  # the fields' values (pydantic keeps extra ones apart)
        if value and isinstance(value, str) and len(value) > 1 and _FULLWIDTH_CLOSING.get(value[0]) == value[-1]:
            raise FieldProblem(name, (
                f"“{value}”整个写在全角{FULLWIDTH_STRUCTURE[value[0]]}“{value[0]}{value[-1]}”里：YAML 不认全角括号，这只是一段文字，会连括号一起印进报告；"
                f"{name} 要写文字：请去掉括号，几项之间用顿号隔开（如 何蓉蓉、罗步芳）。"))


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_default=False, frozen=True)

    @model_validator(mode="after")
    def _text_not_in_fullwidth_brackets(self, info: ValidationInfo) -> "_Model":
        _no_text_in_fullwidth_brackets(self, info)
        return self


class FieldProblem(ValueError):
    """A rule of a whole record broken at one field: the finding points at that field's line."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


class Record(BaseModel):
    """Something the report tells of, with its names and figures.

    Besides the text fields below, a record may hold any number of named
    figures (`families: 16组`), which prose reaches as `{{ record.families }}`.
    """

    model_config = ConfigDict(extra="allow", frozen=True, json_schema_extra=_CHOSEN_NAMES)
    __pydantic_extra__: dict[str, NamedFigure] = Field(init=False)

    name: str | None = Field(default=None, description="名称，原样写入报告（可含数字，如“温暖2021”）")
    organiser: str | None = Field(default=None, description="主办或牵头单位")
    partner: str | None = Field(default=None, description="协办、联合单位")
    place: str | None = Field(default=None, description="地点")
    occasion: str | None = Field(default=None, description="节日或纪念日，如“5.15国际家庭日”")
    document: str | None = Field(default=None, description="文件名称，不含书名号")
    document_number: str | None = Field(default=None, description="发文字号，如 长芙检联〔2020〕03号")
    date: ReportDate | None = Field(default=None, description="日期")
    period: Period | None = Field(default=None, description="起止日期")
    sums: dict[str, list[str]] | None = Field(
        default=None,
        description="核对合计：{合计的名称: [各项的名称, …]}，如 {sessions: [spring_sessions, autumn_sessions]}；合计须等于各项之和",
    )
    shares: dict[str, list[str]] | None = Field(
        default=None,
        description="核对比例：{比例的名称: [部分的名称, 总数的名称]}，如 {women_share: [women, members]}；比例须与人数相符",
    )

    @model_validator(mode="after")
    def _names_prose_can_write(self) -> "Record":
        check_names(self.model_extra or {})
        return self

    @model_validator(mode="after")
    def _text_not_in_fullwidth_brackets(self, info: ValidationInfo) -> "Record":
        _no_text_in_fullwidth_brackets(self, info)
        return self

    @model_validator(mode="after")
    def _stated_totals_and_shares_agree(self) -> "Record":
        if not (self.sums or self.shares):
            return self
        problems = [(total, _sum_problem(self, total, items)) for total, items in (self.sums or {}).items()]
        problems += [(share, _share_problem(self, share, names)) for share, names in (self.shares or {}).items()]
        problems = [(name, problem) for name, problem in problems if problem]
        if problems:
            field = problems[0][0] if problems[0][0] in (self.model_extra or {}) or problems[0][0] in type(self).model_fields else "sums"
            raise FieldProblem(field, "；".join(problem for _, problem in problems))
        return self


def _figure(record: Record, name: str) -> Any:
    """A figure of the record by name: a named figure first (a property may share its name)."""
    extra = record.model_extra or {}
    return extra[name] if name in extra else getattr(record, name, None)


def _named(record: Record, name: str, kinds: tuple[type, ...], role: str) -> Any:
    value = _figure(record, name)
    if value is None:
        raise _Unchecked(f"{role}“{name}”在这一项中没有写")
    if not isinstance(value, kinds):
        raise _Unchecked(f"{role}“{name}”（{value}）不是计数或金额")
    return value


class _Unchecked(Exception):
    """A sums/shares line that names something the record does not hold."""


def _magnitude(figure: Count | Money) -> Decimal:
    return Decimal(figure.value) if isinstance(figure, Count) else figure.yuan


def _sum_problem(record: Record, total_name: str, item_names: list[str]) -> str:
    try:
        total = _named(record, total_name, (Count, Money), "合计")
        items = [_named(record, name, (Count, Money), "分项") for name in item_names]
    except _Unchecked as problem:
        return f"sums 中{problem}"
    if not items:
        return f"sums 中合计“{total_name}”没有列出分项"
    if any(type(item) is not type(total) or getattr(item, "unit", None) != getattr(total, "unit", None) for item in items):
        return f"合计“{total_name}”与分项的量词或单位不同，无法相加"
    added = sum((_magnitude(item) for item in items), Decimal(0))
    if added != _magnitude(total):
        written = " + ".join(f"{name} {item}" for name, item in zip(item_names, items))
        return f"合计 {total_name} {total} 不等于各项之和 {total.with_value(int(added) if isinstance(total, Count) else added)}（{written}）"
    return ""


def _share_problem(record: Record, share_name: str, names: list[str]) -> str:
    if len(names) != 2:
        return f"shares 中“{share_name}”应写成 [部分的名称, 总数的名称]"
    try:
        share = _figure(record, share_name)
        if not isinstance(share, Share):
            raise _Unchecked(f"比例“{share_name}”在这一项中没有写，或不是比例")
        part, whole = (_named(record, name, (Count, Money), role) for name, role in zip(names, ("部分", "总数")))
    except _Unchecked as problem:
        return f"shares 中{problem}"
    if share.percent > 100:
        return f"比例 {share_name} {share} 超过 100%：shares 中的比例是部分占总数的比例，不能超过 100%；增长率、完成率不要写在 shares 里"
    if not _magnitude(whole):
        return f"比例“{share_name}”的总数 {whole} 为 0"
    exact = _magnitude(part) * 100 / _magnitude(whole)
    exponent = share.percent.as_tuple().exponent
    half_unit = Decimal(1).scaleb(min(int(exponent), 0)) / 2
    if abs(share.percent - exact) > half_unit:
        places = max(-int(exponent), 0)
        computed = Share.of(_magnitude(part), _magnitude(whole), places=places, sign=share.sign)
        return f"比例 {share_name} {share} 与 {part} / {whole} = {computed} 不符"
    return ""


class Activity(Record):
    """An activity, campaign, training or meeting."""

    sessions: Count | None = Field(default=None, description="场次，如 52场次、60余场次")
    participants: Count | None = Field(default=None, description="参加人数或人次，如 3154人、700余名")


class FundDirection(str, Enum):
    RAISED = "筹集"
    PAID = "发放"


class Fund(Record):
    """Money raised or paid out, with whom it reached."""

    direction: FundDirection = Field(description="筹集（募捐、争取）或 发放（慰问、救助）")
    amount: Money = Field(description="金额，如 73600元、27万元、34.5万余元")
    target: Money | None = Field(default=None, description="计划目标金额")
    recipients: Count | None = Field(default=None, description="受助人数，如 64名")


class HonorLevel(str):
    """An administrative level as the report writes it (自治区, 镇, 社区, 省级), with its rank.

    The words are data (vocabulary.yaml): 全国; 省/自治区/直辖市; 市/州/盟/地区; 县/区/旗/
    县级市; 乡/镇/街道; 村/社区; each also written with 级 (省级).  The text prints as
    written; `rank` (1 = national) lets honours of 自治区 and 省 count as one level."""

    __slots__ = ()

    @property
    def value(self) -> str:
        return str(self)

    @property
    def rank(self) -> int:
        return HONOR_LEVEL_RANKS[_level_stem(self)]

    @classmethod
    def parse(cls, value: Any) -> "HonorLevel":
        if not isinstance(value, str) or isinstance(value, bool):
            raise ValueError(f"级别应是文字，如 {HONOR_LEVELS_AS_WRITTEN[0]}")
        written = value.strip()
        if _level_stem(written) not in HONOR_LEVEL_RANKS:
            raise ValueError(
                f"不认识的级别“{written}”：级别应是行政级别之一：{'；'.join(HONOR_LEVELS_AS_WRITTEN)}"
                "（也可写成“省级”“县级”等）；不是这些级别的，请写进称号 title 或颁发单位 organiser，不写 level"
            )
        return cls(written)

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
        from pydantic_core import core_schema

        return core_schema.no_info_before_validator_function(
            cls.parse, core_schema.any_schema(), serialization=core_schema.plain_serializer_function_ser_schema(str)
        )

    @classmethod
    def __get_pydantic_json_schema__(cls, schema: Any, handler: Any) -> dict[str, Any]:
        words = [word for group in VOCABULARY["honor_levels"] for word in group]
        return {"type": "string", "enum": [*words, *(f"{word}级" for word in words)]}


def _level_stem(written: str) -> str:
    return written[:-1] if written.endswith("级") and written[:-1] in HONOR_LEVEL_RANKS else written


# Each word of a level → its rank, 1 being national.
HONOR_LEVEL_RANKS: dict[str, int] = {
    word: rank for rank, group in enumerate(VOCABULARY["honor_levels"], 1) for word in group
}
HONOR_LEVELS_AS_WRITTEN = tuple("/".join(group) for group in VOCABULARY["honor_levels"])


class HonorStatus(str, Enum):
    AWARDED = "获评"
    RECOMMENDED = "推荐"


class Honor(Record):
    """An honour won (or put forward) by people, families or collectives of the district."""

    title: str = Field(description="荣誉称号，不含引号，如 三八红旗手")
    level: HonorLevel | None = Field(
        default=None,
        description="级别（可不写）：全国；省/自治区/直辖市；市/州/盟/地区；县/区/旗/县级市；乡/镇/街道；村/社区；也可写成 省级、县级",
    )
    status: HonorStatus = Field(default=HonorStatus.AWARDED, description="获评 或 推荐")
    holders: str | None = Field(default=None, description="获得者，如 何蓉蓉、罗步芳")
    count: Count | None = Field(default=None, description="获得数量，如 8人、12户、1个")
    year: int | None = Field(default=None, ge=1949, le=2100, description="荣誉所属年度（与报告年度不同时填写）")


class _PartOfWhole(Record):
    """A record of a count and a count that is part of it (调和 of 接待, 女性 of 总人数), which may
    not exceed it: said at the part, `too_many_message` formatted with the two figures as written.
    (Class settings, not fields; their names stay clear of the figures a record may name.)"""

    part_field: ClassVar[str]
    whole_field: ClassVar[str]
    too_many_message: ClassVar[str]

    @model_validator(mode="after")
    def _part_within_whole(self) -> "_PartOfWhole":
        part, whole = getattr(self, self.part_field), getattr(self, self.whole_field)
        if part and part.value > whole.value:
            raise FieldProblem(self.part_field, self.too_many_message.format(part=part, whole=whole))
        return self


class Mediation(_PartOfWhole):
    """婚姻家庭纠纷调解：couples received and reconciled."""

    couples_received: Count = Field(description="接待（准离婚）夫妻对数")
    couples_reconciled: Count | None = Field(default=None, description="调和对数")
    part_field, whole_field, too_many_message = "couples_reconciled", "couples_received", "调和 {part} 多于接待 {whole}：调和的只能是接待的一部分"


class Committee(_PartOfWhole):
    """A body with members, some of them women (两委, 执委)."""

    members: Count = Field(description="总人数")
    women: Count | None = Field(default=None, description="其中女性人数")
    part_field, whole_field, too_many_message = "women", "members", "女性 {part} 多于总人数 {whole}"

    @property
    def women_share(self) -> Share | None:
        return Share.of(self.women.value, self.members.value) if self.women and self.members.value else None


class Target(Record):
    """A measurable aim of the plan: 禁毒宣传活动200场左右, 至少1所妇女儿童活动中心."""

    description: str | None = Field(default=None, description="目标说明")
    target: NamedFigure = Field(description="目标数，如 200场左右、100%")
    due: ReportDate | None = Field(default=None, description="完成期限，如 2025年")
    measure: str | None = Field(
        default=None,
        description="下一年度用哪个数字衡量完成情况，如 activities.anti_drug_campaign.sessions",
        pattern=rf"^[{NAME_CHARACTERS}][0-9{NAME_CHARACTERS}]*(\.[{NAME_CHARACTERS}][0-9{NAME_CHARACTERS}]*)+$",
    )

    def __str__(self) -> str:
        return str(self.target)


def _namespace(record_type: type[Record]) -> type[BaseModel]:
    """A subject file: names → records of one kind, reached as attributes."""

    class Namespace(BaseModel):
        model_config = ConfigDict(extra="allow", frozen=True, json_schema_extra=_CHOSEN_NAMES)
        __pydantic_extra__: dict[str, record_type] = Field(init=False)  # type: ignore[valid-type]

        def items(self):
            return (self.model_extra or {}).items()

        @model_validator(mode="after")
        def _names_prose_can_write(self) -> "Namespace":
            check_names(self.model_extra or {})
            return self

    Namespace.__name__ = Namespace.__qualname__ = f"{record_type.__name__}s"
    return Namespace


Activities = _namespace(Activity)
Funds = _namespace(Fund)
Honors = _namespace(Honor)
Employment = _namespace(Activity)


class Cases(BaseModel):
    """维权: complaints received, referrals, mediation, police reports."""

    model_config = ConfigDict(extra="allow", frozen=True, json_schema_extra=_CHOSEN_NAMES)
    __pydantic_extra__: dict[str, Record] = Field(init=False)
    mediation: Mediation | None = Field(default=None, description="婚姻家庭纠纷调解")

    @model_validator(mode="after")
    def _names_prose_can_write(self) -> "Cases":
        check_names(self.model_extra or {})
        return self


class OrganisationBuilding(BaseModel):
    """组织建设: 换届, committees and their women, new organisations."""

    model_config = ConfigDict(extra="allow", frozen=True, json_schema_extra=_CHOSEN_NAMES)
    __pydantic_extra__: dict[str, Record] = Field(init=False)
    committees: dict[str, Committee] = Field(default_factory=dict, description="两委、执委等：总人数与女性人数")

    @model_validator(mode="after")
    def _names_prose_can_write(self) -> "OrganisationBuilding":
        check_names([*(self.model_extra or {}), *self.committees])
        return self


# Suffixes of China's administrative levels, from the province down, as a place name ends.
_REGION_LEVELS = (
    ("province", "省、自治区、直辖市", ("特别行政区", "自治区", "省")),
    ("city", "市、州、盟、地区", ("地区", "市", "州", "盟")),
    ("district", "区、县、旗、县级市", ("区", "县", "旗", "市")),
    ("township", "乡、镇、街道", ("街道", "乡", "镇")),
    ("community", "村、社区", ("社区", "村")),
)

# English words for a level that are not region's field names, and the field each belongs
# under: spelling alone would take county for community and town for township's neighbours.
_REGION_LEVEL_WORDS = {
    "state": "province", "prefecture": "city", "county": "district", "town": "township",
    "subdistrict": "township", "street": "township", "village": "community", "neighbourhood": "community",
}


def region_level_meant(name: str) -> str:
    """For a name region does not know that says a level (county): which field it goes under and why."""
    field = _REGION_LEVEL_WORDS.get(name.lower())
    words = next((words for level, words, _ in _REGION_LEVELS if level == field), None)
    return f"，是不是想写“{field}”？（{words}一级写在 {field} 下）" if words else ""


_MUNICIPALITIES = ("北京市", "天津市", "上海市", "重庆市")


def _split_place(text: str) -> list[tuple[str, str]]:
    """江西省萍乡市莲花县 → [(province, 江西省), (city, 萍乡市), (district, 莲花县)], as far as it goes."""
    parts, rest = [], text.strip()
    municipality = next((name for name in _MUNICIPALITIES if rest.startswith(name)), None)
    if municipality:  # a 直辖市 is a province and has no city
        parts.append(("province", municipality))
        rest = rest[len(municipality):]
    for field, _, suffixes in _REGION_LEVELS[2 if municipality else 0:]:
        ends = [rest.find(suffix) + len(suffix) for suffix in suffixes if rest.find(suffix) > 0]
        if not ends or not rest:
            continue
        end = min(ends)
        parts.append((field, rest[:end]))
        rest = rest[end:]
    return parts if not rest else []


class Region(_Model):
    """Where the office is, from the province down to its own level; levels it lies outside of
    (a 直辖市's district has no city) are left out."""

    province: str = Field(description="省、自治区、直辖市，如 湖南省")
    city: str | None = Field(default=None, description="市、州、盟、地区，如 长沙市")
    district: str | None = Field(default=None, description="区、县、旗、县级市，如 芙蓉区")
    township: str | None = Field(default=None, description="乡、镇、街道，如 示例镇")
    community: str | None = Field(default=None, description="村、社区，如 示例村")

    @model_validator(mode="before")
    @classmethod
    def _levels_by_name(cls, data: Any) -> Any:
        if isinstance(data, str):
            levels = "、".join(f"{field}（{words}）" for field, words, _ in _REGION_LEVELS)
            split = _split_place(data)
            example = "，".join(f"{field}: {name}" for field, name in split) if split else "province: 湖南省，city: 长沙市，district: 芙蓉区"
            raise ValueError(f"region 要分级写出，每级一行：{example}（可写的级别：{levels}）")
        return data


# The files whose figures are the period's results, with what each is about (the 附件 table's groups).
RESULT_FILES = {
    "cases": "维权",
    "funds": "资金",
    "activities": "活动",
    "honors": "荣誉",
    "organisation_building": "组织建设",
    "employment": "就业创业",
}
# Where a figure of the comparison table may come from: a result file, or the figures derived from them.
COMPARED_ROOTS = (*RESULT_FILES, "derived")
# A part of a figure's name: a chosen name, or a list position.
_FIGURE_NAME_PART_PATTERN = rf"[{NAME_CHARACTERS}][0-9{NAME_CHARACTERS}]*|[0-9]+"
_FIGURE_NAME_PART = re.compile(_FIGURE_NAME_PART_PATTERN)
# The same rule for editors, in the schema: cases.mediation.couples_received.
_FIGURE_NAME_PATTERN = rf"^({'|'.join(COMPARED_ROOTS)})(\.({_FIGURE_NAME_PART_PATTERN}))+$"


def _figure_name(name: Any) -> Any:
    """One figure the comparison table lists, named as prose names it (cases.mediation.couples_received)."""
    if not isinstance(name, str):
        return name  # pydantic's own message: a text is expected
    root, _, rest = name.strip().partition(".")
    if root not in COMPARED_ROOTS:
        raise ValueError(
            f"“{name}”不是可比较的数字：名称以数据文件名或 derived 开头，如 cases.mediation.couples_received"
            + suggest(root, list(COMPARED_ROOTS))
        )
    parts = rest.split(".")
    if not rest or not all(_FIGURE_NAME_PART.fullmatch(part) for part in parts):
        raise ValueError(f"“{name}”的写法不对：写成用点连接的名称，如 {root}.名称.名称（和正文里 {{{{ }}}} 中的写法相同）")
    return name.strip()


def _comparison_table(value: Any) -> Any:
    """true/false, or the figures to list, each once."""
    if isinstance(value, list):
        if not value:
            raise ValueError("comparison_table 列出的数字为空：写 true 列出两期都有的全部数字，或列出要比较的数字，或删去这一行")
        seen: set = set()
        for index, name in enumerate(value):
            if isinstance(name, str) and name.strip() in seen:
                raise FieldProblem(index, f"“{name}”已经列过一次，对比表中每个数字只列一行")
            seen.add(name.strip() if isinstance(name, str) else name)
    elif not isinstance(value, bool):
        raise ValueError(
            f"comparison_table 应写 true、false，或列出要比较的数字（每行“- cases.mediation.couples_received”），不是“{value}”"
        )
    return value


FigureName = Annotated[str, BeforeValidator(_figure_name), Field(json_schema_extra={"pattern": _FIGURE_NAME_PATTERN})]
# A list is checked as a list only (no "not a boolean" beside each name's problem); the tags are
# named as pydantic names union members, so that the findings' locations leave them out.
ComparisonTableSetting = Annotated[
    Union[Annotated[bool, Tag("union[bool]")], Annotated[list[FigureName], Tag("union[list]")]],
    Discriminator(lambda value: "union[list]" if isinstance(value, list) else "union[bool]"),
    BeforeValidator(_comparison_table),
]


class Organisation(_Model):
    """organisation.yaml: who writes the report, for which period, how it is signed and styled."""

    name: str = Field(description="简称，用于标题和落款，如 芙蓉区妇联")
    full_name: str = Field(description="全称，如 长沙市芙蓉区妇女联合会")
    region: Region
    signature: str | None = Field(default=None, description="落款（发文机关署名），默认同简称")
    report_date: ReportDate | None = Field(default=None, description="成文日期，如 2022-02-07；不写则报告没有日期行")
    style: str = Field(description="默认样式，即 templates/ 下的文件夹名，如 furong")
    period: PeriodSetting = Field(
        default=None, description="报告期间：不写为全年；可写 上半年、下半年、第一季度……第四季度，或 {start: 2017-01-01, end: 2021-12-31}"
    )
    measure_words: list[Annotated[str, Field(pattern=MEASURE_WORD_PATTERN)]] = Field(
        default_factory=list,
        description="本单位数据要用、内置量词表里没有的量词，如 [羽, 尾]；写在这里，这个单位的各个数据文件就能用它",
    )
    comparison_table: ComparisonTableSetting = Field(
        default=False,
        description="报告后附“主要数据对比”表（附件），本期与上一期间的同一数字及增减，需要上一期间的数据："
        "true 列出两期都有的全部计数、金额、比例；或按顺序列出要比较的数字，如 [cases.mediation.couples_received, derived.funds_raised]",
    )

    @model_validator(mode="after")
    def _full_date(self) -> "Organisation":
        if self.report_date is not None and self.report_date.day is None:
            raise FieldProblem("report_date", "成文日期 report_date 要写到日，如 2022-02-07")
        return self

    @property
    def signed_by(self) -> str:
        return self.signature or self.name


class Section(_Model):
    """A part of the report: a title, paragraphs of prose, and sub-parts."""

    title: Prose | None = Field(default=None, description="标题（不含序号和句末标点）")
    paragraphs: list[Prose] = Field(default_factory=list, description="正文段落，数字写成 {{ 名称 }}")
    sections: list["Section"] = Field(default_factory=list, description="下一级小节")

    @model_validator(mode="after")
    def _not_empty(self) -> "Section":
        if not (self.title or self.paragraphs or self.sections):
            raise ValueError("小节至少要有标题、段落或下一级小节之一")
        return self


class Narrative(_Model):
    """narrative.yaml: the 总结, as prose that names its figures."""

    opening: list[Prose] = Field(default_factory=list, description="开头段落")
    sections: list[Section] = Field(min_length=1, description="总结的各部分")


class Plan(_Model):
    """plan.yaml: next year's 计划 with its measurable targets."""

    overview: list[Prose] = Field(default_factory=list, description="总体思路段落")
    sections: list[Section] = Field(default_factory=list, description="计划的各部分")
    targets: dict[str, Target] = Field(default_factory=dict, description="可衡量的目标")


# File name (without .yaml) → model, in the order a person reads them.
SUBJECT_MODELS: dict[str, type[BaseModel]] = {
    "organisation": Organisation,
    "narrative": Narrative,
    "plan": Plan,
    "cases": Cases,
    "funds": Funds,
    "activities": Activities,
    "honors": Honors,
    "organisation_building": OrganisationBuilding,
    "employment": Employment,
}
REQUIRED_SUBJECTS = ("organisation", "narrative")
# A subject model → the kind of record it holds under names the person chooses.
RECORDS_BY_NAME: dict[type[BaseModel], type[Record]] = {
    Activities: Activity,
    Funds: Fund,
    Honors: Honor,
    Employment: Activity,
    Cases: Record,
    OrganisationBuilding: Record,
}


def empty_subject(name: str) -> Any:
    return SUBJECT_MODELS[name].model_validate({})
