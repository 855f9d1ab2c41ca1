"""Export values of documents part-way through OCR."""

from __future__ import annotations

from dataclasses import replace

from documents.exports.document import ExportDocument, ExportPage


def not_done(page: ExportPage) -> ExportPage:
    """The page as it is while OCR has not reached it: the image, no results."""
    return replace(page, done=False, blocks=(), lines=())


def incomplete(doc: ExportDocument) -> ExportDocument:
    """`doc` with OCR finished on its first page only."""
    first, *rest = doc.pages
    return replace(doc, complete=False, pages=(first, *map(not_done, rest)))
