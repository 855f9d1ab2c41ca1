"""CSV: one file per table (UTF-8 with a byte-order mark, so Excel on Windows reads Chinese);
a ZIP of them when there are several; the text rows when the document has no table."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Sequence

from documents.exports.cells import csv_safe
from documents.exports.document import ExportDocument
from documents.exports.flow import TEXT_ROW_HEADER, text_rows
from documents.exports.tables import table_grid


def _encode(rows: Iterable[Sequence[str | int]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows([csv_safe(v) for v in row] for row in rows)
    return out.getvalue().encode("utf-8-sig")


def csv_files(doc: ExportDocument) -> list[tuple[str, bytes]]:
    """(file name, content) for each table, or one `text.csv` when there is no table."""
    if not doc.tables:
        return [("text.csv", _encode([TEXT_ROW_HEADER, *text_rows(doc)]))]
    return [
        (f"page{page.number}-table{number}.csv", _encode(table_grid(table)))
        for page, number, table in doc.tables
    ]


def write_csv(doc: ExportDocument) -> bytes:
    files = csv_files(doc)
    if len(files) == 1:
        return files[0][1]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bundle:
        for name, data in files:
            bundle.writestr(name, data)
    return out.getvalue()
