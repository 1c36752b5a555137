"""Every user-facing text exists in Polish and English."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from bot.events import Actor, CommandEvent
from bot.i18n import catalog_messages, normalise_locale, translator
from tests.conftest import START
from tests.world import EMPLOYEE_EN, World

ROOT = Path(__file__).resolve().parent.parent
SOURCE_DIRS = ("bot", "adapters", "app")
PLACEHOLDER = re.compile(r"\{(\w+)[^}]*\}")


def msgids_in_code() -> set[str]:
    found = set()
    for folder in SOURCE_DIRS:
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("_", "N_")
                        and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
                    found.add(node.args[0].value)
    return found


def test_the_scan_finds_the_texts():
    assert "Report F-{id} received" in msgids_in_code()
    assert len(msgids_in_code()) > 100


def test_every_text_in_the_code_has_a_polish_translation():
    polish = catalog_messages("pl")
    missing = sorted(msgid for msgid in msgids_in_code() if not polish.get(msgid))
    assert missing == [], "run tools/update_catalogs.py and translate: " + "; ".join(missing[:10])


def test_translations_keep_the_placeholders():
    for msgid, string in catalog_messages("pl").items():
        ids = msgid if isinstance(msgid, tuple) else (msgid,)
        for text in string if isinstance(string, tuple) else (string,):  # each plural form keeps them too
            assert set(PLACEHOLDER.findall(ids[0])) == set(PLACEHOLDER.findall(text)), msgid


def test_polish_texts_have_diacritics_and_differ_from_english():
    _ = translator("pl")
    assert _("Report F-{id} received", id=3) == "Zgłoszenie F-3 przyjęte"
    assert translator("en")("Report F-{id} received", id=3) == "Report F-3 received"


@pytest.mark.parametrize("raw, expected", [("pl-PL", "pl"), ("pl_PL", "pl"), ("PL", "pl"), ("en-US", "en"),
                                           ("de-DE", None), ("", None), (None, None)])
def test_platform_locales_are_normalised(raw, expected):
    assert normalise_locale(raw) == expected


def test_platform_locale_chooses_the_reply_language(sqlite_url):
    world = World(sqlite_url, START)
    world.bot.handle(CommandEvent(Actor(EMPLOYEE_EN, locale="pl-PL"), "/xgov", "help"))
    assert world.last(EMPLOYEE_EN).header == "Pomoc xgov"
    world.say(EMPLOYEE_EN, "/xgov help")  # remembered for messages without a platform locale
    assert world.last(EMPLOYEE_EN).header == "Pomoc xgov"
