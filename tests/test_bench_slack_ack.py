"""Small runs of the Slack acknowledgement benchmark (bench/slack_ack.py): every request is answered
200 and every /friction becomes exactly one report, with its messages. Correctness only: the speed
targets are for the benchmark's printed figures, never for a timed test on a shared machine."""
from __future__ import annotations

from bench.slack_ack import benchmark, parse_args, print_report


def _check(results: dict, requests: int, people: int) -> None:
    rows = {(row["scenario"], row["server"]): row for row in results["rows"]}
    assert set(rows) == {("/friction", "bare bolt"), ("/friction", "xgov"), ("click", "bare bolt"), ("click", "xgov"),
                         ("GET /healthz", "floor")}
    for row in rows.values():
        assert row["requests"] == requests and row["errors"] == 0, row
        assert 0 < row["p50_ms"] <= row["p99_ms"] <= row["max_ms"]
    checks = results["checks"]
    reports = people + requests  # one per person in the warm-up, then the measured ones
    assert checks["reports_sent"] == checks["reports_expected"] == checks["reports_stored"] == reports
    assert checks["missing_count"] == checks["duplicated_count"] == checks["unexpected_count"] == 0
    assert checks["messages_posted"] == checks["messages_expected"] == 2 * reports
    assert checks["governance_posts"] == reports
    # each click updates the person's message, and the channel's report post once that was sent (it follows the tags)
    assert checks["clicks_sent"] <= checks["messages_updated"] <= 2 * checks["clicks_sent"] and checks["clicks_sent"] > requests
    assert checks["tagged_workaround"] == checks["tagged_expected"] > 0
    assert checks["server_errors"] == {"xgov": 0, "bare": 0} and not checks["warm_up_problems"]
    assert checks["work"]["xgov"].startswith("a worker process")  # xgov as served
    assert checks["ok"]


def test_quick_run_answers_everything_and_stores_every_report_once(capsys):
    args = parse_args(["--quick", "--requests", "20", "--people", "10", "--warmup", "10", "--clients", "5"])
    results = benchmark(args, log=lambda _line: None)
    _check(results, requests=args.requests, people=args.people)
    print_report(results)
    printed = capsys.readouterr().out
    assert "xgov p99 / bare p99" in printed and "all correct" in printed
