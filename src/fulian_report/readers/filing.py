"""Name and file recognised figures: which subject, which record, which field.

The second job after `figures.recognise`: each sentence that holds figures
or names becomes a record of the subject its words point to (cases, funds,
activities, honors, organisation_building, employment; else activities; a
target in the plan), named from its words, with each figure under a name
taken from the words next to it.  Chinese names are used as they are: staff
read them (`{{ activities.科学家教进万家.受惠家长 }}`).  Names never hold
digits, so the prose that uses them holds none either.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..model import quantities as q
from ..model.subjects import Activity, Fund, Honor, Record, Target
from .figures import YEAR, Found, TextUnit, figure_text

# Subjects by the words of a sentence, most specific first.
SUBJECT_WORDS = (
    ("honors", ("获评", "荣获", "评为", "称号", "表彰", "授予", "先进", "荣誉")),
    ("funds", ("资金", "捐款", "救助金", "慰问金", "善款", "筹集", "募集", "发放", "资助", "助学金", "金额")),
    ("cases", ("案件", "信访", "来访", "来电", "调解", "纠纷", "维权", "家暴", "警情", "告诫书", "投诉")),
    ("employment", ("就业", "招聘", "岗位", "创业", "技能培训", "培训班", "家政", "务工")),
    ("organisation_building", ("换届", "执委", "两委", "基层组织", "妇女之家", "会员", "组织建设", "妇联主席", "妇联组织")),
)
_HONOR_LEVELS = (
    ("全国", "全国"), ("全省", "省"), ("省级", "省"), ("省", "省"), ("全市", "市"), ("市级", "市"), ("市", "市"),
    ("全区", "区"), ("区级", "区"), ("区", "区"), ("县", "县"), ("街道", "街道"),
)
_RAISED = ("筹集", "募集", "捐款", "募捐", "争取", "捐赠", "众筹")
# Words that open a clause without naming anything.
_LEADING = re.compile(
    r"^([一二三四五六七八九十]+是|首先|其次|最后|今年以来|今年|同时|此外|另外|其中|全年|全区|全县|全镇|全乡|共计|累计|合计|总计|共|先后|积极|通过|组织|开展|举办|"
    r"召开|实施|完成|联合|会同|协助|围绕|结合|按照|依托|力争|争取|推动|为|向|对|在|由|于|到|和|与|及|了|是|有|达|约|计|并|还|又|已|将|等)+"
)
_TRAILING = re.compile(r"(等|的|了|和|与|及|共|达|为|有|约|计|合计|累计|共计|总计|参加|参与|其中)+$")
_FALLBACK_FIELD = {
    q.Count: "数量", q.Money: "金额", q.Share: "比例", q.ReportDate: "日期", q.Period: "期间", q.Range: "范围",
}
_RESERVED = set(Record.model_fields) | set(Activity.model_fields) | set(Fund.model_fields) | set(Honor.model_fields) | set(
    Target.model_fields
) | {"mediation", "committees", "items", "targets"}
_ORDINALS = "二三四五六七八九十"


@dataclass
class FiledRecord:
    subject: str
    key: str
    comment: str
    fields: dict[str, Any] = field(default_factory=dict)

    @property
    def reference(self) -> str:
        return f"plan.targets.{self.key}" if self.subject == "plan" else f"{self.subject}.{self.key}"


@dataclass
class Filing:
    """The records made, and for each recognised stretch the expression that writes it back."""

    records: list[FiledRecord] = field(default_factory=list)
    expressions: dict[tuple[Any, int], str] = field(default_factory=dict)  # (text id, start) → {{ … }}
    typed_names: set[tuple[Any, int]] = field(default_factory=set)  # names filed as typed values (an honour's year)

    def of(self, subject: str) -> list[FiledRecord]:
        return [record for record in self.records if record.subject == subject]


def identifier(words: str, limit: int = 10) -> str:
    """A name that prose can use: Chinese characters and ASCII letters only, no digits."""
    kept = "".join(ch for ch in words if "\u4e00" <= ch <= "\u9fff" or ch.isascii() and (ch.isalpha() or ch == "_"))
    kept = kept.lstrip("_")
    return kept[:limit]


def file_figures(units: list[TextUnit], next_year: str = "next_year") -> Filing:
    """Each sentence's figures filed as records; the report's year and the next are named by
    `year` and `next_year`, the template expression for the calendar year after the report's."""
    filing = Filing()
    keys: dict[str, set[str]] = {}
    for unit in units:
        for sentence_start, sentence in _sentences(unit.text):
            found = [f for f in unit.found if sentence_start <= f.start < sentence_start + len(sentence)]
            for item in found:
                if item.year_name:
                    filing.expressions[(unit.id, item.start)] = "{{ " + ("year" if item.year_name == YEAR else next_year) + " }}"
            found = [f for f in found if not f.year_name]
            if found:
                _file_sentence(filing, keys, unit, sentence, sentence_start, found)
    return filing


def _sentences(text: str) -> list[tuple[int, str]]:
    result, start = [], 0
    for m in re.finditer(r"[。！？；]", text):
        result.append((start, text[start:m.end()]))
        start = m.end()
    if start < len(text):
        result.append((start, text[start:]))
    return result


def _subject(sentence: str, found: list[Found], in_plan: bool) -> str:
    if in_plan:
        return "plan"
    figures = [f.figure for f in found if f.is_figure]
    for subject, words in SUBJECT_WORDS:
        if not any(word in sentence for word in words):
            continue
        if subject == "honors" and not _honor_level(sentence):
            continue
        if subject == "funds" and not any(isinstance(f, q.Money) for f in figures):
            continue
        return subject
    return "activities"


def _honor_level(sentence: str) -> str | None:
    for word, level in _HONOR_LEVELS:
        if word in sentence:
            return level
    return None


def _record_key(sentence: str, found: list[Found], taken: set[str], offset: int = 0) -> str:
    quoted = [m.group(1) for m in re.finditer(r"[“「『]([^“”「」『』]{2,20})[”」』]", sentence) if not re.search(r"\d", m.group(1))]
    base = identifier(quoted[0], 12) if quoted else ""
    if not base:
        words = sentence
        for item in sorted(found, key=lambda f: -f.start):
            words = words[: item.start - offset] + "，" + words[item.end - offset:]
        clauses = [c for c in re.split(r"[，,。；！？、：（）()“”《》\s]+", words) if identifier(_LEADING.sub("", c))]
        base = identifier(_LEADING.sub("", clauses[0]) if clauses else "", 8) or "事项"
    if base in _RESERVED:
        base += "事项"
    key, n = base, 0
    while key in taken:
        key = f"{base}之{_ORDINALS[n] if n < len(_ORDINALS) else '又' * (n - 8)}"
        n += 1
    taken.add(key)
    return key


def _field_name(sentence: str, item: Found, offset: int) -> str:
    start, end = item.start - offset, item.end - offset
    quoted_before = re.search(r"[“「]([^“”「」]{2,12})[”」]$", sentence[:start])
    if quoted_before and identifier(quoted_before.group(1)):
        return identifier(quoted_before.group(1), 12)
    after = re.match(r"(?:[“「][^“”「」]{0,20}[”」])?([\u4e00-\u9fff]{1,8})", sentence[end:])
    before_text = re.split(r"[，,。；！？、：（）()“”《》\s\d}]", sentence[:start])[-1]
    before = _TRAILING.sub("", _LEADING.sub("", before_text))[-8:]
    after_words = ""
    if after:
        after_words = re.split(r"(参加|参与|提供|获得|开展|进行|作|的|和|与|及|等|中|送|实现|掌握|赠送)", after.group(1))[0]
    figure = item.figure
    if isinstance(figure, q.Count) and len(after_words) >= 2:
        name = after_words
    elif len(identifier(before)) >= 2:
        name = before
    elif len(after_words) >= 2:
        name = after_words
    else:
        name = _fallback(figure)
    return identifier(name, 8) or _fallback(figure)


_UNIT_FIELDS = (
    (("场", "场次", "次", "期", "轮", "批", "节", "课时"), "场次"),
    (("人", "名", "人次", "位"), "人数"),
    (("户", "户次", "家庭"), "户数"),
    (("件", "起"), "件数"),
)


def _fallback(figure) -> str:
    if isinstance(figure, q.Count):
        return next((name for units, name in _UNIT_FIELDS if figure.unit in units), "数量")
    return _FALLBACK_FIELD.get(type(figure), "数量")


def _unique(name: str, used: dict[str, Any]) -> str:
    if name in _RESERVED and name not in ("date", "period", "name", "document", "document_number", "occasion", "place", "amount", "count", "target"):
        name += "数"
    candidate, n = name, 0
    while candidate in used:
        candidate = f"{name}之{_ORDINALS[n] if n < len(_ORDINALS) else '又' * (n - 8)}"
        n += 1
    return candidate


def _file_honors(filing: Filing, keys: dict[str, set[str]], unit: TextUnit, sentence: str, offset: int, found: list[Found]) -> list[Found]:
    """荣获全省“最美家庭”3户、“书香家庭”1户，全市…: one honour per title and count, its level carried on."""
    taken = keys.setdefault("honors", set())
    level = None
    boundary = 0
    rest = []
    for item in found:
        if not isinstance(item.figure, q.Count) or item.display:
            rest.append(item)
            continue
        clause = sentence[boundary: item.start - offset]
        boundary = item.end - offset
        level = _honor_level(clause) or level or _honor_level(sentence)
        titles = re.findall(r"[“「]([^“”「」]{2,30})[”」]", clause)
        if not titles or level is None:
            rest.append(item)
            continue
        record = FiledRecord("honors", _record_key(f"“{titles[-1]}”", [], taken), sentence.strip())
        record.fields.update(title=titles[-1], level=level, count=figure_text(item))
        filing.records.append(record)
        filing.expressions[(unit.id, item.start)] = _expression(record, "count", item)
    return rest


def _file_sentence(filing: Filing, keys: dict[str, set[str]], unit: TextUnit, sentence: str, offset: int, found: list[Found]) -> None:
    subject = _subject(sentence, found, unit.in_plan)
    if subject == "honors":
        found = _file_honors(filing, keys, unit, sentence, offset, found)
        if not found:
            return
    taken = keys.setdefault(subject, set())
    comment = sentence.strip()
    record = FiledRecord(subject, _record_key(sentence, found, taken, offset), comment)
    if subject == "funds":
        record.fields["direction"] = "筹集" if any(word in sentence for word in _RAISED) else "发放"
    if subject == "honors":
        titles = [m.group(1) for m in re.finditer(r"[“「]([^“”「」]{2,30})[”」]", sentence) if not re.search(r"\d", m.group(1))]
        record.fields["title"] = titles[0] if titles else "荣誉"
        record.fields["level"] = _honor_level(sentence)
    records = [record]
    for item in found:
        if item.is_figure:
            slot = _figure_slot(record, item, sentence, offset)
            record.fields[slot] = figure_text(item)
            target = record
        elif item.name_field == "year" and subject == "honors" and "year" not in record.fields:
            slot, target = "year", record  # the year an honour belongs to, when not the report's
            record.fields["year"] = int(item.text)
            filing.typed_names.add((unit.id, item.start))
        else:
            slot = "name" if item.name_field == "year" else item.name_field
            target = next((r for r in records if slot not in r.fields), None)
            if target is None:  # a second name of the same kind: a record of its own
                target = FiledRecord(subject if subject not in ("funds", "honors") else "activities", "", comment)
                taken_there = keys.setdefault(target.subject, set())
                target.key = _record_key(record.key, [], taken_there | {record.key})
                taken_there.add(target.key)
                records.append(target)
            target.fields[slot] = item.text
        filing.expressions[(unit.id, item.start)] = _expression(target, slot, item)
    for made in records:
        if subject == "plan" and made is record and "target" not in made.fields:
            _promote_target(filing, unit, made)
        filing.records.append(made)


def _figure_slot(record: FiledRecord, item: Found, sentence: str, offset: int) -> str:
    figure, fields = item.figure, record.fields
    if record.subject == "plan" and "target" not in fields:
        return "target"
    if isinstance(figure, q.Money) and record.subject == "funds" and "amount" not in fields:
        return "amount"
    if isinstance(figure, q.Count) and record.subject == "honors" and "count" not in fields:
        return "count"
    if isinstance(figure, q.ReportDate) and "date" not in fields:
        return "date"
    if isinstance(figure, q.Period) and "period" not in fields:
        return "period"
    return _unique(_field_name(sentence, item, offset), fields)


def _promote_target(filing: Filing, unit: TextUnit, record: FiledRecord) -> None:
    """A plan sentence with names only: a target needs a figure, so it is filed under activities."""
    record.subject = "activities"
    for key, expression in list(filing.expressions.items()):
        if key[0] == unit.id and f"plan.targets.{record.key}." in expression:
            filing.expressions[key] = expression.replace(f"plan.targets.{record.key}.", f"activities.{record.key}.")


def _expression(record: FiledRecord, slot: str, item: Found) -> str:
    shown = f" | {item.display}" if item.display else ""
    if isinstance(item.figure, q.Period) and item.display == "month_day":
        ref = f"{record.reference}.{slot}"
        return f"{{{{ {ref}.start | month_day }}}}至{{{{ {ref}.end | month_day }}}}"
    return f"{{{{ {record.reference}.{slot}{shown} }}}}"
