"""Counts in texts go through the catalogs' plural entries (Polish has three forms: 1 dzień, 2 dni, 5 dni).

The scan below fails on any text that writes a count followed by a word without NP_(singular, plural);
counts written as labels ("n = 5", "overdue: 3") need no plural."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from bot.errors import NP_
from bot.i18n import translator

ROOT = Path(__file__).resolve().parent.parent
SOURCE_DIRS = ("bot", "adapters", "app", "surveys")
# Placeholders that hold a count of something; one written before a word needs the plural forms.
COUNTS = {"n", "k", "count", "days", "length", "total", "shown", "reports", "open", "overdue", "added", "changed",
          "unchanged", "new", "waiting", "resolved", "recent", "people", "respondents", "hours", "weeks", "answers"}
COUNT_BEFORE_WORD = re.compile(r"\{(\w+)(?::[^}]*)?\}\)? [^\W\d_]")


def _calls(source: str):
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            yield node


def counted_words(source: str) -> list[str]:
    """Texts of _() and N_() calls that write a count placeholder followed by a word."""
    found = []
    for call in _calls(source):
        if call.func.id in ("_", "N_") and call.args and isinstance(call.args[0], ast.Constant) \
                and isinstance(call.args[0].value, str):
            text = call.args[0].value
            if any(match.group(1) in COUNTS for match in COUNT_BEFORE_WORD.finditer(text)):
                found.append(text)
    return found


def plural_msgids() -> list[tuple[str, str]]:
    pairs = []
    for folder in SOURCE_DIRS:
        for path in sorted((ROOT / folder).rglob("*.py")):
            pairs += [(c.args[0].value, c.args[1].value) for c in _calls(path.read_text(encoding="utf-8"))
                      if c.func.id == "NP_" and len(c.args) == 2]
    return pairs


def test_the_scan_can_fail():
    assert counted_words('_("Ta grupa liczy {n} osób")') == ["Ta grupa liczy {n} osób"]
    assert counted_words('N_("{shown} of {total} reports wait")') == ["{shown} of {total} reports wait"]
    assert counted_words('_("n = {n}; overdue: {overdue}.")') == []
    assert counted_words('_(NP_("{n} day", "{n} days"), n=3)') == []


def test_no_count_is_written_before_a_word_without_a_plural_entry():
    offenders = [text for folder in SOURCE_DIRS for path in sorted((ROOT / folder).rglob("*.py"))
                 for text in counted_words(path.read_text(encoding="utf-8"))]
    assert offenders == [], "use NP_(singular, plural) with {n}, or write the count as a label: " + "; ".join(offenders)


def test_no_polish_translation_writes_a_count_before_a_word_outside_a_plural_entry():
    from bot.i18n import catalog_messages

    offenders = [string for msgid, string in catalog_messages("pl").items() if isinstance(string, str)
                 and any(m.group(1) in COUNTS for m in COUNT_BEFORE_WORD.finditer(string))]
    assert offenders == []


def test_every_plural_entry_has_three_polish_forms_and_takes_n():
    entries = plural_msgids()
    assert len(entries) >= 5
    for singular, plural in entries:
        assert "{n}" in singular and "{n}" in plural, singular
        forms = {translator("pl")((singular, plural), n=n, **_dummy(singular)) for n in (1, 2, 5)}
        assert len(forms) == 3, f"{singular}: Polish needs three forms, found {forms}"


@pytest.mark.parametrize("n, expected", [(1, "1 dzień"), (2, "2 dni"), (5, "5 dni"), (22, "22 dni")])
def test_polish_days(n, expected):
    text = translator("pl")(NP_("Your private link, valid for {n} day; do not share it:",
                                "Your private link, valid for {n} days; do not share it:"), n=n)
    assert expected in text


def test_polish_people_three_forms():
    _ = translator("pl")
    texts = [_(NP_("Your answers are anonymous: results are shown only for groups of at least {n} person.",
                   "Your answers are anonymous: results are shown only for groups of at least {n} people."), n=n)
             for n in (1, 3, 5)]
    assert ["1 osobę" in texts[0], "3 osoby" in texts[1], "5 osób" in texts[2]] == [True] * 3


def _dummy(text: str) -> dict[str, str]:
    return {name: "x" for name in re.findall(r"\{(\w+)", text) if name != "n"}
