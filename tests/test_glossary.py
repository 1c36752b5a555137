"""docs/glossary.md is the one vocabulary: no text the bot shows uses a term the glossary rules out."""
from __future__ import annotations

import re
from pathlib import Path

from bot.i18n import catalog_messages

GLOSSARY = Path(__file__).resolve().parent.parent / "docs" / "glossary.md"


def banned_terms() -> list[str]:
    terms = []
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 4 and cells[3] and cells[3] != "never" and not set(cells[3]) <= {"-", " "}:
            terms += [term.strip() for term in cells[3].split(",")]
    return terms


def shown_texts() -> list[str]:
    texts = []
    for locale in ("pl", "en"):
        for string in catalog_messages(locale).values():
            texts += list(string) if isinstance(string, tuple) else [string]
    return texts  # the results table's words are catalog entries too (bot/survey_results_table.py)


def offenders(texts: list[str], terms: list[str]) -> list[tuple[str, str]]:
    return [(term, text) for term in terms for text in texts if re.search(rf"(?<!\w){re.escape(term)}(?!\w)", text)]


def test_the_glossary_rules_terms_out():
    terms = banned_terms()
    assert {"top-2 box", "95% CI", "survey round", "opcjonalne"} <= set(terms)
    assert offenders(["mean 3.5 · top-2 box 49%"], terms) == [("top-2 box", "mean 3.5 · top-2 box 49%")]  # can fail


def test_no_text_uses_a_term_the_glossary_rules_out():
    assert offenders(shown_texts(), banned_terms()) == []
