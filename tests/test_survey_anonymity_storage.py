"""Anonymity where it is stored and on each read path: the database after a wave joins no response
to a person, open waves show no figures anywhere, and filters keep the previous wave's scope."""
from __future__ import annotations

import hashlib
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from bot.digest.compute import compute_digest
from bot.digest.html import render_dashboard
from bot.digest.json_format import digest_to_dict
from bot.digest.markdown import digest_markdown
from bot.digest.model import Period
from bot.errors import UserError
from bot.flows.surveying import close_and_report, invite
from bot.i18n import translator
from bot.outbox.store import SURVEY_CONTENT
from bot.services import directory, survey_results, survey_waves
from storage.models import Base, OrgUnit, OutboxMessage, SurveyResponse
from tests.conftest import START
from tests.world import ADMIN, EMPLOYEE, EMPLOYEE_EN, OTHER_OWNER, OWNER, World

HR = "hania.kadry@example.pl"  # the only person of her unit
EVERYONE = (ADMIN, OWNER, OTHER_OWNER, EMPLOYEE, EMPLOYEE_EN, HR)
COMMENT = "Za mało czasu na klienta"
IN_ENGLISH = {EMPLOYEE_EN, OWNER, HR, "ula@example.pl", "ala@example.pl"}


@pytest.fixture
def world(database_url):
    world = World(database_url, START)
    with world.db.unit_of_work() as session:
        directory.add_org_unit(session=session, name="Kadry", parent="Spółka")
        directory.add_person(session=session, email=HR, name="Hania Kadrowa", org_unit="Kadry", locale="en")
    yield world
    world.db.dispose()


def send(world: World, k: int = 3) -> int:
    def job(turn):
        survey_waves.ensure_builtin_surveys(session=turn.session, now=turn.now)
        wave_id, emails = survey_waves.send_wave(session=turn.session, key="employee-pulse", audience="everyone",
                                                 now=turn.now, days=7, k=k)
        invite(turn, wave_id, emails)
        return wave_id
    return world.bot.run_job(job)


def answer(world: World, email: str, enps: str, comment: str | None = None) -> None:
    world.press(email, "Start" if email in IN_ENGLISH else "Zaczynam")
    world.press(email, enps)
    for _ in range(5):
        world.press(email, 4)
    if comment is None:
        world.press(email, "Skip" if email in IN_ENGLISH else "Pomiń")
    else:
        world.press(email, "Write an answer" if email in IN_ENGLISH else "Napisz odpowiedź")
        world.submit(email, answer=comment)


def tokens_seen_in_chat(world: World) -> set[str]:
    found = set()
    for email in EVERYONE:
        for delivery in world.port.deliveries_for(email):
            message = delivery.message
            if message is None:
                continue
            values = [b.value for b in message.buttons if b.action_id.startswith("survey.") and b.action_id != "survey.start"]
            if message.choices and message.choices.action_id.startswith("survey."):
                values += [o.value for o in message.choices.options]
            found |= {value.split("|")[0] for value in values}
    return found


def every_stored_value(world: World):
    """(table, column, value) of every non-null value in every table."""
    with world.db.unit_of_work() as session:
        for table in Base.metadata.sorted_tables:
            for row in session.execute(select(table)).mappings():
                for column, value in row.items():
                    if value is not None:
                        yield table.name, column, value


def test_after_a_wave_no_stored_column_joins_a_response_to_a_person(world):
    wave_id = send(world)
    for email, enps in zip(EVERYONE, "9 10 3 7 8 0".split()):
        answer(world, email, enps, COMMENT if email == HR else None)
    world.bot.run_job(lambda turn: close_and_report(turn, wave_id))
    tokens = tokens_seen_in_chat(world)
    assert len(tokens) == len(EVERYONE)
    hashes = {hashlib.sha256(token.encode()).hexdigest() for token in tokens}
    with world.db.unit_of_work() as session:
        responses = session.execute(select(SurveyResponse.id, SurveyResponse.org_unit_id, SurveyResponse.person_id)).all()
        units = dict(session.execute(select(OrgUnit.id, OrgUnit.name)).all())
    response_ids = {response_id for response_id, _unit, _person in responses}
    assert len(responses) == len(EVERYONE) and all(person is None for _id, _unit, person in responses)
    # the one person of Kadry is stored under Spółka (6 people), never under her one-person unit
    assert sorted(units[unit] for _id, unit, _person in responses) == ["Obsługa Klienta"] * 5 + ["Spółka"]

    allowed = {("survey_responses", "token_hash"), ("survey_responses", "id"), ("survey_answers", "response_id"),
               ("survey_answers", "value_text")}
    for table, column, value in every_stored_value(world):
        text = str(value)
        assert not any(token in text for token in tokens), (table, column)
        if (table, column) not in allowed:
            assert not any(h in text for h in hashes), (table, column)
            assert not any(r in text for r in response_ids), (table, column)
            assert COMMENT not in text, (table, column)

    for table in Base.metadata.sorted_tables:  # nothing refers to a response but its own answers
        for key in table.foreign_keys:
            if key.column.table.name == "survey_responses":
                assert table.name == "survey_answers"
    response_table = Base.metadata.tables["survey_responses"]
    assert not any(column.type.python_type.__name__ in ("datetime", "int") and column.name == "id"
                   for column in response_table.columns)
    assert not any("DateTime" in type(column.type).__name__ or column.name.endswith("_at")
                   for name in ("survey_responses", "survey_answers", "wave_recipients")
                   for column in Base.metadata.tables[name].columns)


def test_outbox_rows_with_survey_content_are_erased_once_sent_and_keep_key_and_status(world):
    send(world)
    answer(world, EMPLOYEE_EN, "9")
    world.say(EMPLOYEE_EN, "/xgov help")
    with world.db.unit_of_work() as session:
        rows = session.execute(select(OutboxMessage.key, OutboxMessage.status, OutboxMessage.payload,
                                      OutboxMessage.target)).all()
    mine = [row for row in rows if row.target == EMPLOYEE_EN or "john.smith" in row.target]
    assert mine and all(row.status == "sent" and row.key for row in mine)
    erased = [row for row in mine if row.payload == ""]
    kept = [row for row in mine if row.payload]
    assert len(erased) >= 8  # the invitation, seven questions and the summary, each as sent
    assert kept and not any('"survey.' in row.payload for row in kept)  # the help reply stays as it was
    assert SURVEY_CONTENT.strip("%") == '"action_id": "survey.'


def test_an_open_wave_shows_no_figure_on_any_path_and_the_digest_says_so(world):
    wave_id = send(world)
    for email, enps in zip(EVERYONE, "9 10 3 7 8 0".split()):
        answer(world, email, enps)
    period = Period(date(2026, 3, 2), date(2026, 3, 15), "2026-03-02..2026-03-15")  # ends after the wave closes
    with world.db.unit_of_work() as session:
        with pytest.raises(UserError) as refused:
            survey_results.wave_results(session=session, wave_id=wave_id, now=world.clock())
        during = compute_digest(session, period, now=world.clock(), k=3)
    said = translator("pl")(refused.value.msgid, **refused.value.params)
    assert "jest otwarta do 2026-03-09" in said and "Dotąd odpowiedziało: 3-9." in said
    assert during.ex == () and [w.wave_id for w in during.open_waves] == [wave_id]
    assert "Left out because open at the end of this period or still open now: Team pulse (wave 1, closes 2026-03-09)" in digest_markdown(during, translator("en"))
    assert "Pominięte, bo otwarte na koniec tego okresu lub wciąż otwarte: Puls zespołu" in render_dashboard(during, "pl", {})
    assert digest_to_dict(during)["open_waves"][0]["wave_id"] == wave_id

    world.clock.advance(timedelta(days=8))  # the window has ended: the figures may show now
    with world.db.unit_of_work() as session:
        results, _definition = survey_results.wave_results(session=session, wave_id=wave_id, now=world.clock())
        after = compute_digest(session, period, now=world.clock(), k=3)
    assert results.respondents == 6 and after.open_waves == ()
    assert after.ex[0].latest.n == 6


def test_a_unit_filter_on_a_wave_with_an_earlier_wave_compares_the_same_scope(world):
    for enps in ("3", "9"):
        wave_id = send(world)
        for email in EVERYONE:
            answer(world, email, enps)
        world.bot.run_job(lambda turn, wave_id=wave_id: close_and_report(turn, wave_id))
    with world.db.unit_of_work() as session:  # Obsługa Klienta: 5 people; Kadry's one is stored under Spółka
        with pytest.raises(UserError) as refused:
            survey_results.wave_results(session=session, wave_id=wave_id, now=world.clock(), unit="Obsługa Klienta")
    assert "refused so that nobody can be singled out" in str(refused.value)  # the rest would be Kadry's one person

    with world.db.unit_of_work() as session:
        directory.add_person(session=session, email="ula@example.pl", name="Ula", org_unit="Kadry", locale="en")
        directory.add_person(session=session, email="ala@example.pl", name="Ala", org_unit="Kadry", locale="en")
    for enps in ("3", "9"):
        wave_id = send(world)
        for email in (*EVERYONE, "ula@example.pl", "ala@example.pl"):
            answer(world, email, enps)
        world.bot.run_job(lambda turn, wave_id=wave_id: close_and_report(turn, wave_id))
    with world.db.unit_of_work() as session:
        results, _definition = survey_results.wave_results(session=session, wave_id=wave_id, now=world.clock(),
                                                           unit="Obsługa Klienta")
    assert results.unit == "Obsługa Klienta" and results.respondents == 5
    change = next(c for c in results.changes if c.question_id == "enps")
    assert (change.n, change.previous_n) == (5, 5)  # the previous wave read with the same filter


def test_a_closed_wave_keeps_the_org_tree_and_audience_it_was_sent_to(world):
    wave_id = send(world)
    for email, enps in zip(EVERYONE, "9 10 3 7 8 0".split()):
        answer(world, email, enps)
    world.bot.run_job(lambda turn: close_and_report(turn, wave_id))
    with world.db.unit_of_work() as session:
        before, _definition = survey_results.wave_results(session=session, wave_id=wave_id, now=world.clock())
        directory.add_org_unit(session=session, name="Nowy Dział", parent="Kadry")  # the org changes afterwards
        for index in range(4):
            directory.add_person(session=session, email=f"n{index}@example.pl", name=f"N{index}", org_unit="Nowy Dział")
    with world.db.unit_of_work() as session:
        after, _definition = survey_results.wave_results(session=session, wave_id=wave_id, now=world.clock())
    assert after == before
    assert [(u.unit, u.suppressed) for u in after.by_unit] == [("Kadry", True), ("Obsługa Klienta", True),
                                                             ("Spółka", False)]
