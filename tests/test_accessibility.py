"""Every output, checked as a reader with a screen reader or a phone meets it.

One build of every protocol under protocol/ (so a second worked example or a
new document type is covered the day it arrives). Its PDFs: only the pinned
fonts are embedded; text in another language than the document's carries
/Lang in the tags; figures have their full description; the contents have
no nested links and no dot text. Its HTML, in one headless Chromium for all
pages, at a desktop (1280x900) and a phone (390x844) viewport:

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
import re
import shutil
from pathlib import Path

import pikepdf
import pytest

from conftest import ROOT
from pdftext import reader as pdf_reader
from trialdocs.assets import FONT_FACES, font_file

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


needs_browser = pytest.mark.skipif(_skip_reason() is not None, reason=_skip_reason() or "")


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
def built(examples_built):
    """The run's one build of every protocol under protocol/ (conftest.py): every HTML
    page; every PDF of the worked example, and of the others all but most sites' consent
    forms (same document, other site details: their HTML is audited, and their text's
    characters are checked against the pinned fonts below)."""
    return examples_built


def _outputs(out: Path, suffix: str) -> list[Path]:
    files = sorted(p for p in out.rglob("*" + suffix) if ".trialdocs" not in p.parts)
    assert files, f"the build wrote no {suffix} file"
    return files


@pytest.fixture(scope="module")
def html_outputs(built):
    return built, _outputs(built, ".html")


def _audit_viewport(name: str, files: list[Path], out: Path):
    """({page: facts}, [requested URLs]) for every file at one viewport, in its own browser."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

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
    width, height = VIEWPORTS[name]
    facts, requests = {}, []
    try:
        driver.set_script_timeout(60)
        driver.execute_cdp_cmd("Network.enable", {})
        driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": [
            "http:*", "https:*", "ws:*", "wss:*", "ftp:*", "blob:*", "filesystem:*"]})
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": width, "height": height, "deviceScaleFactor": 1, "mobile": name == "phone"})
        # the browser adds axe-core to every page it opens (rather than 500 kB sent
        # over WebDriver per page); PAGE_FACTS fails if a page has no axe
        driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument",
                               {"source": AXE.read_text(encoding="utf-8")})
        for file in files:
            driver.get(file.as_uri())
            facts[file.relative_to(out).as_posix()] = driver.execute_async_script(
                PAGE_FACTS, AXE_TAGS)
        for entry in driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            if message.get("method") == "Network.requestWillBeSent":
                requests.append(message["params"]["request"]["url"])
    finally:
        driver.quit()
    return facts, requests


@pytest.fixture(scope="module")
def audit(html_outputs):
    """{(viewport, page): facts} for every HTML output at every viewport: one browser per
    viewport, the two side by side (most of a page's time is the browser's own work)."""
    from concurrent.futures import ThreadPoolExecutor

    out, files = html_outputs
    facts, requests = {}, []
    with ThreadPoolExecutor(len(VIEWPORTS)) as pool:
        runs = {name: pool.submit(_audit_viewport, name, files, out) for name in VIEWPORTS}
        for name, run in runs.items():
            page_facts, page_requests = run.result()
            facts.update({(name, page): f for page, f in page_facts.items()})
            requests += page_requests
    return facts, requests


def _report(problems) -> str:
    return "\n".join(problems)


@needs_browser
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


@needs_browser
def test_nothing_is_wider_than_a_phone_screen(audit):
    facts, _ = audit
    width = VIEWPORTS["phone"][0]
    wide = [f"{page}: document {r['scrollWidth']} px wide in a {width} px viewport"
            for (viewport, page), r in sorted(facts.items())
            if viewport == "phone" and r["scrollWidth"] != width]
    assert not wide, _report(wide)


@needs_browser
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


@needs_browser
def test_pages_ask_for_nothing_but_local_files(audit):
    facts, requests = audit
    assert requests, "the browser's request log is empty: the check would prove nothing"
    outside = sorted({url for url in requests if not url.startswith(ALLOWED_SCHEMES)})
    outside += sorted({f"{page}: {url}" for (_, page), r in facts.items()
                       for url in r["resources"] if not url.startswith(ALLOWED_SCHEMES)})
    assert not outside, "requests beyond file: and data: URLs:\n" + _report(outside)


# -- PDFs ------------------------------------------------------------------------------------

def _font_name(stem: str) -> str:
    """The PostScript family-face name a font file embeds as (subset prefix aside)."""
    from fontTools.ttLib import TTFont
    from trialdocs.assets import FONT_DIR

    return TTFont(str(FONT_DIR / font_file(stem)), lazy=True)["name"].getDebugName(6)


def embedded_fonts(pdf) -> set[str]:
    """The /FontName of every font a PDF's pages and their forms use, without the subset prefix."""
    names, seen = set(), set()

    def walk(resources):
        if resources is None:
            return
        for font in (resources.get("/Font") or {}).values():
            for face in [font, *(font.get("/DescendantFonts") or [])]:
                descriptor = face.get("/FontDescriptor")
                if descriptor is not None:
                    names.add(re.sub(r"^[A-Z]{6}\+", "", str(descriptor["/FontName"])[1:]))
        for xobject in (resources.get("/XObject") or {}).values():
            if xobject.objgen in seen:
                continue
            seen.add(xobject.objgen)
            if "/Resources" in xobject:
                walk(xobject["/Resources"])

    for page in pdf.pages:
        walk(page.obj.get("/Resources"))
    return names


def struct_elements(pdf) -> list[tuple[dict, list[str]]]:
    """Every structure element of a tagged PDF ({"/S": type, and "/Lang" and "/Alt" as
    text where it has them}), with the chain of its ancestors' types."""
    found = []

    def walk(node, ancestors):
        if isinstance(node, pikepdf.Array):
            for kid in node:
                walk(kid, ancestors)
        elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
            element = {"/S": str(node["/S"])}
            element.update({key: str(node[key]) for key in ("/Lang", "/Alt") if key in node})
            found.append((element, ancestors))
            if "/K" in node:
                walk(node["/K"], ancestors + [element["/S"]])
        elif isinstance(node, pikepdf.Dictionary) and "/K" in node:
            walk(node["/K"], ancestors)

    walk(pdf.Root["/StructTreeRoot"], [])
    return found


def pdf_facts(path: Path) -> dict:
    """What the tests below read from one PDF, read in one pass: its fonts, its structure
    elements (None without a structure tree) and the catalog's /PageMode. pikepdf
    (qpdf, C++) parses a tagged PDF's thousands of objects some ten times faster than
    pypdf, and each PDF is parsed once per module (the ``pdfs`` fixture), not once per
    test."""
    with pikepdf.open(path) as pdf:
        mode = pdf.Root.get("/PageMode")
        tagged = "/StructTreeRoot" in pdf.Root
        return {"fonts": embedded_fonts(pdf), "elements": struct_elements(pdf) if tagged else None,
                "page_mode": None if mode is None else str(mode)}


@pytest.fixture(scope="module")
def pdfs(built) -> dict[Path, dict]:
    """pdf_facts of every PDF of the build, by path."""
    return {path: pdf_facts(path) for path in _outputs(built, ".pdf")}


def test_pdfs_embed_only_the_pinned_fonts(built, pdfs):
    pinned = {_loose(_font_name(stem)) for stem, _, _ in FONT_FACES}
    problems, seen = [], set()
    for pdf, facts in pdfs.items():
        fonts = facts["fonts"]
        assert fonts, f"{pdf.name}: no embedded font found: the check would prove nothing"
        seen |= fonts
        # names as the PDF spells them (e.g. Source-Sans-Pro-Bold); compare loosely
        others = {f for f in fonts if _loose(f) not in pinned}
        if others:
            problems.append(f"{pdf.relative_to(built)}: {sorted(others)}")
    assert not problems, "fonts from outside the pinned typeface:\n" + "\n".join(problems)


def test_every_character_of_every_html_page_is_in_the_pinned_fonts(built):
    """What the PDFs not laid out here would show (most sites' consent forms of the US
    example: the same form as one that is laid out, with another site's details) is in
    the HTML; a character of it missing from the pinned fonts is what would bring in a
    machine font. So every character of every page's text must be in each pinned face."""
    import html as htmllib

    from fontTools.ttLib import TTFont
    from trialdocs.assets import FONT_DIR

    covered = None
    for stem, _, _ in FONT_FACES:
        cmap = set(TTFont(str(FONT_DIR / font_file(stem)), lazy=True).getBestCmap())
        covered = cmap if covered is None else covered & cmap
    problems, pages = [], _outputs(built, ".html")
    assert sum("/consent/" in p.as_posix() for p in pages) > 42, "every site's form is there"
    for page in pages:
        markup = page.read_text(encoding="utf-8")
        body = re.sub(r"(?s)<(style|script)\b.*?</\1>|<[^>]*>", " ", markup.split("<body", 1)[1])
        missing = sorted({c for c in htmllib.unescape(body) if ord(c) not in covered
                          and c not in "\n\r\t"})
        if missing:
            problems.append(f"{page.relative_to(built)}: "
                            + ", ".join(f"U+{ord(c):04X} {c!r}" for c in missing))
    assert not problems, "characters the pinned fonts do not have:\n" + "\n".join(problems)


def _loose(name: str) -> str:
    """Font names compared without case or separators: WeasyPrint writes the family
    and face as Source-Sans-Pro-Semi-Bold, the font file names itself SourceSansPro-Semibold."""
    return re.sub(r"[^a-z]", "", name.lower()).replace("regular", "").replace("italic", "it")


def test_english_registry_text_in_the_french_manual_is_tagged_english(built, pdfs, tmp_path):
    """The worked example gives French variants (local.fr) of its registry texts, so its
    French manual shows none in English; without them, each English text carries lang=en."""
    import copy

    from conftest import EXAMPLE
    from trialdocs.check import check_protocol
    from trialdocs.documents import site_manual
    from trialdocs.model import build_model

    translated = (built / "nct03970954" / "site-manual.fr.html").read_text(encoding="utf-8")
    assert not re.search(r'<td lang="en">[^<]*</td><td class="tick">', translated)
    data = copy.deepcopy(check_protocol(EXAMPLE).source.data)

    def untranslated(value):
        if isinstance(value, dict):
            value.pop("local", None)
            for item in value.values():
                untranslated(item)
        elif isinstance(value, list):
            for item in value:
                untranslated(item)
    untranslated(data)
    targets = {t.path: t for t in site_manual.targets(build_model(data, "nct03970954"))}
    html = targets["site-manual.fr.html"].render().decode("utf-8")
    marked = re.findall(r'<(\w+)[^>]* lang="en"', html)
    assert len(marked) >= 10, "English title, objectives, criteria ... carry lang=en in the HTML"
    assert re.search(r'<h1 class="running-title" lang="en">', html)
    assert re.search(r'<td lang="en">[^<]*</td><td class="tick">', html)  # eligibility criteria
    english = (built / "nct03970954" / "site-manual.en.html").read_text(encoding="utf-8")
    assert ' lang="en"' not in english.split("<body", 1)[1], "no lang mark where text is in the document's language"

    from trialdocs.pdf import render_pdf

    path = tmp_path / "untranslated.fr.pdf"   # not among the built outputs
    # laid out from the HTML above, as a build makes a PDF (one template run for both)
    path.write_bytes(render_pdf(targets["site-manual.fr.pdf"].payload, html))
    langs = [el["/Lang"] for el, _ in pdf_facts(path)["elements"] if "/Lang" in el]
    assert langs and set(langs) == {"en"}, langs
    assert len(langs) >= len(marked), (len(langs), len(marked))
    assert not [el for el, _ in pdfs[built / "nct03970954" / "site-manual.en.pdf"]["elements"]
                if "/Lang" in el]


def test_flow_figure_alternative_text_is_the_html_description(built, pdfs):
    html = (built / "nct03970954" / "site-manual.en.html").read_text(encoding="utf-8")
    desc = re.search(r"<desc>([^<]+)</desc>", html).group(1)
    import html as htmllib
    desc = htmllib.unescape(desc)
    figures = [el for el, _ in pdfs[built / "nct03970954" / "site-manual.en.pdf"]["elements"]
               if el["/S"] == "/Figure"]
    assert figures and all(desc in el.get("/Alt", "") for el in figures), \
        [el.get("/Alt") for el in figures]


def test_contents_have_no_nested_links_and_no_dot_text(built, pdfs):
    for pdf, facts in pdfs.items():
        assert facts["elements"] is not None, f"{pdf.name}: no structure tree (not tagged)"
        nested = [anc for el, anc in facts["elements"] if el["/S"] == "/Link" and "/Link" in anc]
        assert not nested, f"{pdf.name}: links inside links"
    for pdf in built.rglob("site-manual.*.pdf"):
        contents = pdf_reader(pdf).pages[1].extract_text()  # the page after the title page
        assert re.search(r"\b1\.1\b", contents), "page 2 is not the contents page"
        assert "...." not in contents, f"{pdf.name}: leader dots extracted as text"


def test_site_manual_opens_with_bookmarks_panel_and_consent_does_not(built, pdfs):
    for pdf, facts in pdfs.items():
        mode = facts["page_mode"]
        expected = "/UseOutlines" if pdf.name.startswith("site-manual") else None
        assert mode == expected, f"{pdf.relative_to(built)}: /PageMode {mode}"


def test_html_loads_the_pinned_fonts_copied_beside_it(built):
    from trialdocs.assets import FONT_DIR, LICENSE

    for slug in {p.relative_to(built).parts[0] for p in _outputs(built, ".html")}:
        assets = built / slug / "assets"
        for stem, _, _ in FONT_FACES:
            assert (assets / font_file(stem)).read_bytes() == (FONT_DIR / font_file(stem)).read_bytes()
        assert (assets / LICENSE).exists()
        manifest = json.loads((built / slug / "manifest.json").read_text(encoding="utf-8"))
        assert f"assets/{font_file('Regular')}" in json.dumps(manifest)
    for page in _outputs(built, ".html"):
        html = page.read_text(encoding="utf-8")
        urls = re.findall(r'src: url\("([^"]+)"\)', html)
        assert urls and all((page.parent / url).resolve().is_file() for url in urls), page


# -- the language of a field ----------------------------------------------------------------

def test_a_fields_language_is_the_documents_when_given_per_language_else_its_own():
    from trialdocs.model import language_of

    assert language_of({"en": "Title", "fr": "Titre"}, "fr") == "fr"
    assert language_of("Registry title", "fr") == "en"     # registry text: English
    assert language_of("Texte", "fr", written_in="fr") == "fr"


def test_text_in_another_language_is_marked_and_escaped_text_in_the_documents_is_not():
    from trialdocs.render import environment

    template = environment().from_string(
        '<p{{ lang_attr(t) }}>{{ x | in_lang(t) }}</p>')
    assert template.render(lang="fr", t="en", x="<b>IL-2</b>") == \
        '<p lang="en"><span lang="en">&lt;b&gt;IL-2&lt;/b&gt;</span></p>'
    assert template.render(lang="en", t="en", x="A & B") == "<p>A &amp; B</p>"
