"""A teacher's guide per chapter and language: plans that add up, references that exist."""

from __future__ import annotations

import re

import nbformat
import pytest

from clv_course.authoring import BUILT_LANGUAGES, masters
from clv_course.exercises import registry

CHAPTERS = [path.stem for path in masters()]
GUIDES = [pytest.param(language, chapter, id=f"{language}-{chapter}")
          for language in BUILT_LANGUAGES for chapter in CHAPTERS]
#: the misconceptions the course answers, and a chapter whose guide must name each (English)
MISCONCEPTIONS = {
    "01_what_is_clv": r"revenue",
    "03_retention": r"month",
    "04_margin_discounting": r"discount rate",
    "02_components": r"censor|still active",
    "09_predictive_clv": r"P\(alive\)",
}


def _tables(text: str) -> list[list[list[str]]]:
    """Every Markdown table of a guide, as rows of cells, without the header and rule rows."""
    tables, current = [], None
    for line in text.splitlines():
        if line.startswith("|"):
            if current is None:
                current = []
                tables.append(current)
            cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
            if not set("".join(cells)) <= set("-: "):
                current.append(cells)
        else:
            current = None
    return [table[1:] for table in tables]


def _guide(root, language, chapter) -> str:
    return (root / "teachers" / language / f"{chapter}.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("language, chapter", GUIDES)
def test_the_45_and_90_minute_plans_add_up(root, language, chapter):
    forty_five, ninety = _tables(_guide(root, language, chapter))[:2]
    assert sum(int(row[0]) for row in forty_five) == 45
    assert sum(int(row[0]) for row in ninety) == 90


@pytest.mark.parametrize("language, chapter", GUIDES)
def test_every_cell_and_exercise_a_guide_names_exists(root, language, chapter):
    text = _guide(root, language, chapter)
    cells = {cell.id for cell in nbformat.read(root / "masters" / f"{chapter}.ipynb", 4).cells}
    exercises = set(registry())
    unknown = [ref for ref in re.findall(r"`(ch\d\d-[a-z0-9-]+)`", text)
               if ref not in cells and ref not in exercises]
    assert unknown == []


@pytest.mark.parametrize("language, chapter", GUIDES)
def test_the_homework_names_exercises_of_the_chapter_with_their_minutes(root, language, chapter):
    homework = _tables(_guide(root, language, chapter))[2]
    ids = [re.findall(r"`(ch\d\d-[a-z0-9-]+)`", row[0]) for row in homework]
    assert ids and all(found and found[0] in registry() for found in ids)
    assert all(found[0].startswith(f"ch{chapter[:2]}-") for found in ids)
    assert all(int(row[1]) > 0 for row in homework)


@pytest.mark.parametrize("language, chapter", GUIDES)
def test_a_guide_has_objectives_misconceptions_and_questions_with_model_answers(root, language,
                                                                                chapter):
    text = _guide(root, language, chapter)
    assert len(re.findall(r"^## ", text, flags=re.MULTILINE)) >= 7
    questions = re.findall(r"^\d+\. \*\*", text, flags=re.MULTILINE)
    answers = re.findall(r"\*(Model answer|Musterantwort|Modelsvar|Risposta modello):\*", text)
    assert len(questions) >= 3 and len(answers) == len(questions)


@pytest.mark.parametrize("chapter, pattern", MISCONCEPTIONS.items())
def test_the_misconceptions_the_course_answers_are_in_their_chapters_guides(root, chapter,
                                                                            pattern):
    text = _guide(root, "en", chapter)
    section = text.split("## Misconceptions learners bring", 1)[1].split("\n## ", 1)[0]
    assert re.search(pattern, section, flags=re.IGNORECASE)


def test_the_capstone_guide_points_to_the_rubric(root):
    for language in BUILT_LANGUAGES:
        assert "teachers/10_capstone_rubric.md" in _guide(root, language, "10_capstone")
