"""inotify wakes the watcher when a file lands in a watched local folder."""

from __future__ import annotations

import threading
from pathlib import Path

from documents.intake.wake import Wake


def test_a_file_landing_in_a_watched_folder_wakes_the_watcher(tmp_path: Path):
    watched = tmp_path / "scans"
    watched.mkdir()
    incoming = tmp_path / "scan.pdf"
    incoming.write_bytes(b"%PDF-1.4")  # beside the watched folder: no event
    wake = Wake()
    try:
        wake.watch({watched})
        assert wake.wait(0.1) is False
        mover = threading.Timer(0.2, incoming.rename, [watched / "scan.pdf"])
        mover.start()
        assert wake.wait(60) is True
        mover.join()
        (tmp_path / "elsewhere.pdf").write_bytes(b"%PDF-1.4")  # not watched
        assert wake.wait(0.1) is False
    finally:
        wake.close()
