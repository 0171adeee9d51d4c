"""A real Daphne serving the app and Debian's Chromium driven by Playwright.

Run these in their own pytest invocation (the README's test command does): the sync
Playwright API runs an event loop of its own that must not meet pytest-asyncio's.
"""

import subprocess
import sys
import time
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from tests.servers import PROJECT, DaphneServer, migrate

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = PROJECT / "test-artifacts"
# Without the background-networking flags Chromium keeps calling out to a network this
# machine does not have.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def wait_until(predicate, timeout=10.0):
    """True once `predicate()` is, False if it still is not after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"browser tests need Debian's chromium at {CHROMIUM}: apt-get install chromium")
    data = tmp_path_factory.mktemp("browser-data")
    env = {"SKETCHSITE_DATA_DIR": str(data), "SECRET_KEY": "browser-test-secret"}
    migrate(env)
    # The pages run the bundle of frontend/ as it is now, not one built before a change.
    subprocess.run(["npm", "run", "build", "--silent"], cwd=PROJECT, check=True)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=PROJECT, check=True
    )
    daphne = DaphneServer(env, log_path=data / "daphne.log").start()
    yield daphne
    daphne.stop()


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def open_page(browser, request):
    """Open a board in a new browser context of a given size; screenshots are saved at the end."""
    contexts = []
    page_errors = []

    def opener(url, name, *, before_load=None, wait_online=True, **context_options):
        """`before_load(page)` runs before the page opens (e.g. to route its socket)."""
        context = browser.new_context(**context_options)
        contexts.append((name, context))
        page = context.new_page()
        page.on("pageerror", lambda error: page_errors.append(f"{name}: {error}"))
        if before_load is not None:
            before_load(page)
        page.goto(url)
        if wait_online:
            page.locator("[data-role=status][data-state=online]").wait_for(timeout=10_000)
        return page

    yield opener
    ARTIFACTS.mkdir(exist_ok=True)
    for name, context in contexts:
        for index, page in enumerate(context.pages):
            page.screenshot(path=ARTIFACTS / f"{request.node.name}-{name}-{index}.png")
        context.close()
    assert not page_errors, f"errors in the page: {page_errors}"
