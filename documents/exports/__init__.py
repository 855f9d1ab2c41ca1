"""Exports of a document's corrected OCR results in the formats staff use.

`FORMATS` maps a format name to (content type, file extension, writer); a writer turns an
`ExportDocument` (document.py) into the file's bytes. Nothing here reads the database: the views
and `from_models` build the `ExportDocument` from it. The notices a file carries (an incomplete
export, a page not processed yet) are in the request's language, through Django's gettext.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

from documents.exports.csv import write_csv
from documents.exports.document import ExportDocument
from documents.exports.docx import write_docx
from documents.exports.json import write_json
from documents.exports.markdown import write_markdown
from documents.exports.pdf import write_pdf
from documents.exports.txt import write_txt
from documents.exports.xlsx import write_xlsx


class ExportFormat(NamedTuple):
    content_type: str
    extension: str
    write: Callable[[ExportDocument], bytes]


FORMATS: dict[str, ExportFormat] = {
    "txt": ExportFormat("text/plain; charset=utf-8", "txt", write_txt),
    "md": ExportFormat("text/markdown; charset=utf-8", "md", write_markdown),
    "json": ExportFormat("application/json", "json", write_json),
    "pdf": ExportFormat("application/pdf", "pdf", write_pdf),
    "docx": ExportFormat(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "docx",
        write_docx,
    ),
    "xlsx": ExportFormat(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx", write_xlsx
    ),
    # One table: a CSV file; several: a ZIP of CSV files (see export_document).
    "csv": ExportFormat("text/csv; charset=utf-8", "csv", write_csv),
}
ZIP_CONTENT_TYPE = "application/zip"
_ZIP_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True)
class ExportFile:
    filename: str
    content_type: str
    data: bytes


def file_stem(doc: ExportDocument) -> str:
    """The document's name without its extension, safe as a file name on Windows and Linux."""
    stem = re.sub(r"\.[A-Za-z0-9]{1,5}$", "", unicodedata.normalize("NFC", doc.name))
    stem = re.sub(r'[\x00-\x1f\x7f<>:"/\\|?*]+', "_", stem).strip(" ._")
    return stem[:100] or f"document-{doc.id}"


def export_document(doc: ExportDocument, fmt: str) -> ExportFile:
    """The document in one format (a key of FORMATS)."""
    content_type, extension, write = FORMATS[fmt]
    data = write(doc)
    if data.startswith(_ZIP_MAGIC) and extension == "csv":
        content_type, extension = ZIP_CONTENT_TYPE, "csv.zip"
    return ExportFile(f"{file_stem(doc)}.{extension}", content_type, data)
