"""Structured logs: JSON lines with a request id that crosses to the worker process and onto the outbox
row; an end-to-end run over Slack leaves no report text, answer, token or secret in any line."""
from __future__ import annotations

import io
import json
import logging
import re
from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from bot import logs
from bot.flows.surveying import invite
from bot.services import survey_waves
from storage.models import OutboxMessage
from tests.scheduling.processes import wait_for
from tests.slack.app_world import SECRET, TOKEN, SlackWorld
from tests.world import EMPLOYEE, EMPLOYEE_EN

START = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
REPORT = "Faktury przepisuję ręcznie z CRM do SAP"
FORM_REPORT = "Klient czeka na zwrot trzy tygodnie, bo brak podpisu"
WEB_SECRET = "dashboard-signing-key-4f9a8e7d"


@pytest.fixture
def captured():
    """The process's logging as `xgov run` sets it up, into a buffer; put back afterwards."""
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    buffer = io.StringIO()
    logs.configure(log_format="json", secrets=[TOKEN, SECRET, WEB_SECRET], stream=buffer)
    yield buffer
    root.handlers[:] = saved[0]
    root.setLevel(saved[1])


def test_a_line_is_json_with_its_request_id_and_no_secret(captured):
    with logs.request_scope("abc123") as request_id:
        logging.getLogger("xgov.test").warning("calling with %s and Bearer eyJhbGciOi.payload.sig then %s",
                                               TOKEN, WEB_SECRET)
    line = json.loads(captured.getvalue().splitlines()[-1])
    assert line["request_id"] == request_id == "abc123" and line["level"] == "WARNING"
    assert TOKEN not in line["message"] and WEB_SECRET not in line["message"] and "eyJhbGciOi" not in line["message"]
    assert line["message"].count("[secret]") == 3


def test_an_end_to_end_run_logs_no_text_answer_token_or_secret(sqlite_url, captured):
    slack = SlackWorld(sqlite_url, START, worker_process=True)
    try:
        slack.command(EMPLOYEE_EN, "/friction", REPORT)
        slack.command(EMPLOYEE, "/friction")
        slack.submit(EMPLOYEE, {"text": FORM_REPORT, "kind": "Ręczne obejście"})
        slack.command("U0NOBODY", "/friction", "hello")  # a failure, logged with its traceback

        def send(turn):
            survey_waves.ensure_builtin_surveys(session=turn.session, now=turn.now)
            wave_id, emails = survey_waves.send_wave(session=turn.session, key="enps", audience="everyone",
                                                     now=turn.now, days=7, k=3)
            invite(turn, wave_id, emails)
        slack.platform.bot.run_job(send)
        slack.click(EMPLOYEE_EN, "Start")
        slack.click(EMPLOYEE_EN, "7")
        wait_for(lambda: "Slack request failed" in captured.getvalue(), 10, "the worker's error")
        wait_for(lambda: captured.getvalue().count("handled in") >= 4, 10, "the worker's lines")
    finally:
        slack.stop()
    lines = [json.loads(line) for line in captured.getvalue().splitlines()]
    # the survey's buttons carry the respondent's token: no line may show one
    tokens = set(re.findall(r'"value": "([^"|]{12,})\|', json.dumps(slack.dms(EMPLOYEE_EN))))
    assert tokens
    with slack.world.db.unit_of_work() as session:
        rows = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        request_ids = {row.request_id for row in rows if row.request_id}
    text = "\n".join(json.dumps(line, ensure_ascii=False) for line in lines)
    for forbidden in (REPORT, FORM_REPORT, REPORT[:20], FORM_REPORT[:20], TOKEN, SECRET, WEB_SECRET, *tokens):
        assert forbidden not in text
    worker_lines = [line for line in lines if "handled in" in line["message"]]
    assert worker_lines and all(line["request_id"] for line in worker_lines)
    assert {line["process"] for line in worker_lines} == {slack.platform.after_ack.pid}  # logged in the worker
    assert {line["request_id"] for line in worker_lines} & request_ids  # the same id on the outbox rows it made



def test_each_teams_activity_has_its_own_request_id_on_its_outbox_rows(sqlite_url, monkeypatch):
    from tests.teams.test_teams_app import TeamsApp

    teams = TeamsApp(sqlite_url, monkeypatch)
    try:
        assert teams.write(EMPLOYEE, "Faktury przepisuję ręcznie") in (200, 201)
        assert teams.write(EMPLOYEE_EN, "Refunds need three signatures") in (200, 201)
        with teams.world.db.unit_of_work() as session:
            rows = session.execute(select(OutboxMessage.batch, OutboxMessage.request_id)).all()
    finally:
        teams.stop()
    by_batch = {}
    for batch, request_id in rows:
        by_batch.setdefault(batch, set()).add(request_id)
    assert len(by_batch) == 2 and all(len(ids) == 1 and None not in ids for ids in by_batch.values())
    assert len(set().union(*by_batch.values())) == 2  # one id per activity
