"""A person the bot could not reach is recorded once, whoever records it, on both databases."""
from __future__ import annotations

from bot.services import conversations
from storage.db import Database
from tests.conftest import START


def test_never_reached_is_true_once_and_never_for_a_person_with_a_reference(database_url):
    db = Database(database_url)
    with db.unit_of_work() as session:
        assert conversations.mark_never_reached(session=session, platform="teams", email="Nobody@example.pl", now=START)
    with db.unit_of_work() as session:  # another process, later: already told
        assert not conversations.mark_never_reached(session=session, platform="teams", email="nobody@example.pl",
                                                    now=START)
        stored = conversations.find_reference(session=session, platform="teams", kind="person",
                                              key="nobody@example.pl")
        assert stored.reference == {} and not stored.reachable
        conversations.save_reference(session=session, platform="teams", kind="person", key="anna@example.pl",
                                     reference={"conversation": {"id": "a:1"}}, now=START)
    with db.unit_of_work() as session:
        assert not conversations.mark_never_reached(session=session, platform="teams", email="anna@example.pl",
                                                    now=START)
        assert conversations.find_reference(session=session, platform="teams", kind="person",
                                            key="anna@example.pl").reachable
    db.dispose()
