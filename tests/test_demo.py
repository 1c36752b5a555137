"""The demo end to end: deterministic, complete lifecycle in the transcript, Polish with --lang pl."""
from __future__ import annotations

import re

import pytest

from app.cli import main
from tests.conftest import built_once


def run(tmp_path, name, *extra, size=("--employees", "60", "--weeks", "5")):
    out = tmp_path / name
    assert main(["demo", "--out", str(out), *size, *extra]) == 0
    return out


@pytest.fixture(scope="session")
def english(tmp_path_factory):
    return built_once(tmp_path_factory, "demo-en", lambda folder: run(folder, "en", "--seed", "3"))


def test_transcript_shows_reports_assignments_declines_resolutions_and_reporters_told(english):
    text = (english / "transcript.md").read_text(encoding="utf-8")
    for marker in ("== Report F-1 received ==", "== Assigned to you: F-", "declined by", "resolved: ",
                   "== What changed after your report F-", "== Triage queue =="):
        assert marker in text, marker
    governance = (english / "channels" / "governance.txt").read_text(encoding="utf-8")
    assert "New friction report F-1" in governance


def test_surveys_are_answered_and_their_results_posted_with_n(english):
    governance = (english / "channels" / "governance.txt").read_text(encoding="utf-8")
    for title in ("Results: Quarterly eNPS", "Results: Working-conditions pulse", "Results: CX Governance maturity survey",
                  "Results: Operating-model diagnostic"):
        assert title in governance, title
    assert "n = " in governance and "What the data says:" in governance
    assert "change since the previous wave" in governance  # the second pulse compares with the first
    people = "\n".join(p.read_text(encoding="utf-8") for p in (english / "people").iterdir())
    assert "Thank you: Working-conditions pulse" in people and "Reminder: " in people


def test_written_comments_are_kept_and_each_person_gets_one_survey_message_per_wave(english):
    from sqlalchemy import create_engine, text

    from app.demo_surveys import REASONS

    engine = create_engine(f"sqlite:///{english / 'xgov.db'}")
    with engine.connect() as connection:
        comments = connection.execute(text("SELECT count(*) FROM survey_answers WHERE value_text IS NOT NULL")).scalar()
        completed = connection.execute(text("SELECT count(*) FROM survey_responses WHERE completed")).scalar()
    engine.dispose()
    assert comments > 0  # a written comment is no longer skipped away by a stale button
    people = [p.read_text(encoding="utf-8") for p in (english / "people").iterdir()]
    assert sum(p.count("== Thank you: ") for p in people) == completed  # one summary per answered wave
    assert not any(reason in p for p in people for reason in REASONS["en"])  # answers are not repeated to people


def test_the_story_follows_one_report_and_one_survey_in_a_few_pages(english):
    story = (english / "story.md").read_text(encoding="utf-8")
    assert story.startswith("# The demo in two stories")
    assert len(story.splitlines()) < 400  # a few pages, not the 3 MB transcript
    report = story[story.index("## One report, F-"):story.index("## One survey:")]
    number = re.search(r"## One report, (F-\d+)", report).group(1)
    for step in (f"Report {number} received", f"New friction report {number}", f"Assigned to you: {number}",
                 f"What changed after your report {number}"):
        assert step in report, step
    survey = story[story.index("## One survey:"):]
    for step in ("== Thank you: ", "The results, posted when the wave closed:", "== Results: "):
        assert step in survey, step


def test_the_demo_writes_and_posts_the_weekly_digest(english):
    digest = (english / "digest.md").read_text(encoding="utf-8")
    assert digest.startswith("# Governance digest 2026-W06")
    for section in ("## Signals", "## Employees (EX)", "| eNPS |", "## Customers (CX) and business KPIs",
                    "| Customer NPS |", "## Friction reports", "## Owners", "![EX, CX and KPI trends"):
        assert section in digest, section
    for chart in ("trends.png", "frictions.png", "maturity.png"):
        assert (english / "charts" / chart).read_bytes().startswith(b"\x89PNG")
    assert '<html lang="en"' in (english / "digest.html").read_text(encoding="utf-8")
    governance = (english / "channels" / "governance.txt").read_text(encoding="utf-8")
    assert "Governance digest 2026-W06" in governance
    people = "\n".join(p.read_text(encoding="utf-8") for p in (english / "people").iterdir())
    assert "Pending on you this week" in people


def test_same_seed_same_output(tmp_path):
    small = ("--employees", "60", "--weeks", "2")  # two weeks hold every kind of output: reports, a pulse, a digest
    first, again = (run(tmp_path, name, "--seed", "3", size=small) for name in ("first", "again"))
    for path in ("transcript.md", "channels/governance.txt", "digest.md", "digest.html", "charts/trends.png"):
        assert (again / path).read_bytes() == (first / path).read_bytes(), path
    other = run(tmp_path, "other", "--seed", "4", size=small)
    assert (other / "transcript.md").read_bytes() != (first / "transcript.md").read_bytes()


def test_polish_demo_is_in_polish(tmp_path, capsys):
    out = run(tmp_path, "pl", "--seed", "3", "--lang", "pl", size=("--employees", "60", "--weeks", "2"))
    text = (out / "transcript.md").read_text(encoding="utf-8")
    assert "# Zapis demonstracji xgov" in text and "Zgłoszenie F-1 przyjęte" in text
    assert "Co się zmieniło po Twoim zgłoszeniu" in text
    assert (out / "digest.md").read_text(encoding="utf-8").startswith("# Przegląd governance 2026-W03")
    assert "## Sygnały" in (out / "digest.md").read_text(encoding="utf-8")
    english_words = re.findall(r"\b(Report|received|Assigned to you|declined by|resolved|Thank you|Owner)\b", text)
    assert english_words == []
    story = (out / "story.md").read_text(encoding="utf-8")
    assert story.startswith("# Demonstracja w dwóch historiach") and "## Jedna ankieta: " in story
    assert re.findall(r"\b(Report|received|Thank you|Results|Between them)\b", story) == []
    assert "reports " in capsys.readouterr().out  # the summary
