"""A folder document's results written to the folder's output folder: each chosen export under
the original's name (as it is in done/), and again whenever the results change (a new run, a
correction, the review mark). A document whose OCR failed gets <name>.error.txt instead.

Every file is written under a temporary name and renamed into place, so whoever reads the
output folder (a person, a sync tool, another system) sees the old file or the new, never half.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import uuid
from pathlib import Path

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from documents.exports import export_document, file_stem
from documents.exports.errors import ExportError
from documents.exports.from_models import export_from_model
from documents.models import Correction, IntakeFile, IntakeFolder, Status

from . import os_error_text

logger = logging.getLogger(__name__)


def due() -> QuerySet[IntakeFile]:
    """Files whose results are to be written: never written, or changed since."""
    ready = Q(document__status=Status.DONE) & (
        Q(folder__write_when=IntakeFolder.WriteWhen.DONE) | Q(document__reviewed=True)
    )
    corrected_since = Exists(
        Correction.objects.filter(
            page__document=OuterRef("document"), updated_at__gt=OuterRef("written_at")
        )
    )
    return (
        IntakeFile.objects.filter(state=IntakeFile.State.INGESTED, folder__enabled=True)
        .exclude(folder__output_path="")
        .filter(ready | Q(document__status=Status.FAILED))
        .filter(
            Q(written_at__isnull=True)
            | Q(document__updated_at__gt=F("written_at"))
            | corrected_since
        )
        .select_related("folder", "document")
    )


def write(record: IntakeFile) -> None:
    """Write the record's outputs; what went wrong is kept on the record (and not tried again
    until the results change)."""
    started = timezone.now()  # a change made while writing is newer: it is written next time
    folder, document = record.folder, record.document
    name = Path(record.moved_to or record.name).name
    target = Path(folder.output_path) / Path(record.name).parent
    errors = []
    try:
        target.mkdir(parents=True, exist_ok=True)
        doc = dataclasses.replace(export_from_model(document), name=name)
        if document.status == Status.FAILED:
            reason = f"{name}: {document.error}\n".encode()
            _write_atomically(target / f"{file_stem(doc)}.error.txt", reason)
        for fmt in folder.output_formats if document.status == Status.DONE else ():
            try:
                exported = export_document(doc, fmt)
            except ExportError as e:
                errors.append(f"{fmt}: {e}")
                continue
            _write_atomically(target / exported.filename, exported.data)
    except OSError as e:
        errors.append(f"cannot write to {target}: {os_error_text(e)}")
    if errors:
        logger.warning("%s: %s", record.name, "; ".join(errors))
    IntakeFile.objects.filter(pk=record.pk).update(
        written_at=started, write_error="; ".join(errors)
    )


def _write_atomically(path: Path, data: bytes) -> None:
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        with temporary.open("wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
