"""How a built report is compared with its seed, and the normalisations allowed.

Each normalisation below is one the tool makes on purpose (see README,
“与原稿的差异”); everything else must match the seed character for character.
"""

from __future__ import annotations

import collections
import difflib
import re

FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
NUMBER = re.compile(r"\d+(?:\.\d+)?")


def digits_only(text: str) -> str:
    """The smallest normalisation: full-width digits (202１, ６月) as ASCII, lines stripped."""
    text = text.translate(FULLWIDTH_DIGITS)
    return "\n".join(line.strip() for line in text.strip().splitlines())


def normalise_seed(text: str) -> str:
    """The seed as the tool writes it on purpose."""
    text = digits_only(text)
    text = re.sub(r"(\d+)月(\d+) 日", r"\1月\2日", text)  # ６月2 日 → 6月2日
    text = re.sub(r"^(\d+)[．、.]", r"\1．", text, flags=re.M)  # 1． beside 2、 → 1．
    text = re.sub(r"^([一二三四五六七八九十]+)[．.]", r"\1、", text, flags=re.M)  # 一．发展目标 → 一、
    text = re.sub(r"(\d+)[－-](\d+)岁", r"\1—\2岁", text)  # one dash for ranges
    # The closing line 芙蓉区妇联2022-02-07 → signature, then the date written out.
    text = re.sub(
        r"^(\S+?)(\d{4})-(\d{2})-(\d{2})$",
        lambda m: f"{m.group(1)}\n{int(m.group(2))}年{int(m.group(3))}月{int(m.group(4))}日",
        text,
        flags=re.M,
    )
    return text


def without_signature(built: str) -> str:
    """The built text less its last two lines (signature, date), for a seed that has none."""
    return "\n".join(built.strip().splitlines()[:-2])


def similarity(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def numbers(text: str) -> collections.Counter:
    return collections.Counter(NUMBER.findall(text))


def missing_numbers(seed: str, built: str) -> dict[str, int]:
    """Figures of the seed (with their multiplicity) that the built text lacks."""
    return dict(numbers(seed) - numbers(built))


def diff(a: str, b: str) -> str:
    return "\n".join(difflib.unified_diff(a.splitlines(), b.splitlines(), "seed", "built", lineterm="", n=0))
