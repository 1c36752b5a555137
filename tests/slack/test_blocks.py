"""Block Kit rendering: payloads validate with slack_sdk, stay within Slack's limits and show user text literally."""
from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from adapters.slack.blocks import form_values, form_view, message_blocks, needs_upload, parse_action_id
from adapters.slack.blocks_text import escape
from bot import friction_messages as fm
from bot import survey_messages as sm
from bot.digest.message import digest_message, weekly_pending_message
from bot.i18n import translator
from bot.messages import Button, Choices, Field, Form, FormField, Image, Message, Option
from bot.services.friction_queries import GovernanceFrictionView, OwnerFrictionView, ReporterFrictionView
from bot.services.registry import PolicyView
from bot.services.survey_waves import WaveView
from surveys.loader import builtin_definition
from tests.test_dashboard_html import build_digest, empty_digest, tiny_png

HOSTILE = "<!channel> <!here> <@U123> <https://evil.example|click> &lt;b&gt; & *bold* _it_ ~s~ `c`"
MENTIONS = ("<!channel>", "<!here>", "<@U123>", "<https://evil")
NOW = datetime(2026, 3, 10, 9, 0, tzinfo=timezone.utc)
TOKEN = "tok_" + "x" * 20

# Slack's limits, by (the object holding the text, the key it sits under)
TEXT_LIMITS = {
    ("header", "text"): 150, ("section", "text"): 3000, ("section", "fields"): 2000, ("context", "elements"): 2000,
    ("button", "text"): 75, ("option", "text"): 75, ("option_group", "label"): 75,
    ("static_select", "placeholder"): 150, ("input", "label"): 2000, ("input", "hint"): 2000,
    ("modal", "title"): 24, ("modal", "submit"): 24, ("modal", "close"): 24,
}
COUNT_LIMITS = {
    ("section", "fields"): 10, ("actions", "elements"): 25, ("context", "elements"): 10,
    ("static_select", "options"): 100, ("multi_static_select", "options"): 100,
    ("static_select", "option_groups"): 100, ("multi_static_select", "option_groups"): 100,
    ("option_group", "options"): 100,
}
STRING_LIMITS = {
    ("button", "value"): 2000, ("option", "value"): 150, (None, "action_id"): 255, (None, "block_id"): 255,
    ("image", "image_url"): 3000, ("image", "alt_text"): 2000, ("modal", "private_metadata"): 3000,
    ("modal", "callback_id"): 255, ("plain_text_input", "initial_value"): 3000,
}


def utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def kind_of(node: dict) -> str | None:
    if "type" in node:
        return node["type"]
    if "value" in node and "text" in node:
        return "option"
    if "label" in node and "options" in node:
        return "option_group"
    return None


def limit_problems(node, owner: str | None = None, key: str | None = None) -> list[str]:
    """Every text, list and string of a payload measured against Slack's limits."""
    if isinstance(node, list):
        return [problem for item in node for problem in limit_problems(item, owner, key)]
    if not isinstance(node, dict):
        return []
    if node.get("type") in ("plain_text", "mrkdwn"):
        limit = TEXT_LIMITS[(owner, key)]  # a KeyError here: a text this checker does not know yet
        text = node["text"]
        return [] if text.strip() and utf16(text) <= limit else [f"{owner}.{key}: {utf16(text)} > {limit} or blank"]
    kind = kind_of(node)
    problems = []
    for name, value in node.items():
        if isinstance(value, list) and (kind, name) in COUNT_LIMITS and len(value) > COUNT_LIMITS[(kind, name)]:
            problems.append(f"{kind}.{name}: {len(value)} items")
        if isinstance(value, str):
            limit = STRING_LIMITS.get((kind, name)) or STRING_LIMITS.get((None, name))
            if limit and utf16(value) > limit:
                problems.append(f"{kind}.{name}: {utf16(value)} > {limit}")
        problems += limit_problems(value, kind, name)
    return problems


def action_ids(blocks: list[dict]) -> list[str]:
    return [element["action_id"] for block in blocks if block["type"] == "actions" for element in block["elements"]]


def check_message(message: Message, **options) -> tuple[list[dict], str]:
    """Render, then check everything Slack would check, and more."""
    blocks, text = message_blocks(message, **options)
    assert 0 < len(blocks) <= 50
    for block in blocks:
        parsed = Block.parse(block)
        assert parsed is not None, block
        parsed.validate_json()
    assert limit_problems(blocks) == []
    assert text.strip() and utf16(text) <= 3000
    ids = action_ids(blocks)
    assert len(ids) == len(set(ids)), ids
    payload = json.dumps({"blocks": blocks, "text": text}, ensure_ascii=False)
    assert not any(mention in payload for mention in MENTIONS)
    assert "\x1b" not in payload and "\u202e" not in payload
    return blocks, text


def check_view(form: Form, **options) -> dict:
    view = form_view(form, close_label=options.pop("close_label", "Cancel"), **options)
    View(**view).validate_json()
    assert 0 < len(view["blocks"]) <= 100
    assert limit_problems(view) == []
    block_ids = [block["block_id"] for block in view["blocks"] if "block_id" in block]
    assert len(block_ids) == len(set(block_ids))
    shown = "\n".join(texts_of(view))  # initial values and metadata are data, sent as they are
    assert not any(mention in shown for mention in MENTIONS)
    return view


def texts_of(payload) -> list[str]:
    if isinstance(payload, list):
        return [text for item in payload for text in texts_of(item)]
    if isinstance(payload, dict):
        if payload.get("type") in ("plain_text", "mrkdwn"):
            return [payload["text"]]
        return [text for value in payload.values() for text in texts_of(value)]
    return []


# The bot's own messages, in both languages

def owner_view(friction_id: int = 7, text: str = HOSTILE) -> OwnerFrictionView:
    return OwnerFrictionView(id=friction_id, text=text, status="assigned", kind="workaround", experience="cx",
                             flags=("emotions",), policy_id=3, policy_title="Invoices <!here> retyped",
                             due_at=datetime(2026, 3, 17, tzinfo=timezone.utc))


def governance_view(friction_id: int = 7) -> GovernanceFrictionView:
    return GovernanceFrictionView(id=friction_id, text=HOSTILE * 3, status="declined", kind=None, experience=None,
                                  flags=(), policy_id=None, policy_title=None, due_at=None,
                                  reporters=("Ewa <@U123> Łęcka",), anonymous_reporters=1, decline_reason="not mine <!channel>",
                                  created_at=NOW)


def wave(survey_id: str = "employee-pulse") -> WaveView:
    return WaveView(id=4, survey_key=survey_id, definition=builtin_definition(survey_id), anonymity="anonymous",
                    opens_at=NOW, closes_at=datetime(2026, 3, 17, 17, tzinfo=timezone.utc), closed=False, k=5,
                    max_reminders=2)


def friction_messages(_) -> list[Message]:
    view, gview = owner_view(), governance_view()
    reports = [ReporterFrictionView(i, HOSTILE, "resolved", "P <!channel>", "policy_changed", "done & dusted")
               for i in range(1, 13)]
    return [
        fm.acknowledgement(7, HOSTILE, _, offer_tags=True), fm.experience_step(7, HOSTILE, _),
        fm.flags_step(7, HOSTILE, ("emotions",), _), fm.tagged_summary(view, _, hidden=True),
        fm.new_report_notice(view, _), fm.triage_queue_message([governance_view(i) for i in range(1, 21)], 40, _),
        fm.triage_queue_message([], 0, _), fm.assignment_message(view, _), fm.assignment_status_message(view, _),
        fm.assignment_notice(view, "Olek <!channel>", _), fm.declined_notice(gview, "Olek", _),
        fm.resolved_notice(view, "no_change", "<@U123> nothing", "Olek", _),
        fm.reporter_resolution(view, "decision_made", "", _), fm.reporter_assigned(view, _),
        fm.my_reports_message(reports, _), fm.my_assignments_message([owner_view(i) for i in range(1, 31)], _),
    ]


def survey_messages(_) -> list[Message]:
    pulse, maturity = wave(), wave("cx-maturity")
    answers = {question.id: 4 for question in pulse.definition.questions[1:]}
    return [
        sm.invitation(pulse, _), sm.invitation(pulse, _, reminder=True),
        sm.question_message(pulse, TOKEN, 0, 0, False, _), sm.question_message(pulse, TOKEN, 3, 1, True, _),
        sm.question_message(pulse, TOKEN, 5, 6, False, _), sm.question_message(pulse, TOKEN, 9, 6, True, _),
        sm.summary(pulse, TOKEN, 12, answers, _),
        sm.change_menu(maturity, TOKEN, 13, _), sm.question_message(wave("diagnostic"), TOKEN, 2, 2, True, _),
    ]


def digest_messages(_) -> list[Message]:
    items = [owner_view(i) for i in range(1, 9)]
    return [digest_message(build_digest(), _, chart=tiny_png()), digest_message(empty_digest(), _),
            weekly_pending_message(items, NOW, _)]


def bot_forms(_) -> list[Form]:
    policies = [PolicyView(i, "policy", f"Policy <!channel> {i}", f"o{i}@example.pl", "Olek & Co") for i in range(150)]
    pulse = wave()
    return [fm.report_form(_), fm.triage_form(governance_view(), policies, _), fm.decline_form(7, _),
            fm.resolve_form(7, _), sm.text_answer_form(pulse, pulse.definition.questions[-1], f"{TOKEN}|comment|", _)]


@pytest.mark.parametrize("locale", ["pl", "en"])
def test_every_message_of_the_bot_validates_and_stays_literal(locale):
    _ = translator(locale)
    for message in friction_messages(_) + survey_messages(_) + digest_messages(_):
        blocks, _text = check_message(message)
        for mention in MENTIONS:
            assert mention not in json.dumps(blocks)


@pytest.mark.parametrize("locale", ["pl", "en"])
def test_every_form_of_the_bot_validates(locale):
    _ = translator(locale)
    for form in bot_forms(_):
        view = check_view(form, close_label=_("Cancel"))
        assert view["callback_id"] == form.form_id and view["private_metadata"] == form.metadata


def test_the_survey_scale_is_one_row_of_eleven_buttons_with_unique_action_ids():
    _ = translator("en")
    message = sm.question_message(wave(), TOKEN, 0, 0, False, _)
    blocks, text = check_message(message)
    (scale,) = [block for block in blocks if block["type"] == "actions"]  # the first question has no Back or Skip
    assert len(scale["elements"]) == 11
    assert [element["text"]["text"] for element in scale["elements"]][::10] == ["0 – not at all likely",
                                                                               "10 – extremely likely"]
    assert {parse_action_id(element["action_id"]) for element in scale["elements"]} == {"survey.answer"}
    assert [element["value"] for element in scale["elements"]] == [option.value for option in message.choices.options]
    assert text.startswith("Team pulse · 1/7 – ")


def test_the_digest_keeps_its_multi_line_fields_whole_and_its_chart_for_upload():
    _ = translator("en")
    message = digest_message(build_digest(), _, chart=tiny_png())
    blocks, _text = check_message(message)
    assert needs_upload(message) and not any(block["type"] == "image" for block in blocks)
    owners = [block for block in blocks if block["type"] == "section" and "text" in block
              and "Owners" in block["text"]["text"]]
    assert len(owners) == 1 and "&lt;!channel&gt; Ann &amp; Bob: open 7" in owners[0]["text"]["text"]


def test_per_item_buttons_get_unique_action_ids_that_parse_back():
    _ = translator("en")
    message = fm.my_assignments_message([owner_view(i) for i in range(1, 31)], _)
    blocks, _text = check_message(message)
    ids = action_ids(blocks)
    assert len(ids) == 30 and {parse_action_id(i) for i in ids} == {"assignment.resolve"}
    values = [element["value"] for block in blocks if block["type"] == "actions" for element in block["elements"]]
    assert values == [str(i) for i in range(1, 31)]


@pytest.mark.parametrize("action_id", ["survey.answer", "a#b", "x#12", "#"])
def test_parse_action_id_round_trips(action_id):
    blocks, _text = check_message(Message(buttons=(Button("Go", action_id),) * 3))
    assert {parse_action_id(i) for i in action_ids(blocks)} == {action_id}
    assert parse_action_id("a#b") == "a#b"


# Synthetic extremes

def test_a_long_hostile_text_is_split_into_sections_and_shown_literally():
    line = "Zgłoszenie <!channel> &lt; 😀 שלום עולם مرحبا \u202eevil\x1b[2J done"
    text = "\n".join(f"{i:04d} {line}" for i in range(10_000 // len(line) + 1))[:10_000]
    blocks, _text = check_message(Message(text=text))
    sections = [block["text"]["text"] for block in blocks]
    assert len(sections) >= 4 and all(utf16(section) <= 3000 for section in sections)
    joined = "\n".join(sections)
    assert "&lt;!channel&gt;" in joined and "&amp;lt;" in joined and "😀" in joined and "שלום" in joined
    assert "\\u202eevil\\x1b[2J" in joined
    assert sections[0].startswith("0000 Zgłoszenie") and sections[1][:4].isdigit()  # split at line breaks
    assert "".join(joined.split()) == "".join(escape(text).split())  # nothing lost but the breaks split at


def test_text_without_line_breaks_is_never_cut_inside_an_escape():
    for offset in range(6):
        blocks, _text = check_message(Message(text="x" * offset + "&" * 4000))
        for block in blocks:
            assert block["text"]["text"].replace("&amp;", "").strip("x") == ""


def test_two_hundred_fields_are_cut_to_fifty_blocks_with_the_callers_more_text():
    fields = tuple(Field(f"Field {i}", f"value {i}\nsecond line") for i in range(200))
    blocks, _text = check_message(Message(header="Many", fields=fields), more_text="… 151 więcej w panelu")
    assert len(blocks) == 50 and blocks[-1] == {"type": "context", "elements": [
        {"type": "plain_text", "text": "… 151 więcej w panelu"}]}
    short = tuple(Field(f"F{i}", str(i)) for i in range(200))
    blocks, _text = check_message(Message(fields=short))
    assert len(blocks) == 20 and all(len(block["fields"]) == 10 for block in blocks)


def test_sixty_buttons_fill_three_actions_blocks():
    buttons = tuple(Button(f"Resolve F-{i} " + "x" * 80, "assignment.resolve", str(i), "danger") for i in range(60))
    blocks, _text = check_message(Message(text="Pick", buttons=buttons))
    actions = [block for block in blocks if block["type"] == "actions"]
    assert [len(block["elements"]) for block in actions] == [25, 25, 10]
    assert all(element["style"] == "danger" and element["text"]["text"].endswith("…")
               for block in actions for element in block["elements"])


def test_a_long_header_is_shortened_and_styles_map():
    buttons = (Button("A", "a", style="primary"), Button("B", "b"), Button("C", "c", style="danger"))
    blocks, text = check_message(Message(header="Ü" * 400, buttons=buttons))
    assert blocks[0]["text"]["text"] == "Ü" * 149 + "…"
    assert [element.get("style") for element in blocks[1]["elements"]] == ["primary", None, "danger"]
    assert text == "Ü" * 400


def test_thirty_options_become_a_select():
    options = tuple(Option(f"{TOKEN}|q|{i}", f"Option {i} <@U123>") for i in range(30))
    blocks, _text = check_message(Message(choices=Choices("survey.goto", options, "Which one?")))
    (select,) = [element for block in blocks if block["type"] == "actions" for element in block["elements"]]
    assert select["type"] == "static_select" and len(select["options"]) == 30
    assert parse_action_id(select["action_id"]) == "survey.goto"
    assert select["options"][0]["text"]["text"] == "Option 0 &lt;@U123&gt;"


def test_three_hundred_options_become_three_selects_and_long_values_stay_buttons():
    options = tuple(Option(str(i), f"Option {i}") for i in range(300))
    blocks, _text = check_message(Message(choices=Choices("pick", options)))
    assert [len(element["options"]) for element in blocks[0]["elements"]] == [100, 100, 100]
    long_values = tuple(Option("v" * 200 + str(i), f"Option {i}") for i in range(30))
    blocks, _text = check_message(Message(choices=Choices("pick", long_values)))
    assert [len(block["elements"]) for block in blocks] == [25, 5]


def test_field_labels_with_formatting_characters_show_as_typed():
    blocks, _text = check_message(Message(fields=(Field("*bold* label", "value"), Field("Plain", "ok"))))
    (tricky, plain) = blocks[0]["fields"]
    assert tricky == {"type": "plain_text", "text": "*bold* label\nvalue"}
    assert plain == {"type": "mrkdwn", "text": "*Plain*\nok", "verbatim": True}


def test_a_huge_field_value_is_split_under_its_label():
    blocks, _text = check_message(Message(fields=(Field("Report", "word " * 2000),)))
    assert len(blocks) == 4 and blocks[0]["text"]["text"].startswith("*Report*\nword")


def test_images_with_a_url_are_blocks_and_bytes_need_an_upload():
    web = Message(text="chart", image=Image("c.png", "Trend <!channel>", url="https://example.com/c.png"))
    blocks, _text = check_message(web)
    assert blocks[-1] == {"type": "image", "image_url": "https://example.com/c.png",
                          "alt_text": "Trend &lt;!channel&gt;"}
    assert not needs_upload(web)
    local = Message(text="chart", image=Image("c.png", "Trend", data=b"\x89PNG", url="file:///tmp/c.png"))
    assert needs_upload(local) and check_message(local)[0] == [{"type": "section", "text": {"type": "plain_text",
                                                                                            "text": "chart"}}]


def test_the_notification_text_is_the_header_and_the_first_line():
    _blocks, text = check_message(Message(header="F-7 <!here>", text="\n\nFirst & line\nsecond"))
    assert text == "F-7 &lt;!here&gt; – First &amp; line"
    _blocks, text = check_message(Message(fields=(Field("Due", "2026-03-17"),)))
    assert text == "Due: 2026-03-17"


# Forms

ALL_KINDS = Form(
    form_id="friction.triage", title="Triage F-7 <!channel> with a very long title", submit_label="Assign & close",
    metadata="7", intro=HOSTILE,
    fields=(
        FormField("owner", "Owner <@U123>", "text", max_length=320, initial="ann@example.pl",
                  hint="Empty: the policy's"),
        FormField("note", "Note", "multiline", required=True, max_length=5000, initial="line 1\nline 2 & <b>"),
        FormField("kind", "Kind", "select", (Option("workaround", "Manual <workaround>"), Option("other", "Other")),
                  initial="other"),
        FormField("flags", "Flags", "multiselect", tuple(Option(f"f{i}", f"Flag {i}") for i in range(5)),
                  initial=("f1", "f3")),
        FormField("empty", "Nothing chosen", "select", (Option("a", "A"),)),
    ),
)


def submitted_state(view: dict) -> dict:
    """The view.state.values Slack sends when the person submits without touching anything."""
    values = {}
    for block in view["blocks"]:
        if block["type"] != "input":
            continue
        element = block["element"]
        state = {"type": element["type"]}
        if element["type"] == "plain_text_input":
            state["value"] = element.get("initial_value")
        elif element["type"] == "static_select":
            state["selected_option"] = element.get("initial_option")
        else:
            state["selected_options"] = element.get("initial_options", [])
        values[block["block_id"]] = {element["action_id"]: state}
    return values


def test_a_form_of_every_kind_becomes_a_modal():
    view = check_view(ALL_KINDS, close_label="Anuluj", private_metadata="7|token")
    assert view["title"]["text"] == "Triage F-7 &lt;!channel…" and view["private_metadata"] == "7|token"
    assert view["callback_id"] == "friction.triage" and view["submit"]["text"] == "Assign &amp; close"
    inputs = {block["block_id"]: block for block in view["blocks"] if block["type"] == "input"}
    assert inputs["owner"]["optional"] and not inputs["note"]["optional"]
    assert inputs["note"]["element"]["multiline"] and inputs["note"]["element"]["max_length"] == 3000
    assert inputs["owner"]["hint"]["text"] == "Empty: the policy's"
    assert inputs["kind"]["element"]["initial_option"]["value"] == "other"
    assert [o["value"] for o in inputs["flags"]["element"]["initial_options"]] == ["f1", "f3"]
    assert all(inputs[name]["element"]["action_id"] == name for name in inputs)


def test_form_values_round_trip_the_initial_values():
    view = check_view(ALL_KINDS)
    expected = {"owner": "ann@example.pl", "note": "line 1\nline 2 & <b>", "kind": "other", "flags": ("f1", "f3"),
                "empty": ""}
    assert form_values(submitted_state(view), ALL_KINDS) == expected
    assert form_values(submitted_state(view)) == expected
    assert form_values({}, ALL_KINDS) == {"owner": "", "note": "", "kind": "", "flags": (), "empty": ""}


def test_a_form_with_120_fields_is_cut_to_100_blocks():
    fields = tuple(FormField(f"q{i}", f"Question {i}", "select" if i % 2 else "text",
                             (Option("1", "One"), Option("2", "Two"))) for i in range(120))
    view = check_view(Form("survey.long", "Long", fields, "Send", intro="Intro"), more_text="… reszta w panelu")
    assert len(view["blocks"]) == 100 and view["blocks"][-1]["elements"][0]["text"] == "… reszta w panelu"


def test_a_select_with_150_options_uses_option_groups():
    _ = translator("pl")
    policies = [PolicyView(i, "policy", f"Polityka {i}", f"o{i}@example.pl", "Olek") for i in range(150)]
    view = check_view(fm.triage_form(governance_view(), policies, _))
    policy = next(block for block in view["blocks"] if block.get("block_id") == "policy")["element"]
    assert [len(group["options"]) for group in policy["option_groups"]] == [100, 50]


def test_data_that_would_be_corrupted_by_cutting_is_refused():
    with pytest.raises(ValueError):
        form_view(Form("f", "T", (), "Send", metadata="m" * 3001), close_label="Cancel")
    with pytest.raises(ValueError):
        message_blocks(Message(buttons=(Button("Go", "go", "v" * 2001),)))
    with pytest.raises(ValueError):
        form_view(Form("f", "T", (FormField("a", "A"), FormField("a", "B")), "Send"), close_label="Cancel")
