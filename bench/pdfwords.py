"""``python -m bench.pdfwords OLD.pdf NEW.pdf``: does the new PDF hold every word of the old one?

A layout change (tables instead of field lists, a coarser timeline) moves
words around and breaks lines elsewhere, so the PDFs are compared as bags of
words rather than as text: each word of the old PDF (as ``pdftotext`` reads
it, with words split at a line-end hyphen joined again) must occur in the
new one, either as a word or, when line breaks fell differently, inside the
new text with spaces and hyphens removed. Numbers no greater than the old
page count are page numbers (footers, the table of contents), which a
shorter PDF drops. Prints page counts, the words lost and the words added;
exits 1 when a word was lost.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

_WORD = re.compile(r"[^\W_]+")


def pdf_text(pdf: Path) -> str:
    """The text of *pdf* as ``pdftotext`` reads it.

    :param pdf: a PDF file
    :return: its text
    """
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"],
        capture_output=True,
        check=True,
        text=True,
        encoding="utf-8",
    ).stdout


def words(text: str) -> Counter[str]:
    """The words of *text*, with words hyphenated at a line end joined again.

    :param text: pdftotext output
    :return: word counts
    """
    return Counter(_WORD.findall(re.sub(r"-\n", "", text)))


def compare(old: str, new: str) -> tuple[list[str], list[str]]:
    """Words of *old* that *new* lacks, and words *new* adds.

    :param old: text of the old PDF
    :param new: text of the new PDF
    :return: lost words and added words, sorted
    """
    old_words, new_words = words(old), words(new)
    squashed = "".join(_WORD.findall(new))
    lost = sorted(w for w in old_words if w not in new_words and w not in squashed)
    old_squashed = "".join(_WORD.findall(old))
    added = sorted(w for w in new_words if w not in old_words and w not in old_squashed)
    return lost, added


def main(argv: list[str] | None = None) -> int:
    """Compare two PDFs and report.

    :param argv: command-line arguments
    :return: 0 when nothing was lost, else 1
    """
    parser = argparse.ArgumentParser(prog="python -m bench.pdfwords", description=__doc__)
    parser.add_argument("old", type=Path)
    parser.add_argument("new", type=Path)
    args = parser.parse_args(argv)
    old, new = pdf_text(args.old), pdf_text(args.new)
    lost, added = compare(old, new)
    numbers = [w for w in lost if w.isdigit() and int(w) <= old.count("\f")]
    lost = [w for w in lost if w not in numbers]
    print(f"pages: {old.count(chr(12))} -> {new.count(chr(12))}")
    print(f"page numbers no longer needed: {' '.join(numbers) or '-'}")
    print(f"words: {sum(words(old).values())} -> {sum(words(new).values())}")
    print(f"lost ({len(lost)}): {' '.join(lost) or '-'}")
    print(f"added ({len(added)}): {' '.join(added) or '-'}")
    return 1 if lost else 0


if __name__ == "__main__":
    sys.exit(main())
