"""Accuracy measures: character error rate and bag-of-characters error, as the benchmark and the
tests compute them."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

_SPACES = re.compile(r"\s+")


def normalise(text: str, *, casefold: bool = False) -> str:
    """Whitespace folded to single spaces (and case folded where ground truth is upper-case)."""
    text = _SPACES.sub(" ", text).strip()
    return text.casefold() if casefold else text


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance, by Myers' bit-parallel algorithm (Hyyrö's form): one column of the
    dynamic-programming table is a pair of bit vectors, so whole pages (10,000 characters) take
    milliseconds instead of the half minute a row-by-row table takes in Python."""
    if not b:
        return len(a)
    mask = (1 << len(b)) - 1
    last = 1 << (len(b) - 1)
    match: dict[str, int] = {}
    for i, char in enumerate(b):
        match[char] = match.get(char, 0) | 1 << i
    plus, minus, distance = mask, 0, len(b)  # vertical deltas +1 / -1 of the current column
    for char in a:
        eq = match.get(char, 0)
        xv = eq | minus
        xh = (((eq & plus) + plus) ^ plus) | eq
        hplus = (minus | ~(xh | plus)) & mask
        hminus = plus & xh
        distance += bool(hplus & last) - bool(hminus & last)
        hplus = (hplus << 1) | 1  # the first row grows by one per character of a
        hminus <<= 1
        plus = (hminus | ~(xv | hplus)) & mask
        minus = hplus & xv & mask
    return distance


def cer(reference: str, hypothesis: str, *, casefold: bool = False) -> float:
    """Character error rate: edit distance over the reference's length, after normalising."""
    ref = normalise(reference, casefold=casefold)
    hyp = normalise(hypothesis, casefold=casefold)
    if not ref:
        return 0.0 if not hyp else 1.0
    return edit_distance(ref, hyp) / len(ref)


def bag_of_characters(
    reference: str, hypothesis: str, *, casefold: bool = False
) -> tuple[int, int]:
    """Order-free errors of one page: (max(missing, extra), reference length), counted on
    characters after NFKC with all whitespace removed. Reading order and line splits differ
    between ground truths and engines; this ignores both. A set's error is the sum of the first
    numbers over the sum of the second."""
    ref, hyp = _bag(reference, casefold), _bag(hypothesis, casefold)
    return max((ref - hyp).total(), (hyp - ref).total()), ref.total()


def missing_characters(reference: str, hypothesis: str, *, casefold: bool = False) -> int:
    """The reference's characters the hypothesis lacks (as bag_of_characters counts them).
    Unlike the bag error it does not count text the reference leaves out (a figure's labels,
    a table's cells), which an engine that reads more of a page is right to read."""
    return (_bag(reference, casefold) - _bag(hypothesis, casefold)).total()


def _bag(text: str, casefold: bool) -> Counter[str]:
    text = _SPACES.sub("", unicodedata.normalize("NFKC", text))
    return Counter(text.casefold() if casefold else text)


def teds(predicted: str, reference: str, *, structure_only: bool = False) -> float:
    """Tree-edit-distance similarity of two HTML tables (PubTabNet's TEDS): 1 is identical."""
    from apted import APTED, Config
    from lxml import html

    class TableTree:
        def __init__(self, tag: str, colspan=1, rowspan=1, text: str = "", children=()):
            self.tag, self.colspan, self.rowspan, self.text = tag, colspan, rowspan, text
            self.children = list(children)

    class CellConfig(Config):
        def rename(self, a: TableTree, b: TableTree) -> float:
            if (a.tag, a.colspan, a.rowspan) != (b.tag, b.colspan, b.rowspan):
                return 1.0
            if a.tag == "td" and not structure_only:
                longest = max(len(a.text), len(b.text))
                return edit_distance(a.text, b.text) / longest if longest else 0.0
            return 0.0

    def tree(element) -> TableTree:
        if element.tag in ("td", "th"):
            return TableTree(
                "td",
                int(element.get("colspan", 1)),
                int(element.get("rowspan", 1)),
                normalise(element.text_content()),
            )
        if element.tag == "table":  # thead and tbody fold away: rows are what count
            return TableTree("table", children=[tree(row) for row in element.iter("tr")])
        return TableTree("tr", children=[tree(c) for c in element if c.tag in ("td", "th")])

    def parse(text: str) -> TableTree | None:
        tables = html.fromstring(f"<div>{text}</div>").xpath("//table") if text.strip() else []
        return tree(tables[0]) if tables else None

    pred, ref = parse(predicted), parse(reference)
    if ref is None or pred is None:
        return 1.0 if pred is ref else 0.0

    def size(node: TableTree) -> int:
        return 1 + sum(size(c) for c in node.children)

    distance = APTED(pred, ref, CellConfig()).compute_edit_distance()
    return 1.0 - distance / max(size(pred), size(ref))
