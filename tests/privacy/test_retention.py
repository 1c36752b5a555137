"""XGOV_RETENTION_DAYS: housekeeping erases old free text of resolved reports and settled messages."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from bot.digest.period import parse_period
from bot.flows.digest import digest_for
from bot.scheduling.jobs import _housekeeping
from bot.services.text_erasure import ERASED_PAYLOAD
from storage.models import Friction, OutboxMessage
from tests.conftest import START
from tests.world import ADMIN, EMPLOYEE, OTHER_OWNER, World

OLD = "Stary raport: faktury przepisywane ręcznie"
FRESH = "Nowy raport: brak decyzji o rabatach"


def _world(url: str, days: int) -> World:
    world = World(url, START)
    world.bot.settings = world.settings.model_copy(update={"retention_days": days})
    return world


def _resolve_old_then_report_fresh(world: World) -> None:
    world.say(EMPLOYEE, f"/friction {OLD}")
    world.say(ADMIN, "/xgov assign F-1 P-2")
    world.say(OTHER_OWNER, "/xgov resolve F-1 procedure-updated CRM exports to SAP now")
    world.clock.advance(timedelta(days=31))
    world.say(EMPLOYEE, f"/friction {FRESH}")


def _housekeep(world: World) -> None:
    world.bot.run_job(lambda turn: _housekeeping(turn, turn.now), scheduled=True)


def _old_text_anywhere(world: World) -> int:
    with world.db.unit_of_work() as session:
        reports = session.scalar(select(func.count()).select_from(Friction).where(Friction.text.contains("Stary")))
        messages = session.scalar(select(func.count()).select_from(OutboxMessage)
                                  .where(OutboxMessage.payload.contains("Stary")))
    return reports + messages


def test_housekeeping_erases_old_text_and_keeps_figures(database_url, capsys, monkeypatch):
    monkeypatch.setenv("XGOV_RETENTION_DAYS", "30")
    world = _world(database_url, 30)
    _resolve_old_then_report_fresh(world)
    period = parse_period(f"{START:%Y-%m-%d}..{world.clock():%Y-%m-%d}", world.clock())
    before = world.bot.run_job(lambda turn: digest_for(turn, period)).frictions
    assert _old_text_anywhere(world) > 0
    from app.cli import main

    main(["--database-url", database_url, "jobs", "--limit", "1"])
    assert "erases the text of 1 resolved reports" in capsys.readouterr().out
    _housekeep(world)
    assert _old_text_anywhere(world) == 0
    assert world.stored_texts()[1] == FRESH  # not resolved: kept
    assert "retention" in world.stored_texts()[0]
    assert world.bot.run_job(lambda turn: digest_for(turn, period)).frictions == before
    with world.db.unit_of_work() as session:
        old_payloads = session.scalar(select(func.count()).select_from(OutboxMessage)
                                      .where(OutboxMessage.created_at < START + timedelta(days=1),
                                             OutboxMessage.payload != ERASED_PAYLOAD))
    assert old_payloads == 0


def test_retention_off_keeps_everything(sqlite_url, capsys):
    world = _world(sqlite_url, 0)
    _resolve_old_then_report_fresh(world)
    _housekeep(world)
    assert world.stored_texts() == [OLD, FRESH]
    from app.cli import main

    main(["--database-url", sqlite_url, "jobs", "--limit", "1"])
    assert "Retention: off" in capsys.readouterr().out
