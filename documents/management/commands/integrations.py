"""`manage.py integrations`: the intake folders' loop (documents/intake/), run by `serve` beside
the web server and the queue (`serve --only integrations` on its own).

Files are taken from every enabled folder once their size has settled, and results written back
when they change. SIGTERM or SIGINT stops it between two steps; a kill at any step is safe too
(documents/intake/ingest.py says why).
"""

from __future__ import annotations

import logging
import signal
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from documents.intake.watch import Watcher

logger = logging.getLogger("ocrsite.integrations")


class Command(BaseCommand):
    help = "Take files from the intake folders and write their results back."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--once",
            action="store_true",
            help="Look, wait for sizes to settle, take and write back, then exit.",
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
            return
        stopping: list[int] = []
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda signum, frame: stopping.append(signum))
        logger.info("watching the intake folders every %.1f s", poll)
        watcher.run(poll_s=poll, stop=lambda: bool(stopping))
        logger.info("stopped")
