"""The whole friction lifecycle through the bot and the console port, on SQLite and PostgreSQL."""
from __future__ import annotations

from datetime import timedelta

import pytest

from tests.conftest import START
from tests.world import ADMIN, EMPLOYEE, EMPLOYEE_EN, OTHER_OWNER, OWNER, World


@pytest.fixture
def world(database_url):
    world = World(database_url, START)
    yield world
    world.db.dispose()


def test_report_is_acknowledged_with_a_number_and_posted_for_triage(world):
    world.say(EMPLOYEE, "/friction System faktur każe mi przepisywać każde zamówienie")
    ack = world.last(EMPLOYEE)
    assert ack.header == "Zgłoszenie F-1 przyjęte"
    assert "System faktur każe mi przepisywać każde zamówienie" in ack.text
    assert [o.label for o in ack.choices.options][0] == "Ręczne obejście"
    notice = world.last("#governance")
    assert notice.header == "New friction report F-1"
    assert [b.action_id for b in notice.buttons] == ["triage.open"]


def test_optional_tags_by_buttons_update_the_same_message(world):
    world.say(EMPLOYEE_EN, "/friction I keep my own spreadsheet of retyped orders")
    world.press(EMPLOYEE_EN, "Manual workaround")
    world.press(EMPLOYEE_EN, "Customers (CX)")
    world.press(EMPLOYEE_EN, "Procedure and reality diverge")
    assert "✓ Procedure and reality diverge" in [b.label for b in world.last(EMPLOYEE_EN).buttons]
    world.press(EMPLOYEE_EN, "Done")
    assert len(world.port.current_messages(EMPLOYEE_EN)) == 1  # one message, updated in place
    summary = world.seen(EMPLOYEE_EN)
    assert "Manual workaround" in summary and "Customers (CX)" in summary and "Procedure and reality diverge" in summary


def test_report_form_files_with_tags_and_full_anonymity(world):
    world.say(EMPLOYEE_EN, "/friction")
    form = world.port.last_form(EMPLOYEE_EN)
    assert form.form_id == "friction.report" and form.fields[0].required
    world.submit(EMPLOYEE_EN, text="Nobody decides on remote work", kind="missing_decision", experience="ex",
                 flags=("decision_needed",), anonymity="nobody")
    assert "Nobody will see your name." in world.seen(EMPLOYEE_EN)
    world.say(ADMIN, "/xgov triage")
    queue = world.seen(ADMIN)
    assert "anonimowo" in queue and "John Smith" not in queue


def test_full_lifecycle_with_decline_retriage_and_resolution(world):
    world.say(EMPLOYEE, "/friction Zwrot 620 zł czekał 9 dni na zgodę dyrektora")
    world.say(ADMIN, "/xgov triage")
    assert "Ewa Łęcka" in world.seen(ADMIN)  # governance sees the reporter unless fully anonymous
    world.press(ADMIN, "Przypisz F-1")
    world.submit(ADMIN, policy="2", owner="", kind="workaround", experience="cx")  # wrong policy on purpose
    assert world.last(OTHER_OWNER).header == "Przypisane do Ciebie: F-1"
    assert world.last("#governance").header == "F-1 assigned to Iga Inna"
    assert "ma właściciela" in world.last(EMPLOYEE).header

    world.press(OTHER_OWNER, "Odrzuć")
    world.submit(OTHER_OWNER, reason="Limit zwrotów ustala Finanse, nie ja.")
    declined = world.last("#governance")
    assert declined.header == "F-1 declined by Iga Inna"
    assert "Limit zwrotów ustala Finanse, nie ja." in declined.text

    world.clock.advance(timedelta(days=1))
    world.say(ADMIN, "/xgov triage")
    assert "Limit zwrotów ustala Finanse" in world.seen(ADMIN)
    world.say(ADMIN, "/xgov assign F-1 P-1")
    assignment = world.last(OWNER)
    assert assignment.header == "Assigned to you: F-1"
    assert {f.label: f.value for f in assignment.fields}["Due"] == "2026-03-17"

    world.press(OWNER, "Accept")
    assert [b.label for b in world.last(OWNER).buttons] == ["Resolve"]
    world.press(OWNER, "Resolve")
    world.submit(OWNER, outcome="policy_changed", note="Próg podniesiony do 2000 zł.")

    told = world.last(EMPLOYEE)
    assert told.header == "Co się zmieniło po Twoim zgłoszeniu F-1"
    assert "Zmieniono politykę" in told.text and "Próg podniesiony do 2000 zł." in told.text
    assert world.last("#governance").header == "F-1 resolved: Policy changed"
    world.say(EMPLOYEE, "/xgov reports")
    assert "rozwiązane" in world.seen(EMPLOYEE)


def test_no_change_needs_a_reason(world):
    world.say(EMPLOYEE_EN, "/friction The script makes me offer the product they cancel")
    world.say(ADMIN, "/xgov assign F-1 P-1")
    world.say(OWNER, "/xgov resolve F-1 no-change")
    assert world.last(OWNER).header == "That did not work"
    assert "give a reason" in world.last(OWNER).text
    world.say(OWNER, "/xgov resolve F-1 no-change The regulator requires the script")
    assert "No change" in world.last(EMPLOYEE_EN).text


def test_recurring_barriers_are_counted_and_ranked(world):
    for text in ("refund waited", "refund split in two", "refund awaiting approval"):
        world.say(EMPLOYEE, f"/friction {text}")
    world.say(EMPLOYEE_EN, "/friction retyping invoices")
    for ref, policy in (("F-1", "P-1"), ("F-2", "P-1"), ("F-3", "P-1"), ("F-4", "P-2")):
        world.say(ADMIN, f"/xgov assign {ref} {policy}")
    world.say(OWNER, "/xgov resolve F-1 policy-changed raised")
    world.say(ADMIN, "/xgov barriers")
    fields = world.last(ADMIN).fields
    assert fields[0].label.startswith("1. P-1 ") and "Zgłoszenia: 3 (otwarte: 2)" in fields[0].value
    assert fields[1].label.startswith("2. P-2 ") and "Zgłoszenia: 1 (otwarte: 1)" in fields[1].value


def test_owner_sees_pending_assignments(world):
    world.say(EMPLOYEE_EN, "/friction one")
    world.say(EMPLOYEE_EN, "/friction two")
    world.say(ADMIN, "/xgov assign F-1 P-1")
    world.say(ADMIN, "/xgov assign F-2 P-1")
    world.say(OWNER, "/xgov assignments")
    message = world.last(OWNER)
    assert [f.label.split(" ")[0] for f in message.fields] == ["F-1", "F-2"]


def test_policy_add_and_list_in_the_registry(world):
    world.say(ADMIN, "/xgov policy add decision iga.inna@example.pl Kto decyduje o pracy zdalnej")
    assert world.last(ADMIN).text == "Dodano P-3: Kto decyduje o pracy zdalnej (właściciel: Iga Inna)."
    world.say(EMPLOYEE_EN, "/xgov policy list")
    listing = world.seen(EMPLOYEE_EN)
    assert "P-3 · Decision" in listing and "Owner: Iga Inna" in listing


def test_language_command_switches_the_persons_language(world):
    world.say(EMPLOYEE_EN, "/xgov language pl")
    assert world.last(EMPLOYEE_EN).text == "Od teraz piszę do Ciebie po polsku."
    world.say(EMPLOYEE_EN, "/friction test")
    assert world.last(EMPLOYEE_EN).header == "Zgłoszenie F-1 przyjęte"
