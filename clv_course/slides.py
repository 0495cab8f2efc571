"""Slides from the same notebooks: which cell starts a slide, and decks that work offline.

Teachers present a chapter from JupyterLab with RISE (``jupyterlab-rise``), or as
a reveal.js deck written by ``clv-course slides``. Both read the standard
``slideshow`` metadata of each cell, which the masters carry and every
generated notebook inherits:

- a markdown cell that opens with a ``#`` or ``##`` heading starts a slide;
- one that opens with a ``###`` heading (an exercise) starts a sub-slide below it;
- every other cell continues the slide before it.

A deck is a folder that opens from disk with no network: reveal.js, RequireJS
and jQuery ship with the package (``slide_assets/``, MIT licensed), and MathJax
comes from ``jupyter-server-mathjax``. Decks are built from the student
notebooks, so no solution is ever on a slide.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import nbformat

ASSETS = Path(__file__).with_name("slide_assets")
TEMPLATES = Path(__file__).with_name("slide_templates")
#: MathJax 2's configuration that ships with jupyter-server-mathjax
MATHJAX_CONFIG = "TeX-AMS-MML_HTMLorMML-full,Safe"


def slide_type(cell: nbformat.NotebookNode) -> str:
    """The ``slideshow.slide_type`` a cell gets by the course's rule (see the module)."""
    if cell.cell_type == "markdown":
        first = cell.source.lstrip().split("\n", 1)[0]
        if re.match(r"#{1,2}\s", first):
            return "slide"
        if re.match(r"###\s", first):
            return "subslide"
    return "-"


def tag(notebook: nbformat.NotebookNode) -> bool:
    """Give every cell its slide type; whether anything changed."""
    changed = False
    for cell in notebook.cells:
        wanted = slide_type(cell)
        if cell.metadata.get("slideshow", {}).get("slide_type") != wanted:
            cell.metadata["slideshow"] = {"slide_type": wanted}
            changed = True
    settings = {"scroll": True, "enable_chalkboard": False}
    if notebook.metadata.get("rise") != settings:
        notebook.metadata["rise"] = settings  # long slides scroll instead of being cut off
        changed = True
    return changed


def deck_title(notebook: nbformat.NotebookNode, path: Path) -> str:
    """The chapter's first heading, for the browser tab (the file name if there is none)."""
    for cell in notebook.cells:
        match = re.match(r"#\s+(.+)", cell.source.lstrip()) if cell.cell_type == "markdown" else None
        if match:
            return match.group(1).strip()
    return path.stem


def _mathjax_folder() -> Path:
    import jupyter_server_mathjax
    return Path(jupyter_server_mathjax.__file__).with_name("static")


def build(notebooks: list[Path], out: Path) -> list[Path]:
    """Write ``out/<lang>/<name>.slides.html`` for each notebook, and the assets beside them.

    ``notebooks`` are ``.../<lang>/<name>.ipynb`` files; the decks of every language
    share one copy of reveal.js and MathJax in ``out``.
    """
    from nbconvert import SlidesExporter
    out.mkdir(parents=True, exist_ok=True)
    if not (out / "assets").exists():
        shutil.copytree(ASSETS, out / "assets")
    if not (out / "mathjax").exists():
        shutil.copytree(_mathjax_folder(), out / "mathjax")
    exporter = SlidesExporter(template_name="clv_slides", extra_template_basedirs=[str(TEMPLATES)],
                              reveal_url_prefix="../assets/reveal.js",
                              require_js_url="../assets/require.js",
                              jquery_url="../assets/jquery.min.js",
                              mathjax_url=f"../mathjax/MathJax.js?config={MATHJAX_CONFIG}",
                              reveal_scroll=True, exclude_input_prompt=True,
                              exclude_output_prompt=True)
    written = []
    for path in notebooks:
        notebook = nbformat.read(path, as_version=4)
        body, _resources = exporter.from_notebook_node(
            notebook, resources={"metadata": {"name": deck_title(notebook, path)}})
        target = out / path.parent.name / f"{path.stem}.slides.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(body, encoding="utf-8")
        written.append(target)
    return written


if __name__ == "__main__":  # pragma: no cover - python -m clv_course.slides: tag the masters
    from clv_course.authoring import masters
    for master in masters():
        book = nbformat.read(master, as_version=4)
        if tag(book):
            nbformat.write(book, master)
            print(master)
