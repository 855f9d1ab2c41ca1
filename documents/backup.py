"""Backup and restore of a whole instance (`manage.py export_all DIR` / `import_all DIR`).

A backup folder holds:
- `files/`: every stored file (originals and rendered page images) under its storage name;
- `data/<app>.<model>.jsonl`: the rows, one JSON object a line, with their primary keys: users
  and groups (with password hashes and permissions), API tokens, the runtime settings, and every
  document, run, page, block, line, table and table cell, and every correction with its history;
- `manifest.json`, written last: format and version, row counts, and each file's size and
  sha256. A folder without it is an unfinished export.

Rows refer to users and groups by name (natural keys), so a restore into an instance that
already has an admin account keeps that account and attaches its documents to it by username.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import shutil
import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from django.apps import apps
from django.contrib.auth.models import Group, User
from django.core import serializers
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.utils import timezone
from rest_framework.authtoken.models import Token

from documents.models import ACTIVE_STATUSES, Document, Page
from documents.services import runs

FORMAT = "ocrsite-backup"
VERSION = 1
MANIFEST = "manifest.json"

Log = Callable[[str], None]


class _ExactJSONEncoder(DjangoJSONEncoder):
    """Django's encoder cuts times to milliseconds; a backup keeps them to the microsecond."""

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


class BackupError(Exception):
    """A backup that cannot be written or restored, with the reason in words."""


def backup_models() -> list[type[models.Model]]:
    """Every model a backup holds, each after the models it refers to."""
    documents = apps.get_app_config("documents")
    return serializers.sort_dependencies(
        [
            (apps.get_app_config("auth"), [Group, User]),
            (apps.get_app_config("authtoken"), [Token]),
            (documents, list(documents.get_models())),
        ],
        allow_cycles=True,
    )


def _label(model: type[models.Model]) -> str:
    return model._meta.label_lower


def _sha256(path: Path) -> str:
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def _stored_names() -> Iterator[str]:
    yield from Document.objects.order_by("pk").values_list("original", flat=True).iterator()
    pages = Page.objects.exclude(image="").order_by("pk")
    yield from pages.values_list("image", flat=True).iterator()


def export_all(target: Path, *, log: Log) -> dict[str, Any]:
    """Writes a backup of this instance into `target` (new or empty); returns the manifest.
    The backup holds every document and password hash: its folders and files are readable by
    the account that writes it only (0700 and 0600), whatever the umask.

    Rows and files are read while the app may be running: for a snapshot in which no page
    changes, stop the queue workers first (the manifest counts the runs that were active).
    """
    if target.exists() and any(target.iterdir()):
        raise BackupError(f"{target} is not empty: export into a new folder")
    umask = os.umask(0o077)
    try:
        target.mkdir(parents=True, exist_ok=True)
        target.chmod(0o700)
        return _export(target, log)
    finally:
        os.umask(umask)


def _export(target: Path, log: Log) -> dict[str, Any]:
    (target / "data").mkdir()

    data = {}
    for model in backup_models():
        path = target / "data" / f"{_label(model)}.jsonl"
        with path.open("w", encoding="utf-8") as out:
            serializers.serialize(
                "jsonl",
                model._default_manager.order_by("pk").iterator(chunk_size=2000),
                stream=out,
                use_natural_foreign_keys=True,
                use_natural_primary_keys=True,
                cls=_ExactJSONEncoder,
            )
        with path.open("rb") as written:
            rows = sum(1 for _ in written)  # one object a line
        data[_label(model)] = {"rows": rows, "sha256": _sha256(path)}
        log(f"{_label(model)}: {rows} rows")

    files, missing = [], []
    for name in _stored_names():
        if not default_storage.exists(name):
            missing.append(name)
            log(f"warning: {name} is in the database but not in storage")
            continue
        copy = target / "files" / name
        copy.parent.mkdir(parents=True, exist_ok=True)
        with default_storage.open(name, "rb") as src, copy.open("wb") as dst:
            shutil.copyfileobj(src, dst, length=1 << 20)
        files.append({"name": name, "size": copy.stat().st_size, "sha256": _sha256(copy)})
    log(f"files: {len(files)} copied, {len(missing)} missing")

    manifest = {
        "format": FORMAT,
        "version": VERSION,
        "created_at": timezone.now().isoformat(),
        "host": socket.gethostname(),
        "database": connection.vendor,
        "data": data,
        "files": files,
        "missing_files": missing,
        "active_documents": Document.objects.filter(status__in=ACTIVE_STATUSES).count(),
    }
    (target / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    return manifest


def read_manifest(source: Path) -> dict[str, Any]:
    path = source / MANIFEST
    if not path.exists():
        raise BackupError(f"no {MANIFEST} in {source}: not a backup, or an unfinished export")
    manifest = json.loads(path.read_text(encoding="utf-8"))
    if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
        raise BackupError(
            f"{path} is not an {FORMAT} version {VERSION} manifest "
            f"(format {manifest.get('format')!r}, version {manifest.get('version')!r})"
        )
    return manifest


def _verify_files(source: Path, manifest: dict[str, Any]) -> None:
    """Every file the manifest lists, present and intact, before anything is written."""
    bad = [
        f"data/{label}.jsonl: missing or changed since the export"
        for label, entry in manifest["data"].items()
        if not (source / "data" / f"{label}.jsonl").is_file()
        or _sha256(source / "data" / f"{label}.jsonl") != entry["sha256"]
    ]
    for entry in manifest["files"]:
        path = source / "files" / entry["name"]
        if not path.is_file():
            bad.append(f"{entry['name']}: missing")
        elif path.stat().st_size != entry["size"] or _sha256(path) != entry["sha256"]:
            bad.append(f"{entry['name']}: changed since the export (size or sha256 differ)")
    if bad:
        raise BackupError("the backup is damaged: " + "; ".join(bad[:10]))


def _skip_existing(obj: models.Model) -> bool:
    """Users, groups and tokens the instance has already keep what they are (an admin made by
    `make setup` keeps its password); rows refer to users and groups by name, so nothing is lost."""
    if isinstance(obj, User | Group):
        return obj.pk is not None  # the deserializer found it by its natural key
    if isinstance(obj, Token):
        return Token.objects.filter(user_id=obj.user_id).exists()
    return False


def import_all(source: Path, *, log: Log) -> dict[str, int]:
    """Restores a backup into an instance without documents; returns rows written per model.

    Files are checked against the manifest first, then copied into storage, then the rows are
    written in one transaction; if the rows fail, the files this import added are removed.
    Documents that were being read at export time are read again (their messages were not
    part of the backup).
    """
    manifest = read_manifest(source)
    if Document.objects.exists():
        raise BackupError(
            f"this instance already has {Document.objects.count()} documents: "
            "import_all restores into an instance without documents"
        )
    _verify_files(source, manifest)

    added: list[str] = []
    try:
        for entry in manifest["files"]:
            added += _store(source / "files" / entry["name"], entry)
        log(f"files: {len(manifest['files'])} in storage")
        written = _load_rows(source, manifest, log=log)
    except BaseException:
        for name in added:
            default_storage.delete(name)
        raise

    active = Document.objects.filter(status__in=ACTIVE_STATUSES)
    for document in active:
        runs.document_reprocess(document=document)
    if active:
        log(f"{len(active)} documents that were being read at export time are queued again")
    return written


def _store(path: Path, entry: dict[str, Any]) -> list[str]:
    """Copies one file into storage under its own name; returns [name] if it was added."""
    name = entry["name"]
    if default_storage.exists(name):
        with default_storage.open(name, "rb") as existing:
            if hashlib.file_digest(existing, "sha256").hexdigest() == entry["sha256"]:
                return []
        raise BackupError(f"{name} already exists in storage with other content")
    with path.open("rb") as f:
        stored = default_storage.save(name, File(f))
    if stored != name:  # another process wrote the same name meanwhile
        default_storage.delete(stored)
        raise BackupError(f"{name} could not be stored under its own name")
    return [name]


@transaction.atomic
def _load_rows(source: Path, manifest: dict[str, Any], *, log: Log) -> dict[str, int]:
    written: dict[str, int] = {}
    for model in backup_models():
        label = _label(model)
        if label not in manifest["data"]:
            continue  # a model added to the app after this backup was made
        rows = kept = 0
        with (source / "data" / f"{label}.jsonl").open(encoding="utf-8") as f:
            for item in serializers.deserialize("jsonl", f):
                if _skip_existing(item.object):
                    kept += 1
                    continue
                item.save()
                rows += 1
        expected = manifest["data"][label]["rows"]
        if rows + kept != expected:
            raise BackupError(f"{label}: {rows + kept} rows read, the manifest says {expected}")
        written[label] = rows
        log(f"{label}: {rows} rows" + (f" ({kept} already here, kept as they are)" if kept else ""))
    # Rows came with their primary keys: move PostgreSQL's sequences past them.
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), backup_models()):
            cursor.execute(sql)
    return written
