"""One pass over every enabled intake folder: take the files that are ready, write back the
results that changed (`manage.py integrations` runs it in its loop).

The loop keeps, per folder, what it saw of each file (to tell when its size has settled); a
restart only makes it wait for the sizes again.
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta
from pathlib import Path

from django.utils import timezone

from documents.models import IntakeFolder

from . import ingest, os_error_text, write_back
from .scan import Settling, candidates

logger = logging.getLogger(__name__)

# The folder's row is written when what it shows changes, else at most this often (a
# heartbeat: /api/status/ reads an older scan as a watcher that is not running).
HEARTBEAT_S = 15


class Watcher:
    def __init__(self, *, stable_s: float) -> None:
        self.stable_s = stable_s
        self._settling: dict[int, Settling] = {}

    def pass_once(self, now: float | None = None) -> list[Path]:
        """Scan every enabled folder, then write back what is due; returns the directories
        looked at (for inotify). `now`: the monotonic clock, by default the real one."""
        now = time.monotonic() if now is None else now
        looked_at: list[Path] = []
        for folder in IntakeFolder.objects.filter(enabled=True).select_related("owner"):
            looked_at += self._scan(folder, now)
        for record in write_back.due():
            write_back.write(record)
        return looked_at

    def _scan(self, folder: IntakeFolder, now: float) -> list[Path]:
        root = Path(folder.path)
        output = Path(folder.output_path) if folder.output_path else None
        settling = self._settling.setdefault(folder.pk, Settling(self.stable_s))
        errors: list[str] = []
        waiting = 0
        try:
            found = candidates(root, owner_subfolders=folder.owner_subfolders, skip=output)
        except OSError as e:
            found = []
            errors.append(f"cannot read the folder: {os_error_text(e)}")
        settling.keep_only({c.path for c in found})
        for candidate in found:
            if not settling.ready(candidate, now):
                waiting += 1
                continue
            try:
                record = ingest.take(folder, candidate, settling.sha256(candidate))
                logger.info("%s: %s %s -> %s", root, candidate.name, record.state, record.moved_to)
            except ingest.HeldBack as e:
                waiting += 1
                errors.append(str(e))
            except OSError as e:
                waiting += 1
                errors.append(f"{candidate.name}: {os_error_text(e)}")
            except Exception:
                # Not the file's fault: it stays, and is tried again on the next pass.
                logger.exception("%s: could not take %s", root, candidate.name)
                waiting += 1
                errors.append(f"{candidate.name}: an internal error (the log has it)")
        _report(folder, waiting=waiting, error="; ".join(errors))
        return [root, *{c.path.parent for c in found}]


def _report(folder: IntakeFolder, *, waiting: int, error: str) -> None:
    now = timezone.now()
    fresh = folder.scanned_at and now - folder.scanned_at < timedelta(seconds=HEARTBEAT_S)
    if fresh and waiting == folder.files_waiting and error == folder.last_error:
        return
    changes = {"scanned_at": now, "files_waiting": waiting, "last_error": error}
    if error and error != folder.last_error:
        changes["last_error_at"] = now
    IntakeFolder.objects.filter(pk=folder.pk).update(**changes)
