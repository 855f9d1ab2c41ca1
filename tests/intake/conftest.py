"""Intake folders on real folders of the test's own, and a watcher looking at them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from documents.intake.watch import Watcher
from documents.models import IntakeFolder

STABLE_S = 5


@pytest.fixture
def intake(tmp_path: Path, user: Any) -> IntakeFolder:
    """A folder owned by alice, results (PDF and text) written to a sibling folder."""
    (tmp_path / "scans").mkdir()
    return IntakeFolder.objects.create(
        path=str(tmp_path / "scans"),
        owner=user,
        pipeline="ocr",
        output_path=str(tmp_path / "out"),
        output_formats=["pdf", "txt"],
    )


@pytest.fixture
def watcher() -> Watcher:
    return Watcher(stable_s=STABLE_S)


def settle(watcher: Watcher, start: float = 0.0) -> None:
    """Two passes STABLE_S apart on the watcher's clock: what has not changed is taken."""
    watcher.pass_once(now=start)
    watcher.pass_once(now=start + STABLE_S)


def tree(root: Path) -> list[str]:
    """Every file below `root`, relative to it, sorted."""
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
