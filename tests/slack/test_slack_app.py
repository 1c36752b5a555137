"""xgov inside Slack: signed requests over real HTTP to /slack/events, answers through the fake Web API."""
from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select

from storage.models import Friction, InboundDelivery
from tests.slack.app_world import SlackWorld
from tests.world import ADMIN, EMPLOYEE, EMPLOYEE_EN, OWNER

START = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def slack(database_url):
    world = SlackWorld(database_url, START)
    yield world
    world.stop()


def frictions(slack: SlackWorld) -> list[Friction]:
    with slack.world.db.unit_of_work() as session:
        return list(session.scalars(select(Friction).order_by(Friction.id)))


def texts(message: dict) -> str:
    return json.dumps(message.get("blocks", []), ensure_ascii=False) + message.get("text", "")


# -- request verification -------------------------------------------------------------------------

def test_unsigned_request_is_refused_with_401_and_changes_nothing(slack):
    body = "command=%2Ffriction&text=hello&user_id=U0EWA&trigger_id=1"
    status, _body, _seconds = slack.post_raw(body, {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 401
    slack.settle()
    assert frictions(slack) == []


def test_badly_signed_request_is_refused_with_401(slack):
    body = "command=%2Ffriction&text=hello&user_id=U0EWA&trigger_id=1"
    headers = slack.signed_headers(body, "application/x-www-form-urlencoded")
    headers["X-Slack-Signature"] = "v0=" + "0" * 64
    assert slack.post_raw(body, headers)[0] == 401
    tampered = slack.signed_headers(body, "application/x-www-form-urlencoded")
    assert slack.post_raw(body.replace("hello", "HELLO"), tampered)[0] == 401
    slack.settle()
    assert frictions(slack) == []


def test_request_older_than_five_minutes_is_refused_with_401(slack):
    body = "command=%2Ffriction&text=hello&user_id=U0EWA&trigger_id=1"
    headers = slack.signed_headers(body, "application/x-www-form-urlencoded", age_seconds=6 * 60)
    assert slack.post_raw(body, headers)[0] == 401
    slack.settle()
    assert frictions(slack) == []


def test_url_verification_answers_the_challenge(slack):
    status, body, _seconds = slack.post_json({"type": "url_verification", "token": "legacy", "challenge": "c-123"})
    assert status == 200 and "c-123" in body


# -- reporting ------------------------------------------------------------------------------------

def test_friction_with_text_files_at_once_and_never_pings(slack):
    status, _body, _seconds = slack.command(EMPLOYEE, "/friction", "Zwrot &lt;!channel&gt; wymaga 3 podpisów &amp; czekania")
    assert status == 200
    [friction] = frictions(slack)
    assert friction.text == "Zwrot <!channel> wymaga 3 podpisów & czekania"
    reply = slack.last_dm(EMPLOYEE)
    assert "Zgłoszenie F-1 przyjęte" in texts(reply)
    [notice] = slack.governance_posts()
    everything = texts(notice) + texts(reply)
    assert "<!channel>" not in everything and "&lt;!channel&gt;" in everything


def test_friction_without_text_opens_the_modal_and_its_submission_files_with_tags(slack):
    slack.command(EMPLOYEE, "/friction")
    modal = slack.last_modal()
    assert modal["callback_id"] == "friction.report" and modal["title"]["text"] == "Zgłoś utrudnienie"
    status, body, _seconds = slack.submit(EMPLOYEE, {"text": "Faktury przepisuję ręcznie <@U0OLEK>",
                                                     "kind": "Ręczne obejście", "flags": ("Dotyczy klienta",)})
    assert status == 200 and body == ""  # an empty 200 closes the modal
    [friction] = frictions(slack)
    assert (friction.text, friction.kind) == ("Faktury przepisuję ręcznie <@U0OLEK>", "workaround")
    assert "F-1" in texts(slack.last_dm(EMPLOYEE))
    assert "&lt;@U0OLEK&gt;" in texts(slack.governance_posts()[-1])


def test_message_shortcut_opens_the_report_filled_with_that_message(slack):
    slack.interact({"type": "message_action", "callback_id": "report_friction", "user": slack.user(EMPLOYEE),
                    "trigger_id": slack.fake.issue_trigger_id(), "team": {"id": "T0XGOV"},
                    "channel": {"id": "C0RANDOM", "name": "random"},
                    "message": {"type": "message", "user": "U0JOHN", "ts": "1.2", "text": "Again the CRM &amp; ERP disagree &lt;!here&gt;"}})
    modal = slack.last_modal()
    text_input = next(b for b in modal["blocks"] if b.get("block_id") == "text")
    assert text_input["element"]["initial_value"] == "Again the CRM & ERP disagree <!here>"
    assert frictions(slack) == []  # nothing is filed until the person sends the form
    slack.submit(EMPLOYEE, {})
    assert frictions(slack)[0].text == "Again the CRM & ERP disagree <!here>"


def test_global_shortcut_opens_an_empty_report(slack):
    slack.interact({"type": "shortcut", "callback_id": "report_friction_new", "user": slack.user(EMPLOYEE_EN),
                    "trigger_id": slack.fake.issue_trigger_id(), "team": {"id": "T0XGOV"}})
    modal = slack.last_modal()
    assert modal["title"]["text"] == "Report a friction"
    assert "initial_value" not in next(b for b in modal["blocks"] if b.get("block_id") == "text")["element"]


def test_tag_buttons_update_the_same_message(slack):
    slack.command(EMPLOYEE_EN, "/friction", "Refunds need three signatures")
    first = slack.last_dm(EMPLOYEE_EN)
    slack.click(EMPLOYEE_EN, "Manual workaround")
    assert len(slack.dms(EMPLOYEE_EN)) == 1  # updated in place, not a new message
    updated = slack.last_dm(EMPLOYEE_EN)
    assert updated["ts"] == first["ts"] and "whose experience does it affect" in texts(updated)
    assert frictions(slack)[0].kind == "workaround"


def test_triage_assignment_and_resolution_through_buttons_and_modals(slack):
    slack.command(EMPLOYEE_EN, "/friction", "Refunds above 500 need the director")
    slack.command(ADMIN, "/xgov", "triage")
    queue = slack.last_dm(ADMIN)
    triage_label = next(e["text"]["text"] for b in queue["blocks"] if b["type"] == "actions" for e in b["elements"])
    slack.click(ADMIN, triage_label, queue)
    triage = slack.last_modal()
    assert triage["callback_id"] == "friction.triage"
    policy = next(b for b in triage["blocks"] if b.get("block_id") == "policy")["element"]
    first_policy = (policy.get("options") or policy["option_groups"][0]["options"])[0]["text"]["text"]
    slack.submit(ADMIN, {"policy": first_policy})
    assignment = slack.last_dm(OWNER)
    assert "Assigned to you: F-1" in texts(assignment)
    assert "F-1" in texts(slack.governance_posts()[-1])
    slack.click(OWNER, "Accept", assignment)
    assert "accepted by the owner" in texts(slack.last_dm(OWNER))
    slack.click(OWNER, "Resolve", slack.last_dm(OWNER))
    resolve = slack.last_modal()
    assert resolve["callback_id"] == "assignment.resolve"
    outcome = next(b for b in resolve["blocks"] if b.get("block_id") == "outcome")["element"]
    changed = next(o["text"]["text"] for o in outcome["options"] if o["value"] == "policy_changed")
    slack.submit(OWNER, {"outcome": changed, "note": "Limit raised to 2000 zł"})
    assert frictions(slack)[0].status == "resolved"
    assert "Limit raised to 2000" in texts(slack.last_dm(EMPLOYEE_EN))


def test_a_refused_submission_stays_in_the_modal_and_stores_nothing(slack):
    slack.command(EMPLOYEE_EN, "/friction", "Refunds above 500 need the director")
    slack.command(ADMIN, "/xgov", "triage")
    queue = slack.last_dm(ADMIN)
    slack.click(ADMIN, next(e["text"]["text"] for b in queue["blocks"] if b["type"] == "actions" for e in b["elements"]), queue)
    triage = slack.last_modal()
    policy = next(b for b in triage["blocks"] if b.get("block_id") == "policy")["element"]
    first_policy = (policy.get("options") or policy["option_groups"][0]["options"])[0]["text"]["text"]
    dms_before = len(slack.dms(ADMIN))
    status, body, _seconds = slack.submit(ADMIN, {"policy": first_policy, "owner": "nikt@example.pl"})
    answer = json.loads(body)
    assert status == 200 and answer["response_action"] == "errors"
    assert answer["errors"] == {"owner": "W katalogu nie ma nikogo z adresem nikt@example.pl."}  # under that field
    assert frictions(slack)[0].status == "new"
    assert len(slack.dms(ADMIN)) == dms_before  # shown in the modal, not sent again as a message


# -- surveys ---------------------------------------------------------------------------------------

def send_pulse(slack: SlackWorld) -> int:
    from bot.flows.surveying import invite
    from bot.services import survey_waves

    def job(turn):
        survey_waves.ensure_builtin_surveys(session=turn.session, now=turn.now)
        wave_id, emails = survey_waves.send_wave(session=turn.session, key="employee-pulse", audience="everyone",
                                                 now=turn.now, days=7, k=3)
        invite(turn, wave_id, emails)
        return wave_id
    return slack.platform.bot.run_job(job)


def test_a_pulse_answered_in_slack_with_one_click_per_question(slack):
    from storage.models import SurveyAnswer, WaveRecipient

    send_pulse(slack)
    invitation = slack.last_dm(EMPLOYEE)
    assert "Puls zespołu" in texts(invitation)
    slack.click(EMPLOYEE, "Zaczynam", invitation)
    assert "1/7" in texts(slack.last_dm(EMPLOYEE))
    slack.click(EMPLOYEE, "9")
    for _ in range(5):
        slack.click(EMPLOYEE, "5 – Zdecydowanie się zgadzam")
    slack.click(EMPLOYEE, "Pomiń")
    assert "Dziękujemy: Puls zespołu" in texts(slack.last_dm(EMPLOYEE))
    assert len(slack.dms(EMPLOYEE)) == 1  # the invitation became the whole conversation
    with slack.world.db.unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(SurveyAnswer)) == 6
        assert session.scalar(select(func.count()).select_from(WaveRecipient).where(WaveRecipient.completed)) == 1


def test_a_pulse_with_a_written_comment_stays_one_message_and_old_buttons_change_nothing(slack):
    import copy

    from storage.models import SurveyAnswer

    send_pulse(slack)
    slack.click(EMPLOYEE_EN, "Start")
    slack.click(EMPLOYEE_EN, "8")
    for _ in range(5):
        slack.click(EMPLOYEE_EN, "4 – Agree")
    before_writing = copy.deepcopy(slack.last_dm(EMPLOYEE_EN))
    assert "7/7" in texts(before_writing)
    slack.click(EMPLOYEE_EN, "Write an answer")
    slack.submit(EMPLOYEE_EN, {"answer": "Invoices are retyped by hand"})
    [summary] = slack.dms(EMPLOYEE_EN)  # the invitation became the summary: no second message
    assert "Thank you: Team pulse" in texts(summary) and "Invoices are retyped" not in texts(summary)
    slack.click(EMPLOYEE_EN, "Skip", before_writing)  # a stale copy of the message (another client)
    assert "earlier state of the survey message" in texts(slack.last_dm(EMPLOYEE_EN))
    with slack.world.db.unit_of_work() as session:
        comment = session.scalar(select(SurveyAnswer.value_text).where(SurveyAnswer.question_id == "comment"))
    assert comment == "Invoices are retyped by hand"
    assert "Thank you: Team pulse" in texts(slack.dms(EMPLOYEE_EN)[0])


# -- App Home ----------------------------------------------------------------------------------------

def test_app_home_shows_my_reports_assignments_and_open_surveys(slack):
    slack.command(EMPLOYEE, "/friction", "Zwroty wymagają trzech podpisów")
    send_pulse(slack)
    slack.open_home(EMPLOYEE)
    home = slack.fake.home_view("U0EWA")
    shown = texts(home)
    assert "Zgłoś utrudnienie" in shown and "Puls zespołu" in shown and "Zaczynam" in shown
    assert "F-1" in shown and "Zwroty wymagają trzech podpisów" in shown
    slack.click(EMPLOYEE, "Zgłoś utrudnienie", view=home)
    assert slack.last_modal()["callback_id"] == "friction.report"
    slack.click(EMPLOYEE, "Zaczynam", view=slack.fake.home_view("U0EWA"))
    assert "1/7" in texts(slack.last_dm(EMPLOYEE))  # the survey goes on in a direct message
    refreshed = texts(slack.fake.home_view("U0EWA"))
    assert "Zaczynam" not in refreshed and "w wiadomości" in refreshed  # the home page follows


def test_app_home_of_an_owner_lists_pending_assignments(slack):
    slack.command(EMPLOYEE_EN, "/friction", "Refunds above 500 need the director")
    slack.command(ADMIN, "/xgov", "assign F-1 P-1")
    slack.open_home(OWNER)
    shown = texts(slack.fake.home_view("U0OLEK"))
    assert "Pending on you" in shown and "Refunds above 500" in shown and "Resolve F-1" in shown


def test_someone_outside_the_directory_is_told_so_in_their_language(slack):
    slack.command("U0STRANGER", "/friction", "hello")
    assert frictions(slack) == []
    [reply] = slack.fake.messages_in("U0STRANGER")
    assert "stranger@example.com" in texts(reply) and "katalogu" in texts(reply)


# -- language ----------------------------------------------------------------------------------------

def test_slack_locale_chooses_the_language_unless_the_person_chose_one(slack):
    slack.fake.workspace.users["U0JOHN"].locale = "pl-PL"
    slack.platform.listeners.actors._known.clear()
    slack.command(EMPLOYEE_EN, "/xgov", "help")
    assert "Pomoc xgov" in texts(slack.last_dm(EMPLOYEE_EN))
    slack.command(EMPLOYEE_EN, "/xgov", "language en")
    slack.command(EMPLOYEE_EN, "/xgov", "help")
    assert "xgov help" in texts(slack.last_dm(EMPLOYEE_EN))  # the person's choice wins over Slack's pl-PL


# -- retries, rate limits, speed of the answer ---------------------------------------------------------

def test_a_retried_event_delivered_three_times_files_one_report(slack):
    for retry in (0, 1, 2):
        status, _body, _seconds = slack.direct_message(EMPLOYEE, "Faktury przepisuję ręcznie", event_id="Ev0RETRY1",
                                                       retry=retry)
        assert status == 200
    assert len(frictions(slack)) == 1
    assert len(slack.dms(EMPLOYEE)) == 1  # one acknowledgement
    with slack.world.db.unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(InboundDelivery)) == 1


def test_a_retry_reaching_another_replica_is_not_handled_again(slack):
    replica = SlackWorld(slack.world.db.url, START, fake=slack.fake, world=slack.world)
    try:
        slack.direct_message(EMPLOYEE, "Faktury przepisuję ręcznie", event_id="Ev0RETRY2")
        replica.direct_message(EMPLOYEE, "Faktury przepisuję ręcznie", event_id="Ev0RETRY2", retry=1)
    finally:
        replica.stop()
    assert len(frictions(slack)) == 1


def test_greeting_the_bot_gets_help_and_files_nothing(slack):
    slack.direct_message(EMPLOYEE_EN, "hello!", event_id="Ev0HELLO")
    assert frictions(slack) == [] and "xgov help" in texts(slack.last_dm(EMPLOYEE_EN))


def test_a_storm_of_429s_delays_but_drops_nothing(sqlite_url):
    slack = SlackWorld(sqlite_url, START)  # the database plays no part here: SQLite alone
    try:
        slack.fake.limit("chat.postMessage", per_second=5, burst=1)  # below the bot's own pace (20/s): 429s
        for index in range(6):
            slack.command(EMPLOYEE_EN if index % 2 else EMPLOYEE, "/friction", f"report number {index}",
                          settle=False)
        slack.settle(timeout=60)
        assert len(frictions(slack)) == 6
        assert slack.fake.rejected("chat.postMessage") > 0  # Slack said 429 and the bot waited
        assert len(slack.dms(EMPLOYEE)) + len(slack.dms(EMPLOYEE_EN)) == 6
        assert len(slack.governance_posts()) == 6
    finally:
        slack.stop()


def test_the_answer_comes_before_slow_work(slack):
    slack.fake.fail_next("chat.postMessage", status=429, retry_after=2)
    status, _body, seconds = slack.command(EMPLOYEE_EN, "/friction", "slow day", settle=False)
    assert status == 200 and seconds < 1.5  # acknowledged while the bot still waits out Retry-After
    assert slack.dms(EMPLOYEE_EN) == []
    slack.settle()
    assert "F-1" in texts(slack.last_dm(EMPLOYEE_EN))


def test_triage_from_the_governance_channel_and_a_decline_sends_it_back(slack):
    slack.command(EMPLOYEE_EN, "/friction", "Refunds above 500 need the director")
    notice = slack.governance_posts()[-1]
    slack.click(ADMIN, "Triage F-1", notice)
    triage = slack.last_modal()
    assert triage["callback_id"] == "friction.triage" and triage["private_metadata"] == "1"
    policy = next(b for b in triage["blocks"] if b.get("block_id") == "policy")["element"]
    slack.submit(ADMIN, {"policy": (policy.get("options") or policy["option_groups"][0]["options"])[0]["text"]["text"]})
    slack.click(OWNER, "Decline", slack.last_dm(OWNER))
    decline = slack.last_modal()
    assert decline["callback_id"] == "assignment.decline"
    slack.submit(OWNER, {"reason": "Finance owns refunds, not me"})
    assert frictions(slack)[0].status == "declined"
    back = slack.governance_posts()[-1]
    assert "Finance owns refunds, not me" in texts(back) and "Triage F-1" in texts(back)
