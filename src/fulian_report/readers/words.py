"""Chinese words and their parts of speech, so that import names things by whole words.

The segmentation is jieba's (the most probable route through the words of a
dictionary, without its HMM guess at unknown words), over the part of jieba's
dictionary kept in words.txt (see scripts/make_words.py).  Loading jieba itself
with its part-of-speech tables takes over a second, more than an import may
take in all; reading words.txt takes about 0.1 s, once per process, and only
when a report holds figures to name.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from importlib.resources import files

MAX_WORD = 6
_CHINESE_RUN = re.compile(r"[\u4e00-\u9fff]+|[A-Za-z]+|\d+(?:\.\d+)?|\s+|.", re.S)


@lru_cache(maxsize=1)
def _dictionary() -> tuple[dict[str, tuple[str, str]], float]:
    """word → (frequency as written, part of speech), and the log of the corpus total.
    (Logarithms are taken of the words a text holds only: of all, they would double the load time.)"""
    text = files(__package__).joinpath("words.txt").read_text(encoding="utf-8")
    total = text.index("# total ")
    body = text.index("\n", total) + 1
    log_total = math.log(int(text[total + 8 : body - 1]))
    # After the header, "word frequency tag" a line: split in one pass and zipped, a third
    # of the time a line-by-line loop takes (the load is most of a short import's filing).
    parts = text[body:].split()
    words = dict(zip(parts[0::3], zip(parts[1::3], parts[2::3])))
    return words, log_total


@lru_cache(maxsize=65536)
def _log(frequency: str) -> float:
    return math.log(int(frequency))


def segment(text: str) -> list[tuple[str, str]]:
    """`text` as (word, part of speech) in order; the words join back into `text`.

    Runs of letters and of digits are one word each (tag "eng" and "m"), any other
    character not in the dictionary a word of its own (tag "x")."""
    result: list[tuple[str, str]] = []
    for m in _CHINESE_RUN.finditer(text):
        run = m.group(0)
        if "\u4e00" <= run[0] <= "\u9fff":
            result.extend(_chinese(run))
        elif run[0].isascii() and run[0].isalpha():
            result.append((run, "eng"))
        elif run[0].isdigit():
            result.append((run, "m"))
        else:
            result.append((run, "x"))
    return result


def boundaries(text: str) -> set[int]:
    """The offsets in `text` at which a word begins or ends."""
    edges, position = {0}, 0
    for word, _ in segment(text):
        position += len(word)
        edges.add(position)
    return edges


@lru_cache(maxsize=16384)  # clauses repeat (the same noun phrase is looked up from each figure)
def _chinese(run: str) -> tuple[tuple[str, str], ...]:
    words, log_total = _dictionary()
    n = len(run)
    best: list[tuple[float, int]] = [(0.0, n)] * (n + 1)
    for start in range(n - 1, -1, -1):
        choice = (-math.inf, start + 1)
        for end in range(start + 1, min(n, start + MAX_WORD) + 1):
            known = words.get(run[start:end])
            if known is None and end > start + 1:
                continue
            score = (_log(known[0]) if known else 0.0) - log_total + best[end][0]
            if score > choice[0]:
                choice = (score, end)
        best[start] = choice
    result, start = [], 0
    while start < n:
        end = best[start][1]
        word = run[start:end]
        result.append((word, words[word][1] if word in words else "x"))
        start = end
    return tuple(result)
