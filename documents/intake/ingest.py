"""A ready file from an intake folder becomes a document like an upload; the original then
moves to done/, or to failed/ with a .error.txt beside it saying why it could not be read.

The order makes a crash at any step safe. The document and the file's record (with its content
hash) commit together before the original moves; a file found again whose content the folder
already holds is only moved (or recorded as a duplicate). So an original is never deleted,
never moved before the database holds it, and never read twice.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.files import File
from django.db import IntegrityError, transaction

from documents.errors import ApplicationError
from documents.models import Document, IntakeFile, IntakeFolder
from documents.services import uploads

from .scan import DONE, FAILED, Candidate

logger = logging.getLogger(__name__)

# Refusals that pass (the user's queue is full; the folder's own options need a model that is
# not installed): the file stays in the folder and is tried again on a later scan.
_LATER = {"too_many_waiting", "invalid_options"}


class HeldBack(Exception):
    """The file stays where it is for now (the reason is shown as the folder's last error)."""


def take(folder: IntakeFolder, candidate: Candidate, sha256: str) -> IntakeFile:
    """Read the file into a document (or see that the folder already holds its content) and
    move the original aside; returns its record. Raises HeldBack when the file must wait, and
    OSError when the original could not be moved (its record then says it is not moved yet,
    and the next scan moves it)."""
    held = IntakeFile.objects.filter(
        folder=folder, sha256=sha256, state=IntakeFile.State.INGESTED
    ).first()
    if held is not None:
        return _already_held(folder, candidate, held)
    owner = _owner(folder, candidate)
    if owner is None:
        reason = (
            f"no active user is named {candidate.owner_name!r}: files in "
            f"{candidate.owner_name}/ belong to the user of that name"
        )
        return _refuse(folder, candidate, sha256, reason)
    document: Document | None = None
    try:
        with transaction.atomic(), candidate.path.open("rb") as original:
            document = uploads.document_create(
                owner=owner,
                upload=File(original, name=candidate.path.name),
                pipeline=folder.pipeline or None,
                options=folder.options,
            )
            record = IntakeFile.objects.create(
                folder=folder,
                name=candidate.name,
                sha256=sha256,
                state=IntakeFile.State.INGESTED,
                document=document,
            )
    except ApplicationError as e:
        if e.code in _LATER:
            raise HeldBack(f"{candidate.name}: {e.message}") from None
        return _refuse(folder, candidate, sha256, e.message)
    except IntegrityError:
        # Another watcher on the same folder took this content first: it moves the original.
        if document is not None:
            document.original.delete(save=False)
        raise HeldBack(f"{candidate.name}: being taken by another watcher") from None
    _move(folder, candidate, record, DONE)
    return record


def _owner(folder: IntakeFolder, candidate: Candidate) -> AbstractBaseUser | None:
    if candidate.owner_name is None:
        return folder.owner
    return get_user_model().objects.filter(username=candidate.owner_name, is_active=True).first()


def _already_held(folder: IntakeFolder, candidate: Candidate, held: IntakeFile) -> IntakeFile:
    """The folder holds this content: the same file, left in place by a crash before its move,
    or a copy dropped again, which goes to done/ as a duplicate of the first."""
    if not held.moved_to and held.name == candidate.name:
        _move(folder, candidate, held, DONE)
        return held
    duplicate = IntakeFile(
        folder=folder,
        name=candidate.name,
        sha256=held.sha256,
        state=IntakeFile.State.DUPLICATE,
        document_id=held.document_id,
    )
    _move(folder, candidate, duplicate, DONE)
    return duplicate


def _refuse(folder: IntakeFolder, candidate: Candidate, sha256: str, reason: str) -> IntakeFile:
    """Into failed/, with the reason beside it; the record is written last: a crash before it
    leaves the original in failed/, where staff find it."""
    record = IntakeFile(
        folder=folder,
        name=candidate.name,
        sha256=sha256,
        state=IntakeFile.State.FAILED,
        error=reason,
    )
    moved = _move_aside(candidate.path, FAILED)
    Path(f"{moved}.error.txt").write_text(f"{candidate.name}: {reason}\n", encoding="utf-8")
    record.moved_to = moved.relative_to(folder.path).as_posix()
    record.save()
    logger.info("%s: %s refused: %s", folder.path, candidate.name, reason)
    return record


def _move(folder: IntakeFolder, candidate: Candidate, record: IntakeFile, into: str) -> None:
    moved = _move_aside(candidate.path, into)
    record.moved_to = moved.relative_to(folder.path).as_posix()
    record.save()


def _move_aside(path: Path, into: str) -> Path:
    """Move the file into <its folder>/<into>/ under a name not taken there (scan.pdf, then
    "scan (2).pdf", ...); a rename, so within one file system and never a copy."""
    target_dir = path.parent / into
    target_dir.mkdir(exist_ok=True)
    target = target_dir / path.name
    n = 1
    while target.exists() or Path(f"{target}.error.txt").exists():
        n += 1
        target = target_dir / f"{path.stem} ({n}){path.suffix}"
    os.rename(path, target)
    return target
