"""Accuracy measures: character error rate, as the benchmark and the tests compute it."""

from __future__ import annotations

import re

_SPACES = re.compile(r"\s+")


def normalise(text: str, *, casefold: bool = False) -> str:
    """Whitespace folded to single spaces (and case folded where ground truth is upper-case)."""
    text = _SPACES.sub(" ", text).strip()
    return text.casefold() if casefold else text


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance, two rows at a time."""
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def cer(reference: str, hypothesis: str, *, casefold: bool = False) -> float:
    """Character error rate: edit distance over the reference's length, after normalising."""
    ref = normalise(reference, casefold=casefold)
    hyp = normalise(hypothesis, casefold=casefold)
    if not ref:
        return 0.0 if not hyp else 1.0
    return edit_distance(ref, hyp) / len(ref)


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
