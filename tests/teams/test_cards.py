"""Adaptive Cards rendering: every card validates against the official 1.5 schema, stays under the
size limit, shows user text literally and gives back the neutral clicks and form values."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft6Validator

from adapters.teams.cards import (
    ACTION_TITLE, ACTIONS_PER_SET, CHOICE_INPUT_ID, MAX_CARD_BYTES, TEXT_CHUNK, Click, FormCancel, FormSubmit,
    card_bytes, form_card, form_values, message_card, parse_submit, summary_text,
)
from adapters.teams.cards_text import WORD_JOINER, chunks, markdown, plain, visible
from bot import survey_messages as sm
from bot.i18n import translator
from bot.messages import Button, Choices, Field, Form, FormField, Image, Message, Option
from tests.slack.test_blocks import TOKEN, bot_forms, digest_messages, friction_messages, survey_messages, wave
from tests.test_dashboard_html import tiny_png

SCHEMA = json.loads((Path(__file__).resolve().parent.parent / "schemas" / "adaptive-card-1.5.json").read_text())
VALIDATOR = Draft6Validator(SCHEMA)
HOSTILE = ("<!channel> <at>Anna</at> **bold** [x](https://evil) ${x} {{DATE(2017-02-14T06:00:00Z, SHORT)}} "
           "<b>html</b> &amp; `code` ~~gone~~ | a | _it_ \\*")
LINE_STARTS = "- item\n+ item\n* item\n1. one\n2) two\n# heading\n> quote\n===\n---\n    indented code"
PLAIN_PROPERTIES = ("title", "label", "placeholder", "altText", "tooltip", "errorMessage")  # no Markdown there
ESCAPABLE = r"[!-/:-@\[-`{-~]"  # ASCII punctuation: what a CommonMark backslash escapes


# What Teams shows, and what must never be there

def shown(escaped: str) -> str:
    """An escaped TextBlock or Fact text as Teams shows it: CommonMark escapes undone, paragraphs as lines."""
    return re.sub(r"\\(" + ESCAPABLE + ")", r"\1", escaped).replace(WORD_JOINER, "").replace("\n\n", "\n")


def literal_lines(raw: str) -> str:
    """What the renderer promises to show for `raw`: each non-blank line stripped, control characters visible."""
    return "\n".join(visible(line.strip()) for line in raw.splitlines() if line.strip())


def markdown_problems(escaped: str) -> list[str]:
    """Any Markdown construct could start here: an unescaped inline marker, a block marker at a line
    start, or a token (HTML, <at>, {{DATE()}}, ${}) not broken by a WORD JOINER."""
    problems = []
    for paragraph in escaped.split("\n\n"):
        if "\n" in paragraph or paragraph != paragraph.strip():
            problems.append(f"not one stripped line: {paragraph!r}")
        if (paragraph and paragraph[0] in "#>+-=") or re.match(r"\d+[.)]", paragraph):
            problems.append(f"block marker: {paragraph!r}")
        at = 0
        while at < len(paragraph):
            if paragraph[at] == "\\" and re.fullmatch(ESCAPABLE, paragraph[at + 1:at + 2] or "a"):
                at += 2
                continue
            if paragraph[at] in "\\`*_~[]&|":
                problems.append(f"unescaped {paragraph[at]!r} in {paragraph!r}")
            at += 1
    return problems + token_problems(escaped)


def token_problems(text: str) -> list[str]:
    bad = re.findall(r"<(?!\u2060)|\{\{|\$\{", text)
    return [f"unbroken token {token!r} in {text!r}" for token in bad]


def texts(card: dict) -> tuple[list[str], list[str]]:
    """(Markdown texts: TextBlocks and Facts, plain texts: titles, labels, placeholders, ...) of a card."""
    marked, unmarked = [], []

    def walk(node):
        if isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            kind = node.get("type")
            if kind == "TextBlock":
                marked.append(node["text"])
            elif kind is None and "title" in node and "value" in node:  # a Fact
                marked.extend([node["title"], node["value"]])
            elif kind is not None:
                unmarked.extend(node[name] for name in PLAIN_PROPERTIES if isinstance(node.get(name), str))
            for name, value in node.items():
                if name != "data":  # submit data is data, sent unchanged
                    walk(value)

    walk(card)
    return marked, unmarked


def check_card(card: dict, *, schema: bool = True) -> dict:
    """Everything Teams would check, and more; `schema` False skips the slowest part (~40 ms a card)."""
    if schema:
        errors = [f"{list(error.absolute_path)}: {error.message[:200]}" for error in VALIDATOR.iter_errors(card)]
        assert errors == []
    assert card["version"] == "1.5" and card["body"]
    assert card_bytes(card) <= MAX_CARD_BYTES
    marked, unmarked = texts(card)
    for text in marked:
        assert markdown_problems(text) == []
    for text in unmarked:
        assert token_problems(text) == [] and "\x1b" not in text
    return card


def actions_of(card: dict) -> list[dict]:
    found = [action for element in card["body"] if element["type"] == "ActionSet" for action in element["actions"]]
    return found + card.get("actions", [])


def submitted(action: dict, inputs: dict[str, str] | None = None) -> dict:
    """What Teams sends as the activity's value when `action` is clicked: its data plus the inputs."""
    return {**json.loads(json.dumps(action["data"])), **(inputs or {})}


# The bot's own messages and forms

@pytest.mark.parametrize("locale", ["pl", "en"])
def test_every_message_and_form_of_the_bot_validates_and_stays_literal(locale):
    _ = translator(locale)
    schema = locale == "pl"  # the same elements in English: validated once, to keep the suite fast
    for message in friction_messages(_) + survey_messages(_) + digest_messages(_):
        card = check_card(message_card(message), schema=schema)
        payload = json.dumps(card, ensure_ascii=False)
        assert "<!channel>" not in payload and "<@U123>" not in payload and "<!here>" not in payload
        assert summary_text(message).strip() and "\n" not in summary_text(message)
    for form in bot_forms(_):
        card = check_card(form_card(form, cancel_label=_("Cancel")), schema=schema)
        submit, cancel = card["actions"]
        assert parse_submit(submitted(cancel)) == FormCancel(form.form_id, form.metadata)
        assert isinstance(parse_submit(submitted(submit)), FormSubmit)


def test_the_survey_scale_is_eleven_buttons_in_two_rows_and_every_click_round_trips():
    _ = translator("en")
    message = sm.question_message(wave(), TOKEN, 0, 0, False, _)
    card = check_card(message_card(message))
    rows = [element["actions"] for element in card["body"] if element["type"] == "ActionSet"]
    assert [len(row) for row in rows] == [6, 5]
    scale = [action for row in rows for action in row]
    assert [action["title"] for action in scale][::10] == ["0 – not at all likely", "10 – extremely likely"]
    clicks = [parse_submit(submitted(action)) for action in scale]
    assert clicks == [Click("survey.answer", option.value) for option in message.choices.options]
    action_id, value = clicks[3]
    assert (action_id, value) == ("survey.answer", message.choices.options[3].value)


# Escaping

def test_hostile_text_everywhere_shows_literally_and_forms_no_markdown():
    text = HOSTILE + "\n" + LINE_STARTS + "\nZgłoszenie \x1b[2J \u202eevil"
    message = Message(text=text, header=HOSTILE, fields=(Field(HOSTILE, HOSTILE[:70]), Field("Note", text)),
                      choices=Choices("pick", (Option("a", "<at>Anna</at>"), Option("b", "**b**")), HOSTILE),
                      buttons=(Button("${x} <b>", "go", "v"),), context=HOSTILE)
    card = check_card(message_card(message))
    blocks = [element for element in card["body"] if element["type"] == "TextBlock"]
    assert shown(blocks[0]["text"]) == HOSTILE  # the header
    assert shown(blocks[1]["text"]) == literal_lines(text)
    assert shown(blocks[1]["text"]).splitlines()[1:5] == ["- item", "+ item", "* item", "1. one"]
    assert "\\x1b[2J \\u202eevil" in shown(blocks[1]["text"])
    (facts,) = [element["facts"] for element in card["body"] if element["type"] == "FactSet"]
    assert [shown(facts[0]["title"]), shown(facts[0]["value"])] == [HOSTILE, HOSTILE[:70].strip()]
    assert shown(blocks[-1]["text"]) == HOSTILE  # the context
    titles = [action["title"].replace(WORD_JOINER, "") for action in actions_of(card)]
    assert titles == ["<at>Anna</at>", "**b**", "${x} <b>"]
    payload = json.dumps(card, ensure_ascii=False)
    for token in ("<at>", "</at>", "<!channel>", "<b>", "${", "{{DATE"):
        assert token not in payload


def test_polish_text_keeps_its_diacritics():
    text = "Zażółć gęślą jaźń.\nŁódź – 3 zgłoszenia, Kraków: 1"
    card = check_card(message_card(Message(header="Puls zespołu · 1/7", text=text, context="Ankieta anonimowa",
                                           fields=(Field("Właściciel", "Łucja Żółkiewska"),))))
    assert shown(card["body"][1]["text"]) == text
    assert card["body"][2]["facts"] == [{"title": "Właściciel", "value": "Łucja Żółkiewska"}]


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=80)
       | st.text(alphabet="\\`*_~[]()&|#>+-=.!<>{}$1 \nabc", max_size=60))
def test_any_text_is_shown_as_typed_and_forms_no_construct(raw):
    escaped = markdown(raw)
    assert markdown_problems(escaped) == []
    assert shown(escaped) == literal_lines(raw)
    assert token_problems(plain(raw)) == [] and plain(raw).replace(WORD_JOINER, "") == visible(raw)
    pieces = chunks(raw, 7)
    assert all(0 < len(piece) <= 7 for piece in pieces) and "".join("".join(pieces).split()) == "".join(raw.split())


# Choices, buttons, images, limits

def test_many_choices_become_a_menu_whose_submit_round_trips():
    options = tuple(Option(f"{TOKEN}|q|{i}", f"Option {i} <at>x</at>") for i in range(30))
    card = check_card(message_card(Message(choices=Choices("survey.goto", options, "Which one?")),
                                   choose_label="Wybierz"))
    (menu,) = [element for element in card["body"] if element["type"] == "Input.ChoiceSet"]
    assert menu["id"] == CHOICE_INPUT_ID and menu["style"] == "compact" and len(menu["choices"]) == 30
    assert [choice["value"] for choice in menu["choices"]] == [option.value for option in options]
    (submit,) = actions_of(card)
    assert submit["title"] == "Wybierz" and submit["associatedInputs"] == "auto"
    assert parse_submit(submitted(submit, {CHOICE_INPUT_ID: options[7].value})) == ("survey.goto", options[7].value)
    long_labels = tuple(Option(str(i), "A rather long answer label that needs wrapping " * 2) for i in range(3))
    card = check_card(message_card(Message(choices=Choices("pick", long_labels))))
    assert [element["type"] for element in card["body"]] == ["Input.ChoiceSet", "ActionSet"]


def test_buttons_fill_action_sets_of_six_shorten_long_titles_and_map_styles():
    buttons = tuple(Button(f"Resolve F-{i} " + "x" * 80, "assignment.resolve", str(i), "danger") for i in range(14))
    buttons += (Button("OK", "ok", style="primary"), Button("", "empty"))
    card = check_card(message_card(Message(text="Pick", buttons=buttons)))
    sets = [element["actions"] for element in card["body"] if element["type"] == "ActionSet"]
    assert [len(actions) for actions in sets] == [ACTIONS_PER_SET, ACTIONS_PER_SET, 4]
    actions = actions_of(card)
    assert all(len(a["title"]) == ACTION_TITLE and a["title"].endswith("…") for a in actions[:14])
    assert actions[0]["tooltip"] == buttons[0].label and actions[0]["style"] == "destructive"
    assert actions[14]["style"] == "positive" and "style" not in actions[15] and actions[15]["title"] == "…"
    assert [parse_submit(submitted(a)) for a in actions] == [(b.action_id, b.value) for b in buttons]


def test_images_by_url_or_small_bytes_are_shown_and_others_are_left_out_with_a_note():
    web_image = Image("c.png", "Trend", url="https://example.com/c.png")
    web = check_card(message_card(Message(text="chart", image=web_image)))
    assert web["body"][-1] == {"type": "Image", "url": "https://example.com/c.png", "altText": "Trend"}
    small = check_card(message_card(Message(text="chart", image=Image("c.png", "Trend", data=tiny_png()))))
    assert small["body"][-1]["url"].startswith("data:image/png;base64,")
    big_png = tiny_png()[:16] + bytes(20_000)
    for image in (Image("c.png", "Trend <at>x</at>", data=big_png, url="file:///tmp/c.png"),
                  Image("c.txt", "Trend <at>x</at>", data=b"not an image"), Image("c.png", "Trend <at>x</at>",
                                                                                  url="http://plain.example/c.png")):
        card = check_card(message_card(Message(text="chart", image=image), image_left_out_text="(za duży)"))
        assert [element["type"] for element in card["body"]] == ["TextBlock", "TextBlock"]
        assert shown(card["body"][-1]["text"]) == "Trend <at>x</at> (za duży)" and card["body"][-1]["isSubtle"]


def test_a_long_text_is_split_into_text_blocks_losing_nothing():
    line = "Zgłoszenie <!channel> **x** 😀 done"
    text = "\n".join(f"{i:04d} {line}" for i in range(6000 // len(line) + 1))[:6000] + " " + "y" * 2500
    card = check_card(message_card(Message(text=text)))
    blocks = [shown(element["text"]) for element in card["body"]]
    assert len(blocks) >= 9 and all(len(block) <= TEXT_CHUNK for block in blocks)
    assert blocks[0].startswith("0000 Zgłoszenie") and blocks[1][:4].isdigit()  # split at line breaks
    assert "".join("".join(blocks).split()) == "".join(text.split())


def test_a_huge_message_is_cut_to_the_size_limit_keeping_its_choices_buttons_and_context():
    fields = tuple(Field(f"Field {i}", f"value {i} **" + "w" * 100) for i in range(300))
    message = Message(header="Huge", text="Zażółć gęślą jaźń. " * 4000, fields=fields, context="Kontekst",
                      choices=Choices("pick", (Option("1", "One"), Option("2", "Two"))),
                      buttons=(Button("Done", "done", "7"),))
    card = check_card(message_card(message, more_text="… reszta w panelu"))
    types = [element["type"] for element in card["body"]]
    assert card_bytes(card) > MAX_CARD_BYTES - 3000  # filled, not emptied
    assert types[0] == "TextBlock" and types[-4:] == ["TextBlock", "ActionSet", "ActionSet", "TextBlock"]
    more = card["body"][-4]
    assert shown(more["text"]) == "… reszta w panelu" and more["isSubtle"]
    assert card["body"][-5]["text"].endswith("jaźń.…")  # the last text that fits, cut at a space
    spaceless = check_card(message_card(Message(text="ż" * 60_000)))
    assert [shown(element["text"]) for element in spaceless["body"][:-1]] == ["ż" * TEXT_CHUNK] * 4
    assert [parse_submit(submitted(a)) for a in actions_of(card)] == [("pick", "1"), ("pick", "2"), ("done", "7")]
    with pytest.raises(ValueError):
        message_card(Message(buttons=tuple(Button("Go", "go", "v" * 200) for _ in range(200))))


# Forms

ALL_KINDS = Form(
    form_id="friction.triage", title="Triage F-7 <!channel>", submit_label="Assign & close", metadata="7|token",
    intro=HOSTILE,
    fields=(
        FormField("owner", "Owner <at>Anna</at>", "text", max_length=320, initial="ann@example.pl",
                  hint="Empty: the policy's ${owner}"),
        FormField("note", "Notatka **ważna**", "multiline", required=True, max_length=5000,
                  initial="line 1\nline 2 & <b>"),
        FormField("kind", "Kind", "select", (Option("workaround", "Manual <workaround>"), Option("other", "Other")),
                  initial="other"),
        FormField("flags", "Flags", "multiselect", tuple(Option(f"f{i}", f"Flag {i}") for i in range(5)),
                  initial=("f1", "f3")),
        FormField("policy", "Policy", "select", tuple(Option(str(i), f"Policy {i}") for i in range(40))),
        FormField("empty", "Nothing chosen", "multiselect", (Option("a", "A"),)),
    ),
    cancel_label="Anuluj",
)


def inputs_of(card: dict) -> dict[str, dict]:
    return {element["id"]: element for element in card["body"] if element["type"].startswith("Input.")}


def test_a_form_of_every_kind_becomes_a_card_with_inputs():
    card = check_card(form_card(ALL_KINDS))
    inputs = inputs_of(card)
    assert list(inputs) == ["owner", "note", "kind", "flags", "policy", "empty"]
    assert shown(card["body"][0]["text"]) == "Triage F-7 <!channel>" and card["body"][0]["weight"] == "bolder"
    assert shown(card["body"][1]["text"]) == HOSTILE
    owner, note, kind, flags = inputs["owner"], inputs["note"], inputs["kind"], inputs["flags"]
    assert owner["type"] == "Input.Text" and owner["maxLength"] == 320 and owner["value"] == "ann@example.pl"
    assert owner["label"].replace(WORD_JOINER, "") == "Owner <at>Anna</at>" and "isRequired" not in owner
    assert owner["placeholder"].replace(WORD_JOINER, "") == "Empty: the policy's ${owner}"
    assert note["isMultiline"] and note["isRequired"] and note["errorMessage"] == "Required."
    assert note["value"] == ALL_KINDS.fields[1].initial
    assert kind["style"] == "compact" and kind["value"] == "other" and "isMultiSelect" not in kind
    assert flags["isMultiSelect"] and flags["value"] == "f1,f3" and flags["style"] == "expanded"
    assert inputs["policy"]["style"] == "compact" and len(inputs["policy"]["choices"]) == 40
    submit, cancel = card["actions"]
    assert submit["title"] == "Assign & close" and submit["style"] == "positive"
    assert submit["associatedInputs"] == "auto" and submit["data"]["xgov"]["metadata"] == "7|token"
    assert cancel["title"] == "Anuluj" and cancel["associatedInputs"] == "none"


def test_a_form_submission_round_trips_the_values_and_a_cancel_is_told_apart():
    card = check_card(form_card(ALL_KINDS))
    submit, cancel = card["actions"]
    typed = {"owner": "ola@example.pl", "note": "a, b\nc <at>x</at>", "kind": "workaround", "flags": "f0,f4",
             "policy": "39"}
    expected = {"owner": "ola@example.pl", "note": "a, b\nc <at>x</at>", "kind": "workaround", "flags": ("f0", "f4"),
                "policy": "39", "empty": ()}
    assert parse_submit(submitted(submit, typed)) == FormSubmit("friction.triage", "7|token", expected)
    assert form_values(submitted(submit, typed), ALL_KINDS) == expected
    untouched = {name: element.get("value", "") for name, element in inputs_of(card).items()}
    assert parse_submit(submitted(submit, untouched)).values == {
        "owner": "ann@example.pl", "note": "line 1\nline 2 & <b>", "kind": "other", "flags": ("f1", "f3"),
        "policy": "", "empty": ()}
    assert form_values(submitted(submit)) == {"owner": "", "note": "", "kind": "", "flags": (), "policy": "",
                                              "empty": ()}
    assert form_values({"a": "1", "xgov_choice": "x"}) == {"a": "1"}
    assert parse_submit(submitted(cancel, typed)) == FormCancel("friction.triage", "7|token")


def test_a_form_too_big_for_one_card_is_cut_and_its_submit_lists_only_the_fields_shown():
    fields = tuple(FormField(f"q{i}", f"Question {i} " + "ż" * 150, "select" if i % 2 else "text",
                             (Option("1", "One"), Option("2", "Two"))) for i in range(200))
    card = check_card(form_card(Form("survey.long", "Long", fields, "Send", intro="Intro"),
                                more_text="… reszta w panelu"))
    shown_ids = list(inputs_of(card))
    assert 10 < len(shown_ids) < 200 and shown(card["body"][-1]["text"]) == "… reszta w panelu"
    submit = card["actions"][0]
    assert list(submit["data"]["xgov"]["fields"]) == shown_ids
    assert list(parse_submit(submitted(submit)).values) == shown_ids


@pytest.mark.parametrize("fields", [
    (FormField("a", "A"), FormField("a", "B")),
    (FormField("xgov", "Reserved"),),
    (FormField("", "No name"),),
    (FormField("m", "Multi", "multiselect", (Option("a,b", "Comma"),)),),
])
def test_form_data_that_cannot_come_back_intact_is_refused(fields):
    with pytest.raises(ValueError):
        form_card(Form("f", "T", fields, "Send"))


@pytest.mark.parametrize("data", [None, "text", {}, {"xgov": "click"}, {"xgov": {"kind": "other"}},
                                  {"msteams": {"type": "messageBack"}}, [1, 2]])
def test_foreign_submit_data_is_not_ours(data):
    assert parse_submit(data) is None
