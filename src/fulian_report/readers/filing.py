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
from decimal import Decimal
from dataclasses import dataclass, field
from typing import Any

from ..model import quantities as q
from ..model.subjects import Activity, Fund, Honor, Record, Target
from .figures import YEAR, Found, TextUnit, figure_text
from .words import segment

# Subjects by the words of a sentence, most specific first.
SUBJECT_WORDS = (
    ("honors", ("获评", "荣获", "评为", "称号", "表彰", "授予", "先进", "荣誉", "文明岗", "示范岗", "红旗手", "标兵")),
    ("funds", ("资金", "捐款", "救助金", "慰问金", "善款", "筹集", "募集", "发放", "资助", "助学金", "金额")),
    ("employment", ("就业", "招聘", "岗位", "创业", "技能培训", "培训班", "家政", "务工", "劳动力", "转移", "劳务", "用工")),
    ("cases", ("案件", "信访", "来访", "来电", "调解", "纠纷", "维权", "家暴", "警情", "告诫书", "投诉")),
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
    facts: dict[tuple, str] = field(default_factory=dict)  # what a figure counts and its text → its expression
    told: dict[tuple, list[str]] = field(default_factory=dict)  # a sentence and its figures → their expressions

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
    if not figures:  # names only (a hotline, a formula): nothing counted, so no case, fund or honour
        return "activities"
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
    """The name the sentence gives: a title in quotes or 《》, else the noun phrase of its first
    figure, else its first noun phrase; told apart from a name already taken by another noun of it."""
    quoted = [m.group(1) for m in re.finditer(r"[“「『《]([^“”「」『』《》]{2,20})[”」』》]", sentence) if not re.search(r"\d", m.group(1))]
    base = whole_words(identifier(quoted[0], 40), 12) if quoted else ""
    words = _blanked(sentence, found, offset)
    if not base:
        for item in found:
            if isinstance(item.figure, (q.Count, q.Money)):
                base = _noun_before(words[: item.start - offset]) or _noun_after(words[item.end - offset:])
                if base:
                    break
    phrases = _noun_phrases(words)
    if not base:
        base = phrases[0] if phrases else ""
    if not base:  # 12338维权热线 → 维权热线, 5+5行动 → 行动
        base = next((whole_words(identifier(item.text, 40), 12) for item in found if len(identifier(item.text)) >= 2), "事项")
    if base in _RESERVED:
        base += "事项"
    return _untaken(base, taken, phrases)


def whole_words(name: str, limit: int) -> str:
    """`name` cut to at most `limit` characters at the end of a word, never inside one."""
    if len(name) <= limit:
        return name
    end = 0
    for word, _ in segment(name):
        if end + len(word) > limit:
            break
        end += len(word)
    return name[:end] or name[:limit]


def _untaken(base: str, taken: set[str], others: list[str]) -> str:
    """`base`, or `base` with another noun of its sentence, or with a suffix of no digit or ordinal."""
    candidates = [base] + [identifier(base + other, 16) for other in others if other not in base]
    key = next((c for c in candidates if c not in taken), None)
    if key is None:
        counters = taken.counters if isinstance(taken, Taken) else {}
        n = counters.get(base, 1)  # the first of the name is 甲 in all but name: the next is 乙
        while (key := base + _suffix(n)) in taken:
            n += 1
        counters[base] = n + 1  # so that the next search starts here: linear in the number of names
    taken.add(key)
    return key


class Taken(set):
    """The names taken in one subject, and where the search for a free suffix of each name got to."""

    def __init__(self) -> None:
        super().__init__()
        self.counters: dict[str, int] = {}

_SUFFIXES = "甲乙丙丁戊己庚辛壬癸"


def _suffix(n: int) -> str:
    """甲, 乙, …, 癸, 甲甲, 甲乙, …: letters of names, never digits or 之二 chains."""
    out = ""
    n += 1
    while n:
        n, r = divmod(n - 1, len(_SUFFIXES))
        out = _SUFFIXES[r] + out
    return out


def _blanked(sentence: str, found: list[Found], offset: int) -> str:
    """The sentence with each recognised stretch replaced by a comma (same length), so no name takes digits."""
    chars = list(sentence)
    for item in found:
        for i in range(max(0, item.start - offset), min(len(chars), item.end - offset)):
            chars[i] = "，"
    return "".join(chars)


# Parts of speech that make up a name: nouns of all kinds, verbal and adjectival nouns,
# abbreviations, distinguishing words, idioms, place and time nouns.
_NOUNISH = ("n", "vn", "j", "b", "an", "l", "s", "t", "nz", "nt", "ns", "nr", "ng", "i")
# Words that bound a name though they are nouns: scope and time words.
_NOT_IN_NAMES = {
    "全区", "全县", "全市", "全省", "全镇", "全乡", "全年", "今年", "全体", "全部", "累计", "共计", "合计", "总计", "其中",
    "各类", "各级", "各项", "以来", "目前", "同时", "期间", "年度", "方面", "工作", "一批", "我区", "我县", "我市", "本年",
}
# Verbs that open a clause (开展了…活动): never part of the name of what they do.
_ACTIONS = {
    "开展", "举办", "组织", "召开", "举行", "完成", "实现", "提供", "发放", "接待", "建立", "新增", "帮助", "成立", "共有",
    "评选", "推荐", "吸收", "培养", "设计", "制定", "实施", "启动", "联合", "邀请", "参加", "受理", "办理", "转办", "走访",
    "慰问", "救助", "资助", "培训", "招募", "达到", "超过", "发展", "分发", "印发", "惠及", "服务", "解决", "调处",
    "评出", "评选出", "选出", "获得", "荣获", "获评", "推选",
}


def _nounish(word: str, tag: str) -> bool:
    return tag.startswith(_NOUNISH) and word not in _NOT_IN_NAMES and len(word) >= 1 and "\u4e00" <= word[0] <= "\u9fff"


_OTHERS = ("其他", "其它", "其余")
_LINKING_TAIL = re.compile(r"(?:不少于|不低于|不超过|达到|超过|共计|累计|合计|总计|分别|共|达|约|近|为|有|计|占)+$")
_LEVEL_BEFORE = re.compile(r"(?:全国|国家级|全省|省级|全市|市级|全区|区级|全县|县级|乡级|镇级|街道级|村级|社区级)$")
# What stands before an honour's title in its clause: the award verb, the level, 的.
_AWARDED = re.compile(
    r"评选出|评出|选出|荣获|获评|获得|被评为|评为|授予|表彰|全国|国家级|全省|省级|全市|市级|全区|区级|全县|县级|乡级|镇级|街道级|的"
)


_AWARD_VERB = re.compile(r"评选出|评出|选出|荣获|获评|获得|被评为|评为|授予|表彰")


def _after_award(text: str) -> str:
    """The title after its award verb and level (评选出县级三八红旗手 → 三八红旗手)."""
    last = None
    for last in _AWARDED.finditer(text):
        pass
    return text[last.end():] if last is not None else text


_LEVEL_PARTS = re.compile(r"其中[^。；]*?(?:全国|国家级|省级|市级|区级|县级)\d")


def _inner_verb(word: str, tag: str) -> bool:
    """A verb that may stand inside a name (禁毒, 参与, 转移): two characters or more, not one that opens a clause."""
    return tag.startswith("v") and len(word) >= 2 and word not in _ACTIONS and "\u4e00" <= word[0] <= "\u9fff"


def _noun_before(text: str, limit: int = 10) -> str:
    """The noun phrase ending where `text` ends (开展禁毒宣传活动 → 禁毒宣传活动; 参与人数 → 参与人数;
    开展主题宣讲活动不少于 → 主题宣讲活动)."""
    tail = _LINKING_TAIL.sub("", re.split(r"[，,。；！？、：（）()“”‘’《》「」\s]", text)[-1])
    words = segment(tail)
    kept: list[str] = []
    if tail in _OTHERS:
        return tail  # 其中…、其他6件: the rest, by the word the report uses
    verbs = 0  # 农村劳动力转移就业3500人: the noun's own verbs end the name (two at most)
    while verbs < 2 and verbs < len(words) and _inner_verb(*words[-1 - verbs]):
        verbs += 1
    if verbs and (verbs == len(words) or not _nounish(*words[-1 - verbs])):
        verbs = 0
    kept = [word for word, _ in words[len(words) - verbs:]]
    for index in range(len(words) - verbs - 1, -1, -1):
        word, tag = words[index]
        fits = len("".join(kept)) + len(word) <= limit
        if _nounish(word, tag) and fits:
            kept.insert(0, word)
            continue
        if kept and fits and _inner_verb(word, tag):
            kept.insert(0, word)  # 禁毒宣传活动, 参与人数: a verb inside the name
            continue
        if not kept and len(word) == 1 and "\u4e00" <= word <= "\u9fff" and not tag.startswith(("u", "p", "c", "d", "r", "v", "m")):
            kept.insert(0, word)  # 妇女微家, 律所: a one-character head the dictionary does not join (alone, no name)
            continue
        if kept and fits and len(word) == len(kept[0]) == 1 and "\u4e00" <= word <= "\u9fff" and not tag.startswith(("u", "p", "c", "r")):
            kept.insert(0, word)  # 防艾: two characters the dictionary does not know, kept together
            continue
        break
    name = "".join(kept)
    return name if len(name) >= 2 else ""


def _noun_after(text: str, limit: int = 10) -> str:
    """The noun phrase `text` begins with, past a quoted title (“科学家教进万家”宣讲活动 → 宣讲活动)."""
    text = re.sub(r"^[“「『《][^”」』》]{0,30}[”」』》]", "", text)
    head = re.split(r"[，,。；！？、：（）()“”‘’《》「」\s]", text)[0]
    kept: list[str] = []
    words = segment(head)
    for index, (word, tag) in enumerate(words):
        if _nounish(word, tag) and len("".join(kept)) + len(word) <= limit:
            kept.append(word)
            continue
        following = words[index + 1] if index + 1 < len(words) else ("", "x")
        if (tag.startswith("v") and len(word) >= 2 and word not in _ACTIONS and "\u4e00" <= word[0] <= "\u9fff" and _nounish(*following)
                and len("".join(kept)) + len(word) + len(following[0]) <= limit):
            kept.append(word)  # 宣讲活动, 禁毒宣传: a verb inside the name
            continue
        if kept and len(word) == 1 and "\u4e00" <= word <= "\u9fff" and not tag.startswith(("u", "p", "c", "d", "v", "r")) and len("".join(kept)) < limit:
            kept.append(word)  # 项目点, 服务站: a one-character head the dictionary does not join
        break
    name = "".join(kept)
    return name if len(name) >= 2 else ""


def _noun_phrases(text: str) -> list[str]:
    """The sentence's noun phrases of two or more characters, in order, each of whole words."""
    phrases, current = [], ""
    for word, tag in segment(text):
        if _nounish(word, tag) and len(current) + len(word) <= 10:
            current += word
            continue
        if len(current) >= 2:
            phrases.append(current)
        current = word if _nounish(word, tag) else ""
    if len(current) >= 2:
        phrases.append(current)
    return [identifier(p, 12) for p in dict.fromkeys(phrases) if identifier(p, 12)]


def _field_name(sentence: str, item: Found, offset: int, record_key: str = "") -> str:
    """The noun the figure counts (40余名单身青年 → 单身青年; 参与人数20000余人 → 参与人数), else the
    measure's own noun (场次, 人数, 户数); never the record's own name again."""
    start, end = item.start - offset, item.end - offset
    quoted_before = re.search(r"[“「]([^“”「」]{2,12})[”」]$", sentence[:start])
    if quoted_before and identifier(quoted_before.group(1)) and not re.search(r"\d", quoted_before.group(1)):
        return whole_words(identifier(quoted_before.group(1), 40), 12)
    figure = item.figure
    level = _LEVEL_BEFORE.search(sentence[:start])
    if level is not None and _LEVEL_PARTS.search(sentence):
        return level.group(0)  # 其中全国1家、省级5家: the part of each level
    after = _noun_after(sentence[end:])
    before = _noun_before(sentence[:start])
    if isinstance(figure, q.Count) and after:
        name = after
    elif before:
        name = before
    else:
        name = after
    name = identifier(name, 12)
    if not name or name == record_key or record_key.endswith(name):
        return _fallback(figure)
    return name


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
    candidate, n = name, 1
    while candidate in used:
        candidate = name + _suffix(n)
        n += 1
    return candidate


def _file_honors(filing: Filing, keys: dict[str, set[str]], unit: TextUnit, sentence: str, offset: int, found: list[Found]) -> list[Found]:
    """荣获全省“最美家庭”3户、“书香家庭”1户，全市…: one honour per title and count, its level carried on."""
    if _LEVEL_PARTS.search(sentence):  # a total by level: one record declaring its sums
        return found
    taken = keys.setdefault("honors", Taken())
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
        own = re.split(r"[，,；：]", clause)[-1]  # titles of this clause only, not a campaign named before
        titles = re.findall(r"[“「]([^“”「」]{2,30})[”」]", own)
        if not titles and level is not None and _AWARD_VERB.search(sentence):  # 评选出县级三八红旗手10名、三八红旗集体5个
            title = _after_award(re.split(r"[、]", own)[-1])
            titles = [title] if re.fullmatch(r"[\u4e00-\u9fff]{2,15}", title) else []
        if not titles or level is None:
            rest.append(item)
            continue
        record = FiledRecord("honors", _record_key(f"“{titles[-1]}”", [], taken), sentence.strip())
        record.fields.update(title=titles[-1], level=level, count=figure_text(item))
        filing.records.append(record)
        filing.expressions[(unit.id, item.start)] = _expression(record, "count", item)
    return rest


def _file_sentence(filing: Filing, keys: dict[str, set[str]], unit: TextUnit, sentence: str, offset: int, found: list[Found]) -> None:
    told = (unit.in_plan, sentence.strip(), tuple(item.text for item in found))
    if told in filing.told:  # the same sentence again: the same values, used again
        for item, expression in zip(found, filing.told[told]):
            filing.expressions[(unit.id, item.start)] = expression
        return
    _file_new_sentence(filing, keys, unit, sentence, offset, found)
    filing.told[told] = [filing.expressions[(unit.id, item.start)] for item in found]


def _file_new_sentence(filing: Filing, keys: dict[str, set[str]], unit: TextUnit, sentence: str, offset: int, found: list[Found]) -> None:
    subject = _subject(sentence, found, unit.in_plan)
    if subject == "honors":
        found = _file_honors(filing, keys, unit, sentence, offset, found)
        if not found:
            return
    taken = keys.setdefault(subject, Taken())
    comment = sentence.strip()
    record = FiledRecord(subject, _record_key(sentence, found, taken, offset), comment)
    if subject == "funds":
        record.fields["direction"] = "筹集" if any(word in sentence for word in _RAISED) else "发放"
    if subject == "honors":
        titles = [m.group(1) for m in re.finditer(r"[“「]([^“”「」]{2,30})[”」]", sentence) if not re.search(r"\d", m.group(1))]
        record.fields["title"] = titles[0] if titles else record.key
        if not _LEVEL_PARTS.search(sentence):  # parts by level (其中全国1家、省级5家): each part's field names its level
            record.fields["level"] = _honor_level(sentence)
    records = [record]
    slots: dict[int, str] = {}  # a figure's start → its field in `record`
    for item in found:
        if item.is_figure:
            fact = _fact(sentence, item, offset, unit.in_plan)
            if fact is not None and fact in filing.facts:  # the same figure of the same thing, told before
                filing.expressions[(unit.id, item.start)] = filing.facts[fact]
                continue
            slot = _figure_slot(record, item, sentence, offset)
            record.fields[slot] = figure_text(item)
            slots[item.start] = slot
            target = record
            if fact is not None:
                filing.facts[fact] = _expression(target, slot, item)
        elif item.name_field == "year" and subject == "honors" and "year" not in record.fields:
            slot, target = "year", record  # the year an honour belongs to, when not the report's
            record.fields["year"] = int(item.text)
            filing.typed_names.add((unit.id, item.start))
        else:
            slot = "name" if item.name_field == "year" else item.name_field
            target = next((r for r in records if slot not in r.fields), None)
            if target is None:  # a second name of the same kind: a record of its own
                target = FiledRecord(subject if subject not in ("funds", "honors") else "activities", "", comment)
                taken_there = keys.setdefault(target.subject, Taken())
                had = record.key in taken_there
                taken_there.add(record.key)
                own = whole_words(identifier(item.text, 40), 12)  # 12338维权热线 → 维权热线
                target.key = _record_key(own if len(own) >= 2 else record.key, [], taken_there)
                if not had:
                    taken_there.discard(record.key)
                records.append(target)
            target.fields[slot] = item.text
        filing.expressions[(unit.id, item.start)] = _expression(target, slot, item)
    _declare_sums_and_shares(record, sentence, offset, [item for item in found if item.start in slots], slots)
    for made in records:
        if not made.fields:  # every figure of it was told before
            continue
        if subject == "plan" and made is record and "target" not in made.fields:
            _promote_target(filing, unit, made, found)
        filing.records.append(made)


def _fact(sentence: str, item: Found, offset: int, in_plan: bool) -> tuple | None:
    """What a count counts, as far as the words say it (4个项目点): the same count of the same thing
    told twice is one fact.  Only for a count followed by the noun it counts, the surest case."""
    if not isinstance(item.figure, q.Count):
        return None
    counted = _noun_after(sentence[item.end - offset:])
    return (in_plan, counted, item.text) if counted else None


def _declare_sums_and_shares(record: FiledRecord, sentence: str, offset: int, found: list[Found], slots: dict[int, str]) -> None:
    """A total stated with its parts (29家，其中全国1家、省级7家…) declares `sums`; a share stated with
    its part and total (女性365人，占559人的65.3%) declares `shares`; each only where the figures agree,
    so that a later change to one of them is caught by validate."""
    counts = [item for item in found if isinstance(item.figure, q.Count)]
    among = sentence.find("其中")
    if among >= 0:
        totals = [item for item in counts if item.end - offset <= among]
        if totals:
            total = totals[-1]
            parts = [item for item in counts if item.start - offset > among and item.figure.unit == total.figure.unit]
            if len(parts) >= 2 and _exact(total, *parts) and sum(p.figure.value for p in parts) == total.figure.value:
                record.fields["sums"] = {slots[total.start]: [slots[p.start] for p in parts]}
    for share in (item for item in found if isinstance(item.figure, q.Share)):
        for part in counts:
            for whole in counts:
                if part is whole or part.figure.unit != whole.figure.unit or not _exact(part, whole) or not whole.figure.value:
                    continue
                stated = share.figure.percent
                exact = Decimal(part.figure.value) * 100 / Decimal(whole.figure.value)
                if part.figure.value < whole.figure.value and abs(exact - stated) <= _half_step(stated):
                    record.fields.setdefault("shares", {})[slots[share.start]] = [slots[part.start], slots[whole.start]]


def _exact(*items: Found) -> bool:
    return all(item.figure.qualifier == q.Qualifier.EXACT for item in items)


def _half_step(value: Decimal) -> Decimal:
    """Half a unit of the last place written (65.3 → 0.05, 65 → 0.5)."""
    return Decimal(5).scaleb(min(0, value.as_tuple().exponent) - 1)


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
    return _unique(_field_name(sentence, item, offset, record.key), fields)


def _promote_target(filing: Filing, unit: TextUnit, record: FiledRecord, found: list[Found]) -> None:
    """A plan sentence with names only: a target needs a figure, so it is filed under activities."""
    record.subject = "activities"
    for item in found:
        key = (unit.id, item.start)
        expression = filing.expressions.get(key, "")
        if f"plan.targets.{record.key}." in expression:
            filing.expressions[key] = expression.replace(f"plan.targets.{record.key}.", f"activities.{record.key}.")


def _expression(record: FiledRecord, slot: str, item: Found) -> str:
    shown = f" | {item.display}" if item.display else ""
    if isinstance(item.figure, q.Period) and item.display == "month_day":
        ref = f"{record.reference}.{slot}"
        return f"{{{{ {ref}.start | month_day }}}}至{{{{ {ref}.end | month_day }}}}"
    return f"{{{{ {record.reference}.{slot}{shown} }}}}"
