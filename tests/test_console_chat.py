"""The console chat: commands, answering by number, forms one field at a time, shared mailbox."""
from __future__ import annotations

import subprocess
import sys

import pytest

from adapters.console.chat import ConsoleChat
from adapters.console.form_filler import FormFiller
from adapters.console.port import ConsolePort
from bot.app import XgovBot
from bot.messages import Form, FormField, Option
from storage.models import Friction
from tests.conftest import START
from tests.world import ADMIN, EMPLOYEE, EMPLOYEE_EN, OWNER, World


@pytest.fixture
def world(sqlite_url, tmp_path):
    world = World(sqlite_url, START)
    world.port = ConsolePort(tmp_path / "mailbox.jsonl")
    world.bot = XgovBot(db=world.db, port=world.port, settings=world.settings, clock=world.clock)
    yield world
    world.db.dispose()


def chat_as(world: World, email: str, watch=()) -> tuple[ConsoleChat, list[str]]:
    lines: list[str] = []
    chat = ConsoleChat(world.bot, world.port, email, watch=watch, write=lines.append)
    chat.start()
    return chat, lines


def test_report_then_tag_by_number(world):
    chat, lines = chat_as(world, EMPLOYEE_EN)
    chat.handle_line("/friction The invoice system makes me retype every order")
    assert "Report F-1 received" in lines[-1] and "[1] Manual workaround" in lines[-1]
    chat.handle_line("1")
    assert "(updated)" in lines[-1] and "[1] Customers (CX)" in lines[-1]
    assert world.stored_texts() == ["The invoice system makes me retype every order"]


def test_form_is_asked_field_by_field_and_submitted(world):
    chat, lines = chat_as(world, EMPLOYEE)
    chat.handle_line("/friction")
    assert "Zgłoś utrudnienie" in "\n".join(lines)
    chat.handle_line("")  # required: refused
    assert lines[-2] == "This answer is required."
    for answer in ("Klient czeka na zwrot", "1", "1", "1,3", "", ""):
        chat.handle_line(answer)
    assert "Zgłoszenie F-1 przyjęte" in lines[-1]
    assert "Ręczne obejście" in lines[-1] and "Procedura rozmija się z rzeczywistością" in lines[-1]


def test_answer_a_specific_message_by_number_and_option(world):
    chat, lines = chat_as(world, EMPLOYEE_EN)
    chat.handle_line("/friction first")
    chat.handle_line("/friction second")
    first_ack = world.port.deliveries_for(EMPLOYEE_EN)[0].message_id
    chat.handle_line(f"{first_ack}.3")  # "Conflicting KPIs" on the first report
    with world.db.unit_of_work() as session:
        assert session.get(Friction, 1).kind == "conflicting_kpis"
        assert session.get(Friction, 2).kind is None


def test_an_owner_opening_the_console_later_finds_the_assignment(world):
    employee, _lines = chat_as(world, EMPLOYEE_EN)
    employee.handle_line("/friction refund waits")
    admin, _admin_lines = chat_as(world, ADMIN, watch=("governance",))
    admin.handle_line("/xgov assign F-1 P-1")
    owner, owner_lines = chat_as(world, OWNER)
    assert "Assigned to you: F-1" in "\n".join(owner_lines)
    owner.handle_line("1")  # Accept
    assert "accepted by the owner" in owner_lines[-1]


def test_out_of_range_number_and_plain_text_get_guidance(world):
    chat, lines = chat_as(world, EMPLOYEE_EN)
    chat.handle_line("5")
    assert lines[-1] == "There is no message with options to answer."
    chat.handle_line("/friction x")
    chat.handle_line("42")
    assert lines[-1] == "There is no option 42 here: type the number of an option, 1-7."
    chat.handle_line("hello")
    assert lines[-1].startswith("Commands start with /")
    assert chat.handle_line("quit") is False


def test_form_filler_validates_numbers_and_lengths():
    form = Form("f", "T", (FormField("kind", "Kind", "select", (Option("a", "A"), Option("b", "B"))),
                           FormField("note", "Note", "text", max_length=5)), "Send")
    filler = FormFiller(form)
    assert filler.answer("3") == "Choose a number from 1 to 2."
    assert filler.answer("2") is None
    assert filler.answer("toolong") == "At most 5 characters; this has 7."
    assert filler.answer("") is None and filler.done
    assert filler.values == {"kind": "b", "note": ""}


def test_xgov_chat_command_in_a_real_terminal_session(tmp_path):
    from app.cli import main

    csv = tmp_path / "people.csv"
    csv.write_text("email,name,org_unit,parent_unit,manager_email,roles,locale\n"
                   "ewa@example.pl,Ewa Łęcka,Obsługa,,,employee,pl\n", encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'x.db'}"
    assert main(["--database-url", url, "org", "import", str(csv)]) == 0
    result = subprocess.run(
        [sys.executable, "-m", "app.cli", "--database-url", url, "chat", "--as", "ewa@example.pl"],
        input="/friction Zażółć gęślą jaźń <!channel>\n/xgov reports\nquit\n",
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "Zgłoszenie F-1 przyjęte" in result.stdout
    assert "Zażółć gęślą jaźń <!channel>" in result.stdout
    assert "Twoje zgłoszenia" in result.stdout
