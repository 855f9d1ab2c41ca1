"""`manage.py integrations`: the loop that meets other systems, run by `serve` beside the web
server and the queue (`serve --only integrations` on its own). Every pass:

- the intake folders (documents/intake/): files taken once their size has settled, results
  written back when they change;
- the webhooks (documents/webhooks.py): the deliveries that are due are sent.

Not in the OCR queue: its workers read pages, and a message waits behind every page queued.
SIGTERM or SIGINT stops the loop between two steps; a kill at any step is safe too (intake:
documents/intake/ingest.py says why; a webhook try whose sender died is sent again).
"""

from __future__ import annotations

import logging
import signal
import time
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from documents import webhooks
from documents.intake.wake import Wake
from documents.intake.watch import Watcher

logger = logging.getLogger("ocrsite.integrations")
T = TypeVar("T")


class Command(BaseCommand):
    help = "Take files from the intake folders, write their results back, send webhooks."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--once",
            action="store_true",
            help="Look, wait for sizes to settle, take and write back, send the webhooks due, "
            "then exit.",
        )
        parser.add_argument(
            "--poll",
            type=float,
            default=settings.INTAKE["POLL_S"],
            help="Seconds between passes (default: OCRSITE_INTAKE_POLL_S or 2).",
        )
        parser.add_argument(
            "--stable",
            type=float,
            default=settings.INTAKE["STABLE_S"],
            help="Seconds a file's size must stay the same before it is taken "
            "(default: OCRSITE_INTAKE_STABLE_S or 5).",
        )

    def handle(self, *args, once: bool, poll: float, stable: float, **options) -> None:
        watcher = Watcher(stable_s=stable)
        if once:
            watcher.pass_once()  # notes every file's size
            time.sleep(stable)
            watcher.pass_once()
            webhooks.deliver_due()
            return
        stopping: list[int] = []
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda signum, frame: stopping.append(signum))
        logger.info("watching the intake folders and sending webhooks every %.1f s", poll)
        wake = Wake()
        try:
            while not stopping:
                looked_at = _step("intake pass", watcher.pass_once) or []
                _step("webhook deliveries", webhooks.deliver_due)
                wake.watch(set(looked_at))
                if not stopping:
                    wake.wait(poll)
        finally:
            wake.close()
        logger.info("stopped")


def _step(what: str, step: Callable[[], T]) -> T | None:
    """A step that fails is logged, and the loop goes on (the database may be back next time)."""
    try:
        return step()
    except Exception:
        logger.exception("%s failed", what)
        return None
