"""Messages of answering a survey in chat: invitation, one question at a time, summary."""
from __future__ import annotations

from bot.errors import N_
from bot.i18n import Translate
from bot.messages import Button, Choices, Field, Form, FormField, Message, Option
from bot.services.survey_waves import WaveView
from surveys import Question

LIKERT_LABELS = {1: N_("Strongly disagree"), 2: N_("Disagree"), 3: N_("Neither agree nor disagree"),
                 4: N_("Agree"), 5: N_("Strongly agree")}
NPS_END_LABELS = {0: N_("not at all likely"), 10: N_("extremely likely")}


def _text(localized, _: Translate) -> str:
    return localized.for_locale(_.locale)


def survey_title(wave: WaveView, _: Translate) -> str:
    return _text(wave.definition.title, _)


def invitation(wave: WaveView, _: Translate, *, reminder: bool = False) -> Message:
    definition = wave.definition
    header = survey_title(wave, _)
    if reminder:
        header = _("Reminder: {title}", title=header)
    intro = _text(definition.intro, _) if definition.intro else ""
    return Message(
        header=header,
        text=intro,
        fields=(Field(_("Questions"), str(len(definition.questions))),
                Field(_("Open until"), wave.closes_at.strftime("%Y-%m-%d %H:%M UTC"))),
        buttons=(Button(_("Start"), "survey.start", str(wave.id), "primary"),),
        context=_anonymity_note(wave, _),
    )


def _anonymity_note(wave: WaveView, _: Translate) -> str:
    if wave.anonymity == "identified":
        return _("This survey is not anonymous: the governance team sees who answered what.")
    return _("Your answers are anonymous: results are shown only for groups of at least {k} people.", k=wave.k)


def answer_label(question: Question, value, _: Translate) -> str:
    if value is None:
        return _("skipped")
    if question.type == "likert":
        return f"{value} – {_(LIKERT_LABELS[int(value)])}"
    if question.type == "nps":
        return f"{value}" + (f" – {_(NPS_END_LABELS[int(value)])}" if int(value) in NPS_END_LABELS else "")
    if question.type == "yes_no":
        return _("Yes") if int(value) else _("No")
    return str(value)


def _scale_options(question: Question, token: str, _: Translate) -> tuple[Option, ...]:
    if question.type == "yes_no":
        values = (1, 0)
    else:
        values = tuple(question.scale.values())
    return tuple(Option(f"{token}|{question.id}|{value}", answer_label(question, value, _)) for value in values)


def question_message(wave: WaveView, token: str, index: int, current, _: Translate) -> Message:
    questions = wave.definition.questions
    question = questions[index]
    text = _text(question.text, _)
    if question.optional:
        text += "\n" + _("(optional)")
    if current is not None:
        text += "\n" + _("Your answer now: {answer}", answer=answer_label(question, current, _))
    buttons: list[Button] = []
    choices = None
    if question.type == "text":
        buttons.append(Button(_("Write an answer"), "survey.text", f"{token}|{question.id}", "primary"))
    else:
        choices = Choices("survey.answer", _scale_options(question, token, _))
    if question.optional:
        buttons.append(Button(_("Skip"), "survey.skip", f"{token}|{question.id}"))
    if index > 0:
        buttons.append(Button(_("Back"), "survey.goto", f"{token}|{questions[index - 1].id}"))
    return Message(
        header=f"{_text(wave.definition.title, _)} · {index + 1}/{len(questions)}",
        text=text, choices=choices, buttons=tuple(buttons), context=_anonymity_note(wave, _),
    )


def text_answer_form(wave: WaveView, token: str, question: Question, _: Translate) -> Form:
    return Form(
        form_id="survey.text", title=_text(wave.definition.title, _)[:24], submit_label=_("Save"),
        metadata=f"{token}|{question.id}",
        fields=(FormField("answer", _text(question.text, _), "multiline", required=not question.optional, max_length=2000),),
    )


def summary(wave: WaveView, token: str, answers: dict, _: Translate) -> Message:
    fields = tuple(
        Field(_text(q.text, _)[:150], answer_label(q, answers.get(q.id), _)) for q in wave.definition.questions
    )
    return Message(
        header=_("Thank you: {title}", title=_text(wave.definition.title, _)),
        text=_("Your answers are saved. You can change them until {date}.", date=wave.closes_at.strftime("%Y-%m-%d")),
        fields=fields,
        buttons=(Button(_("Change an answer"), "survey.change", token),),
        context=_anonymity_note(wave, _),
    )


def change_menu(wave: WaveView, token: str, _: Translate) -> Message:
    options = tuple(Option(f"{token}|{q.id}", _text(q.text, _)[:75]) for q in wave.definition.questions)
    return Message(header=_("Which answer do you want to change?"), choices=Choices("survey.goto", options))
