"""Accuracy measures: character error rate, bag-of-characters error and table TEDS, as the
benchmark and the tests compute them."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from apted import APTED, Config
from lxml.html import HtmlElement
from rapidfuzz.distance import Levenshtein

from documents.engine.convert import parse_html

_SPACES = re.compile(r"\s+")


def normalise(text: str, *, casefold: bool = False) -> str:
    """Whitespace folded to single spaces (and case folded where ground truth is upper-case)."""
    text = _SPACES.sub(" ", text).strip()
    return text.casefold() if casefold else text


def cer(reference: str, hypothesis: str, *, casefold: bool = False) -> float:
    """Character error rate: edit distance over the reference's length, after normalising."""
    ref = normalise(reference, casefold=casefold)
    hyp = normalise(hypothesis, casefold=casefold)
    if not ref:
        return 0.0 if not hyp else 1.0
    return Levenshtein.distance(ref, hyp) / len(ref)


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


@dataclass(eq=False)
class _TableTree:
    """A node of a table as TEDS sees it: the table, its rows, their cells."""

    tag: str
    colspan: int = 1
    rowspan: int = 1
    text: str = ""
    children: list[_TableTree] = field(default_factory=list)

    def size(self) -> int:
        return 1 + sum(child.size() for child in self.children)


class _CellCosts(Config):
    """PubTabNet's costs: a node renamed to another kind or span costs 1; two cells cost the
    edit distance of their texts over the longer one's length (nothing when only the structure
    is scored)."""

    def __init__(self, *, structure_only: bool) -> None:
        self.structure_only = structure_only

    def rename(self, a: _TableTree, b: _TableTree) -> float:
        if (a.tag, a.colspan, a.rowspan) != (b.tag, b.colspan, b.rowspan):
            return 1.0
        if a.tag == "td" and not self.structure_only:
            return Levenshtein.normalized_distance(a.text, b.text)
        return 0.0


def _tree(element: HtmlElement) -> _TableTree:
    if element.tag in ("td", "th"):
        return _TableTree(
            "td",
            int(element.get("colspan", 1)),
            int(element.get("rowspan", 1)),
            normalise(element.text_content()),
        )
    if element.tag == "table":  # thead and tbody fold away: rows are what count
        return _TableTree("table", children=[_tree(row) for row in element.iter("tr")])
    return _TableTree("tr", children=[_tree(c) for c in element if c.tag in ("td", "th")])


def _first_table(text: str) -> _TableTree | None:
    table = next(parse_html(text).iter("table"), None)
    return None if table is None else _tree(table)


def teds(predicted: str, reference: str, *, structure_only: bool = False) -> float:
    """Tree-edit-distance similarity of two HTML tables (PubTabNet's TEDS): 1 is identical."""
    pred, ref = _first_table(predicted), _first_table(reference)
    if ref is None or pred is None:
        return 1.0 if pred is ref else 0.0
    costs = _CellCosts(structure_only=structure_only)
    distance = APTED(pred, ref, costs).compute_edit_distance()
    return 1.0 - distance / max(pred.size(), ref.size())
