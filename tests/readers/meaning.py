"""What an imported data folder means, judged from outside the import: its names against a
standard Chinese segmenter (jieba, with its whole dictionary), its typed figures against the source.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

from fulian_report.model.dataset import load_org
from fulian_report.model.quantities import Count
from fulian_report.render.environment import FILTERS

SUBJECT_FILES = ("activities", "cases", "funds", "honors", "organisation_building", "employment", "plan")
# Text fields and the record's own settings: their keys are the model's, not names the import chose.
MODEL_KEYS = {
    "name", "organiser", "partner", "place", "occasion", "document", "document_number", "date", "period",
    "sums", "shares", "title", "level", "count", "year", "status", "direction", "amount", "target", "targets",
    "start", "end",
}
_SUFFIX = re.compile(r"[甲乙丙丁戊己庚辛壬癸]+$")
_SENTENCE = re.compile(r"[^。；！？\n]+")
# Where a number names rather than counts: after 第, before 中全会/周年, inside a short quotation or 《》.
_NAMING_AFTER = re.compile(r"^(?:中全会|全会|周年|[一二三四五六七八九十]中全会|[一二三四五六七八九十]次)")


@lru_cache(maxsize=1)
def segmenter(cache_dir: str):
    """jieba's tokenizer, its cache in `cache_dir` (a folder of the test's own, never the shared temp folder)."""
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.tmp_dir = cache_dir
    tokenizer.initialize()
    return tokenizer


def chinese_names(folder: Path) -> list[str]:
    """The names the import chose: record keys and figure names holding Chinese characters."""
    names: list[str] = []
    for subject in SUBJECT_FILES:
        path = folder / f"{subject}.yaml"
        if not path.exists():
            continue
        records = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if subject == "plan":
            records = records.get("targets") or {}
        for key, record in records.items():
            names.append(key)
            if isinstance(record, dict):
                names.extend(field for field in record if field not in MODEL_KEYS)
    return [name for name in names if re.search(r"[\u4e00-\u9fff]", name)]


class Judge:
    """Whether a name is made of whole words of the source, as the segmenter splits its sentences."""

    def __init__(self, source: str, cache_dir: str):
        tokenizer = segmenter(cache_dir)
        self.dictionary = tokenizer.FREQ
        self.sentences = []
        for m in _SENTENCE.finditer(source):
            sentence = m.group(0)
            edges, position = {0}, 0
            for word in tokenizer.cut(sentence, HMM=False):
                position += len(word)
                edges.add(position)
            self.sentences.append((sentence, edges))

    def _whole(self, piece: str) -> bool:
        if len(piece) >= 2 and self.dictionary.get(piece):  # a word of its own (场次, 人数): no cut in it
            return True
        for sentence, edges in self.sentences:
            start = sentence.find(piece)
            while start >= 0:
                if start in edges and start + len(piece) in edges:
                    return True
                start = sentence.find(piece, start + 1)
        return False

    def on_word_boundaries(self, name: str) -> bool:
        """The name, or the name less a 乙/丙 suffix, is one or more pieces each a whole word or
        words of the source, or a word of the dictionary (场次, 人数)."""
        for candidate in dict.fromkeys((name, _SUFFIX.sub("", name) or name)):
            reachable = {0}
            for end in range(1, len(candidate) + 1):
                if any(start in reachable and self._whole(candidate[start:end]) for start in range(end - 1)):  # pieces of 2+
                    reachable.add(end)
            if len(candidate) in reachable:
                return True
        return False


def word_boundary_share(folder: Path, source: str, cache_dir: str) -> tuple[float, list[str]]:
    judge = Judge(source, cache_dir)
    names = chinese_names(folder)
    off = [name for name in names if not judge.on_word_boundaries(name)]
    return (1 - len(off) / len(names)) if names else 1.0, off


def typed_values(folder: Path, year: int) -> list:
    return list(load_org(folder, year, with_previous=False).figures())


def figures_inside_names(folder: Path, year: int, source: str) -> list[str]:
    """Typed figures whose every occurrence in the source is part of a name: an ordinal (第2届,
    十九届六中全会), an anniversary (100周年), or inside a short quotation or 《》."""
    inside = []
    for subject, path, figure in typed_values(folder, year):
        forms = [str(figure)]
        if isinstance(figure, Count):
            forms.append(FILTERS["chinese"](figure))  # 十九届 typed as 19届
        occurrences = [(m.start(), m.end()) for form in forms for m in re.finditer(re.escape(form), source)]
        if occurrences and all(_names_there(source, start, end) for start, end in occurrences):
            inside.append(f"{subject}.{'.'.join(map(str, path))} = {forms[0]}")
    return inside


def _names_there(source: str, start: int, end: int) -> bool:
    if start > 0 and source[start - 1] == "第":
        return True
    if _NAMING_AFTER.match(source[end:]) or (source[end - 1] == "周" and source[end:end + 1] == "年"):
        return True
    opened = max(source.rfind(mark, max(0, start - 12), start) for mark in "“《")
    closed = min((i for i in (source.find(mark, end, end + 12) for mark in "”》") if i >= 0), default=-1)
    return opened >= 0 and closed >= 0 and not re.search(r"[”》]", source[opened + 1:start])
