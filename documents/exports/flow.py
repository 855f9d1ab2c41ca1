"""A page's content in reading order as headings, paragraphs and tables.

The text formats (txt, md, docx) share this view; the PDF places lines instead, the
spreadsheet formats take only the tables.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import ngettext

from documents.exports.document import ExportDocument, ExportPage, ExportTable

# PP-StructureV3 layout labels that start a section.
HEADING_LEVELS = {"doc_title": 1, "paragraph_title": 2, "title": 2}


@dataclass(frozen=True)
class Heading:
    level: int
    text: str


@dataclass(frozen=True)
class Paragraph:
    text: str  # may hold line breaks


@dataclass(frozen=True)
class Table:
    table: ExportTable


Item = Heading | Paragraph | Table


def page_items(page: ExportPage) -> list[Item]:
    """Blocks in reading order where the layout pipeline ran; the lines as one paragraph
    where only text recognition ran."""
    if not page.blocks:
        text = "\n".join(line.text for line in page.lines if line.text.strip())
        return [Paragraph(text)] if text else []
    items: list[Item] = []
    for block in page.ordered_blocks:
        if block.table is not None and block.table.cells:
            items.append(Table(block.table))
        elif not block.text.strip():
            continue  # images and charts without text
        elif block.label in HEADING_LEVELS:
            items.append(Heading(HEADING_LEVELS[block.label], " ".join(block.text.split())))
        else:
            items.append(Paragraph(block.text))
    return items


def incomplete_notice(doc: ExportDocument) -> str | None:
    """The sentence every format carries when OCR has not finished every page."""
    if doc.complete:
        return None
    total = len(doc.pages)
    notice = ngettext(
        "Incomplete export: OCR has finished %(done)d of %(total)d page; "
        "pages not yet processed have no text here.",
        "Incomplete export: OCR has finished %(done)d of %(total)d pages; "
        "pages not yet processed have no text here.",
        total,
    )
    return notice % {"done": doc.pages_done, "total": total}


TEXT_ROW_HEADER = ("page", "order", "label", "text")


def text_rows(doc: ExportDocument) -> list[tuple[int, int, str, str]]:
    """Every text block outside tables (or every line, where there is no layout) as
    (page, order, label, text): the spreadsheet formats' view of the running text."""
    rows: list[tuple[int, int, str, str]] = []
    for page in doc.pages:
        if page.blocks:
            rows += [
                (page.number, b.order, b.label, b.text)
                for b in page.ordered_blocks
                if b.table is None and b.text.strip()
            ]
        else:
            rows += [(page.number, i, "line", line.text) for i, line in enumerate(page.lines)]
    return rows
