"""The course as a website: pages executed at build time, offline, without solutions, accessible.

The site is built once for every English chapter and for chapter 1 in German (so a
language switcher has somewhere to go), with the network cut off. ``make site``
builds every language the same way.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import re
import socket
import threading
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest

from clv_course import website
from clv_course.authoring import BUILT_LANGUAGES, student_notebooks
from clv_course.cli import main

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
ALLOWLIST = Path(__file__).with_name("support") / "axe-allowlist.json"
#: the WCAG levels the pages are held to (axe-core's tags for A and AA)
WCAG_A_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
LAUNCH_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-dev-shm-usage"]

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("website")]

#: ``make site-check`` (CLV_SITE_CHECK=all) holds every chapter of every language to these
#: tests; ``make test`` builds the English chapters that show each kind of page (the
#: start chapter's progress, the calculator, tables and formulas, the lever simulator,
#: the predictive figures, the capstone) and German chapter 1, to stay inside CI's time.
EVERYTHING = os.environ.get("CLV_SITE_CHECK") == "all"
ENGLISH = student_notebooks(["en"], None if EVERYTHING else ["00", "01", "02", "07", "09", "10"])
OTHERS = (student_notebooks([code for code in BUILT_LANGUAGES if code != "en"]) if EVERYTHING
          else student_notebooks(["de"], ["01"]))


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The chapters the tests hold (see ENGLISH and OTHERS), built with the network cut off."""
    out = tmp_path_factory.mktemp("site")
    connect = socket.socket.connect

    def refuse(self, address):
        if isinstance(address, tuple) and address[0] not in ("127.0.0.1", "::1", "localhost"):
            raise AssertionError(f"the site build reached for the network: {address}")
        return connect(self, address)  # the kernels' own sockets are on loopback
    socket.socket.connect = refuse
    try:
        website.build(ENGLISH + OTHERS, out)
    finally:
        socket.socket.connect = connect
    return out


def test_the_command_builds_a_languages_chapters_and_adds_them_to_the_language_page(tmp_path):
    (tmp_path / "en").mkdir()
    (tmp_path / "en" / "index.html").write_text("built earlier")
    assert main(["site", "--out", str(tmp_path), "--languages", "it", "--chapters", "00"]) == 0
    assert _read(tmp_path / "it" / "00_start_here.html").language == "it"
    assert re.findall(r'href="(\w+)/index.html"', (tmp_path / "index.html").read_text()) == \
        ["en", "it"]


class _Page(HTMLParser):
    """What a test needs from a page: its images, links, sliders, notes and language."""

    def __init__(self) -> None:
        super().__init__()
        self.images: list[dict[str, str]] = []
        self.links: list[str] = []
        self.ranges: list[dict[str, str]] = []
        self.labels: list[str] = []
        self.notes: list[str] = []
        self.home_links = 0
        self.language = ""

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        if tag == "html":
            self.language = attributes.get("lang", "")
        if tag == "img":
            self.images.append(attributes)
        if tag == "input" and attributes.get("type") == "range":
            self.ranges.append(attributes)
        if tag == "label":
            self.labels.append(attributes.get("for", ""))
        if tag == "aside":
            self.notes.append(attributes.get("class", ""))
        for name in ("src", "href"):
            if name in attributes and not attributes[name].startswith(("#", "data:")):
                if tag == "a" and attributes[name] == website.course_home():
                    self.home_links += 1  # a link for the reader to follow, not a resource
                    continue
                self.links.append(attributes[name])


def _read(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def _pages(site: Path) -> list[Path]:
    return sorted(site.glob("*/*.html")) + [site / "index.html"]


def test_every_chapter_is_a_page_and_each_language_has_a_start_page(site):
    english = {path.stem for path in ENGLISH}
    assert {path.stem for path in (site / "en").glob("[0-9][0-9]_*.html")} == english
    assert (site / "de" / "01_what_is_clv.html").exists()
    for code in ("en", "de"):
        start = (site / code / "index.html").read_text(encoding="utf-8")
        assert start.count('<li><a href="') >= (len(english) if code == "en" else 1)
    languages = (site / "index.html").read_text(encoding="utf-8")
    assert re.findall(r'href="(\w+)/index.html"', languages) == \
        sorted({path.parent.name for path in ENGLISH + OTHERS})
    assert '<li lang="de">' in languages and "ein Kurs" in languages  # each in its own words


def test_a_start_page_says_how_to_work_through_the_course_and_what_each_chapter_holds(site):
    english = (site / "en" / "index.html").read_text(encoding="utf-8")
    assert "<code>make lab</code>" in english
    chapters = re.findall(r'<li><a href="\d\d_\w+\.html">[^<]+</a>(.*?)</li>', english, re.S)
    assert len(chapters) == len(ENGLISH)
    assert all(summary.startswith("<p>") and len(summary) > 80 for summary in chapters), chapters
    assert "<code>CLV_COURSE_LANG=de make lab</code>" in \
        (site / "de" / "index.html").read_text(encoding="utf-8")


def test_a_start_page_says_where_to_get_the_course_to_run_it(site):
    assert website.course_home().startswith("https://")
    for code in ("en", "de"):
        start = site / code / "index.html"
        assert _read(start).home_links == 1
        assert f"<code>git clone {website.course_home()}</code>" in start.read_text()


def test_a_start_page_gives_a_way_to_run_the_course_without_make(site):
    for code in ("en", "de"):
        start = (site / code / "index.html").read_text(encoding="utf-8")
        assert "<code>conda env create -f environment.yml</code>" in start
        assert f"<code>cd notebooks</code> {'and' if code == 'en' else 'und'} " \
            f"<code>jupyter lab {code}/00_start_here.ipynb</code>" in start


def test_a_pages_title_names_the_chapter_and_the_course_once():
    course = "Customer Lifetime Value: a course"
    assert website.page_title("1. What CLV is", course) == "1. What CLV is · " + course
    assert website.page_title("Customer Lifetime Value: start here", course) == \
        "Customer Lifetime Value: start here"


def test_a_chapter_summary_goes_on_past_a_list_that_leads_into_more():
    notebook = nbformat.read(ROOT / "notebooks" / "en" / "09_predictive_clv.ipynb", as_version=4)
    summary = website.chapter_summary(notebook)
    assert "<ol>" in summary and summary.endswith("shifted-beta-geometric model.</p>")


def test_every_chapter_page_says_first_that_it_is_a_copy_to_read_and_where_to_run_it(site):
    for path in sorted(site.glob("*/[0-9][0-9]_*.html")):
        page = _read(path)
        assert page.notes[0] == "clv-note clv-note-copy", path
        assert "index.html" in page.links
    german = (site / "de" / "01_what_is_clv.html").read_text(encoding="utf-8")
    assert "Sie lesen eine Kopie" in german


def test_each_page_is_in_its_language_and_links_to_the_chapter_in_the_others(site):
    english, german = (site / code / "01_what_is_clv.html" for code in ("en", "de"))
    assert _read(english).language == "en" and _read(german).language == "de"
    assert "../de/01_what_is_clv.html" in _read(english).links
    assert "../en/01_what_is_clv.html" in _read(german).links
    assert "Kapitel" in german.read_text(encoding="utf-8")


def _pager(path: Path) -> dict[str, str]:
    """rel -> href of a page's previous/next links (attributes in any order)."""
    links = re.findall(r"<a\b([^>]*)>", path.read_text(encoding="utf-8"))
    found = {}
    for attributes in links:
        rel, href = re.search(r'rel="(\w+)"', attributes), re.search(r'href="([^"]+)"', attributes)
        if rel and href and rel.group(1) in ("prev", "next"):
            found[rel.group(1)] = href.group(1)
    return found


def test_a_chapter_ends_with_links_to_the_previous_and_the_next_chapter(site):
    names = [path.stem for path in ENGLISH]
    assert _pager(site / "en" / f"{names[1]}.html") == {"prev": f"{names[0]}.html",
                                                        "next": f"{names[2]}.html"}
    assert _pager(site / "en" / f"{names[0]}.html") == {"next": f"{names[1]}.html"}
    assert _pager(site / "en" / f"{names[-1]}.html") == {"prev": f"{names[-2]}.html"}


def test_a_page_needs_nothing_outside_its_site(site):
    for path in _pages(site):
        links = _read(path).links
        assert not [link for link in links if re.match(r"[a-z]+:|//", link)], path
        for link in links:
            assert (path.parent / link.split("?")[0]).exists(), (path, link)


@pytest.mark.parametrize("code", BUILT_LANGUAGES)
def test_no_page_holds_a_line_of_any_solution(site, code):
    for notebook_path in student_notebooks([code]):
        page = site / code / f"{notebook_path.stem}.html"
        if not page.exists():
            continue
        text = page.read_text(encoding="utf-8")
        student = nbformat.read(notebook_path, as_version=4)
        solution = nbformat.read(ROOT / "solutions" / code / notebook_path.name, as_version=4)
        shown = {line.strip() for cell in student.cells for line in cell.source.splitlines()}
        hidden = {line.strip() for cell in solution.cells if cell.cell_type == "code"
                  for line in cell.source.splitlines()} - shown
        escaped = {line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                   .replace('"', "&quot;") for line in hidden if len(line) > 12}
        assert [line for line in escaped if line in text] == [], page.name


def test_every_figure_carries_its_cells_alt_text_in_the_pages_language(site):
    for code, name in [(path.parent.name, path.stem) for path in ENGLISH + OTHERS]:
        notebook = nbformat.read(ROOT / "notebooks" / code / f"{name}.ipynb", as_version=4)
        alts = {website.alt_text(cell) for cell in notebook.cells if website.alt_text(cell)}
        for image in _read(site / code / f"{name}.html").images:
            if "clv-figure" in image.get("class", ""):  # a figure a code cell draws
                assert image.get("alt") in alts, (code, name, image.get("alt"))
            assert image.get("alt", "").strip(), (code, name)  # and every other image too
    german = _read(site / "de" / "01_what_is_clv.html").images
    assert german and all(image["alt"] not in _read(site / "en" / "01_what_is_clv.html")
                          .images[0]["alt"] for image in german)


def test_a_widget_shows_where_it_starts_disabled_and_says_where_it_runs_live(site):
    page = _read(site / "en" / "01_what_is_clv.html")
    assert len(page.ranges) == 4 and all("disabled" in r for r in page.ranges)
    assert {r["id"] for r in page.ranges} <= set(page.labels)  # every control has its label
    assert [r["value"] for r in page.ranges] == ["50.0", "4.0", "3.0", "0.3"]
    assert "clv-note clv-note-live" in page.notes
    assert "application/vnd.jupyter.widget" not in (site / "en" / "01_what_is_clv.html").read_text()


def test_each_check_is_followed_by_a_note_on_checking_in_jupyterlab(site):
    notebook = nbformat.read(ROOT / "notebooks" / "en" / "01_what_is_clv.ipynb", as_version=4)
    checks = sum(website.is_check_cell(cell) for cell in notebook.cells)
    assert checks and _read(site / "en" / "01_what_is_clv.html").notes.count(
        "clv-note clv-note-exercise") == checks


def test_no_page_shows_the_progress_or_the_home_folder_of_whoever_built_it(site):
    """Chapter 0 shows the learner's progress: on the site, a newcomer's, not the builder's."""
    home = str(Path.home())
    assert [path.name for path in _pages(site) if home in path.read_text("utf-8")] == []
    assert [path.name for path in _pages(site) if "clv-site-" in path.read_text("utf-8")] == []


def test_the_start_chapter_shows_a_newcomers_progress_and_says_so(site):
    page = (site / "en" / "00_start_here.html").read_text("utf-8")
    assert "Here is a newcomer&#x27;s progress: 0 of" in page or \
        "Here is a newcomer's progress: 0 of" in page
    assert website.kernel_environment("en", Path("/tmp/fresh"))["XDG_DATA_HOME"] == "/tmp/fresh"


EMPTY_HEADER = re.compile(r"<th\b[^>]*>\s*</th>")


def test_no_table_on_any_page_has_a_header_cell_without_words(site):
    assert [path.name for path in _pages(site) if EMPTY_HEADER.search(path.read_text("utf-8"))] \
        == []


def test_a_pandas_tables_corner_header_is_labelled_and_hidden_on_screen():
    import pandas as pd
    table = website.label_table_headers(pd.DataFrame({"a": [1]})._repr_html_(), "Row")
    assert '<th><span class="clv-visually-hidden">Row</span></th>' in table
    assert not EMPTY_HEADER.search(table)


def test_cells_beside_an_index_name_become_data_cells_not_empty_headers():
    import pandas as pd
    frame = pd.DataFrame({"a": [1], "b": [2]}).rename_axis(index="customer", columns="month")
    table = website.label_table_headers(frame._repr_html_(), "Row")
    assert "<th>customer</th>" in table and table.count("<td></td>") == 2
    assert not EMPTY_HEADER.search(table)


def test_a_named_index_heads_its_column_and_the_corner_above_it_gets_no_label():
    import pandas as pd
    frame = pd.DataFrame({"a": [1]}).rename_axis(index="customer_id")
    table = website.label_table_headers(frame._repr_html_(), "Row")
    assert "<th>customer_id</th>" in table and "Row" not in table
    assert not EMPTY_HEADER.search(table)


def test_a_series_shows_its_name_above_its_values_and_no_dtype_line():
    text = "projected revenue    €600.00\nprofit    €180.00\nName: EUR over the lifespan, " \
           "undiscounted, dtype: str"
    assert website.series_text(text) == \
        "EUR over the lifespan, undiscounted\nprojected revenue    €600.00\nprofit    €180.00"
    assert website.series_text("2024    56.2%\nFreq: Y-DEC, Name: retention, dtype: str\n") == \
        "retention\n2024    56.2%"
    assert website.series_text("a    1\ndtype: int64") == "a    1"
    assert website.series_text("Pareto/NBD(r=0.55, alpha=10.58)") == \
        "Pareto/NBD(r=0.55, alpha=10.58)"


def test_no_page_shows_a_series_dtype_line(site):
    for path in _pages(site):
        assert "dtype: " not in path.read_text(encoding="utf-8"), path


def test_a_figure_without_alt_text_stops_the_build_naming_its_cell(tmp_path):
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "import matplotlib.pyplot as plt\nplt.plot([1, 2], [3, 4]);", id="a-plot")])
    folder = tmp_path / "notebooks" / "en"
    folder.mkdir(parents=True)
    nbformat.write(notebook, folder / "01_plot.ipynb")
    with pytest.raises(website.SiteError, match="a-plot"):
        website.build([folder / "01_plot.ipynb"], tmp_path / "site")


# --- in a real browser ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def served(site):
    """The site on a loopback port, as `python -m http.server -d site` serves it."""
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass
    handler = functools.partial(Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    if not CHROMIUM.exists():
        pytest.skip("needs Chromium: apt-get install -y chromium")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_FLAGS)
        yield chromium
        chromium.close()


def _open(browser, url: str, base: str):
    """A page at ``url`` with every request outside ``base`` refused (and recorded)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    outside: list[str] = []
    errors: list[str] = []

    def route(request_route):
        if request_route.request.url.startswith((base, "data:")):
            return request_route.continue_()
        outside.append(request_route.request.url)
        return request_route.abort()
    context.route("**/*", route)
    page = context.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(url, wait_until="load")
    return context, page, outside, errors


def test_every_page_loads_offline_with_its_figures_and_its_math(site, served, browser):
    for path in _pages(site):
        url = f"{served}/{path.relative_to(site).as_posix()}"
        context, page, outside, errors = _open(browser, url, served)
        if page.evaluate("() => document.body.classList.contains('clv-chapter')"):
            page.wait_for_function("() => window.MathJax && MathJax.Hub", timeout=30_000)
            page.evaluate("() => new Promise(done => MathJax.Hub.Queue(() => done(true)))")
            assert page.locator("text=Math Processing Error").count() == 0, path
            notebook = nbformat.read(ROOT / "notebooks" / path.parent.name / f"{path.stem}.ipynb",
                                     as_version=4)
            if any(re.search(r"\$\$|\$\\?[A-Za-z]", cell.source) for cell in notebook.cells
                   if cell.cell_type == "markdown"):
                assert page.locator(".MathJax, .MathJax_Display").count() > 0, path
        broken = page.evaluate("() => [...document.images].filter(i => !i.complete || "
                               "i.naturalWidth === 0).map(i => i.alt)")
        assert (outside, errors, broken) == ([], [], []), path
        context.close()


def test_on_a_phone_the_chapter_list_folds_so_the_chapter_starts_on_the_first_screen(
        site, served, browser):
    url = f"{served}/en/02_components.html"
    context, page, _outside, _errors = _open(browser, url, served)
    assert page.evaluate("() => document.querySelector('.clv-toc-chapters').open")
    assert not page.locator(".clv-toc summary").is_visible()  # wide: the list, always open
    context.close()
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(url, wait_until="load")
    assert not page.evaluate("() => document.querySelector('.clv-toc-chapters').open")
    assert page.locator("main h1").bounding_box()["y"] < 844
    page.locator(".clv-toc summary").click()
    assert page.locator(".clv-toc a[aria-current]").is_visible()
    page.locator(".clv-toc summary").click()
    page.set_viewport_size({"width": 1280, "height": 900})  # turned, or the window widened
    page.wait_for_function("() => document.querySelector('.clv-toc-chapters').open")
    context.close()


def test_on_a_phone_every_formula_fits_the_width_by_breaking_its_lines(site, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    for path in (site / "de" / "01_what_is_clv.html", site / "en" / "02_components.html"):
        page.goto(path.as_uri(), wait_until="load")
        page.wait_for_function("() => window.MathJax && MathJax.Hub", timeout=30_000)
        page.evaluate("() => new Promise(done => MathJax.Hub.Queue(() => done(true)))")
        overflowing = page.evaluate("() => [...document.querySelectorAll('.MathJax_Display')]"
                                    ".filter(m => m.scrollWidth > m.clientWidth + 1).length")
        assert overflowing == 0, path
    context.close()


def _tab_stops_that_do_not_scroll(page) -> list[str]:
    return page.evaluate("""() => [...document.querySelectorAll('main [tabindex="0"]')]
        .filter(box => box.scrollWidth <= box.clientWidth + 1 &&
                       box.scrollHeight <= box.clientHeight + 1)
        .map(box => box.className)""")


def _boxes_that_scroll_without_a_tab_stop(page) -> list[str]:
    return page.evaluate("""() => [...document.querySelectorAll('main *')]
        .filter(box => { const style = getComputedStyle(box), slack = 1;
            return (/auto|scroll/.test(style.overflowX) &&
                    box.scrollWidth > box.clientWidth + slack)
                || (/auto|scroll/.test(style.overflowY) &&
                    box.scrollHeight > box.clientHeight + slack); })
        .filter(box => box.tabIndex < 0 && !box.querySelector('a, input, button, [tabindex]'))
        .map(box => box.className)""")


def test_only_a_box_that_scrolls_is_a_tab_stop_on_a_wide_screen_and_on_a_phone(site, browser):
    for width in (1280, 390):
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        for path in (site / "en" / "09_predictive_clv.html", site / "de" / "01_what_is_clv.html"):
            page.goto(path.as_uri(), wait_until="load")
            page.evaluate("() => new Promise(done => MathJax.Hub.Queue(() => done(true)))")
            assert _tab_stops_that_do_not_scroll(page) == [], (path, width)
            assert _boxes_that_scroll_without_a_tab_stop(page) == [], (path, width)
        context.close()


def test_a_link_to_a_cell_points_at_the_same_cell_after_switching_language(site, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    cell = "cell-id=ch01-doubling"
    page.goto(f"{(site / 'en' / '01_what_is_clv.html').as_uri()}#{cell}", wait_until="load")
    page.locator(".clv-languages a[hreflang='de']").click()
    page.wait_for_load_state("load")
    assert page.url.endswith(f"/de/01_what_is_clv.html#{cell}")
    assert page.evaluate(f"() => document.getElementById('{cell}').getBoundingClientRect().top") \
        < 900
    context.close()


def _allowlist() -> dict[str, str]:
    """axe rule id -> why its findings come from nbconvert's page, not the course's content."""
    return {entry["rule"]: entry["why"] for entry in json.loads(ALLOWLIST.read_text())}


#: the code cells' syntax colours: one span per token, the same stylesheet on every page
CODE = ".jp-InputArea"


def _code_colours(path: Path) -> set[str]:
    """The syntax classes a page's code uses (Pygments' ``k``, ``s2``, ``mi``, ...)."""
    text = path.read_text(encoding="utf-8")
    return {name for block in re.findall(r'<div class="highlight[^"]*">(.*?)</div>', text, re.S)
            for name in re.findall(r'<span class="(\w+)">', block)}


def _pages_with_every_code_colour(pages: list[Path]) -> list[Path]:
    """Few pages whose code, together, shows every syntax colour any page shows."""
    colours = {path: _code_colours(path) for path in pages}
    wanted, chosen = set().union(*colours.values()), []
    while wanted:
        best = max(colours, key=lambda path: len(colours[path] & wanted))
        chosen.append(best)
        wanted -= colours[best]
    return chosen


def test_axe_finds_no_wcag_a_or_aa_violation_in_the_courses_content(site, served, browser):
    """Every rule on every page, the code's colours on the pages that show each of them.

    Checking the contrast of each code token is most of axe's time (thousands of spans
    a chapter), and the code's colours come from one stylesheet: so every page is
    checked outside its code, and the code's contrast on pages that, together, show
    every syntax colour of the site.
    """
    axe = pytest.importorskip("axe_playwright_python.sync_playwright")
    allowed = _allowlist()
    pages = _pages(site)
    code_pages = _pages_with_every_code_colour(pages)
    found = []
    runs = [(path, {"exclude": [[CODE]]}, {"type": "tag", "values": WCAG_A_AA}) for path in pages]
    runs += [(path, {"include": [[CODE]]}, {"type": "rule", "values": ["color-contrast"]})
             for path in code_pages]
    for path, where, rules in runs:
        context, page, _outside, _errors = _open(
            browser, f"{served}/{path.relative_to(site).as_posix()}", served)
        results = axe.Axe().run(page, context=where,
                                options={"runOnly": rules, "resultTypes": ["violations"]})
        for violation in results.response["violations"]:
            if violation["id"] not in allowed:
                found += [f"{path.relative_to(site)}: {violation['id']}: {node['html'][:120]}"
                          for node in violation["nodes"]]
        context.close()
    assert found == []


def test_the_code_contrast_check_covers_every_syntax_colour_on_few_pages(site):
    pages = [path for path in _pages(site) if _code_colours(path)]
    chosen = _pages_with_every_code_colour(pages)
    assert set().union(*map(_code_colours, chosen)) == set().union(*map(_code_colours, pages))
    assert {"k", "n", "s2"} <= _code_colours(chosen[0]) and len(chosen) < len(pages)


def test_every_allowlisted_axe_rule_says_why():
    assert all(len(why) > 20 for why in _allowlist().values())


def test_the_built_languages_are_the_sites_languages():
    assert set(BUILT_LANGUAGES) <= set(website.NATIVE_NAMES)
