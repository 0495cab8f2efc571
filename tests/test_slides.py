"""Slides from the same notebooks: tagged in the masters, decks that build and open offline."""

from __future__ import annotations

import re
import socket

import nbformat
import pytest

from clv_course import slides
from clv_course.authoring import BUILT_LANGUAGES, masters, student_notebooks
from clv_course.cli import main


@pytest.mark.parametrize("master", masters(), ids=lambda path: path.stem)
def test_every_master_cell_carries_its_slide_type(master):
    notebook = nbformat.read(master, as_version=4)
    assert not slides.tag(notebook), "run python -m clv_course.slides to tag the masters"
    starts = [c.id for c in notebook.cells if c.metadata["slideshow"]["slide_type"] == "slide"]
    assert starts[0] == notebook.cells[0].id and len(starts) >= 3


@pytest.mark.parametrize("source, expected", [
    ("# 1. What CLV is", "slide"), ("## The data\n\ntext", "slide"),
    ("### Exercise 2.1: the AOV", "subslide"), ("Some prose.", "-"), ("#no heading", "-"),
])
def test_headings_start_slides_and_exercises_start_sub_slides(source, expected):
    assert slides.slide_type(nbformat.v4.new_markdown_cell(source)) == expected


@pytest.fixture(scope="module")
def decks(tmp_path_factory):
    """Every chapter's deck in every built language, built with the network cut off."""
    out = tmp_path_factory.mktemp("slides")
    connect = socket.socket.connect

    def refuse(self, address):
        raise AssertionError(f"the slide build reached for the network: {address}")
    socket.socket.connect = refuse
    try:
        written = main(["slides", "--out", str(out)])
    finally:
        socket.socket.connect = connect
    assert written == 0
    return out


@pytest.mark.slow
@pytest.mark.xdist_group("slides")  # the decks are built once, not once on each worker
@pytest.mark.parametrize("language", BUILT_LANGUAGES)
def test_a_deck_per_chapter_holds_its_headings_and_no_solution(decks, root, language):
    for notebook_path in student_notebooks([language]):
        deck = (decks / language / f"{notebook_path.stem}.slides.html").read_text()
        notebook = nbformat.read(notebook_path, as_version=4)
        for cell in notebook.cells:
            heading = re.match(r"#{1,2}\s+(.+)", cell.source) if cell.cell_type == "markdown" else None
            if heading:
                words = re.findall(r"[^\W\d_]{4,}", heading.group(1))[:3]
                assert all(word in deck for word in words), (notebook_path.name, heading.group(0))
        solution = nbformat.read(root / "solutions" / language / notebook_path.name, as_version=4)
        student_lines = {line.strip() for c in notebook.cells for line in c.source.splitlines()}
        hidden = {line.strip() for c in solution.cells if c.cell_type == "code"
                  for line in c.source.splitlines()} - student_lines
        escaped = {line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                   for line in hidden if len(line) > 12}
        assert [line for line in escaped if line in deck] == [], notebook_path.name


@pytest.mark.slow
@pytest.mark.xdist_group("slides")
def test_a_deck_loads_everything_from_its_own_folder(decks):
    for deck in decks.glob("*/*.slides.html"):
        links = re.findall(r'(?:src|href)="([^"#][^"]*)"', deck.read_text())
        assert links and not [link for link in links if re.match(r"https?:|//", link)], deck.name
        for link in links:
            assert (deck.parent / link.split("?")[0]).exists(), (deck.name, link)
