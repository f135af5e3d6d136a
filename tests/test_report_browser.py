"""The report in a real browser: headless Chromium renders it with no console errors, and the
explorer works: the year slider redraws the map, hovering a region shows its value, clicking a pair
shows its series, the robustness grid filters and sorts; no request leaves the page.

Needs Debian's ``chromium`` and ``chromium-driver`` (``.ci/run`` installs them) and the ``selenium``
test extra. Skips with a message where they cannot be had. Screenshots are kept as test artefacts
in ``tests/artefacts/`` (not committed), or in the folder named by ``CROSSBORDER_SCREENSHOTS``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest

from crossborder.report import SECTIONS

#: A browser per test, on the built-in report: CI runs it (``slow``, and .ci/run installs Chromium).
pytestmark = pytest.mark.slow

ARTEFACTS = Path(os.environ.get("CROSSBORDER_SCREENSHOTS") or Path(__file__).resolve().parent / "artefacts")

#: How long the explorer may take to be drawn after the page opens (ms). The issue asks for 2 s on
#: a desktop; this bound is 10x the slowest time measured (19.6 s, on 2 shared cores at a
#: load average of 16); the measured time is printed and saved beside the screenshots.
READY_MS = 200_000

#: How long the report may take to be read and made interactive (domInteractive, ms): Plotly's
#: JavaScript is kept as text until the explorer is opened, so this is the HTML alone. Measured
#: 2.3-2.6 s at a load average of 2-4.5 on 2 shared cores (6.8-8.5 s when Plotly ran at load; 1.2-2.0 s
#: without the explorer), 2.2-2.9 s at a load average of 7-8; this bound is 14x the slowest. The
#: structural check (Plotly not run before the explorer is opened) is the sharp one.
USABLE_MS = 40_000


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
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
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


def _blob(html: Path) -> dict:
    text = html.read_text(encoding="utf-8")
    found = re.search(r'<script type="application/json" id="cb-explorer-data">(.*?)</script>', text, re.S)
    return json.loads(found.group(1))


def _requests(driver) -> list[str]:
    """Every URL the page asked for (Chromium's network log through the DevTools protocol)."""
    urls = []
    for entry in driver.get_log("performance"):
        msg = json.loads(entry["message"])["message"]
        if msg["method"] == "Network.requestWillBeSent":
            urls.append(msg["params"]["request"]["url"])
    return urls


def _point_in(driver, css: str, index: int) -> tuple[float, float]:
    """A point (viewport pixels) inside the ``index``-th SVG path of ``css``: of a grid over its
    box, the point inside its fill (``isPointInFill``) nearest the box centre."""
    return driver.execute_script("""
        var el = document.querySelectorAll(arguments[0])[arguments[1]];
        el.scrollIntoView({block: "center"});
        var b = el.getBoundingClientRect(), inv = el.getScreenCTM().inverse(), best = null, dist = 1e9;
        for (var k = 1; k < 24; k++) { for (var i = 1; i < 24; i++) {
            var x = b.left + b.width * i / 24, y = b.top + b.height * k / 24;
            var p = new DOMPoint(x, y).matrixTransform(inv);
            var d = Math.pow(i - 12, 2) + Math.pow(k - 12, 2);
            if (el.isPointInFill(p) && d < dist) { best = [x, y]; dist = d; } } }
        return best;""", css, index)


def test_explorer_in_headless_chromium(ru_kz_report):
    result = ru_kz_report  # the suite's shared build (conftest)
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.actions.action_builder import ActionBuilder
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    blob = _blob(result.html)
    years, codes = blob["years"], [r["code"] for r in blob["regions"]]
    driver = _browser()
    try:
        driver.execute_cdp_cmd("Performance.enable", {})
        driver.get(result.html.resolve().as_uri())
        # the report is usable before Plotly is compiled: Plotly's source is inert text, nothing of
        # it has run, and the page was interactive (domInteractive) without it
        before = driver.execute_script(
            "return [typeof Plotly, document.getElementById('cb-explorer').getAttribute('data-plotly'),"
            " performance.getEntriesByName('cb-plotly-start').length,"
            " document.getElementById('cb-plotly-src').type,"
            " performance.getEntriesByType('navigation')[0].domInteractive]")
        assert before[:4] == ["undefined", "idle", 0, "text/plain"]
        usable = before[4]
        assert 0 < usable < USABLE_MS
        opened = driver.find_element(By.ID, "cb-open")
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", opened)
        opened.click()
        wait = WebDriverWait(driver, READY_MS / 1000)
        wait.until(lambda d: d.find_element(By.ID, "cb-explorer").get_attribute("data-ready-ms"))
        ready = int(driver.find_element(By.ID, "cb-explorer").get_attribute("data-ready-ms"))
        nav = driver.execute_script(
            "var n = performance.getEntriesByType('navigation')[0];"
            "var p = performance.getEntriesByName('first-contentful-paint')[0];"
            "return [n.domContentLoadedEventEnd, n.loadEventEnd, p ? p.startTime : null];")
        # CPU time of the page's main thread so far: what the wall time would be on an idle core
        metrics = {m["name"]: m["value"]
                   for m in driver.execute_cdp_cmd("Performance.getMetrics", {})["metrics"]}
        cpu_ms = 1000 * metrics.get("ThreadTime", float("nan"))
        started = driver.execute_script("return performance.getEntriesByName('cb-plotly-start')[0].startTime")
        assert started > nav[0]                  # Plotly ran after the page had been read, when opened
        print(f"report interactive {usable:.0f} ms; explorer opened at {started:.0f} ms, drawn {ready} ms "
              f"after navigation; first text painted {nav[2]} ms; "
              f"DOMContentLoaded {nav[0]:.0f} ms, "
              f"load {nav[1]:.0f} ms; main-thread CPU {cpu_ms:.0f} ms; report.html "
              f"{result.html.stat().st_size / 1e6:.2f} MB")
        assert ready < READY_MS
        paths = driver.execute_script(
            "return Array.from(document.querySelectorAll('#cb-map path.choroplethlocation'))"
            ".map(p => p.__data__ && p.__data__.loc)")
        assert sorted(p for p in paths if p) == sorted(codes)

        # the year slider: one step back redraws the map with that year's values
        slider = driver.find_element(By.ID, "cb-year")
        slider.send_keys(Keys.ARROW_LEFT)
        year = years[-2]
        wait.until(lambda d: d.find_element(By.ID, "cb-map").get_attribute("data-year") == str(year))
        assert driver.find_element(By.ID, "cb-year-label").text == str(year)
        z = driver.execute_script("return document.getElementById('cb-map').data[0].z")
        assert z == [row[-2] for row in blob["values"]]

        # hover a border region: its value and rank for that year appear in the page
        code = next(r["code"] for r in blob["regions"] if r["border"])
        index = paths.index(code)
        x, y = _point_in(driver, "#cb-map path.choroplethlocation", index)
        actions = ActionBuilder(driver)
        actions.pointer_action.move_to_location(int(x), int(y))
        actions.perform()
        info = driver.find_element(By.ID, "cb-info")
        wait.until(lambda d: info.get_attribute("data-region") == code)
        i = codes.index(code)
        column = [row[-2] for row in blob["values"]]
        assert float(info.get_attribute("data-value")) == pytest.approx(column[i])
        rank = 1 + sum(v is not None and v > column[i] for v in column)
        assert int(info.get_attribute("data-rank")) == rank
        assert blob["regions"][i]["name"] in info.text
        hover = driver.execute_script("return Array.from(document.querySelectorAll('#cb-map .hovertext'))"
                                      ".map(e => e.textContent).join(' ')")
        assert blob["regions"][i]["name"] in hover
        explorer = driver.find_element(By.ID, "cb-explorer")
        ARTEFACTS.mkdir(parents=True, exist_ok=True)
        assert explorer.screenshot(str(ARTEFACTS / "explorer_map.png"))

        # click a pair: its chart shows both regions' series and ln(a/b)
        button = driver.find_elements(By.CSS_SELECTOR, "#cb-pairs button")[0]
        pair = blob["pairs"][0]
        ActionChains(driver).move_to_element(button).click().perform()
        series = driver.find_element(By.ID, "cb-series")
        wait.until(lambda d: series.get_attribute("data-key") == f"{pair['a']}|{pair['b']}")
        assert series.is_displayed()
        traces = driver.execute_script(
            "return document.getElementById('cb-series').data.map(t => [t.name, t.y])")
        assert [t[1] for t in traces] == [blob["values"][codes.index(pair["a"])],
                                          blob["values"][codes.index(pair["b"])], pair["log_gap"]]
        assert driver.execute_script("return document.querySelectorAll('#cb-series .scatterlayer "
                                     ".trace').length") == 3
        driver.execute_script("arguments[0].scrollIntoView({block: 'start'})",
                              driver.find_element(By.ID, "cb-pairs"))
        assert driver.save_screenshot(str(ARTEFACTS / "explorer_pair.png"))

        # the robustness grid: a filter keeps the rows holding the text; a header click sorts
        grid = blob["grid"]
        rows = list(zip(*[[c["levels"][k] if k is not None else None for k in c["codes"]] if "levels" in c
                          else c["values"] for c in grid["columns"]], strict=True))
        box = driver.find_element(By.ID, "cb-grid-filter")
        box.send_keys("HAC")
        expect = sum(any(v is not None and "hac" in str(v).lower() for v in r) for r in rows)
        count = driver.find_element(By.ID, "cb-grid-count")
        wait.until(lambda d: count.get_attribute("data-matching") == str(expect))
        names = [c["name"] for c in grid["columns"]]
        header = driver.find_elements(By.CSS_SELECTOR, "#cb-grid thead th")[names.index("value")]
        header.click()
        shown = driver.execute_script(
            "return Array.from(document.querySelectorAll('#cb-grid tbody tr')).map(tr => "
            "tr.cells[arguments[0]].getAttribute('data-value'))", names.index("value"))
        got = [float(v) for v in shown if v is not None]
        assert got == sorted(got) and len(got) > 1

        # nothing left the page, nothing failed
        leaving = [u for u in _requests(driver) if not u.startswith(("file:", "data:", "blob:"))]
        assert leaving == []
        resources = driver.execute_script(
            "return performance.getEntriesByType('resource').map(e => e.name)")
        assert [u for u in resources if not u.startswith(("file:", "data:", "blob:"))] == []
        errors = [e for e in driver.get_log("browser") if e["level"] in ("SEVERE", "ERROR")]
        assert errors == []
        (ARTEFACTS / "explorer_timing.json").write_text(json.dumps(
            {"ready_ms": ready, "dom_interactive_ms": usable, "plotly_started_ms": started,
             "dom_content_loaded_ms": nav[0], "load_ms": nav[1],
             "first_contentful_paint_ms": nav[2], "main_thread_cpu_ms": cpu_ms,
             "report_bytes": result.html.stat().st_size}))
    finally:
        driver.quit()
