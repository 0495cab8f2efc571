"""The learner's view in a real browser: JupyterLab, Run All, figures, widgets, check boxes.

Needs Debian's Chromium (``apt-get install -y chromium``) and the ``playwright`` package;
``playwright install`` (its own browser download) is not needed. Skipped when either is
missing. The server gets fresh settings, workspaces and checkpoints under tmp, so nothing
is written into the repository.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from clv_course import i18n
from clv_course.authoring import BUILT_LANGUAGES
from clv_course.i18n import _
from clv_course.lab_settings import LAB_LOCALES, write_settings
from tests.support.servers import wait_until_serving

sync_api = pytest.importorskip("playwright.sync_api")

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
JUPYTER = Path(sys.executable).with_name("jupyter")
TOKEN = "clv-course-browser-token"
LAUNCH_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-dev-shm-usage"]
# The kernel has started and finished everything sent to it (the toolbar says idle too early);
# with JupyterLab's German menus the status bar says "Leerlauf".
IDLE = re.compile(r"ipykernel\) \| (Idle|Leerlauf)")
#: an amount of euros as the calculator writes it in each language
MONEY = {"en": r"€\d{1,3}(,\d{3})*\.\d{2}", "de": r"\d{1,3}(\.\d{3})*,\d{2}\s€",
         "da": r"\d{1,3}(\.\d{3})*,\d{2}\s€", "it": r"\d{1,3}(\.\d{3})*,\d{2}\s€"}
STDERR = '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'

pytestmark = [
    pytest.mark.slow,
    pytest.mark.xdist_group("browser"),  # one JupyterLab per language, not one per worker
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Chromium: apt-get install -y chromium"),
    pytest.mark.skipif(not JUPYTER.exists(), reason="needs jupyter lab next to this Python"),
]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _settings(directory: Path, locale: str = "en") -> Path:
    """The settings ``make lab`` gives the learner, and no autosave (the notebooks are ours)."""
    language = next(code for code, name in LAB_LOCALES.items() if name == locale)
    write_settings(language, directory)
    target = directory / "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps({"autosave": False}), encoding="utf-8")
    return directory


@pytest.fixture(scope="module", params=[LAB_LOCALES[code] for code in BUILT_LANGUAGES])
def lab(tmp_path_factory, request):
    """A JupyterLab server on the course's notebooks, once per language with its menus."""
    state = tmp_path_factory.mktemp("lab")
    port = _free_port()
    env = dict(os.environ, JUPYTER_RUNTIME_DIR=str(state / "runtime"),
               JUPYTERLAB_SETTINGS_DIR=str(_settings(state / "settings", request.param)),
               JUPYTERLAB_WORKSPACES_DIR=str(state / "workspaces"))
    env.pop("CLV_COURSE_LANG", None)
    command = [str(JUPYTER), "lab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
               f"--IdentityProvider.token={TOKEN}",
               f"--ServerApp.root_dir={ROOT / 'notebooks'}",
               # Opening a notebook makes a checkpoint: keep it out of the repository.
               f"--FileCheckpoints.checkpoint_dir={state / 'checkpoints'}"]
    if os.geteuid() == 0:
        command.append("--allow-root")
    log = (state / "server.log").open("w")
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                              start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(base, TOKEN, server, timeout=60, explain=lambda: (
            "jupyter lab did not start:\n" + (state / "server.log").read_text()))
        yield base, request.param
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        try:  # the kernels too, and the server if SIGTERM hung (it can, mid kernel restart)
            os.killpg(server.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        server.wait()
        log.close()


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture
def open_notebook(lab, browser):
    """open_notebook(path) -> (page, page_errors) with the kernel started and idle.

    Each test runs twice: on the English notebooks with English menus, and on the
    German notebooks with JupyterLab's German language pack (``path`` names the
    English notebook; ``en/`` becomes ``de/``).
    """
    lab, locale = lab
    contexts = []

    def open_(path: str):
        if locale != "en":
            path = path.replace("en/", f"{locale[:2]}/", 1)
        context = browser.new_context(viewport={"width": 1400, "height": 1800})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(30_000)
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        # A workspace of its own, so no tab of an earlier test is restored beside this one.
        workspace = f"test-{uuid.uuid4().hex[:8]}"
        page.goto(f"{lab}/lab/workspaces/{workspace}/tree/{path}?token={TOKEN}")
        page.locator(".jp-NotebookPanel .jp-Cell").first.wait_for()
        _wait_for_idle_kernel(page)
        return page, errors

    open_.language = locale[:2]
    yield open_
    for context in contexts:
        context.close()


def _wait_for_idle_kernel(page) -> None:
    status = page.locator("#jp-main-statusbar .jp-StatusBar-TextItem", has_text=IDLE)
    sync_api.expect(status).to_have_count(1, timeout=30_000)


#: the Run menu's name in each language's menus (the Danish and Italian packs leave it English)
RUN_MENU = {"en": "Run", "de": "Ausführen", "da": "Run", "it": "Run"}
#: a word of JupyterLab's own interface, in its menus or status bar, that shows the language
#: pack works; the Danish pack is thin (about 60 strings) and shows none there
PACK_EVIDENCE = {"en": "", "de": "Datei", "da": "", "it": "Modalità"}


def _run_all(page, language: str = "en") -> None:
    """Run All from the Run menu; return when every code cell ran (or one failed)."""
    page.locator(".lm-MenuBar-item", has_text=re.compile(rf"^{RUN_MENU[language]}$")).click()
    page.locator('.lm-Menu-item[data-command="runmenu:run-all"]').click()
    page.wait_for_function("""() => {
        const prompts = [...document.querySelectorAll(
            '.jp-NotebookPanel .jp-CodeCell .jp-InputArea-prompt')];
        const done = prompts.length > 0
            && prompts.every(p => /\\[\\d+\\]/.test(p.textContent));
        const failed = document.querySelector(
            '.jp-NotebookPanel .jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]');
        const idle = document.querySelector(
            '.jp-Notebook-ExecutionIndicator[data-status="idle"]');
        return (done || failed) && idle;
    }""", timeout=30_000)
    _wait_for_idle_kernel(page)


def _prompts(page) -> list[str]:
    # textContent, not innerText: JupyterLab skips rendering cells far off screen
    # (content-visibility), and their innerText is empty although they ran.
    return page.locator(".jp-NotebookPanel .jp-CodeCell .jp-InputArea-prompt").all_text_contents()


def _stderr_outputs(page) -> list[str]:
    return page.locator(f".jp-NotebookPanel {STDERR}").all_inner_texts()


def _unnamed_controls(page) -> list[str]:
    """Controls in the notebook's outputs that axe-core finds without an accessible name."""
    from axe_playwright_python.sync_playwright import Axe
    rules = ["label", "aria-input-field-name", "button-name", "select-name", "input-button-name"]
    results = Axe().run(page, context=".jp-OutputArea-output",
                        options={"runOnly": {"type": "rule", "values": rules}})
    return [f"{violation['id']}: {node['html'][:120]}" for violation in results.response["violations"]
            for node in violation["nodes"]]


def test_chapter_one_runs_all_and_its_figure_calculator_and_checks_work(open_notebook, tmp_path):
    """Chapter 1 after Run All: a figure, a calculator that reacts, friendly check boxes."""
    page, page_errors = open_notebook("en/01_what_is_clv.ipynb")
    language = open_notebook.language
    _run_all(page, language)

    assert _stderr_outputs(page) == []
    assert all(re.search(r"\[\d+\]", prompt) for prompt in _prompts(page)), _prompts(page)

    figure = page.locator('.jp-OutputArea-output img[src^="data:image/png"]').first
    figure.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=figure.element_handle())
    assert figure.evaluate("img => img.naturalWidth") > 0

    calculator = page.locator(".jp-OutputArea-output .widget-vbox",
                              has=page.locator(".clv-slider")).first
    calculator.scroll_into_view_if_needed()
    sync_api.expect(calculator.get_by_role("slider")).to_have_count(4)
    with i18n.language(language):
        names = [_("Average order value ({currency})").format(currency="EUR"),
                 _("Purchases per year"), _("Lifespan in years"), _("Gross margin rate")]
        revenue_clv = _("Revenue CLV")
    for name in names:  # each slider has its label as its accessible name
        sync_api.expect(calculator.get_by_role("slider", name=name, exact=True)).to_have_count(1)
    assert _unnamed_controls(page) == []
    result = calculator.locator(".widget-html-content")
    sync_api.expect(result).to_contain_text(revenue_clv)
    before = result.inner_text()
    readout = calculator.locator(".clv-slider output").first
    readout_before = readout.inner_text()
    calculator.get_by_role("slider", name=names[0], exact=True).focus()  # by keyboard alone
    for _press in range(3):
        page.keyboard.press("ArrowRight")
    sync_api.expect(result).not_to_have_text(before)
    sync_api.expect(readout).not_to_have_text(readout_before)
    assert calculator.get_by_role("slider", name=names[0], exact=True).input_value() == "65"
    assert re.search(MONEY[language], readout.inner_text()), readout.inner_text()
    calculator.screenshot(path=str(tmp_path / "calculator.png"))
    assert revenue_clv in result.inner_text()
    assert re.search(MONEY[language], result.inner_text()), result.inner_text()

    checks = page.locator(".jp-OutputArea-output .clv-course-check")
    sync_api.expect(checks).to_have_count(3)
    texts = checks.all_text_contents()
    with i18n.language(language):
        so_far = _("{title}: {points} of {max} points so far.").split("{max}")[1]
        not_answered = _("Not answered yet: replace the `...` in the exercise cell with your "
                         "answer and run it.").split(":")[0]
    assert all(so_far in text and not_answered in text for text in texts), texts
    assert not any("Traceback" in text for text in texts), texts
    if language != "en":
        assert not any("points so far" in text for text in texts), texts
        interface = " ".join(page.locator(".lm-MenuBar-item").all_inner_texts()
                             + page.locator("#jp-main-statusbar").all_inner_texts())
        assert PACK_EVIDENCE[language] in interface, interface

    page.screenshot(path=str(tmp_path / "01_what_is_clv.png"))
    assert page_errors == []


def test_the_lever_simulators_sliders_are_each_named_and_say_their_value_in_words(open_notebook):
    """Chapter 7: nine sliders, each named by its label and read out as points, % or money."""
    if open_notebook.language != "en":
        pytest.skip("the simulator's controls are the same in every language (chapter 1 checks it)")
    page, page_errors = open_notebook("en/07_levers.ipynb")
    _run_all(page)
    assert _stderr_outputs(page) == []
    simulator = page.locator(".jp-OutputArea-output .widget-vbox",
                             has=page.locator(".clv-slider")).first
    simulator.scroll_into_view_if_needed()
    sliders = simulator.get_by_role("slider")
    sync_api.expect(sliders).to_have_count(9)  # targeted: no share-targeted slider
    points = simulator.get_by_role("slider", name="Service: retention up by (percentage points)",
                                   exact=True)
    assert points.get_attribute("aria-valuetext") == "3 points"
    assert _unnamed_controls(page) == []
    assert page_errors == []


def test_start_page_runs_all_without_errors_and_shows_a_table(open_notebook):
    """The start page after Run All: every cell ran, no error output, the data as a table."""
    page, page_errors = open_notebook("en/00_start_here.ipynb")
    _run_all(page, open_notebook.language)

    assert _stderr_outputs(page) == []
    assert page.locator(".jp-OutputArea-output .clv-course-error").count() == 0
    assert all(re.search(r"\[\d+\]", prompt) for prompt in _prompts(page)), _prompts(page)
    table = page.locator(".jp-OutputArea-output table.dataframe").first
    table.scroll_into_view_if_needed()
    sync_api.expect(table).to_be_visible()
    assert table.locator("tbody tr").count() == 5
    # the kernel knows which notebook it runs: the German start page speaks German unasked
    language = page.locator(".jp-OutputArea-output", has_text=f"'{open_notebook.language}'")
    assert language.count() >= 1
    assert page_errors == []


def test_a_chapter_presents_as_slides_with_rise_and_moves_to_the_next_slide(lab, browser):
    """RISE (jupyterlab-rise) shows chapter 1 as a slideshow from the server; ArrowRight moves on."""
    base, locale = lab
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{base}/rise/{locale[:2]}/01_what_is_clv.ipynb?token={TOKEN}")
    page.locator(".reveal .slides section").first.wait_for(timeout=60_000)
    page.wait_for_function("() => document.querySelector('.reveal.ready')", timeout=60_000)
    first = page.locator(".reveal .slides section.present").first.inner_text()
    page.locator(".reveal").click()
    page.keyboard.press("ArrowRight")
    sync_api.expect(page.locator(".reveal .slides section.present").first).not_to_have_text(
        first, timeout=10_000)
    assert errors == []
    context.close()


def test_an_exported_deck_opens_from_disk_moves_on_and_typesets_its_formulas(browser, lab,
                                                                            tmp_path):
    """`clv-course slides` decks need no server and no network: file://, reveal.js, MathJax."""
    from clv_course.slides import build
    _base, locale = lab
    deck, = build([ROOT / "notebooks" / locale[:2] / "01_what_is_clv.ipynb"], tmp_path)
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(deck.as_uri())
    page.wait_for_selector(".reveal.ready", timeout=30_000)
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => location.hash === '#/1'")
    formulas = page.locator(".reveal section.present .MathJax")
    sync_api.expect(formulas.first).to_be_visible(timeout=15_000)
    assert page.locator("text=Math Processing Error").count() == 0
    assert errors == []
    context.close()
