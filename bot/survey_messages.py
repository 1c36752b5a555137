"""Messages of answering a survey in chat: invitation, one question at a time, summary."""
from __future__ import annotations

from bot.errors import NP_
from bot.i18n import Translate, local_time
from bot.messages import Button, Choices, Field, Form, FormField, Message, Option
from bot.services.survey_waves import WaveView
from bot.text_rules import shorten
from surveys import Question



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
                Field(_("Open until"), local_time(wave.closes_at, _))),
        buttons=(Button(_("Start"), "survey.start", str(wave.id), "primary"),),
        context=_anonymity_note(wave, _),
    )


def _anonymity_note(wave: WaveView, _: Translate) -> str:
    if wave.anonymity == "identified":
        return _("This survey is not anonymous: the governance team sees who answered what.")
    return _(NP_("Your answers are anonymous: results are shown only for groups of at least {n} person.",
                  "Your answers are anonymous: results are shown only for groups of at least {n} people."), n=wave.k)


def _scale_options(question: Question, stamp: str, _: Translate) -> tuple[Option, ...]:
    kind = question.kind
    return tuple(Option(f"{stamp}|{question.id}|{value}", kind.option_label(value, _)) for value in kind.options())


def _first_number(question: Question) -> int:
    """A console numbers a scale's options by their scores (a 0-10 scale from 0: typing 9 answers 9)."""
    return question.scale.low if question.scale else 1


def _question_buttons(question: Question, stamp: str, answered: bool, _: Translate) -> list[Button]:
    """A written answer changes only by writing again: it has no Skip, and Keep moves on."""
    target = f"{stamp}|{question.id}"
    buttons: list[Button] = []
    if question.kind.written:
        label = _("Write again") if answered else _("Write an answer")
        buttons.append(Button(label, "survey.text", target, "primary"))
    if answered:
        buttons.append(Button(_("Keep the answer"), "survey.keep", target))
    if question.optional and not (answered and question.kind.written):
        buttons.append(Button(_("Skip"), "survey.skip", target))
    return buttons


def question_message(wave: WaveView, token: str, step: int, index: int, answered: bool, _: Translate) -> Message:
    """One question of the survey message. It never shows the person's answer, only that there is one
    (workspace admins can export direct messages)."""
    questions = wave.definition.questions
    question = questions[index]
    stamp = f"{token}|{step}"
    text = _text(question.text, _)
    if question.optional:
        text += "\n" + _("(optional)")
    if answered:
        text += "\n" + (_("You have written an answer; write again to change it.") if question.kind.written
                         else _("You have answered; choose again to change the answer."))
    choices = None
    if not question.kind.written:
        choices = Choices("survey.answer", _scale_options(question, stamp, _), first_number=_first_number(question))
    buttons = _question_buttons(question, stamp, answered, _)
    if index > 0:
        buttons.append(Button(_("Back"), "survey.goto", f"{stamp}|{questions[index - 1].id}"))
    return Message(
        header=f"{_text(wave.definition.title, _)} · {index + 1}/{len(questions)}",
        text=text, choices=choices, buttons=tuple(buttons), context=_anonymity_note(wave, _),
    )


def text_answer_form(wave: WaveView, question: Question, metadata: str, _: Translate) -> Form:
    return Form(
        form_id="survey.text", title=shorten(_text(wave.definition.title, _), 24), submit_label=_("Save"),
        metadata=metadata,
        fields=(FormField("answer", _text(question.text, _), "multiline", required=not question.optional, max_length=2000),),
    )


def summary(wave: WaveView, token: str, step: int, answers: dict, _: Translate) -> Message:
    """The one summary: which questions have an answer, never the answers themselves."""
    fields = tuple(
        Field(shorten(_text(q.text, _), 150), _("answered") if q.id in answers else _("skipped"))
        for q in wave.definition.questions
    )
    return Message(
        header=_("Thank you: {title}", title=_text(wave.definition.title, _)),
        text=_("Your answers are saved. You can change them until {date}.", date=local_time(wave.closes_at, _)),
        fields=fields,
        buttons=(Button(_("Change an answer"), "survey.change", f"{token}|{step}"),),
        context=_anonymity_note(wave, _),
    )


def change_menu(wave: WaveView, token: str, step: int, _: Translate) -> Message:
    options = tuple(Option(f"{token}|{step}|{q.id}", shorten(_text(q.text, _), 75)) for q in wave.definition.questions)
    return Message(header=_("Which answer do you want to change?"), choices=Choices("survey.goto", options))
