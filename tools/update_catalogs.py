"""Re-extract msgids into bot/locale/xgov.pot and merge them into each .po (keeps translations).

Run: .venv/bin/python tools/update_catalogs.py ; then translate the empty msgstr in pl.po.
"""
from __future__ import annotations

import ast
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LOCALE_DIR = ROOT / "bot" / "locale"
POT = LOCALE_DIR / "xgov.pot"


SOURCE_DIRS = ("bot", "app", "adapters", "surveys")


def msgids_in_code() -> set[str | tuple[str, str]]:
    """Every literal first argument of _() and N_() calls, including those inside f-strings
    (which Babel's tokenizer-based extractor does not see), and every NP_(singular, plural) pair."""
    found: set[str | tuple[str, str]] = set()
    for folder in SOURCE_DIRS:
        for path in sorted((ROOT / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                    continue
                literal = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
                if node.func.id in ("_", "N_") and node.args and node.args[0] is not None and literal \
                        and isinstance(node.args[0], ast.Constant):
                    found.add(literal[0])
                elif node.func.id == "NP_" and len(literal) == 2:
                    found.add((literal[0], literal[1]))
    return found


def extract() -> Catalog:
    template = Catalog(domain="xgov", project="xgov", charset="utf-8")
    for msgid in sorted(msgids_in_code(), key=lambda m: m if isinstance(m, str) else m[0]):
        template.add(msgid)
    with POT.open("wb") as handle:
        write_po(handle, template, width=0, omit_header=True, sort_output=True)
    return template


def _translated(string) -> bool:
    return all(string) if isinstance(string, tuple) else bool(string)


def merge(template: Catalog, locale: str, translations: dict | None = None) -> int:
    path = LOCALE_DIR / locale / "LC_MESSAGES" / "xgov.po"
    existing: dict = {}
    if path.exists():
        with path.open("rb") as handle:
            existing = {m.id: m.string for m in read_po(handle) if m.id}
    existing.update(translations or {})
    catalog = Catalog(locale=locale, domain="xgov", project="xgov", charset="utf-8")
    missing = 0
    for message in template:
        if not message.id:
            continue
        if locale == "en":
            string = message.id
        elif isinstance(message.id, tuple):
            string = tuple(existing.get(message.id) or ("",) * catalog.num_plurals)
        else:
            string = existing.get(message.id, "")
        missing += not _translated(string)
        catalog.add(message.id, string)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, catalog, width=0, omit_header=False, sort_output=True)
    return missing


def main(extra_translations: dict[str, str] | None = None) -> int:
    template = extract()
    merge(template, "en")
    missing = merge(template, "pl", extra_translations)
    print(f"{len(template) - 1} msgids; untranslated in pl: {missing}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
