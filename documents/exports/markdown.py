"""Markdown in reading order: headings from layout labels, pipe tables, HTML tables where
cells are merged (pipe tables cannot span). Pages are separated by `<!-- Page N -->`."""

from __future__ import annotations

import re

from django.utils.translation import gettext

from documents.exports.document import ExportDocument, ExportTable
from documents.exports.flow import Heading, Paragraph, Table, incomplete_notice, page_items
from documents.exports.tables import table_grid, table_html

_SPECIAL = re.compile(r"([\\`*_\[\]<>#|])")
_LIST_START = re.compile(r"^(\s*)([-+]|\d+[.)])(\s)", re.MULTILINE)


def escape_md(text: str) -> str:
    """Escape what Markdown would otherwise read as markup (OCR text is literal text)."""
    text = _SPECIAL.sub(r"\\\1", text)
    # A line starting "- ", "+ " or "1. " would become a list item: escape its last mark.
    return _LIST_START.sub(lambda m: f"{m[1]}{m[2][:-1]}\\{m[2][-1]}{m[3]}", text)


def _pipe_cell(text: str) -> str:
    return escape_md(text).replace("\n", "<br>")


def _table_md(table: ExportTable) -> str:
    if table.has_merged_cells:
        return table_html(table)
    rows = table_grid(table)
    header, body = rows[0], rows[1:]
    lines = ["| " + " | ".join(_pipe_cell(c) for c in header) + " |"]
    lines.append("|" + "---|" * len(header))
    lines += ["| " + " | ".join(_pipe_cell(c) for c in row) + " |" for row in body]
    return "\n".join(lines)


def write_markdown(doc: ExportDocument) -> bytes:
    parts = []
    if notice := incomplete_notice(doc):
        parts.append(f"> {notice}")
    for page in doc.pages:
        # Outside an f-string: makemessages does not find gettext calls inside one.
        state = "" if page.done else " ({})".format(gettext("not processed yet"))
        parts.append(f"<!-- Page {page.number}{state} -->")
        for item in page_items(page):
            match item:
                case Heading(level=level, text=text):
                    parts.append(f"{'#' * level} {escape_md(text)}")
                case Paragraph(text=text):
                    # Two trailing spaces keep the OCR line breaks inside a paragraph.
                    parts.append("  \n".join(escape_md(line) for line in text.splitlines()))
                case Table(table=table):
                    parts.append(_table_md(table))
    return ("\n\n".join(parts) + "\n").encode("utf-8")
