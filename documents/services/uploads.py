"""Uploads: a file stored, checked and queued as a document; a document deleted."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from documents import queue
from documents.engine import pages as page_files
from documents.engine.errors import BadImageError, EngineError, TooManyPixelsError
from documents.engine.pipeline import FLAG_DEFAULTS, pipeline_options, resolve_options
from documents.engine.registry import how_to_add, pipeline_models
from documents.errors import ApplicationError
from documents.models import Document, Page
from documents.selectors import models_installed, runtime_config

logger = logging.getLogger(__name__)

# The engine speaks English: its refusal of a file is shown in its own words in English, and by
# its kind in another language (its words would stand in English inside the sentence).
_BAD_FILES: dict[type[BadImageError], tuple[str, Promise]] = {
    page_files.EmptyFileError: ("empty_file", _("the file is empty")),
    page_files.UnsupportedFileError: (
        "unsupported_file",
        _("not a supported file type: upload a PDF or an image (PNG, JPEG, TIFF, BMP or WebP)"),
    ),
    page_files.EncryptedFileError: (
        "encrypted_file",
        _("the PDF is protected by a password: upload it without one"),
    ),
    page_files.CorruptFileError: ("corrupt_file", _("the file is damaged and cannot be read")),
    page_files.TooManyPagesError: (
        "too_many_pages",
        _("the file has more pages than one document may have here"),
    ),
    TooManyPixelsError: ("too_many_pixels", _("a page is larger than the pixel limit here")),
}


def options_validate(*, pipeline: str, options: dict[str, Any], text_models: str) -> None:
    """Refuse an unknown pipeline, an unknown option, or a pipeline or option whose model is not
    installed (with the command that adds it), before anything is stored or queued."""
    installed = models_installed()
    try:
        resolve_options(pipeline, options, installed)
        needed = pipeline_models(pipeline, text_models)
    except EngineError as e:
        raise ApplicationError(str(e), code="invalid_options") from None
    missing = [m for m in needed if m not in installed]
    if missing:
        commands = "; ".join(dict.fromkeys(how_to_add(m) for m in missing))
        raise ApplicationError(
            gettext(
                "the %(pipeline)s pipeline needs %(models)s, which is not installed: %(commands)s"
            )
            % {"pipeline": pipeline, "models": ", ".join(missing), "commands": commands},
            code="invalid_options",
        )


def document_create(
    *,
    owner: User,
    upload: File,
    name: str | None = None,
    pipeline: str | None = None,
    options: dict[str, Any] | None = None,
    ephemeral: bool = False,
    priority: bool = False,
    max_pages: int | None = None,
) -> Document:
    """Store an uploaded file, check it, and queue its pages for OCR.

    `priority`: a file a request waits on (sync_ocr.py): read ahead of other pages, and not
    counted against the owner's waiting pages (the request holds at most `max_pages`).
    `ephemeral`: such a file that is deleted once answered: never listed; implies `priority`.

    Raises ApplicationError (code empty_file, unsupported_file, corrupt_file, encrypted_file,
    too_many_pages, too_many_pixels, too_large, too_many_waiting or invalid_options) for a file
    that cannot become a document; nothing is kept of it then.
    """
    config = runtime_config()
    name = Path(name or upload.name or "upload").name[:255]
    limit = config.max_upload_mb * 1024 * 1024
    if upload.size is not None and upload.size > limit:
        raise ApplicationError(
            gettext("%(name)s: the file is %(size).1f MB, over the limit of %(limit)d MB")
            % {"name": name, "size": upload.size / 1048576, "limit": config.max_upload_mb},
            code="too_large",
            status=413,
        )
    pipeline = pipeline or config.pipeline
    # The admin's defaults for the flags this pipeline takes (a structure-only default such as
    # use_table_recognition does not apply to, and must not refuse, a text-only upload).
    takes = {option.name for option in pipeline_options(pipeline, ())}
    defaults = {k: v for k, v in config.options.items() if k in takes or k not in FLAG_DEFAULTS}
    run_options = {**defaults, **(options or {})}
    options_validate(pipeline=pipeline, options=run_options, text_models=config.text_models)

    document = Document(owner=owner, name=name, ephemeral=ephemeral)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    document.original.save(_storage_name(name), upload, save=False)
    try:
        info = page_files.inspect(
            document.original.path,
            max_pages=min(config.max_pages, max_pages or config.max_pages),
            max_pixels=config.max_page_pixels,
            dpi=config.pdf_dpi,
        )
    except BadImageError as e:
        document.original.delete(save=False)
        code, reason = _refusal(e)
        raise ApplicationError(
            gettext("%(name)s: %(reason)s") % {"name": name, "reason": reason}, code=code
        ) from None

    document.sha256 = digest.hexdigest()
    document.size = document.original.size
    document.file_type = info.file_type
    document.mime_type = info.mime_type
    document.page_count = info.page_count
    try:
        priority = priority or ephemeral
        if not priority:
            queue.check_waiting(owner, info.page_count, config)
        with transaction.atomic():
            document.save()
            Page.objects.bulk_create(
                Page(document=document, number=n) for n in range(1, info.page_count + 1)
            )
            queue.run_start(
                document=document,
                pipeline=pipeline,
                options=run_options,
                config=config,
                priority=priority,
            )
    except Exception:
        document.original.delete(save=False)
        raise
    return document


def _refusal(error: BadImageError) -> tuple[str, str]:
    """The refusal's code and its reason in the request's language."""
    code, kind = next(
        ((c, k) for t, (c, k) in _BAD_FILES.items() if isinstance(error, t)),
        ("bad_file", _("the file cannot be read")),
    )
    english = (get_language() or "en").startswith("en")
    return code, str(error) if english else str(kind)


def _storage_name(name: str) -> str:
    """A safe file name that keeps the upload's extension (the content decides the type)."""
    stem, suffix = Path(name).stem, Path(name).suffix.lower()
    return default_storage.get_valid_name(f"{stem[:80] or 'original'}{suffix[:10]}")


def document_delete(*, document: Document) -> None:
    """Delete the document, its results and, once that is committed, its files."""
    files = [document.original.name, *(p.image.name for p in document.pages.all() if p.image)]
    with transaction.atomic():
        document.delete()
        transaction.on_commit(lambda: _files_delete(files))


def _files_delete(names: list[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:
            logger.warning("could not delete %s", name, exc_info=True)
