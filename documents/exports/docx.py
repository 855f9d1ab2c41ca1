"""Word document: headings, paragraphs and tables by layout, merged cells kept, a page break
between pages."""

from __future__ import annotations

import io

import docx
from django.utils.translation import gettext
from docx.document import Document as WordDocument

from documents.exports.document import ExportDocument, ExportTable
from documents.exports.flow import Heading, Paragraph, Table, incomplete_notice, page_items
from documents.exports.xmltext import xml_safe


def _add_table(word: WordDocument, table: ExportTable) -> None:
    grid = word.add_table(rows=table.n_rows, cols=table.n_cols)
    grid.style = "Table Grid"
    for cell in table.cells:
        target = grid.cell(cell.row, cell.col)
        if cell.rowspan > 1 or cell.colspan > 1:
            # Merge first: python-docx joins the texts of the cells it merges.
            target = target.merge(
                grid.cell(cell.row + cell.rowspan - 1, cell.col + cell.colspan - 1)
            )
        target.text = xml_safe(cell.text)


def write_docx(doc: ExportDocument) -> bytes:
    word = docx.Document()
    word.core_properties.title = xml_safe(doc.name)
    word.core_properties.comments = gettext("Exported by ocrsite from the corrected OCR text.")
    if notice := incomplete_notice(doc):
        word.add_paragraph().add_run(notice).italic = True
    for index, page in enumerate(doc.pages):
        if index:
            word.add_page_break()
        if not page.done:
            missing = gettext("Page %(number)d: not processed yet.") % {"number": page.number}
            word.add_paragraph().add_run(missing).italic = True
            continue
        for item in page_items(page):
            match item:
                case Heading(level=level, text=text):
                    word.add_heading(xml_safe(text), level=level)
                case Paragraph(text=text):
                    word.add_paragraph(xml_safe(text))  # "\n" becomes a line break
                case Table(table=table):
                    _add_table(word, table)
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()
