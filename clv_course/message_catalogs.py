"""The package's own messages (checks, hints, errors, figure labels, the CLI) for translators.

``make messages`` extracts them into ``clv_course/locale/clv_course.pot``. This
module keeps each language's catalog in step with it and gives a translator the
same plain work files as the notebooks' catalogs (see
:mod:`clv_course.translation`): each English text and its translation verbatim
between separator lines, no PO escaping.

    python -m clv_course.message_catalogs update de          # merge the template in
    python -m clv_course.message_catalogs export de --out work/   # what is left to translate
    python -m clv_course.message_catalogs import de work/clv_course.de.txt [--dry-run]

A translation whose ``{name}`` fields differ from the English is refused.
"""

from __future__ import annotations

import argparse
import hashlib
import string
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from clv_course.translation import (WORK_END, WORK_ENGLISH, WORK_TRANSLATION,
                                    add_work_commands, read_work)

LOCALE = Path(__file__).resolve().parent / "locale"


def catalog_path(language: str, locale: Path = LOCALE) -> Path:
    return locale / language / "LC_MESSAGES" / "clv_course.po"


def read(path: Path, language: str) -> Catalog:
    with open(path, "rb") as stream:
        return read_po(stream, locale=language)


def write(catalog: Catalog, path: Path) -> None:
    with open(path, "wb") as stream:
        write_po(stream, catalog, width=76)


def update(language: str, locale: Path = LOCALE) -> list[str]:
    """Merge the template into the language's catalog; the English texts no longer used.

    New messages arrive empty, vanished ones are dropped (not kept as obsolete:
    the tests require the catalog to hold exactly the code's messages), and no
    translation is guessed from a similar text.
    """
    path = catalog_path(language, locale)
    catalog = read(path, language)
    with open(locale / "clv_course.pot", "rb") as stream:
        template = read_po(stream)
    catalog.update(template, no_fuzzy_matching=True, update_creation_date=False)
    dropped = sorted(m.id for m in catalog.obsolete.values() if m.id)
    catalog.obsolete.clear()
    write(catalog, path)
    return dropped


def key(english: str) -> str:
    """A work file's name for a message: the package's messages have no cell id."""
    return "msg-" + hashlib.sha256(english.encode("utf-8")).hexdigest()[:10]


def work_text(catalog: Catalog, *, everything: bool = False) -> str:
    """The catalog's untranslated and fuzzy messages (or all) as a work file."""
    blocks = []
    for message in catalog:
        if not message.id or isinstance(message.id, tuple):
            continue
        if not everything and message.string and not message.fuzzy:
            continue
        blocks.append(f"{WORK_ENGLISH}{key(message.id)} | package message\n{message.id}\n"
                      f"{WORK_TRANSLATION}{key(message.id)}\n{message.string or ''}\n{WORK_END}\n")
    return "\n".join(blocks)


def fields(text: str) -> list[tuple[str, str, str]]:
    """The ``{name!conversion:spec}`` fields of a message, sorted; ValueError for a broken one."""
    return sorted((name, conversion or "", spec or "") for _literal, name, spec, conversion
                  in string.Formatter().parse(text) if name is not None)


def apply_work(catalog: Catalog, work: dict[str, tuple[str, str]]) -> list[str]:
    """Take a work file's translations into ``catalog``; the problems, one line each."""
    by_key = {key(m.id): m for m in catalog if m.id and not isinstance(m.id, tuple)}
    problems = []
    for name, (english, text) in work.items():
        message = by_key.get(name)
        if message is None or message.id != english:
            problems.append(f"{name}: no such message (its English changed?): {english[:60]}")
            continue
        try:
            same = fields(text) == fields(english)
        except ValueError:
            same = False
        if not same:
            problems.append(f"{name}: the fields {{...}} differ from the English: {english[:60]}")
            continue
        message.string = text
        message.flags.discard("fuzzy")
    return problems


def main(argv: list[str] | None = None, locale: Path = LOCALE) -> int:
    parser = argparse.ArgumentParser(prog="python -m clv_course.message_catalogs",
                                     description="Translate the package's own messages.")
    commands = parser.add_subparsers(dest="command", required=True)
    merge = commands.add_parser("update", help="merge clv_course.pot into the catalogs")
    merge.add_argument("languages", nargs="+")
    add_work_commands(commands, "one for all messages")
    args = parser.parse_args(argv)
    # the output below is for translators, who read English: not a learner's message
    if args.command == "update":
        for language in args.languages:
            for english in update(language, locale):
                line = f"{language}: dropped, no longer in the code: {english[:70]}"
                print(line)
        return 0
    path = catalog_path(args.language, locale)
    catalog = read(path, args.language)
    if args.command == "export":
        args.out.mkdir(parents=True, exist_ok=True)
        target = args.out / f"clv_course.{args.language}.txt"
        target.write_text(work_text(catalog, everything=args.all), encoding="utf-8")
        print(target)
        return 0
    problems = []
    for file in args.files:
        problems += apply_work(catalog, read_work(file.read_text(encoding="utf-8")))
    for problem in problems:
        print(f"{args.language}: {problem}")
    if not args.dry_run:
        write(catalog, path)
    return 1 if problems else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
