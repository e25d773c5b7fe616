"""Write src/fulian_report/readers/words.txt: the word list `readers.words` segments with.

    pip install jieba==0.42.1 && python scripts/make_words.py

A subset of jieba's dictionary (MIT licence, https://github.com/fxsjy/jieba): the
words of Chinese characters only, of one to six characters, used at least
MIN_FREQUENCY times in its corpus, with their frequency and part of speech.
Reading it takes about a tenth of the time jieba needs to load its whole
dictionary and part-of-speech tables, which alone would exceed an import's
one-second budget.
"""

from __future__ import annotations

import re
from importlib.resources import files
from pathlib import Path

MIN_FREQUENCY = 30
TARGET = Path(__file__).resolve().parent.parent / "src" / "fulian_report" / "readers" / "words.txt"


def main() -> None:
    lines = files("jieba").joinpath("dict.txt").read_text(encoding="utf-8").splitlines()
    total = 0
    kept = []
    for line in lines:
        word, frequency, tag = line.split(" ")
        total += int(frequency)
        if int(frequency) >= MIN_FREQUENCY and len(word) <= 6 and re.fullmatch(r"[\u4e00-\u9fff]+", word):
            kept.append(f"{word} {frequency} {tag}")
    header = [
        "# Words of jieba 0.42.1's dictionary (MIT licence, https://github.com/fxsjy/jieba):",
        f"# Chinese characters only, 1-6 characters, frequency >= {MIN_FREQUENCY}. Made by scripts/make_words.py.",
        f"# total {total}",
    ]
    TARGET.write_text("\n".join(header + kept) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
