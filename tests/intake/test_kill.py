"""`manage.py integrations` killed with SIGKILL again and again while it takes files: in the
end every original is in done/, and each became exactly one document."""

from __future__ import annotations

import os
import random
import signal
import time
from pathlib import Path

import pytest

from documents.models import Document, IntakeFile
from tests.conftest import manage_process
from tests.documents import files
from tests.intake.conftest import tree

pytestmark = pytest.mark.django_db(transaction=True)

FILES = 24


def test_a_watcher_killed_at_any_step_loses_nothing_and_reads_nothing_twice(
    make_cluster, intake, tmp_path
):
    """No cluster reads this test's queue (make_cluster): the documents stay queued."""
    scans = Path(intake.path)
    originals = {f"scan-{n:02d}.png": files.png([f"Page {n}", "of the pile"]) for n in range(FILES)}
    for name, data in originals.items():
        (scans / name).write_bytes(data)
    argv = ["integrations", "--poll", "0.05", "--stable", "0"]
    rounds, chance = 0, random.Random(13)
    while (left := waiting(scans)) and rounds < 40:
        rounds += 1
        watcher = manage_process(argv, tmp_path / f"integrations-{rounds}.log")
        # Once it has taken a file, the kill lands a few milliseconds later: in a
        # transaction, between a commit and a move, or between two files.
        deadline = time.monotonic() + 60
        while waiting(scans) == left and watcher.poll() is None and time.monotonic() < deadline:
            time.sleep(0.005)
        time.sleep(chance.uniform(0, 0.05))
        os.killpg(watcher.pid, signal.SIGKILL)
        watcher.wait(timeout=30)
    assert rounds >= 5, f"only {rounds} kills"
    final = manage_process([*argv, "--once"], tmp_path / "final.log")
    assert final.wait(timeout=120) == 0, (tmp_path / "final.log").read_text()

    assert tree(scans) == sorted(f"done/{name}" for name in originals)
    assert {(scans / "done" / name).read_bytes() for name in originals} == set(originals.values())
    assert Document.objects.count() == FILES
    assert IntakeFile.objects.filter(state="ingested").count() == FILES
    assert sorted(Document.objects.values_list("name", flat=True)) == sorted(originals)


def waiting(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir() if p.is_file()}
