"""Every HTML output, checked in a real browser: axe-core, reflow, no network.

One build of every protocol under protocol/ (so a second worked example or a
new document type is covered the day it arrives), then one headless Chromium
for all pages, at a desktop (1280x900) and a phone (390x844) viewport:

- axe-core (WCAG 2.1 A and AA, and best-practice rules) finds no violation;
- at 390 px nothing is wider than the screen (WCAG 1.4.10, reflow): the
  document's scroll width is the viewport's; a table too wide for a phone
  scrolls inside its own focusable, labelled region with its first column
  kept in view;
- the page asks for nothing but ``file:`` and ``data:`` URLs: everything else
  is blocked in the browser, and the test fails if anything was asked for.

The browser is Debian's ``chromium`` driven by its ``chromium-driver``
through Selenium; axe-core comes from npm (``npm ci --prefix tests/browser``,
version pinned in tests/browser/package-lock.json). Nothing is downloaded at
run time. Where either is missing the tests skip and say what to install.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import ROOT, run_cli

AXE = ROOT / "tests" / "browser" / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
VIEWPORTS = {"desktop": (1280, 900), "phone": (390, 844)}
ALLOWED_SCHEMES = ("file:", "data:")


def _browser_paths():
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    return chromium, driver


def _skip_reason() -> str | None:
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "needs selenium (pip install -e '.[test]')"
    chromium, driver = _browser_paths()
    if not chromium or not driver:
        return ("needs a browser: Debian packages chromium and chromium-driver "
                "(apt-get install chromium chromium-driver; .ci/run does it)")
    if not AXE.exists():
        return f"needs axe-core in {AXE.parent} (npm ci --prefix tests/browser; make setup does it)"
    return None


pytestmark = pytest.mark.skipif(_skip_reason() is not None, reason=_skip_reason() or "")


# What the page reports about itself, at the current viewport (one script, one round trip).
PAGE_FACTS = r"""
const done = arguments[arguments.length - 1];
const scroller = document.scrollingElement;
// regions that scroll sideways: focusable, labelled, first column in view when scrolled
const regions = [];
for (const el of document.querySelectorAll('body *')) {
  const style = getComputedStyle(el);
  if (!['auto', 'scroll'].includes(style.overflowX) || el.scrollWidth <= el.clientWidth) continue;
  const name = el.getAttribute('aria-label') ||
    (el.getAttribute('aria-labelledby') || '').split(/\s+/).filter(Boolean)
      .map(id => (document.getElementById(id) || {}).textContent || '').join(' ').trim();
  // a cell of the first row not spanning the table (group rows span it)
  const row = [...el.querySelectorAll('tbody tr')].find(r => r.cells.length > 1);
  const first = row ? row.cells[0] : null;
  el.scrollLeft = el.scrollWidth;
  const left = first ? first.getBoundingClientRect().left - el.getBoundingClientRect().left : 0;
  el.scrollLeft = 0;
  regions.push({node: el.outerHTML.slice(0, 80), tabindex: el.tabIndex, name: name,
                role: el.getAttribute('role'), firstColumnLeft: Math.round(left),
                scrolledBy: el.scrollWidth - el.clientWidth});
}
axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}, resultTypes: ['violations']})
  .then(result => done({
    violations: result.violations.map(v => ({
      rule: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html.slice(0, 160)}))})),
    scrollWidth: scroller.scrollWidth, viewport: window.innerWidth,
    regions: regions,
    resources: performance.getEntriesByType('resource').map(e => e.name),
  }))
  .catch(err => done({error: String(err)}));
"""


@pytest.fixture(scope="module")
def html_outputs(tmp_path_factory):
    """Every HTML file a build of every protocol under protocol/ writes."""
    out = tmp_path_factory.mktemp("out")
    result = run_cli("build", "--output", out, "--quiet")
    assert result.returncode == 0, result.stdout + result.stderr
    files = sorted(p for p in out.rglob("*.html") if ".trialdocs" not in p.parts)
    assert files, "the build wrote no HTML"
    return out, files


@pytest.fixture(scope="module")
def audit(html_outputs):
    """{(viewport, page): facts} for every HTML output at every viewport, in one browser."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    out, files = html_outputs
    chromium, driver_path = _browser_paths()
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--no-first-run", "--disable-extensions", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-default-apps",
                "--allow-file-access-from-files"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    axe = AXE.read_text(encoding="utf-8")
    facts, requests = {}, []
    try:
        driver.set_script_timeout(60)
        driver.execute_cdp_cmd("Network.enable", {})
        driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": [
            "http:*", "https:*", "ws:*", "wss:*", "ftp:*", "blob:*", "filesystem:*"]})
        for name, (width, height) in VIEWPORTS.items():
            driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
                "width": width, "height": height, "deviceScaleFactor": 1,
                "mobile": name == "phone"})
            for file in files:
                driver.get(file.as_uri())
                driver.execute_script(axe)
                page = file.relative_to(out).as_posix()
                facts[(name, page)] = driver.execute_async_script(PAGE_FACTS, AXE_TAGS)
        for entry in driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            if message.get("method") == "Network.requestWillBeSent":
                requests.append(message["params"]["request"]["url"])
    finally:
        driver.quit()
    return facts, requests


def _report(problems) -> str:
    return "\n".join(problems)


def test_axe_finds_no_violation_at_desktop_and_phone_width(audit):
    facts, _ = audit
    problems = []
    for (viewport, page), result in sorted(facts.items()):
        assert "error" not in result, f"{page} ({viewport}): axe failed: {result['error']}"
        for v in result["violations"]:
            for node in v["nodes"]:
                problems.append(f"{page} [{viewport}] {v['rule']} ({v['impact']}): {v['help']}\n"
                                f"    {node['target']}: {node['html']}")
    assert not problems, f"{len(problems)} axe violation(s):\n" + _report(problems)


def test_nothing_is_wider_than_a_phone_screen(audit):
    facts, _ = audit
    width = VIEWPORTS["phone"][0]
    wide = [f"{page}: document {r['scrollWidth']} px wide in a {width} px viewport"
            for (viewport, page), r in sorted(facts.items())
            if viewport == "phone" and r["scrollWidth"] != width]
    assert not wide, _report(wide)


def test_what_scrolls_sideways_is_a_focusable_labelled_region_keeping_its_first_column(audit):
    facts, _ = audit
    problems, seen = [], 0
    for (viewport, page), result in sorted(facts.items()):
        for region in result["regions"]:
            seen += 1
            if region["tabindex"] < 0 or not region["name"] or region["role"] != "region":
                problems.append(f"{page} [{viewport}]: {region['node']} scrolls but is not a "
                                f"focusable, labelled region ({region})")
            if region["firstColumnLeft"] != 0:
                problems.append(f"{page} [{viewport}]: first column moved "
                                f"{region['firstColumnLeft']} px when scrolled ({region['node']})")
    assert not problems, _report(problems)
    # the worked example's schedule of activities is wider than a phone: proves the check ran
    assert any(region["scrolledBy"] > 0 for (viewport, page), r in facts.items()
               if viewport == "phone" and page.startswith("nct03970954/site-manual")
               for region in r["regions"]), "no scrolling table found in the site manual at 390 px"


def test_pages_ask_for_nothing_but_local_files(audit):
    facts, requests = audit
    assert requests, "the browser's request log is empty: the check would prove nothing"
    outside = sorted({url for url in requests if not url.startswith(ALLOWED_SCHEMES)})
    outside += sorted({f"{page}: {url}" for (_, page), r in facts.items()
                       for url in r["resources"] if not url.startswith(ALLOWED_SCHEMES)})
    assert not outside, "requests beyond file: and data: URLs:\n" + _report(outside)
