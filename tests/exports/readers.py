"""What a reader of each export format finds in it, read back with the format's own library."""

from __future__ import annotations

import io
import zipfile

import docx
import openpyxl
import pypdfium2 as pdfium


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def text_of(fmt: str, data: bytes) -> str:
    """Every piece of text a reader of the file would find, read back with its own library."""
    if fmt == "pdf":
        return "\n".join(page.get_textpage().get_text_range() for page in pdfium.PdfDocument(data))
    if fmt == "docx":
        word = docx.Document(io.BytesIO(data))
        cells = [c.text for t in word.tables for row in t.rows for c in row.cells]
        return "\n".join([p.text for p in word.paragraphs] + cells)
    if fmt == "xlsx":
        book = openpyxl.load_workbook(io.BytesIO(data))
        return "\n".join(
            str(v) for ws in book for row in ws.iter_rows(values_only=True) for v in row if v
        )
    if data.startswith(b"PK"):  # several CSV files
        bundle = zipfile.ZipFile(io.BytesIO(data))
        return "\n".join(bundle.read(n).decode("utf-8-sig") for n in bundle.namelist())
    return data.decode("utf-8-sig")
