"""Plain text in reading order; each page starts with a marker line `=== Page N ===` (the same in
every language, for scripts that split the file; a page not processed yet says so in the
request's language)."""

from __future__ import annotations

from django.utils.translation import gettext

from documents.exports.document import ExportDocument, ExportPage
from documents.exports.flow import Heading, Paragraph, Table, incomplete_notice, page_items
from documents.exports.tables import table_grid


def page_marker(page: ExportPage) -> str:
    if page.done:
        return f"=== Page {page.number} ==="
    missing = gettext("not processed yet")  # outside the f-string, where makemessages finds it
    return f"=== Page {page.number} ({missing}) ==="


def _page_text(page: ExportPage) -> str:
    parts: list[str] = []
    for item in page_items(page):
        match item:
            case Heading(text=text) | Paragraph(text=text):
                parts.append(text)
            case Table(table=table):
                # Tab-separated rows keep columns apart and paste into a spreadsheet.
                parts.append("\n".join("\t".join(row) for row in table_grid(table)))
    return "\n\n".join(parts)


def write_txt(doc: ExportDocument) -> bytes:
    sections = []
    if notice := incomplete_notice(doc):
        sections.append(f"[{notice}]")
    for page in doc.pages:
        body = _page_text(page)
        sections.append(f"{page_marker(page)}\n{body}" if body else page_marker(page))
    return ("\n\n".join(sections) + "\n").encode("utf-8")
