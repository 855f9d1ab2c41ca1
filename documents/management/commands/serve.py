"""`manage.py serve`: the production command (`make run`, the systemd units).

Runs gunicorn (config in deploy/gunicorn.conf.py), `manage.py qcluster` and `manage.py
integrations` (the intake folders) as child processes and supervises them:
- SIGTERM or SIGINT: each child gets SIGTERM, which is a graceful stop for both (gunicorn lets
  requests in flight finish; the qcluster finishes the tasks its workers hold). A child still
  running after --stop-timeout seconds is killed with its process group; the ORM broker keeps an
  unacknowledged task, so a page killed mid-way comes back after Q_CLUSTER["retry"] seconds.
  A second signal kills at once.
- A child that exits on its own stops the others and makes `serve` exit non-zero, so that
  systemd (Restart=always) or the Windows watchdog starts everything again from a clean state.

Each child leads its own process group: Ctrl-C in a terminal reaches `serve` only (gunicorn would
take SIGINT as a quick, ungraceful stop), and the group can be killed whole on timeout.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

logger = logging.getLogger("ocrsite.serve")

GUNICORN_CONFIG = Path(settings.BASE_DIR) / "deploy" / "gunicorn.conf.py"
_LIBC = ctypes.CDLL(None)
_PR_SET_PDEATHSIG = 1


def _stop_with_parent() -> None:
    """Runs in the child just before exec: if `serve` itself is killed (SIGKILL, OOM), the
    child gets SIGTERM and stops gracefully instead of living on, holding the port."""
    _LIBC.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def child_commands(only: str | None) -> dict[str, list[str]]:
    manage = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]
    commands = {
        "web": [sys.executable, "-m", "gunicorn", "--config", str(GUNICORN_CONFIG)],
        "worker": [*manage, "qcluster"],
        "integrations": [*manage, "integrations"],
    }
    return {name: argv for name, argv in commands.items() if only in (None, name)}


class Command(BaseCommand):
    help = (
        "Run the web server (gunicorn), the OCR queue (qcluster) and the intake folders' loop "
        "with a graceful stop."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--only",
            choices=["web", "worker", "integrations"],
            help="Run one part only (the systemd units run each part as its own service).",
        )
        parser.add_argument(
            "--bind", help="host:port for the web server (default: OCRSITE_BIND or 0.0.0.0:8000)."
        )
        parser.add_argument(
            "--stop-timeout",
            type=float,
            default=float(os.environ.get("OCRSITE_STOP_TIMEOUT", "60")),
            help="Seconds a graceful stop may take before the children are killed (default 60).",
        )

    def handle(
        self, *args, only: str | None, bind: str | None, stop_timeout: float, **options
    ) -> None:
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        if bind:
            env["OCRSITE_BIND"] = bind
        signals: list[int] = []
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda signum, frame: signals.append(signum))

        children: dict[str, subprocess.Popen] = {}
        for name, argv in child_commands(only).items():
            children[name] = subprocess.Popen(
                argv,
                env=env,
                cwd=settings.BASE_DIR,
                process_group=0,
                preexec_fn=_stop_with_parent,
            )
            logger.info("started %s (pid %d): %s", name, children[name].pid, " ".join(argv[1:]))

        exited = _wait_for_signal_or_exit(children, signals)
        if exited:
            name, code = exited
            logger.error("%s exited with code %s; stopping the rest", name, code)
        else:
            logger.info("got %s; stopping gracefully", signal.Signals(signals[0]).name)
        codes = _stop(children, stop_timeout, signals)
        if exited:
            raise CommandError(f"{exited[0]} exited unexpectedly (code {exited[1]})", returncode=1)
        if any(code != 0 for code in codes.values()):
            raise CommandError(f"unclean stop: exit codes {codes}", returncode=1)
        logger.info("stopped")


def _wait_for_signal_or_exit(
    children: dict[str, subprocess.Popen], signals: list[int]
) -> tuple[str, int] | None:
    """Blocks until a stop signal arrives (None) or a child exits (its name and code)."""
    while not signals:
        for name, child in children.items():
            if (code := child.poll()) is not None:
                return name, code
        time.sleep(0.2)
    return None


def _stop(
    children: dict[str, subprocess.Popen], timeout: float, signals: list[int]
) -> dict[str, int]:
    """SIGTERM to every running child; after `timeout` seconds, or as soon as one more stop
    signal arrives, SIGKILL to the process groups, which also sweeps up what a child that
    died on its own left behind (a qcluster's workers)."""
    already = len(signals)
    for child in children.values():
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while any(child.poll() is None for child in children.values()):
        if time.monotonic() > deadline or len(signals) > already:
            break
        time.sleep(0.2)
    for name, child in children.items():
        if child.poll() is None:
            logger.warning("%s did not stop in time; killing its process group", name)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(child.pid, signal.SIGKILL)
    return {name: child.wait() for name, child in children.items()}
