"""Which files of an intake folder are ready to take, and whose they are.

A file is ready once its size and modification time have stayed the same for a few seconds: a
scanner still writing it (often over SMB, where nothing says when it is done) is left alone.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

# Where originals go once taken (in the folder, or in each owner's subfolder).
DONE, FAILED = "done", "failed"
# What Windows, macOS and Office leave in folders, and names of files still being written.
_IGNORED_NAMES = {"thumbs.db", "desktop.ini", ".ds_store"}
_IGNORED_PREFIXES = (".", "~$")
_IGNORED_SUFFIXES = (".tmp", ".part", ".partial", ".crdownload")


@dataclass(frozen=True)
class Candidate:
    path: Path
    name: str  # relative to the folder: "scan.pdf", or "alice/scan.pdf" in an owner's subfolder
    owner_name: str | None  # the subfolder's user name; None: the folder's owner
    size: int
    mtime_ns: int


def candidates(root: Path, *, owner_subfolders: bool, skip: Path | None = None) -> list[Candidate]:
    """The files in `root` and, with `owner_subfolders`, in each <username>/ below it; never a
    symbolic link (it could point at any file of the server), never what is in done/, failed/
    or `skip` (an output folder inside the intake folder). Raises OSError when `root` cannot be
    read."""
    found = _files(root, root, None)
    if owner_subfolders:
        for entry in _entries(root):
            path = Path(entry.path)
            if entry.is_dir(follow_symlinks=False) and not _ignored(entry.name) and path != skip:
                found += _files(root, path, entry.name)
    return found


def _entries(directory: Path) -> list[os.DirEntry]:
    with os.scandir(directory) as entries:
        return sorted(entries, key=lambda e: e.name)


def _files(root: Path, directory: Path, owner_name: str | None) -> list[Candidate]:
    found = []
    for entry in _entries(directory):
        if _ignored(entry.name) or not entry.is_file(follow_symlinks=False):
            continue
        stat = entry.stat(follow_symlinks=False)
        path = Path(entry.path)
        name = path.relative_to(root).as_posix()
        found.append(Candidate(path, name, owner_name, stat.st_size, stat.st_mtime_ns))
    return found


def _ignored(name: str) -> bool:
    lowered = name.lower()
    return (
        name in (DONE, FAILED)
        or lowered in _IGNORED_NAMES
        or name.startswith(_IGNORED_PREFIXES)
        or lowered.endswith(_IGNORED_SUFFIXES)
    )


class Settling:
    """Remembers each file's size and modification time between scans: a file is ready once
    they have not changed for `stable_s` seconds. Also keeps its content hash, so that a file
    held back is not read again on every scan."""

    def __init__(self, stable_s: float) -> None:
        self.stable_s = stable_s
        self._seen: dict[Path, tuple[tuple[int, int], float]] = {}
        self._hashes: dict[Path, tuple[tuple[int, int], str]] = {}

    def ready(self, candidate: Candidate, now: float) -> bool:
        state = (candidate.size, candidate.mtime_ns)
        seen = self._seen.get(candidate.path)
        if seen is None or seen[0] != state:
            seen = self._seen[candidate.path] = (state, now)
        return now - seen[1] >= self.stable_s

    def sha256(self, candidate: Candidate) -> str:
        state = (candidate.size, candidate.mtime_ns)
        known = self._hashes.get(candidate.path)
        if known is None or known[0] != state:
            known = self._hashes[candidate.path] = (state, sha256_of(candidate.path))
        return known[1]

    def keep_only(self, present: set[Path]) -> None:
        """Forget the files that are gone (taken, or removed by someone)."""
        for path in self._seen.keys() - present:
            del self._seen[path]
        for path in self._hashes.keys() - present:
            del self._hashes[path]


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()
