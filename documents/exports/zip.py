"""Several documents in several formats as one ZIP, with a manifest.json that lists every file
and says which documents were exported before OCR had finished."""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any, BinaryIO

from documents.exports import FORMATS, export_document, file_stem
from documents.exports.csv import csv_files
from documents.exports.document import ExportDocument

MANIFEST_SCHEMA = "ocrsite.export-bundle/1"
# Already compressed inside: deflating them again costs time and saves nothing.
STORED_FORMATS = {"pdf", "docx", "xlsx"}


def _files(doc: ExportDocument, fmt: str) -> list[tuple[str, str, bytes]]:
    """(name, content type, bytes) of one document in one format; CSV tables stay separate
    files rather than a ZIP inside the ZIP."""
    if fmt == "csv":
        stem = file_stem(doc)
        return [
            (f"{stem}-{name}", FORMATS["csv"].content_type, data) for name, data in csv_files(doc)
        ]
    exported = export_document(doc, fmt)
    return [(exported.filename, exported.content_type, exported.data)]


def write_zip(docs: Iterable[ExportDocument], formats: Sequence[str], out: BinaryIO) -> None:
    """Write the ZIP to `out`; `docs` is read once, so it may build each document lazily."""
    manifest: dict[str, Any] = {
        "schema": MANIFEST_SCHEMA,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "formats": list(formats),
        "complete": True,
        "documents": [],
    }
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bundle:
        for doc in docs:
            folder = f"{doc.id}-{file_stem(doc)}"
            entry: dict[str, Any] = {
                "id": doc.id,
                "name": doc.name,
                "folder": folder,
                "complete": doc.complete,
                "pages_total": len(doc.pages),
                "pages_done": doc.pages_done,
                "files": [],
            }
            for fmt in formats:
                for name, content_type, data in _files(doc, fmt):
                    path = f"{folder}/{name}"
                    stored = fmt in STORED_FORMATS
                    bundle.writestr(
                        path, data, zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
                    )
                    entry["files"].append(
                        {
                            "format": fmt,
                            "path": path,
                            "content_type": content_type,
                            "size": len(data),
                            "sha256": hashlib.sha256(data).hexdigest(),
                        }
                    )
            manifest["documents"].append(entry)
            manifest["complete"] = manifest["complete"] and doc.complete
        bundle.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1))
