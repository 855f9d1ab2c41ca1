"""Intake folders: files scanners drop into a folder become documents, and their results are
written back to an output folder.

- `scan.py`: which files of a folder are ready (their size has settled) and whose they are.
- `ingest.py`: a ready file becomes a document; the original then moves to done/ or failed/.
- `write_back.py`: a folder document's exports written to the output folder, again on change.
- `wake.py`: inotify, to look again early where it works (polling covers the rest).
- `watch.py`: one pass over every folder (`manage.py integrations` runs it in its loop).
"""

import errno


def os_error_text(error: OSError) -> str:
    """An OSError in words for the admin, with the likely fix where there is one."""
    text = error.strerror or str(error)
    if error.errno == errno.EROFS:
        text += " (a systemd install writes only the folders listed in OCRSITE_FOLDERS)"
    return text
