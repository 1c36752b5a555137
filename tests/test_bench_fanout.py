"""A small run of the fan-out benchmark (bench/fanout.py) on both platforms: a pulse through the outbox
and the real ports against the fakes, with their rate limits on, reaches every person exactly once and
settles every row as sent. Correctness only: the ratio to the floor is for the benchmark's printed
figures, never for a timed test on a shared machine."""
from __future__ import annotations

import pytest

pytest.importorskip("botbuilder.core", reason="botbuilder is not installed (pip install botbuilder-core==4.17.1)")

from bench.fanout import benchmark, main, parse_args, print_report  # noqa: E402


def test_quick_pulse_reaches_everyone_once_on_slack_and_teams(capsys):
    args = parse_args(["--quick"])
    results = benchmark(args, log=lambda _line: None)
    rows = {row["platform"]: row for row in results["rows"]}
    assert set(rows) == {"slack", "teams"}
    for platform, row in rows.items():
        assert row["people"] == args.people
        assert row["finished"], platform
        assert row["duplicates"] == 0 and row["losses"] == 0, (platform, row)
        assert row["invitations"] == args.people and row["other_messages"] == 0, (platform, row)
        assert row["rows"] == {"sent": args.people}, (platform, row["rows"])
        assert row["rows_failed"] == row["rows_unreachable"] == row["rows_unsettled"] == 0
        assert not row["fake_bugs"], row["fake_bugs"]
    assert rows["slack"]["calls"]["chat.postMessage"]["accepted"] == args.people
    assert rows["teams"]["calls"]["send_to_conversation"]["accepted"] == args.people
    assert results["ok"]
    print_report(results)
    printed = capsys.readouterr().out
    assert "duplicates" in printed and "all delivered exactly once" in printed


def test_main_exits_zero_for_a_clean_slack_pulse(capsys):
    assert main(["--quick", "--platform", "slack", "--people", "50"]) == 0
    assert "all delivered exactly once" in capsys.readouterr().out
