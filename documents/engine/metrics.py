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
