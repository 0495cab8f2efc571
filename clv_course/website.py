"""The course as a website: each chapter of each language as a page that opens offline.

``clv-course site --out site`` (``make site``) executes every student notebook with
the course's own kernel, so each figure, table and number is on the page, and writes

- ``site/index.html``: the languages, each in its own words;
- ``site/<lang>/index.html``: that language's start page, every chapter listed;
- ``site/<lang>/<chapter>.html``: a chapter, with a language switcher and the chapter list.

Pages are built from the student notebooks, so no solution is ever on the site; each
check cell gets a note on checking the answer in JupyterLab. A widget needs a live
kernel, so a page shows it as it starts, its controls disabled, and says where to use
it. Every figure carries the alt text of its cell (``metadata.clv_course.alt``,
translated with the rest); a figure without one stops the build. Nothing is fetched
from the network: MathJax comes from ``jupyter-server-mathjax`` (as for the slides),
the page styles are inlined by nbconvert's ``lab`` template, and no script is needed
for anything else.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat

from clv_course.i18n import LANGUAGES, _, language
from clv_course.lab_settings import START_PAGE
from clv_course.learner_progress import SITE_VARIABLE

TEMPLATES = Path(__file__).with_name("site_templates")
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
#: seconds one cell may run while the site is built (chapter 9's longest takes about 5)
CELL_TIMEOUT = 300
#: the language of each language's own name on the switcher, in that language
NATIVE_NAMES = {"en": "English", "de": "Deutsch", "da": "Dansk", "it": "Italiano"}


class SiteError(RuntimeError):
    """A chapter that cannot become a page as it is (a figure without alt text, a failing cell)."""


@dataclass(frozen=True)
class Chapter:
    """One student notebook and where its page goes."""

    language: str
    notebook: Path

    @property
    def page(self) -> str:
        return f"{self.notebook.stem}.html"


# --- executing ------------------------------------------------------------------------------------

def kernel_environment(language_code: str, data_home: Path | None = None) -> dict[str, str]:
    """This process's environment for the kernel, in ``language_code``, with inline figures.

    ``data_home`` stands in for the learner's data folder (``XDG_DATA_HOME``), so that
    a page shows a newcomer's progress, not the progress of whoever builds the site.
    """
    env = dict(os.environ)
    env["CLV_COURSE_LANG"] = language_code
    env[SITE_VARIABLE] = "1"  # the progress it shows is nobody's: it says so, and no path
    if data_home is not None:
        env["XDG_DATA_HOME"] = str(data_home)
    env["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    env.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    return env


def execute(chapter: Chapter, timeout: int = CELL_TIMEOUT) -> nbformat.NotebookNode:
    """The chapter's student notebook run top to bottom, outputs and widget state kept."""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError
    notebook = nbformat.read(chapter.notebook, as_version=4)
    client = NotebookClient(notebook, timeout=timeout, kernel_name="python3",
                            store_widget_state=True,
                            resources={"metadata": {"path": str(chapter.notebook.parent)}})
    try:
        with tempfile.TemporaryDirectory(prefix="clv-site-") as data_home:
            # the kernel's stderr holds only its start-up chatter; a cell's errors come as messages
            client.execute(env=kernel_environment(chapter.language, Path(data_home)),
                           stderr=subprocess.DEVNULL)
    except CellExecutionError as error:
        raise SiteError(_("{notebook}: a cell failed while the site was built:\n{error}").format(
            notebook=chapter.notebook, error=error)) from None
    return notebook


# --- what a page shows instead of what needs a kernel ---------------------------------------------

def _escape(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _readout(state: dict[str, Any]) -> str:
    """A slider's value as its readout shows it (``readout_format`` is d3's, which for the
    formats the course uses reads the same in Python)."""
    if isinstance(state.get("readout"), str):  # the course's slider says its value in words
        return state["readout"]
    value = state.get("value")
    pattern = state.get("readout_format") or ""
    try:
        return format(value, pattern) if pattern else str(value)
    except (TypeError, ValueError):
        return str(value)


def _is_course_slider(state: dict[str, Any]) -> bool:
    """The course's own slider (:class:`clv_course.widgets.slider.Slider`), an anywidget."""
    return str(state.get("_anywidget_id", "")).endswith(".slider.Slider")


def static_widget(model_id: str, models: dict[str, Any], seen: frozenset[str] = frozenset()) -> str:
    """HTML for a widget as it starts: boxes, sliders (disabled), labels and HTML."""
    model = models.get(model_id)
    if model is None or model_id in seen:
        return ""
    seen = seen | {model_id}
    name, state = model.get("model_name", ""), model.get("state", {})
    if name in ("VBoxModel", "HBoxModel", "BoxModel", "GridBoxModel"):
        kind = "clv-row" if name == "HBoxModel" else "clv-column"
        children = "".join(static_widget(str(child).removeprefix("IPY_MODEL_"), models, seen)
                           for child in state.get("children", []))
        return f'<div class="{kind}">{children}</div>'
    description = state.get("description", "")
    if not state.get("description_allow_html"):
        description = _escape(description)
    if name.endswith("SliderModel") or _is_course_slider(state):
        control = f"clv-{model_id}"
        return (f'<div class="clv-control"><label for="{control}">{description}</label>'
                f'<input type="range" id="{control}" disabled min="{_escape(state.get("min", 0))}"'
                f' max="{_escape(state.get("max", 100))}" step="{_escape(state.get("step", 1))}"'
                f' value="{_escape(state.get("value", 0))}"'
                f' aria-valuetext="{_escape(_readout(state))}">'
                f'<output for="{control}">{_escape(_readout(state))}</output></div>')
    if name == "HTMLModel":
        return f'<div class="clv-html">{state.get("value", "")}</div>'
    if name in ("LabelModel", "HTMLMathModel"):
        return f'<span class="clv-label">{_escape(state.get("value", ""))}</span>'
    if name in ("DropdownModel", "ToggleButtonsModel", "RadioButtonsModel", "SelectModel"):
        labels = state.get("_options_labels", [])
        index = state.get("index")
        chosen = labels[index] if isinstance(index, int) and 0 <= index < len(labels) else ""
        return (f'<div class="clv-control"><span>{description}</span> '
                f'<output>{_escape(chosen)}</output></div>')
    return f'<div class="clv-control">{description}</div>' if description else ""


_TABLE = re.compile(r"<table\b[^>]*>.*?</table>", re.S)
_ROW = re.compile(r"<tr\b[^>]*>.*?</tr>", re.S)
_CELL = re.compile(r"<(th|td)\b([^>]*)>(.*?)</\1>", re.S)


def label_table_headers(table_html: str, label: str) -> str:
    """Every header cell of a pandas table with words a screen reader can say.

    pandas leaves the header cell above the row labels empty (and, under a named
    index, the cells beside that name). The corner gets ``label``, hidden on screen,
    unless the index's own name heads that column in another header row; an empty
    cell that heads nothing becomes a data cell.
    """
    def cells(row: str) -> Iterator[tuple[int, re.Match[str]]]:
        column = 0
        for cell in _CELL.finditer(row):
            span = re.search(r'colspan="(\d+)"', cell.group(2))
            yield column, cell
            column += int(span.group(1)) if span else 1

    def one_table(match: re.Match[str]) -> str:
        table = match.group(0)
        head, _sep, body = table.partition("</thead>")
        if not _sep:
            return table
        first_row = _ROW.search(body)
        row_headers = first_row.group(0).count("<th") if first_row else 0
        named = {column for row in _ROW.findall(head) for column, cell in cells(row)
                 if cell.group(1) == "th" and cell.group(3).strip()}

        def one_row(row: re.Match[str]) -> str:
            replaced = {cell.start(): (column, cell) for column, cell in cells(row.group(0))}

            def one_cell(cell: re.Match[str]) -> str:
                here = replaced[cell.start()][0]
                kind, attributes, text = cell.groups()
                if kind != "th" or text.strip():
                    return cell.group(0)
                if here < row_headers and here not in named:
                    return (f'<th{attributes}><span class="clv-visually-hidden">'
                            f"{_escape(label)}</span></th>")
                return f"<td{attributes}></td>"
            return _CELL.sub(one_cell, row.group(0))
        return _ROW.sub(one_row, head) + _sep + body
    return _TABLE.sub(one_table, table_html)


#: a pandas Series' last line: its time index's frequency, its name, its dtype
_SERIES_FOOTER = re.compile(r"\n(?:Freq: [^,\n]+, )?(?:Name: (?P<name>[^\n]*), )?dtype: [^,\n]+\Z")


def series_text(text: str) -> str:
    """A Series shown as a reader wants it: its name above the values, no dtype line.

    Other text is returned as it is.
    """
    text = text.rstrip("\n")
    footer = _SERIES_FOOTER.search(text)
    if not footer:
        return text
    values = text[:footer.start()]
    return f"{footer['name']}\n{values}" if footer["name"] else values


def _note(text: str, kind: str) -> str:
    return f'<aside class="clv-note clv-note-{kind}"><p>{text}</p></aside>'


def widget_output(view: dict[str, Any], models: dict[str, Any]) -> nbformat.NotebookNode:
    """A display of the widget's starting state and a sentence on where it runs live."""
    body = static_widget(str(view.get("model_id", "")), models)
    note = _note(_("This part is interactive in JupyterLab: open the chapter there and run its "
                   "cells to move the controls. This page shows where they start."), "live")
    return nbformat.v4.new_output("display_data", data={
        "text/html": f'<div class="clv-static-widget">{body}</div>{note}'})


def is_check_cell(cell: nbformat.NotebookNode) -> bool:
    """A learner's self-check: ``clv.check("...")`` (the answer goes in the cell above)."""
    return cell.cell_type == "code" and cell.source.lstrip().startswith("clv.check(")


def alt_text(cell: nbformat.NotebookNode) -> str:
    """The alt text of the figure a cell draws, as the translation catalogs carry it."""
    from clv_course.translation import alt_text as cell_alt_text
    return cell_alt_text(cell).strip()


def prepare(notebook: nbformat.NotebookNode, where: str) -> nbformat.NotebookNode:
    """An executed notebook made fit for a static page (see the module); raises SiteError."""
    models = (notebook.metadata.pop("widgets", {}).get(WIDGET_STATE, {}) or {}).get("state", {})
    missing: list[str] = []
    cells = []
    for cell in notebook.cells:
        cells.append(cell)
        if cell.cell_type != "code":
            continue
        outputs = []
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if WIDGET_VIEW in data:
                outputs.append(widget_output(data[WIDGET_VIEW], models))
                continue
            if output.get("output_type") == "execute_result" and "text/html" not in data \
                    and "text/plain" in data:
                data["text/plain"] = series_text(data["text/plain"])
            if "<table" in data.get("text/html", ""):
                data["text/html"] = label_table_headers(data["text/html"], _("Row"))
            if "image/png" in data or "image/svg+xml" in data:
                alt = alt_text(cell)
                if not alt:
                    missing.append(cell.id)
                for mime in ("image/png", "image/svg+xml"):
                    if mime in data:
                        output.setdefault("metadata", {}).setdefault(mime, {})["alt"] = alt
            outputs.append(output)
        cell.outputs = outputs
        if is_check_cell(cell):
            cells.append(nbformat.v4.new_markdown_cell(_note(_(
                "Your turn, in JupyterLab: write your answer in the cell above this check and "
                "run both there. The check then says what is right and what to look at again; "
                "here it shows only what it says before you start."), "exercise")))
    if missing:
        raise SiteError(_("{notebook}: these cells draw a figure without alt text "
                          "(metadata clv_course.alt in the master): {cells}").format(
                              notebook=where, cells=", ".join(missing)))
    notebook.cells = cells
    return notebook


# --- pages ----------------------------------------------------------------------------------------

def chapter_title(notebook: nbformat.NotebookNode, fallback: str) -> str:
    from clv_course.slides import deck_title
    return deck_title(notebook, Path(fallback))


def chapter_summary(notebook: nbformat.NotebookNode) -> str:
    """The chapter's opening paragraph (after its title) as HTML, for the start page's list."""
    import mistune
    for cell in notebook.cells:
        if cell.cell_type != "markdown" or not cell.source.lstrip().startswith("# "):
            continue
        paragraphs = [part.strip() for part in cell.source.split("\n\n")[1:] if part.strip()]
        at = next((i for i, part in enumerate(paragraphs)
                   if not part.startswith(("#", "|", "-", "1."))), None)
        if at is None:
            return ""
        text = " ".join(paragraphs[at].split())
        while text.rstrip().endswith((":", ",", ";")) and at + 1 < len(paragraphs):
            at += 1  # it leads into a list, or a list into what follows it: take that too
            text = text + "\n\n" + paragraphs[at]
        return str(mistune.html(text)).strip()
    return ""


def copy_note() -> str:
    """The note atop each chapter: a page to read; JupyterLab, to run (the start page says how)."""
    start_page = _("start page")
    note = _("You are reading a copy of this chapter, run once when the site was built: its "
             "cells, sliders and exercises do nothing here. To run them, open the chapter in "
             "JupyterLab, as the {start_page} says.")
    return _note(_escape(note).replace(
        "{start_page}", f'<a href="index.html">{_escape(start_page)}</a>'), "copy")


def _navigation(chapter: Chapter, titles: dict[Chapter, str],
                chapters: list[Chapter]) -> dict[str, Any]:
    """What the template needs around a chapter: the chapter list and the other languages."""
    own = [c for c in chapters if c.language == chapter.language]
    same = {c.language: c for c in chapters if c.notebook.name == chapter.notebook.name}
    at = own.index(chapter)
    neighbours = {"previous": own[at - 1] if at > 0 else None,
                  "next": own[at + 1] if at + 1 < len(own) else None}
    return {
        "copy_note": copy_note(),
        "pager_label": _("Previous and next chapter"),
        **{side: {"href": c.page, "title": titles[c]} if c else None
           for side, c in neighbours.items()},
        "course": _("Customer Lifetime Value: a course"),
        "chapters_label": _("Chapters"),
        "languages_label": _("Languages"),
        "skip": _("Skip to the chapter"),
        "start": _("Start page"),
        "chapters": [{"href": c.page, "title": titles[c], "current": c == chapter} for c in own],
        "languages": _languages_list(chapter.language, same,
                                     lambda code: f"../{code}/{same[code].page}"),
    }


def _exporter() -> Any:
    from nbconvert import HTMLExporter

    from clv_course.slides import MATHJAX_CONFIG
    return HTMLExporter(template_name="clv_site", extra_template_basedirs=[str(TEMPLATES)],
                        mathjax_url=f"../_static/mathjax/MathJax.js?config={MATHJAX_CONFIG}",
                        exclude_input_prompt=True, exclude_output_prompt=True)


def page_title(chapter_title: str, course: str) -> str:
    """A chapter page's ``<title>``: the chapter, then the course, unless it names it already."""
    name = course.split(":")[0]
    return chapter_title if chapter_title.startswith(name) else f"{chapter_title} · {course}"


def write_chapter(chapter: Chapter, notebook: nbformat.NotebookNode, out: Path,
                  navigation: dict[str, Any], exporter: Any) -> Path:
    """One chapter's page, from its executed and prepared notebook."""
    exporter.language_code = chapter.language  # the exporter's own, put on <html lang>
    body, _resources = exporter.from_notebook_node(notebook, resources={
        "metadata": {"name": page_title(navigation["title"], navigation["course"])},
        "language_code": chapter.language,
        "clv_site": navigation})
    target = out / chapter.language / chapter.page
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(body, encoding="utf-8")
    return target


def _page(language_code: str, title: str, body: str, static: str = "../_static") -> str:
    return (f'<!DOCTYPE html>\n<html lang="{language_code}">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1.0">\n'
            f'<title>{_escape(title)}</title>\n'
            f'<link rel="stylesheet" href="{static}/site.css">\n</head>\n'
            f'<body class="clv-index">\n{body}\n</body>\n</html>\n')


def course_home() -> str:
    """Where the course itself is published (``[project.urls] Homepage`` in pyproject.toml)."""
    from importlib.metadata import PackageNotFoundError, metadata
    try:
        urls = metadata("clv-course").get_all("Project-URL") or []
    except PackageNotFoundError:  # run from a checkout that was never installed
        urls = []
    homes = [url.split(",", 1)[1].strip() for url in urls if url.lower().startswith("homepage,")]
    return homes[0] if homes else ""


def _languages_list(current: str, codes: Iterable[str], href: Callable[[str], str]) -> str:
    """The language switcher: every language in its own name, the current one marked."""
    return "\n".join(
        f'<li><span aria-current="page" lang="{code}">{NATIVE_NAMES[code]}</span></li>'
        if code == current else
        f'<li><a href="{href(code)}" lang="{code}" hreflang="{code}">{NATIVE_NAMES[code]}</a></li>'
        for code in sorted(codes))


def write_start_page(language_code: str, chapters: list[Chapter], titles: dict[Chapter, str],
                     out: Path, summaries: dict[Chapter, str] | None = None) -> Path:
    """``<lang>/index.html``: what the course is, how to work through it, every chapter in order."""
    own = [c for c in chapters if c.language == language_code]
    summaries = summaries or {}
    items = "\n".join(f'<li><a href="{c.page}">{_escape(titles[c])}</a>'
                      f'{summaries.get(c, "")}</li>' for c in own)
    others = _languages_list(language_code, {c.language for c in chapters},
                             lambda code: f"../{code}/index.html")
    course, languages_label, chapters_label = (
        _("Customer Lifetime Value: a course"), _("Languages"), _("Chapters"))
    intro = _("What a customer is worth over the whole relationship, and how to raise it: one "
              "chapter a page, with worked examples on real data. The exercises are checked and "
              "graded in JupyterLab, where every chapter also runs live.")
    heading = _("How to work through it")
    command = "make lab" if language_code == "en" else f"CLV_COURSE_LANG={language_code} make lab"
    order = _("Read the chapters in order: each builds on the one before. This site is a "
              "read-only copy, run when it was built.")
    home = course_home()
    get = _("To run the examples, move the sliders and do the exercises, get the course, "
            "free and open, from {home} (as a ZIP file, or with {git}) and, in its folder, run "
            "{command}: it installs what it needs and opens the first chapter in JupyterLab.")
    conda = _("Without make (on Windows, say), use conda: in the course's folder, run "
              "{create}, then {activate}, {cd} and {open}.")
    filled = {"{home}": f'<a href="{_escape(home)}">{_escape(home.split("://", 1)[-1])}</a>',
              "{git}": f"<code>git clone {_escape(home)}</code>",
              "{command}": f"<code>{command}</code>",
              "{create}": "<code>conda env create -f environment.yml</code>",
              "{activate}": "<code>conda activate clv-course</code>",
              "{cd}": "<code>cd notebooks</code>",
              "{open}": f"<code>jupyter lab {language_code}/{START_PAGE}</code>"}
    get_html, conda_html = _escape(get), _escape(conda)
    for placeholder, value in filled.items():
        get_html = get_html.replace(placeholder, value)
        conda_html = conda_html.replace(placeholder, value)
    body = (f'<header class="clv-header"><p class="clv-course">{_escape(course)}</p>'
            f'<nav aria-label="{_escape(languages_label)}"><ul class="clv-languages">{others}</ul>'
            f'</nav></header>\n<main>\n<h1>{_escape(course)}</h1>\n<p>{_escape(intro)}</p>\n'
            f'<h2>{_escape(heading)}</h2>\n'
            f'<p>{_escape(order)}</p>\n'
            f'<p>{get_html}</p>\n<p>{conda_html}</p>\n'
            f'<h2>{_escape(chapters_label)}</h2>\n<ol class="clv-chapters">\n{items}\n</ol>\n'
            f'</main>')
    target = out / language_code / "index.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(_page(language_code, course, body), encoding="utf-8")
    return target


def write_language_page(languages: Iterable[str], out: Path) -> Path:
    """``index.html``: each language, named in itself (those built earlier into ``out`` too)."""
    languages = set(languages) | {code for code in NATIVE_NAMES
                                  if (out / code / "index.html").exists()}
    def item(code: str) -> str:
        with language(code):
            title = _("Customer Lifetime Value: a course")
        return (f'<li lang="{code}"><a href="{code}/index.html" hreflang="{code}">'
                f'{NATIVE_NAMES[code]}</a>: {_escape(title)}</li>')
    items = "\n".join(item(code) for code in sorted(languages))
    with language("en"):
        course = _("Customer Lifetime Value: a course")
    page = _page("en", course, f"<main>\n<h1>{_escape(course)}</h1>\n"
                               f'<ul class="clv-languages">\n{items}\n</ul>\n</main>',
                 static="_static")
    target = out / "index.html"
    target.write_text(page, encoding="utf-8")
    return target


def _copy_assets(out: Path) -> None:
    import jupyter_server_mathjax
    static = out / "_static"
    static.mkdir(parents=True, exist_ok=True)
    shutil.copy2(TEMPLATES / "site.css", static / "site.css")
    if not (static / "mathjax").exists():
        shutil.copytree(Path(jupyter_server_mathjax.__file__).with_name("static"),
                        static / "mathjax")


def build(notebooks: list[Path], out: Path, *, jobs: int | None = None,
          progress: Callable[[Path], None] | None = None) -> list[Path]:
    """Every page for ``notebooks`` (``.../<lang>/<name>.ipynb`` student notebooks) in ``out``.

    Chapters run ``jobs`` at a time (default: the machine's cores), each in its own
    kernel. Raises :class:`SiteError` for a chapter that cannot become a page.
    """
    chapters = [Chapter(path.parent.name, path) for path in notebooks]
    unknown = sorted({c.language for c in chapters} - set(LANGUAGES))
    if unknown:
        raise SiteError(_("Not a course language: {languages}").format(languages=", ".join(unknown)))
    _copy_assets(out)
    with ThreadPoolExecutor(max_workers=jobs or os.cpu_count() or 1) as pool:
        executed = dict(zip(chapters, pool.map(execute, chapters)))
    titles = {c: chapter_title(executed[c], c.notebook.stem) for c in chapters}
    summaries = {c: chapter_summary(executed[c]) for c in chapters}
    exporter = _exporter()
    written, problems = [], []
    for chapter in chapters:
        with language(chapter.language):
            try:
                notebook = prepare(executed[chapter], str(chapter.notebook))
            except SiteError as problem:  # every chapter's problems at once, for the author
                problems.append(str(problem))
                continue
            navigation = _navigation(chapter, titles, chapters) | {"title": titles[chapter]}
            written.append(write_chapter(chapter, notebook, out, navigation, exporter))
        if progress:
            progress(written[-1])
    if problems:
        raise SiteError("\n".join(problems))
    for code in sorted({c.language for c in chapters}):
        with language(code):
            written.append(write_start_page(code, chapters, titles, out, summaries))
    written.append(write_language_page({c.language for c in chapters}, out))
    return written
