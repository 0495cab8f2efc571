"""Translating the course's notebooks with gettext catalogs, one entry per cell.

The English masters (``masters/NN_name.ipynb``) are the only source. Their
translatable text goes into one template, ``translations/notebooks.pot``:

- one entry per markdown cell: ``msgctxt`` is the cell id, ``msgid`` the cell's
  whole source (never split into paragraphs, so Markdown, math and MyST blocks
  come back exactly as the translator wrote them);
- one entry per comment in a code cell: ``msgctxt`` is ``<cell id>#comment-<n>``
  (n counts the cell's comments from 1), ``msgid`` the comment's text without
  its leading ``# ``;
- one entry per string literal in a code cell that a learner reads (a label, a
  title, a docstring: two words or more, see :func:`is_prose`): ``msgctxt`` is
  ``<cell id>#string-<n>``, ``msgid`` the literal's source between its quotes.
  Single-word strings are keys and column names; they and the code itself are
  never translated;
- one entry per figure's alt text (``metadata.clv_course.alt`` of the code cell
  that draws it, which screen readers and the website read): ``msgctxt`` is
  ``<cell id>#alt``.

Each language has one catalog, ``translations/<lang>.po``. :func:`update` merges
the template into it the way ``msgmerge`` does, matching entries by cell id: an
English cell that changed keeps its translation, marked fuzzy with the previous
English text; a new cell comes in untranslated; a removed one becomes obsolete.

A language's notebooks are generated (by :mod:`clv_course.authoring`) only once
the language is in ``authoring.BUILT_LANGUAGES``; from then on a missing, fuzzy
or stale translation, a placeholder the translation lost, or a notebook whose
cells differ from the English one is an error naming the cell, never English
text slipped into a translated notebook.

The messages here are for course authors and translators, who work from the
English, so they are not themselves translated.
"""

from __future__ import annotations

import argparse
import ast
import copy
import io
import re
import sys
import tokenize
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import normalize, read_po, unescape, write_po

from clv_course.i18n import LANGUAGES

ROOT = Path(__file__).resolve().parents[1]
TRANSLATIONS = "translations"
TEMPLATE = "notebooks.pot"
PROJECT = "clv-course"
#: comments that are not prose: the solution markers the authoring step removes
NOT_PROSE = ("### BEGIN SOLUTION", "### END SOLUTION")


class TranslationError(ValueError):
    """A translated notebook cannot be generated; ``problems`` says why, one line per cell."""

    def __init__(self, problems: Iterable[str]):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


# --- what is translated ------------------------------------------------------------------------

@dataclass(frozen=True)
class Comment:
    """One comment in a code cell: ``line[col:]`` is ``prefix + text + suffix``."""

    line: int  # 0-based line of the cell's source
    col: int
    prefix: str  # "# " or "## " ...
    text: str  # what the translator sees
    suffix: str  # trailing white space


def code_comments(source: str) -> list[Comment]:
    """The prose comments of a code cell, in order (not ``#`` inside strings, not markers)."""
    comments = []
    tokens = tokenize.generate_tokens(io.StringIO(source).readline)
    try:
        for token in tokens:
            if token.type != tokenize.COMMENT or token.string.strip() in NOT_PROSE:
                continue
            match = re.fullmatch(r"(#+[ \t]*)(.*?)(\s*)", token.string, flags=re.DOTALL)
            assert match is not None
            prefix, text, suffix = match.groups()
            if text:
                comments.append(Comment(token.start[0] - 1, token.start[1], prefix, text, suffix))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        pass  # IPython syntax or an unfinished cell: the comments before it still count
    return comments


def comment_context(cell_id: str, number: int) -> str:
    return f"{cell_id}#comment-{number}"


@dataclass(frozen=True)
class Literal:
    """One string literal in a code cell: ``source[start:end]`` is ``opening + text + closing``."""

    start: int  # offsets into the cell's source
    end: int
    opening: str  # prefix and quote, e.g. 'f"' or '"""'
    text: str  # what the translator sees: the literal's source between its quotes
    prose: bool  # a label or sentence a learner reads (it has words and white space)

    @property
    def closing(self) -> str:
        return self.opening.lstrip("rRbBfFuU")


_LITERAL = re.compile(r"(?P<prefix>[A-Za-z]*)(?P<quote>'{3}|\"{3}|'|\")(?P<text>.*)(?P=quote)\Z",
                      re.DOTALL)


def _offsets(source: str) -> list[int]:
    """The offset at which each line (1-based, as tokenize counts) of ``source`` starts."""
    starts = [0, 0]
    for line in source.split("\n")[:-1]:
        starts.append(starts[-1] + len(line) + 1)
    return starts


def _without_fields(text: str) -> str:
    """An f-string's text with its ``{...}`` replacement fields removed (``{{`` kept out too)."""
    out, depth = [], 0
    for char in text.replace("{{", "").replace("}}", ""):
        if char == "{":
            depth += 1
        elif char == "}" and depth:
            depth -= 1
        elif not depth:
            out.append(char)
    return "".join(out)


def is_prose(text: str, prefix: str = "") -> bool:
    """Whether a string literal is text for the learner, not code.

    Column names, format kinds and other keys (``"customer_id"``, ``"money"``)
    are single words and stay as they are; a literal with at least two words
    (``"projected revenue"``, a docstring) is a label or a sentence. An
    f-string's replacement fields are code and do not count as words.
    """
    if "b" in prefix.lower():
        return False
    if "f" in prefix.lower():
        text = _without_fields(text)
    return (re.search(r"[^\W\d_]{2,}", text) is not None
            and re.search(r"[^\W\d_]{2,}\W*\s+\S|\S\s+\W*[^\W\d_]{2,}", text) is not None)


def cell_labels(cell: nbformat.NotebookNode) -> frozenset[str]:
    """One-word strings the master marks as labels to translate (``"customers"`` as a row name).

    A one-word string is normally a key and stays English; where it is only
    shown, the author lists it in the cell's metadata, ``{"clv_course":
    {"labels": ["customers"]}}``, and it is translated like a longer label.
    """
    return frozenset(cell.get("metadata", {}).get("clv_course", {}).get("labels", []))


def code_strings(source: str, labels: frozenset[str] = frozenset()) -> list[Literal]:
    """Every string literal of a code cell, in order (IPython syntax ends the list early)."""
    literals = []
    starts = _offsets(source)
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type != tokenize.STRING:
                continue
            match = _LITERAL.match(token.string)
            if match is None:  # pragma: no cover - tokenize yields only well-formed literals
                continue
            start = starts[token.start[0]] + token.start[1]
            end = starts[token.end[0]] + token.end[1]
            prefix = match.group("prefix")
            text = match.group("text")
            literals.append(Literal(start, end, prefix + match.group("quote"), text,
                                    is_prose(text, prefix) or text in labels))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        pass
    return literals


def prose_strings(source: str, labels: frozenset[str] = frozenset()) -> list[Literal]:
    """The string literals of a code cell that are translated: labels, titles, docstrings."""
    return [literal for literal in code_strings(source, labels) if literal.prose]


def string_context(cell_id: str, number: int) -> str:
    return f"{cell_id}#string-{number}"


def alt_context(cell_id: str) -> str:
    return f"{cell_id}#alt"


def alt_text(cell: nbformat.NotebookNode) -> str:
    """The alt text of the figure a code cell draws ('' if it has none)."""
    return str(cell.get("metadata", {}).get("clv_course", {}).get("alt", ""))


def _line_of(source: str, literal: Literal) -> str:
    """The code line a literal starts on, for the translator's context."""
    first = source.rfind("\n", 0, literal.start) + 1
    last = source.find("\n", literal.start)
    return source[first:last if last >= 0 else len(source)].strip()


def units(notebook: nbformat.NotebookNode) -> Iterator[tuple[str, str, str]]:
    """``(msgctxt, msgid, kind)`` for every translatable text of a notebook, in order."""
    for cell in notebook.cells:
        if cell.cell_type == "markdown" and cell.source.strip():
            yield cell.id, cell.source, "markdown cell"
        elif cell.cell_type == "code":
            for number, comment in enumerate(code_comments(cell.source), start=1):
                yield comment_context(cell.id, number), comment.text, "comment in a code cell"
            for number, literal in enumerate(prose_strings(cell.source, cell_labels(cell)),
                                             start=1):
                yield (string_context(cell.id, number), literal.text,
                       f"text in a code cell: {_line_of(cell.source, literal)}")
            if alt_text(cell).strip():
                yield alt_context(cell.id), alt_text(cell), "alt text: what the cell's figure shows"


def masters(root: Path = ROOT) -> list[Path]:
    return sorted((root / "masters").glob("[0-9][0-9]_*.ipynb"))


def extract(paths: Sequence[Path]) -> Catalog:
    """The template: every translatable text of the masters, in notebook order."""
    template = Catalog(project=PROJECT, version="1", copyright_holder="the clv-course authors")
    template.header_comment = ("# What the notebooks say, from the English masters/.\n"
                               "# Generated by `make translations`: do not edit.")
    seen: dict[str, str] = {}
    for path in paths:
        notebook = nbformat.read(path, as_version=4)
        for context, msgid, kind in units(notebook):
            if context in seen:
                raise TranslationError([(f"{context} is in {path.name} and {seen[context]}: "
                                        "cell ids must be unique across the course")])
            seen[context] = path.name
            template.add(msgid, context=context, auto_comments=[f"{path.name}: {kind}"])
    return template


WIDTH = 76


def catalog_text(catalog: Catalog, *, template: bool = False) -> str:
    """The catalog as a .po file; a template without a creation date (it is reproducible).

    A fuzzy entry's previous English is written as msgmerge writes it, ``#| msgid``
    lines before ``msgctxt`` (Babel's own ``include_previous`` garbles a text of
    several lines).
    """
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=WIDTH)
    lines = buffer.getvalue().decode("utf-8").split("\n")
    if template:  # nothing that changes with the day or the Babel release
        lines = [line for line in lines if not line.startswith(('"POT-Creation-Date:',
                                                                '"Generated-By:'))]
    previous = {f"msgctxt {normalize(m.context)}": m.previous_id[0]
                for m in catalog if m.id and m.context and m.previous_id}
    out = []
    for line in lines:
        if line in previous:
            quoted = normalize(previous[line], width=WIDTH).split("\n")
            out += [f"#| msgid {quoted[0]}"] + [f"#| {part}" for part in quoted[1:]]
        out.append(line)
    return "\n".join(out)


def template_path(root: Path = ROOT) -> Path:
    return root / TRANSLATIONS / TEMPLATE


def template_text(root: Path = ROOT) -> str:
    """What ``translations/notebooks.pot`` should contain for the masters as they are."""
    return catalog_text(extract(masters(root)), template=True)


def write_template(root: Path = ROOT) -> Path:
    path = template_path(root)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(template_text(root), encoding="utf-8")
    return path


# --- catalogs ------------------------------------------------------------------------------------

def catalog_path(language: str, root: Path = ROOT) -> Path:
    return root / TRANSLATIONS / f"{language}.po"


def languages(root: Path = ROOT) -> list[str]:
    """The languages that have a catalog in ``translations/``."""
    return sorted(path.stem for path in (root / TRANSLATIONS).glob("*.po"))


def read_catalog(path: Path, language: str | None = None) -> Catalog:
    """A catalog, with each fuzzy entry's previous English (``#| msgid``) read back."""
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=language or path.stem)
    for message in list(catalog) + list(catalog.obsolete.values()):
        _read_previous(message)
    return catalog


def _read_previous(message: Message) -> None:
    """Babel's reader keeps ``#| msgid "..."`` lines as user comments: make them previous_id."""
    previous = [c[1:].strip() for c in message.user_comments if c.startswith("|")]
    if not previous:
        return
    message.user_comments = [c for c in message.user_comments if not c.startswith("|")]
    field, parts = None, {}
    for line in previous:
        keyword, _, rest = line.partition(" ")
        if keyword in ("msgid", "msgctxt", "msgid_plural"):
            field, line = keyword, rest.strip()
        if field and line.startswith('"'):
            parts.setdefault(field, []).append(unescape(line))
    if "msgid" in parts:
        message.previous_id = ["".join(parts["msgid"])]


def write_catalog(catalog: Catalog, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(catalog_text(catalog), encoding="utf-8")


def merge(catalog: Catalog, template: Catalog) -> None:
    """Update ``catalog`` from ``template`` in place, like ``msgmerge``, matching by cell id.

    Babel's ``Catalog.update`` keeps the entries whose English is unchanged and
    makes the others obsolete; an entry whose cell (``msgctxt``) is still there
    with new English then gets its old translation back, marked fuzzy, with the
    previous English as ``#| msgid``. (Babel's own fuzzy matching compares texts
    across cells, so it could hand one cell another cell's translation; it is off.)
    """
    old = {m.context: m for m in list(catalog.obsolete.values()) + list(catalog) if m.id}
    # a code string keeps its translation when a label added before it renumbers it
    same_text = {(m.context.split("#")[0], m.id): m for m in old.values()
                 if "#string-" in (m.context or "") and m.string and not m.fuzzy}
    moved = {(m.context.split("#")[0], m.id) for m in template if "#string-" in (m.context or "")}
    # Babel puts a new entry's Message from the template into the catalog itself, and this
    # then writes a translation into it: without a copy, the next language merged from the
    # same template would find that translation (German got the Danish one).
    catalog.update(copy.deepcopy(template), no_fuzzy_matching=True, update_creation_date=False)
    for message in catalog:
        previous = old.get(message.context)
        if "#string-" in (message.context or "") and (previous is None or previous.id != message.id):
            previous = same_text.get((message.context.split("#")[0], message.id), previous)
            if previous is not None and previous.id != message.id and \
                    (previous.context.split("#")[0], previous.id) in moved:
                previous = None  # its English moved to another number of the same cell
        if not message.id or previous is None or not previous.string:
            continue
        if message.string:  # unchanged English: a fuzzy entry keeps its previous English
            if message.fuzzy and not message.previous_id:
                message.previous_id = list(previous.previous_id)
            continue
        message.string = previous.string
        message.user_comments = list(previous.user_comments)
        if previous.fuzzy and previous.previous_id == [message.id]:
            pass  # the English went back to the text the translation was made from
        elif previous.id != message.id:
            message.flags.add("fuzzy")
            # still fuzzy from an earlier change: the English the translation was made from
            message.previous_id = (list(previous.previous_id) if previous.fuzzy and
                                   previous.previous_id else [previous.id])
        elif previous.fuzzy:  # an obsolete entry coming back
            message.flags.add("fuzzy")
            message.previous_id = list(previous.previous_id)
        catalog.obsolete.pop((previous.id, previous.context), None)


def init(language: str, root: Path = ROOT) -> Path:
    """Start ``translations/<language>.po`` from the template (every entry untranslated)."""
    path = catalog_path(language, root)
    if path.exists():
        raise TranslationError([f"{path} exists already: run `make translations` to update it"])
    catalog = Catalog(locale=language, project=PROJECT, version="1", fuzzy=False,
                      copyright_holder="the clv-course authors")
    name = LANGUAGES.get(language, language)
    catalog.header_comment = (f"# The {name} ({language}) translation of the {PROJECT} notebooks.\n"
                              "# Edit the msgstr lines; see README.md, 'Translating the course'.")
    merge(catalog, extract(masters(root)))
    write_catalog(catalog, path)
    return path


def update(language: str, root: Path = ROOT, template: Catalog | None = None) -> Path:
    """Merge the template into ``translations/<language>.po`` (``make translations``)."""
    path = catalog_path(language, root)
    catalog = read_catalog(path, language)
    merge(catalog, template if template is not None else extract(masters(root)))
    write_catalog(catalog, path)
    return path


# --- checks --------------------------------------------------------------------------------------

def incomplete(catalog: Catalog) -> list[str]:
    """Every entry that is untranslated or fuzzy, by cell id."""
    problems = []
    for message in catalog:
        if not message.id:
            continue
        if not message.string:
            problems.append(f"{message.context}: not translated")
        elif message.fuzzy:
            problems.append(f"{message.context}: fuzzy (the English changed; review the "
                            "translation, then delete the fuzzy flag)")
    return problems


#: what a translation must keep exactly, matched in this order (each match is then blanked out)
PLACEHOLDERS = {
    "fenced code": re.compile(r"^[ \t]*(`{3,}|~{3,})[^\n]*\n.*?^[ \t]*\1[ \t]*$",
                              re.DOTALL | re.MULTILINE),
    "display math": re.compile(r"\$\$.+?\$\$", re.DOTALL),
    "inline code": re.compile(r"(`+)[^`].*?\1", re.DOTALL),
    "inline math": re.compile(r"(?<![\\$])\$(?![\s$])[^$\n]*?(?<![\s\\])\$(?!\d)"),
    "link target": re.compile(r"\]\([^)\s]*(?:\s+\"[^\"]*\")?\)"),
    "brace placeholder": re.compile(r"\{[^{}\s]*\}"),
    "printf placeholder": re.compile(
        r"%(?:\([A-Za-z_]\w*\))?[-#0+]*\d*(?:\.\d+)?[sdifrx](?![A-Za-z])"),
}


#: the words a formula spells out: prose, so a translation puts them in its own language
WORDS_IN_MATH = re.compile(r"\\text\{[^{}]*\}")


def placeholders(text: str) -> Counter[str]:
    """The code, math, link targets and format placeholders in ``text``, with their counts.

    In math, the words inside ``\\text{…}`` are left out of the comparison: a German
    formula says "Umsatz" where the English says "revenue", but keeps every symbol.
    """
    found: Counter[str] = Counter()
    for name, pattern in PLACEHOLDERS.items():
        def blank(match: re.Match[str], math: bool = name.endswith("math")) -> str:
            kept = match.group(0)
            found[WORDS_IN_MATH.sub(r"\\text{…}", kept) if math else kept] += 1
            return "\0"
        text = pattern.sub(blank, text)
    return found


def _shown(items: Counter[str]) -> str:
    return ", ".join(repr(item) for item in sorted(items.elements()))


def placeholder_problem(context: str, msgid: str, msgstr: str) -> str | None:
    """What the translation lost or added among the placeholders, or None."""
    english, translated = placeholders(msgid), placeholders(msgstr)
    if english == translated:
        return None
    parts = []
    if english - translated:
        parts.append(f"missing {_shown(english - translated)}")
    if translated - english:
        parts.append(f"not in the English {_shown(translated - english)}")
    return f"{context}: placeholders differ: {'; '.join(parts)}"


def placeholder_problems(catalog: Catalog) -> list[str]:
    """Every translated entry whose code, math, links or placeholders differ from the English."""
    problems = []
    for message in catalog:
        if message.id and message.string:
            problem = placeholder_problem(message.context, message.id, message.string)
            if problem:
                problems.append(problem)
            if "#comment-" in (message.context or "") and "\n" in message.string:
                problems.append(f"{message.context}: a comment's translation must be one line")
    return problems


def literal_problems(catalog: Catalog, root: Path = ROOT) -> list[str]:
    """Every translated code string that would break its literal, or a label translated two ways.

    A label is often a key too (``table.loc["active years"]`` in a later cell), so
    the same English label gets the same translation throughout a notebook.
    """
    entries = translations_by_cell(catalog)
    problems = []
    for path in masters(root):
        seen: dict[str, tuple[str, str]] = {}
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type != "code":
                continue
            for number, literal in enumerate(prose_strings(cell.source, cell_labels(cell)),
                                             start=1):
                message = entries.get(string_context(cell.id, number))
                if message is None or not message.string or message.id != literal.text:
                    continue
                problem = literal_problem(message.context, literal, message.string)
                if problem:
                    problems.append(problem)
                first = seen.setdefault(literal.text, (message.context, message.string))
                if first[1] != message.string:
                    problems.append(f"{message.context}: {literal.text!r} is translated "
                                    f"{message.string!r} here but {first[1]!r} in {first[0]}; "
                                    "a label may be a key, so use one translation")
    return problems


def check(catalog: Catalog, root: Path = ROOT) -> list[str]:
    """Everything that keeps a catalog from being built: incompleteness, placeholders, quotes."""
    return incomplete(catalog) + placeholder_problems(catalog) + literal_problems(catalog, root)


def _translated_spans(source: str, english: str,
                      labels: frozenset[str] = frozenset()) -> list[tuple[int, int]]:
    """Where ``source`` holds translated text: comment texts, and the literals prose in English."""
    prose = [index for index, literal in enumerate(code_strings(english, labels)) if literal.prose]
    literals = code_strings(source)
    spans = [(literals[i].start + len(literals[i].opening), literals[i].end - len(literals[i].closing))
             for i in prose if i < len(literals)]
    starts = _offsets(source)
    for comment in code_comments(source):
        start = starts[comment.line + 1] + comment.col
        line_end = source.find("\n", start)
        spans.append((start + 1, line_end if line_end >= 0 else len(source)))
    return spans


def comparable_code(source: str, english: str | None = None,
                    labels: frozenset[str] = frozenset()) -> str:
    """A code cell's source without its comments' text and its prose strings' text.

    Which literals are prose is decided on the English cell (``english``, by
    default ``source`` itself): a German label may be one word where the English
    had two. What remains must be identical in every language.
    """
    out = source
    for start, end in sorted(_translated_spans(source, source if english is None else english,
                                               labels), reverse=True):
        out = out[:start] + out[end:]
    return out


def parity_problems(english: nbformat.NotebookNode, translated: nbformat.NotebookNode) -> list[str]:
    """How a translated notebook's structure differs from the English one (none: identical)."""
    problems = []
    if len(english.cells) != len(translated.cells):
        problems.append(f"{len(translated.cells)} cells instead of {len(english.cells)}")
    for position, (en, other) in enumerate(zip(english.cells, translated.cells)):
        name = en.get("id", f"cell {position}")
        if en.get("id") != other.get("id"):
            problems.append(f"cell {position}: id {other.get('id')!r} instead of {name!r}")
        if en.cell_type != other.cell_type:
            problems.append(f"{name}: a {other.cell_type} cell instead of {en.cell_type}")
        elif en.cell_type == "code" and (comparable_code(en.source, labels=cell_labels(en))
                                         != comparable_code(other.source, en.source,
                                                            cell_labels(en))):
            problems.append(f"{name}: the code differs from the English")
        elif en.cell_type == "raw" and en.source != other.source:
            problems.append(f"{name}: the raw cell differs from the English")
    return problems


# --- generation ----------------------------------------------------------------------------------

def translations_by_cell(catalog: Catalog) -> dict[str, Message]:
    return {message.context: message for message in catalog if message.id and message.context}


def _lookup(entries: dict[str, Message], context: str, msgid: str,
            where: str) -> tuple[str | None, list[str]]:
    """The translation of one text, or None and why it cannot be used."""
    message = entries.get(context)
    if message is None:
        return None, [f"{context} ({where}): no entry in the catalog; run `make translations`"]
    if message.id != msgid:
        return None, [(f"{context} ({where}): the catalog has an older English text; "
                      "run `make translations`")]
    if not message.string:
        return None, [f"{context} ({where}): not translated"]
    if message.fuzzy:
        return None, [f"{context} ({where}): fuzzy (the English changed; review the translation)"]
    problems = []
    problem = placeholder_problem(context, msgid, message.string)
    if problem:
        problems.append(f"{problem} ({where})")
    if ("#comment-" in context or context.endswith("#alt")) and "\n" in message.string:
        problems.append(f"{context} ({where}): a comment's or alt text's translation must be "
                        "one line")
    return (None if problems else message.string), problems


def _fields(source: str) -> list[str]:
    """The replacement fields of an f-string literal, as code (empty for a plain string)."""
    tree = ast.parse(source, mode="eval").body
    if not isinstance(tree, ast.JoinedStr):
        return []
    return sorted(ast.unparse(value) for value in tree.values
                  if isinstance(value, ast.FormattedValue))


def literal_problem(context: str, literal: Literal, text: str) -> str | None:
    """Why a translated string literal would not be the same kind of literal, or None."""
    opening, closing = literal.opening, literal.closing
    if len(closing) == 1 and "\n" in text:
        return f"{context}: a one-line string's translation must be one line"
    try:
        tree = ast.parse(opening + text + closing, mode="eval").body
    except SyntaxError:
        return (f"{context}: the translation ends the string early or breaks it "
                f"(a {closing} or a backslash inside it?)")
    if not isinstance(tree, (ast.Constant, ast.JoinedStr)):
        return f"{context}: the translation ends the string early (a {closing} inside it?)"
    english = _fields(opening + literal.text + closing)
    if _fields(opening + text + closing) != english:
        return f"{context}: the f-string's fields differ from the English {english}"
    return None


def _translate_code(cell_id: str, source: str, entries: dict[str, Message], where: str,
                    labels: frozenset[str] = frozenset()) -> tuple[str, list[str]]:
    """A code cell with its comments and prose strings translated, and what went wrong."""
    problems: list[str] = []
    replacements: list[tuple[int, int, str]] = []
    starts = _offsets(source)
    for number, comment in enumerate(code_comments(source), start=1):
        text, found = _lookup(entries, comment_context(cell_id, number), comment.text, where)
        problems += found
        if text is not None:
            start = starts[comment.line + 1] + comment.col
            end = start + len(comment.prefix) + len(comment.text) + len(comment.suffix)
            replacements.append((start, end, comment.prefix + text + comment.suffix))
    for number, literal in enumerate(prose_strings(source, labels), start=1):
        context = string_context(cell_id, number)
        text, found = _lookup(entries, context, literal.text, where)
        problems += found
        if text is not None:
            problem = literal_problem(context, literal, text)
            if problem:
                problems.append(f"{problem} ({where})")
                continue
            replacements.append((literal.start + len(literal.opening),
                                 literal.end - len(literal.closing), text))
    for start, end, text in sorted(replacements, reverse=True):
        source = source[:start] + text + source[end:]
    return source, problems


def translate(master: nbformat.NotebookNode, catalog: Catalog,
              where: str = "") -> nbformat.NotebookNode:
    """The master with its prose, comments and labels translated; raises TranslationError.

    Code, cell ids, cell types and metadata stay as they are, so the solution and
    placeholder logic applied afterwards is the English one.
    """
    entries = translations_by_cell(catalog)
    notebook = copy.deepcopy(master)
    problems: list[str] = []
    for cell in notebook.cells:
        if cell.cell_type == "markdown" and cell.source.strip():
            text, found = _lookup(entries, cell.id, cell.source, where)
            problems += found
            if text is not None:
                cell.source = text
        elif cell.cell_type == "code":
            cell.source, found = _translate_code(cell.id, cell.source, entries, where,
                                                 cell_labels(cell))
            problems += found
            if alt_text(cell).strip():
                text, found = _lookup(entries, alt_context(cell.id), alt_text(cell), where)
                problems += found
                if text is not None:
                    cell.metadata["clv_course"]["alt"] = text
    if problems:
        raise TranslationError(problems)
    return notebook


# --- work files: a catalog's entries as plain text for a translator -------------------------------

#: a work file's separator lines; the text between them is taken as written (no escaping)
WORK_ENGLISH, WORK_TRANSLATION, WORK_END = "@@@@ EN ", "@@@@ TR ", "@@@@ END"


def work_text(catalog: Catalog, notebook: str, *, everything: bool = False) -> str:
    """One notebook's entries (its untranslated and fuzzy ones, or all), as a work file.

    A PO file asks a translator to escape quotes, backslashes and line breaks;
    Markdown full of math is easy to break that way. A work file holds each
    English text and its translation verbatim between separator lines.
    """
    blocks = []
    for message in catalog:
        comments = " ".join(message.auto_comments)
        if not message.id or not comments.startswith(f"{notebook}:"):
            continue
        if not everything and message.string and not message.fuzzy:
            continue
        kind = comments.split(":", 1)[1].strip()
        blocks.append(f"{WORK_ENGLISH}{message.context} | {kind}\n{message.id.rstrip()}\n"
                      f"{WORK_TRANSLATION}{message.context}\n{(message.string or '').rstrip()}\n"
                      f"{WORK_END}\n")
    return "\n".join(blocks)


def read_work(text: str) -> dict[str, tuple[str, str]]:
    """cell context -> (the English it was made from, its translation), from a work file.

    Entries with an empty translation are left out.
    """
    found: dict[str, tuple[str, str]] = {}
    pattern = re.compile(rf"^{re.escape(WORK_ENGLISH)}(\S+)[^\n]*\n(.*?)"
                         rf"^{re.escape(WORK_TRANSLATION)}\1[ \t]*\n(.*?)^{re.escape(WORK_END)}",
                         re.DOTALL | re.MULTILINE)
    for match in pattern.finditer(text):
        english, translation = match.group(2).strip("\n"), match.group(3).strip("\n")
        if translation.strip():
            found[match.group(1)] = (english, translation)
    return found


def apply_work(catalog: Catalog, translations: dict[str, tuple[str, str]]) -> list[str]:
    """Put a work file's translations into ``catalog``; what could not be taken is reported.

    A translation takes its English text's trailing line break (or lack of one).
    One made from the current English is no longer fuzzy; one made from an older
    English is kept but marked fuzzy, to be looked at again.
    """
    entries = translations_by_cell(catalog)
    by_text = {(m.context.split("#")[0], m.id.rstrip()): m for m in entries.values()
               if "#string-" in m.context}
    problems = []
    for context, (english, text) in translations.items():
        message = entries.get(context)
        if "#string-" in context and (message is None or message.id.rstrip() != english.rstrip()):
            message = by_text.get((context.split("#")[0], english.rstrip()), message)  # renumbered
        if message is None:
            problems.append(f"{context}: no such entry in the catalog")
            continue
        tail = message.id[len(message.id.rstrip()):]
        message.string = text.rstrip() + tail
        if english.rstrip() == message.id.rstrip():
            message.flags.discard("fuzzy")
            message.previous_id = []
        else:
            message.flags.add("fuzzy")
            message.previous_id = [english.rstrip() + tail]
            problems.append(f"{context}: translated from an older English text (now fuzzy)")
    return problems


# --- command line --------------------------------------------------------------------------------

def add_work_commands(commands: Any, files: str) -> None:
    """The ``export`` and ``import`` commands of a work-file round trip (``files``: how many)."""
    export = commands.add_parser("export", help=f"write work files ({files}) to translate")
    export.add_argument("language")
    export.add_argument("--out", type=Path, required=True, help="folder for the work files")
    export.add_argument("--all", action="store_true", help="every entry, translated or not")
    take = commands.add_parser("import", help="take translations from work files into the catalog")
    take.add_argument("language")
    take.add_argument("files", nargs="+", type=Path)
    take.add_argument("--dry-run", action="store_true",
                      help="only report the problems of these files' translations")


def main(argv: list[str] | None = None, root: Path = ROOT) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m clv_course.translation",
        description="Keep the notebooks' translation catalogs (translations/) in step "
                    "with the masters.")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("template", help="rewrite translations/notebooks.pot from the masters")
    refresh = commands.add_parser("update", help="rewrite the template and merge it into catalogs")
    refresh.add_argument("languages", nargs="*", help="default: every translations/<lang>.po")
    start = commands.add_parser("init", help="start translations/<lang>.po from the template")
    start.add_argument("language")
    add_work_commands(commands, "one per notebook")
    report = commands.add_parser("check", help="report untranslated, fuzzy and broken entries")
    report.add_argument("languages", nargs="*", help="default: every translations/<lang>.po")
    args = parser.parse_args(argv)
    try:
        if args.command == "template":
            print(write_template(root).relative_to(root))
        elif args.command == "update":
            print(write_template(root).relative_to(root))
            template = extract(masters(root))
            for language in args.languages or languages(root):
                print(update(language, root, template).relative_to(root))
        elif args.command == "init":
            write_template(root)
            print(init(args.language, root).relative_to(root))
        elif args.command == "export":
            catalog = read_catalog(catalog_path(args.language, root), args.language)
            args.out.mkdir(parents=True, exist_ok=True)
            for master in masters(root):
                text = work_text(catalog, master.name, everything=args.all)
                if text:
                    target = args.out / f"{master.stem}.{args.language}.txt"
                    target.write_text(text, encoding="utf-8")
                    print(target)
        elif args.command == "import":
            path = catalog_path(args.language, root)
            catalog = read_catalog(path, args.language)
            unknown, taken = [], set()
            for file in args.files:
                work = read_work(file.read_text(encoding="utf-8"))
                unknown += apply_work(catalog, work)
                taken |= set(work)
            if args.dry_run:
                problems = [p for p in placeholder_problems(catalog) + literal_problems(catalog, root)
                            if p.split(":")[0] in taken]
                for problem in unknown + problems:
                    print(f"{args.language}: {problem}")
                # for translators, who read English: not a learner's message, not in _()
                summary = (f"{args.language}: {len(taken)} translation(s) read, "
                           f"{len(unknown) + len(problems)} problem(s)")
                print(summary)
                return 1 if unknown or problems else 0
            write_catalog(catalog, path)
            for problem in unknown + check(catalog, root):
                print(f"{args.language}: {problem}")
            return 1 if unknown else 0
        else:
            failed = False
            for language in args.languages or languages(root):
                catalog = read_catalog(catalog_path(language, root), language)
                merge(catalog, extract(masters(root)))  # as `make translations` would
                problems = check(catalog, root)
                for problem in problems:
                    print(f"{language}: {problem}")
                # for translators, who read English: not a learner's message, not in _()
                summary = f"{language}: {len(problems)} problem(s) in {len(catalog)} entries"
                print(summary)
                failed = failed or bool(problems)
            return 1 if failed else 0
    except TranslationError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
