"""The report in a real browser: headless Chromium renders it with no console errors.

Needs Debian's ``chromium`` and ``chromium-driver`` (``.ci/run`` installs them) and the ``selenium``
test extra. Skips with a message where they cannot be had. The screenshot is kept as a test artefact
in ``tests/artefacts/report.png`` (not committed).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from crossborder.report import SECTIONS

ARTEFACTS = Path(__file__).resolve().parent / "artefacts"


def _browser():
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium (test extra) is missing")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver_path = shutil.which("chromedriver")
    if not chromium or not driver_path:
        pytest.skip("Chromium/ChromeDriver not installed (Debian packages chromium, chromium-driver; "
                    ".ci/run installs them)")
    opts = webdriver.ChromeOptions()
    opts.binary_location = chromium
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", "--window-size=1280,2000"):
        opts.add_argument(flag)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = webdriver.ChromeService(executable_path=driver_path)
    return webdriver.Chrome(options=opts, service=service)


def test_report_renders_in_headless_chromium(ru_kz_report):
    driver = _browser()
    result = ru_kz_report  # the suite's shared build (conftest)
    try:
        driver.get(result.html.resolve().as_uri())
        ids = driver.execute_script(
            "return Array.from(document.querySelectorAll('section')).map(s => s.id)")
        assert ids == SECTIONS
        images = driver.execute_script(
            "return Array.from(document.images).map(i => [i.complete, i.naturalWidth])")
        assert len(images) == len(result.figures)
        assert all(done and width > 0 for done, width in images), images
        errors = [e for e in driver.get_log("browser") if e["level"] in ("SEVERE", "ERROR")]
        assert errors == []
        ARTEFACTS.mkdir(exist_ok=True)
        assert driver.save_screenshot(str(ARTEFACTS / "report.png"))
    finally:
        driver.quit()
