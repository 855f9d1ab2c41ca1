"""Exports as HTTP downloads, shared by the API (api/exports.py) and the admin's action."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Iterator, Sequence

from django.http import FileResponse, HttpResponse
from django.utils import timezone

from documents.exports import ZIP_CONTENT_TYPE
from documents.exports.document import ExportDocument
from documents.exports.from_models import export_from_model
from documents.exports.zip import write_zip
from documents.models import Document

MAX_DOCUMENTS_PER_ZIP = 50  # bounds one request's work


def progress_headers(response: HttpResponse, docs: list[ExportDocument]) -> None:
    done = sum(doc.pages_done for doc in docs)
    total = sum(len(doc.pages) for doc in docs)
    response["X-Export-Incomplete"] = "false" if all(doc.complete for doc in docs) else "true"
    response["X-Export-Pages"] = f"{done}/{total}"
    response["Cache-Control"] = "private, no-store"  # corrections change it at any time


def zip_download(documents: Iterable[Document], formats: Sequence[str]) -> FileResponse:
    """The documents, in order, as one ZIP download with a manifest.json (the API's and the
    admin's). Raises ExportError when a writer fails."""
    exported: list[ExportDocument] = []

    def docs() -> Iterator[ExportDocument]:
        # One document's results in memory at a time; the ZIP goes to a temporary file.
        for document in documents:
            exported.append(export_from_model(document))
            yield exported[-1]

    out = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it when sent
    try:
        write_zip(docs(), formats, out)
    except BaseException:
        out.close()
        raise
    out.seek(0)
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    response = FileResponse(
        out,
        as_attachment=True,
        filename=f"ocrsite-export-{stamp}.zip",
        content_type=ZIP_CONTENT_TYPE,
    )
    progress_headers(response, exported)
    return response
