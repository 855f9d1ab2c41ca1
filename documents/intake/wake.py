"""Waking the watcher as soon as a file lands in a folder, where inotify sees it.

Files that another machine writes to a Windows folder mounted in WSL2 (/mnt/c: drvfs/9p) or to
a network share raise no inotify event here, so the watcher polls every folder anyway; inotify
only shortens the wait on local folders. Where inotify is missing the wait is a plain sleep.
"""

from __future__ import annotations

import ctypes
import logging
import os
import select
import time
from pathlib import Path

logger = logging.getLogger(__name__)

# <sys/inotify.h>: a file closed after writing, moved in, or created.
_EVENTS = 0x00000008 | 0x00000080 | 0x00000100


class Wake:
    def __init__(self) -> None:
        self._libc = ctypes.CDLL(None, use_errno=True)
        try:
            # IN_NONBLOCK and IN_CLOEXEC are O_NONBLOCK and O_CLOEXEC
            self._fd = self._libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
        except AttributeError:  # not Linux
            self._fd = -1
        if self._fd < 0:
            logger.info("inotify is not available: folders are polled only")

    def watch(self, directories: set[Path]) -> None:
        """Watch each directory. Asked every pass: adding a watch again is a no-op, and a
        directory removed and made again gets its new watch."""
        if self._fd < 0:
            return
        for directory in directories:
            self._libc.inotify_add_watch(self._fd, os.fsencode(directory), _EVENTS)

    def wait(self, timeout: float) -> bool:
        """Sleep up to `timeout` seconds, less when a watched directory changes (True then)."""
        if self._fd < 0:
            time.sleep(timeout)
            return False
        ready, _, _ = select.select([self._fd], [], [], timeout)
        if ready:
            try:
                while os.read(self._fd, 65536):  # the events themselves do not matter
                    pass
            except BlockingIOError:
                pass
        return bool(ready)

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1
