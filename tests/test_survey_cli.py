"""`xgov survey ...` end to end: a pulse answered in Polish through the console, results with n, refusals."""
from __future__ import annotations

import json

import pytest

from adapters.console.chat import ConsoleChat
from app.cli import main
from app.wiring import console_bot
from bot.config import Settings

PEOPLE = [("ewa@example.pl", "Ewa Łęcka", "Reklamacje"), ("jan@example.pl", "Jan Żak", "Reklamacje"),
          ("ola@example.pl", "Ola Śliwa", "Reklamacje"), ("piotr@example.pl", "Piotr Kąkol", "Reklamacje"),
          ("zofia@example.pl", "Zofia Wiśniewska", "Sprzedaż"), ("adam@example.pl", "Adam Ćwik", "Sprzedaż")]


@pytest.fixture
def org(tmp_path):
    csv = tmp_path / "people.csv"
    csv.write_text("email,name,org_unit,parent_unit,manager_email,roles,locale\n" + "".join(
        f"{email},{name},{unit},Spółka,,employee,pl\n" for email, name, unit in PEOPLE), encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'x.db'}"
    assert main(["--database-url", url, "org", "import", str(csv)]) == 0
    return url


def xgov(url, *args):
    return main(["--database-url", url, *args])


def answer_in_console(url, email, enps: int, likert_option: int) -> list[str]:
    bot, port = console_bot(Settings(database_url=url))
    lines: list[str] = []
    chat = ConsoleChat(bot, port, email, write=lines.append)
    chat.start()
    chat.handle_line("1")  # Zaczynam
    chat.handle_line(str(enps))  # the score itself: a 0-10 scale is numbered from 0
    for _ in range(5):
        chat.handle_line(str(likert_option))
    chat.handle_line("2")  # Pomiń (the optional comment)
    bot.db.dispose()
    return lines


def test_pulse_answered_in_polish_and_results_as_json_with_n(org, capsys):
    assert xgov(org, "survey", "send", "employee-pulse", "--audience", "everyone", "--k", "3") == 0
    assert "Wave 1 of employee-pulse sent to 6 people" in capsys.readouterr().out
    lines = answer_in_console(org, "ewa@example.pl", enps=10, likert_option=5)  # all 5s
    shown = "\n".join(lines)
    assert "Puls zespołu · 1/7" in shown and "Na ile prawdopodobne" in shown and "Dziękujemy: Puls zespołu" in shown
    for email, enps in (("jan@example.pl", 9), ("ola@example.pl", 3), ("piotr@example.pl", 7)):
        answer_in_console(org, email, enps=enps, likert_option=4)
    answer_in_console(org, "zofia@example.pl", enps=0, likert_option=2)

    capsys.readouterr()
    with pytest.raises(SystemExit):  # still open: no figure, only a band of how many answered
        xgov(org, "survey", "results", "1", "--format", "json")
    assert "Answered so far: 3-9" in capsys.readouterr().err
    assert xgov(org, "survey", "close", "1") == 0
    capsys.readouterr()
    assert xgov(org, "survey", "results", "1", "--format", "json") == 0
    data = json.loads(capsys.readouterr().out)
    assert data["respondents"] == 5
    enps = next(q for q in data["questions"] if q["question_id"] == "enps")
    # promoters 10, 9 -> 2/5; detractors 3, 0 -> 2/5: eNPS 0, n 5
    assert enps["n"] == 5 and enps["score"] == 0.0
    units = {u["unit"]: u for u in data["by_unit"]}
    assert units["Sprzedaż"] == {"unit": "Sprzedaż", "suppressed": True}  # 1 respondent < k: no n, no figure
    # Reklamacje (4) is hidden too: total 5 minus Reklamacje would reveal Sprzedaż's one answer
    assert units["Reklamacje"] == {"unit": "Reklamacje", "suppressed": True}


def test_results_table_and_unit_filter_below_k_is_refused(org, capsys):
    xgov(org, "survey", "send", "employee-pulse", "--k", "3")
    for email in ("ewa@example.pl", "jan@example.pl", "ola@example.pl"):
        answer_in_console(org, email, enps=10, likert_option=4)
    xgov(org, "survey", "close", "1")
    capsys.readouterr()
    assert xgov(org, "survey", "--lang", "pl", "results", "1") == 0
    table = capsys.readouterr().out
    assert "Na ile prawdopodobne" in table and "n" in table
    with pytest.raises(SystemExit) as refused:
        xgov(org, "survey", "results", "1", "--unit", "Sprzedaż")
    assert refused.value.code == 2
    assert "refused so that nobody can be singled out" in capsys.readouterr().err


def test_close_posts_results_to_governance_and_late_answers_are_refused(org, capsys):
    xgov(org, "survey", "send", "employee-pulse", "--k", "3")
    for email in ("ewa@example.pl", "jan@example.pl", "ola@example.pl"):
        answer_in_console(org, email, enps=10, likert_option=4)
    assert xgov(org, "survey", "close", "1") == 0
    bot, port = console_bot(Settings(database_url=org))
    results = port.seen_by("#governance")[-1]
    assert "Puls zespołu" in results and "n = 3" in results
    lines = answer_in_console(org, "zofia@example.pl", enps=4, likert_option=3)
    assert "Ta ankieta zamknęła się" in "\n".join(lines)


def test_anonymity_cannot_be_weakened_once_answered(org, capsys):
    assert xgov(org, "survey", "anonymity", "employee-pulse", "identified") == 0  # no answers yet: allowed
    assert xgov(org, "survey", "anonymity", "employee-pulse", "anonymous") == 0  # strengthening: allowed
    xgov(org, "survey", "send", "employee-pulse", "--k", "3")
    answer_in_console(org, "ewa@example.pl", enps=10, likert_option=4)
    with pytest.raises(SystemExit):
        xgov(org, "survey", "anonymity", "employee-pulse", "identified")
    assert "cannot be weakened" in capsys.readouterr().err


def test_survey_add_refuses_a_bad_file_naming_the_problem(org, tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text('id = "exit-pulse"\nkind = "pulse"\ntitle = { en = "Exit" }\n'
                   '[[questions]]\nid = "q"\ntype = "likert"\ntext = { pl = "Pytanie", en = "Question" }\n', encoding="utf-8")
    with pytest.raises(SystemExit):
        xgov(org, "survey", "add", str(bad))
    err = capsys.readouterr().err
    assert "bad.toml" in err and "pl" in err
    xgov(org, "survey", "list")
    assert "exit-pulse" not in capsys.readouterr().out


def test_survey_add_and_send_a_custom_survey(org, tmp_path, capsys):
    good = tmp_path / "exit.toml"
    good.write_text('id = "exit-pulse"\nkind = "custom"\ntitle = { pl = "Wyjście", en = "Exit" }\n'
                    '[[questions]]\nid = "q"\ntype = "yes_no"\ntext = { pl = "Czy polecisz nas?", en = "Would you recommend us?" }\n',
                    encoding="utf-8")
    assert xgov(org, "survey", "add", str(good)) == 0
    assert xgov(org, "survey", "send", "exit-pulse", "--k", "3", "--audience", "unit:Reklamacje") == 0
    assert "sent to 4 people" in capsys.readouterr().out


@pytest.mark.parametrize("args, message", [
    (("--k", "2"), "k must be at least 3"),
    (("--audience", "unit:Sprzedaż", "--k", "3"), "That audience has 2 people, fewer than k = 3"),
    (("--audience", "board"), "The audience is everyone, unit or managers, not board."),
    (("--days", "0"), "at least one day"),
])
def test_bad_send_options_are_refused(org, capsys, args, message):
    with pytest.raises(SystemExit):
        xgov(org, "survey", "send", "employee-pulse", *args)
    assert message in capsys.readouterr().err


def test_survey_list_shows_wave_ids_and_lang_is_taken_after_the_sub_command(org, capsys):
    assert xgov(org, "survey", "send", "employee-pulse", "--audience", "everyone", "--k", "3") == 0
    assert xgov(org, "survey", "send", "enps", "--audience", "everyone", "--k", "3") == 0
    assert xgov(org, "survey", "close", "1") == 0
    capsys.readouterr()
    assert xgov(org, "survey", "list", "--lang", "pl") == 0
    listed = capsys.readouterr().out
    assert "Puls zespołu" in listed and "waves: 1\n" in listed and "waves: 2 (open)" in listed
    assert xgov(org, "survey", "results", "1", "--lang", "pl") == 0  # --lang after the sub-command
    assert xgov(org, "survey", "--lang", "pl", "results", "1") == 0  # and before it, as before
