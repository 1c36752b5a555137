"""The README's tour, step 2, as written: three console sessions on the demo's database."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

from sqlalchemy import select

from adapters.console.chat import ConsoleChat
from app.wiring import console_bot
from bot.config import Settings
from storage.db import Database
from storage.models import Person, PersonRole, Policy
from tests.test_demo import english  # noqa: F401  (the demo, run once for the module)


class Terminal:
    """One `xgov chat --as EMAIL` session: lines typed, lines shown."""

    def __init__(self, settings: Settings, mailbox: str, email: str, watch: tuple[str, ...] = ()) -> None:
        self.shown: list[str] = []
        bot, port = console_bot(settings, mailbox)
        self.chat = ConsoleChat(bot, port, email, watch=watch, write=self.shown.append)
        self.chat.start()

    def type(self, line: str) -> str:
        """Type a line (an empty one refreshes, as Enter does); what appeared after it."""
        before = len(self.shown)
        self.chat.handle_line(line)
        return "\n".join(self.shown[before:])


def people_of_the_demo(url: str) -> tuple[str, str, str]:
    db = Database(url)
    with db.unit_of_work() as session:
        roles = session.execute(select(Person.email, PersonRole.role).join(PersonRole).order_by(Person.id)).all()
        admin = next(email for email, role in roles if role == "governance_admin")
        owner = session.get(Person, session.get(Policy, 2).owner_id).email
        employee = next(email for email, role in roles if role == "employee" and email not in (admin, owner))
    db.dispose()
    return admin, owner, employee


def test_the_readme_tour_works_as_written(english, tmp_path):  # noqa: F811
    shutil.copy(english / "xgov.db", tmp_path / "xgov.db")
    url = f"sqlite:///{tmp_path / 'xgov.db'}"
    settings, mailbox = Settings(database_url=url), str(tmp_path / "xgov.db.mailbox.jsonl")
    admin, owner, employee = people_of_the_demo(url)
    employee_terminal = Terminal(settings, mailbox, employee)
    admin_terminal = Terminal(settings, mailbox, admin, watch=("governance",))
    owner_terminal = Terminal(settings, mailbox, owner)

    # As the employee: report, then answer the optional tags by number.
    shown = employee_terminal.type("/friction the invoice system makes me retype every order")
    number = re.search(r"Report (F-\d+) received", shown).group(1)
    assert "[1] Manual workaround" in shown
    assert "[1] Customers (CX)" in employee_terminal.type("1")
    assert "[4] Done" in employee_terminal.type("1")
    assert "Done" not in employee_terminal.type("4")  # the tags are done
    # As the admin: the triage queue, then the number of "Triage F-…" and the form (or /xgov assign).
    shown = admin_terminal.type("/xgov triage")
    assert f"[1] Triage {number}" in shown and number in shown
    assert f"New friction report {number}" in shown  # the governance channel, watched, in English
    assert f"{number} is assigned to" in admin_terminal.type(f"/xgov assign {number} P-2")
    # The owner presses Enter to refresh: 1 accepts, then 1 (Resolve) opens the resolution form.
    shown = owner_terminal.type("")
    assert f"Assigned to you: {number}" in shown and "[1] Accept  [2] Decline  [3] Resolve" in shown
    assert "[1] Resolve" in owner_terminal.type("1")
    shown = owner_terminal.type("1")
    assert f"Resolve {number}" in shown and "1) Policy changed" in shown
    owner_terminal.type("1")
    owner_terminal.type("Invoices now flow from the CRM")
    # The employee is told what changed.
    shown = employee_terminal.type("")
    assert f"What changed after your report {number}" in shown and "Invoices now flow from the CRM" in shown


def test_the_readme_command_table_is_one_table():
    text = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    table = text[text.index("| command | what it does |"):].split("\n\n", 1)[0]  # a blank line ends a table
    for command in ("xgov demo", "xgov survey list", "xgov kpi import", "xgov channel set", "xgov teams package",
                    "xgov people grant"):
        assert f"`{command}" in table, command
