"""`xgov digest` posts to every governance channel in its language with charts; owners get one weekly list."""
from __future__ import annotations

from pathlib import Path

from adapters.console.port import ConsolePort
from app.cli import main
from tests import digest_world as w


def _posted(tmp_path, sqlite_url, capsys, *channels):
    w.build(sqlite_url).dispose()
    for name, lang in channels:
        assert main(["--database-url", sqlite_url, "channel", "set", name, "--channel-lang", lang]) == 0
    capsys.readouterr()
    assert main(["--database-url", sqlite_url, "digest", "--period", "2026-W10"]) == 0
    out = capsys.readouterr()
    assert "# Governance digest 2026-W10" in out.out  # it prints what it posted
    return ConsolePort(Path(sqlite_url.removeprefix("sqlite:///") + ".console.jsonl")), out


def test_each_channel_gets_the_digest_in_its_language_with_its_charts(tmp_path, sqlite_url, capsys):
    port, out = _posted(tmp_path, sqlite_url, capsys, ("zarzad", "pl"), ("cx-team", "en"))
    assert "weekly lists sent to 2 owners" in out.err
    for channel, header in (("#zarzad", "Przegląd governance 2026-W10"), ("#cx-team", "Governance digest 2026-W10")):
        deliveries = port.deliveries_for(channel)
        digest = deliveries[0].message
        assert digest.header == header
        assert digest.image is not None and digest.image.filename.endswith(".png")
        assert Path(digest.image.url).read_bytes().startswith(b"\x89PNG")  # the console keeps the chart as a file
        assert [d.kind for d in deliveries[1:]] == ["image"]  # frictions by kind (no maturity wave: no radar)
    assert port.deliveries_for("#cx-team")[1].message.text == "Friction reports by kind, week by week"
    assert port.deliveries_for("#zarzad")[1].message.text == "Zgłoszenia utrudnień według rodzaju, tydzień po tygodniu"
    english = port.deliveries_for("#cx-team")[0].message
    fields = {f.label: f.value for f in english.fields}
    assert fields["eNPS"].startswith("+20 · n = 10")
    assert "Iga <!channel> Inna: overdue assignments 1, open 1." in english.text  # plain text: renderers escape
    assert not port.deliveries_for("#governance")  # configured channels replace the default one


def test_without_configured_channels_the_default_channel_gets_it(tmp_path, sqlite_url, capsys):
    port, _out = _posted(tmp_path, sqlite_url, capsys)
    assert port.deliveries_for("#governance")[0].message.header.endswith("2026-W10")


WEEKLY_LIST = "Czeka na Ciebie w tym tygodniu"  # the owners have no language of their own: the workspace's (pl)


def _weekly_lists(port, email):
    return [d.message for d in port.deliveries_for(email) if d.message and d.message.header == WEEKLY_LIST]


def test_owners_get_one_grouped_pending_message_overdue_first(tmp_path, sqlite_url, capsys):
    port, _out = _posted(tmp_path, sqlite_url, capsys)
    (iga,) = _weekly_lists(port, w.OWNER2)
    assert iga.text == "Otwarte zadania: 1; po terminie: 1."
    assert "po terminie od 2026-02-05" in iga.fields[0].label
    (olek,) = _weekly_lists(port, w.OWNER)
    assert "po terminie od 2026-03-19" in olek.fields[0].label  # sent now, long after the due date
    assert [b.action_id for b in olek.buttons] == ["assignment.resolve"]
    for employee in w.SALES:
        assert not _weekly_lists(port, employee)


def test_dry_run_posts_nothing(tmp_path, sqlite_url, capsys):
    w.build(sqlite_url).dispose()
    assert main(["--database-url", sqlite_url, "digest", "--period", "2026-W10", "--dry-run", "--format", "md"]) == 0
    assert "## Signals" in capsys.readouterr().out
    assert not Path(sqlite_url.removeprefix("sqlite:///") + ".console.jsonl").exists()


def test_a_list_sent_before_the_due_date_says_when_it_is_due(sqlite_url):
    from adapters.console.port import ConsolePort as Port
    from bot.app import XgovBot
    from bot.clock import SimulatedClock
    from bot.config import Settings
    from bot.flows.digest import send_pending_reminders

    db = w.build(sqlite_url)
    port = Port()
    bot = XgovBot(db=db, port=port, settings=Settings(database_url=sqlite_url, default_locale="en"),
                  clock=SimulatedClock(w.at(7)))
    assert bot.run_job(send_pending_reminders) == 2
    (olek,) = [d.message for d in port.deliveries_for(w.OWNER) if d.message.header == "Pending on you this week"]
    assert olek.text == "Open assignments: 1; overdue: 0."
    assert olek.fields[0].label == "F-4 · with the owner · due 2026-03-19"
    db.dispose()
