"""What spreadsheets make of a cell's text: numbers stay numbers, and text that a spreadsheet
would run as a formula is kept as text.

OCR reads whatever is on the page, `=HYPERLINK("http://...")` included: a cell starting with
=, +, -, @ (or a tab or carriage return, which some readers strip first) is a formula to Excel
and LibreOffice when it comes from CSV. Numbers such as -12.50 are left alone.
"""

from __future__ import annotations

import re

# 1234, -1,234.50, 12.5%; not 007 or 20240001000123456 (ids and codes stay text).
_NUMBER = re.compile(r"^([+-]?)(0|[1-9]\d{0,14}|[1-9]\d{0,2}(?:,\d{3}){1,4})(\.\d+)?(%?)$")


def parse_number(text: str) -> tuple[int | float, str] | None:
    """The number a cell's text states and the Excel format that shows it the same way."""
    match = _NUMBER.match(text.strip())
    if not match:
        return None
    sign, whole, fraction, percent = match.groups()
    value: int | float = float(f"{sign}{whole.replace(',', '')}{fraction or ''}")
    decimals = len(fraction) - 1 if fraction else 0
    if not fraction and not percent:
        value = int(value)
    fmt = ("#,##0" if "," in whole else "0") + ("." + "0" * decimals if decimals else "")
    if percent:
        return value / 100, fmt + "%"
    return value, fmt if fmt != "0" else "General"


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def starts_formula(text: str) -> bool:
    """True when a spreadsheet would read `text` as a formula rather than as a number or text."""
    return text.startswith(FORMULA_STARTS) and parse_number(text) is None


def csv_safe(value: str | int) -> str | int:
    """A CSV field that no spreadsheet runs: a leading apostrophe before formula text (the
    usual guard, OWASP's "CSV injection"; Excel hides the apostrophe)."""
    if isinstance(value, str) and starts_formula(value):
        return "'" + value
    return value
