"""The real app in a real browser: Django's live server (API + the built React app), a real
`qcluster` running the real engine, and Debian's Chromium driven by Playwright.

Chromium is the system's /usr/bin/chromium (`apt-get install chromium`); Playwright never
downloads a browser here. Screenshots go to test-artifacts/ at the repository root.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# between browser steps are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from playwright.sync_api import Browser, Page, sync_playwright

ROOT = Path(__file__).resolve().parents[2]
FRONTEND = ROOT / "frontend"
CHROMIUM = os.environ.get("OCRSITE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def frontend_dist() -> Path:
    """The built app (`make frontend`); built here when missing so the tests never lie about it."""
    dist = FRONTEND / "dist"
    if not (dist / "index.html").exists():
        npm = shutil.which("npm")
        if npm is None:
            pytest.fail("frontend/dist is missing and npm is not installed: run `make frontend`")
        if not (FRONTEND / "node_modules").exists():
            subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=FRONTEND, check=True)
        subprocess.run([npm, "run", "build"], cwd=FRONTEND, check=True)
    # Settings list the folder only if it existed when they were read.
    settings.STATICFILES_DIRS = [("app", dist)]
    finders.get_finder.cache_clear()
    return dist


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `apt-get install chromium` (never downloaded)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def app_url(frontend_dist: Path, live_server) -> str:
    return live_server.url


@pytest.fixture
def new_page(browser: Browser, app_url: str) -> Iterator:
    """new_page(locale="en-US"): a page in a fresh browser context (its own cookies and storage)."""
    contexts = []

    def make(locale: str = "en-US") -> Page:
        context = browser.new_context(
            base_url=app_url,
            locale=locale,
            viewport={"width": 1440, "height": 900},
            accept_downloads=True,
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page) -> Page:
    return new_page()
