"""The published site in a real headless browser (Debian's chromium + chromium-driver,
driven by Selenium): pages load without console errors, charts and map are drawn, and
a screenshot of the front page is kept in tests/artifacts/.

Skipped when chromium is not installed, unless ICE287G_REQUIRE_BROWSER=1 (CI), which
makes its absence a failure.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, Cli

ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = ("chromium", "chromium-browser")
DRIVER = "chromedriver"
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1280,1600",
)


def _find_browser() -> tuple[str, str] | None:
    browser = next((p for p in map(shutil.which, CHROMIUM) if p), None)
    driver = shutil.which(DRIVER) or (
        "/usr/lib/chromium/chromedriver"
        if Path("/usr/lib/chromium/chromedriver").is_file()
        else None
    )
    return (browser, driver) if browser and driver else None


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    found = _find_browser()
    if found is None:
        reason = (
            "chromium and chromedriver are not installed (apt-get install chromium chromium-driver)"
        )
        if os.environ.get("ICE287G_REQUIRE_BROWSER") == "1":
            pytest.fail(reason + " but ICE287G_REQUIRE_BROWSER=1")
        pytest.skip(reason)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = found[0]
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(executable_path=found[1]))
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The seed archive published and served by http.server on 127.0.0.1."""
    tmp = tmp_path_factory.mktemp("served")
    seed = Cli(f"sqlite:///{tmp / 'seed.db'}", ROOT / "snapshots" / "archive")
    seed("rebuild")
    seed("publish", str(tmp / "site"))

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=str(tmp / "site")))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def _load(browser: Any, url: str) -> list[dict[str, Any]]:
    browser.get_log("browser")  # drop what earlier pages logged
    browser.get(url)
    assert browser.execute_script("return document.readyState") == "complete"
    return [e for e in browser.get_log("browser") if e.get("level") in ("SEVERE", "WARNING")]


def _images_drawn(browser: Any) -> list[str]:
    script = (
        "return Array.from(document.images)"
        ".filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src)"
    )
    return list(browser.execute_script(script))


def test_the_front_page_loads_with_charts_and_map_and_no_console_error(
    browser: Any, served: str
) -> None:
    assert _load(browser, served + "index.html") == []
    charts = browser.execute_script(
        "return Array.from(document.querySelectorAll('figure.chart img')).map(i => i.naturalWidth)"
    )
    assert len(charts) == 3 and all(w > 100 for w in charts)
    assert _images_drawn(browser) == []
    ARTIFACTS.mkdir(exist_ok=True)
    assert browser.save_screenshot(str(ARTIFACTS / "front-page.png"))


def test_a_state_page_and_an_agency_page_load_with_no_console_error(
    browser: Any, served: str
) -> None:
    assert _load(browser, served + "states/FL.html") == []
    assert "Florida" in browser.title
    assert _load(browser, served + "agencies/fl-alachua-county-sheriff-office.html") == []
    assert "Alachua" in browser.title
    links = browser.execute_script(
        "return Array.from(document.querySelectorAll('.proof a')).map(a => a.href)"
    )
    assert links
    assert _load(browser, links[0]) == []
