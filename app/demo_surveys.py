"""The demo's surveys: quarterly eNPS, a pulse every two weeks, one maturity wave, one diagnostic.

Waves are sent by a job (as `xgov survey send` does); every answer is a click or a form
submission handled by the bot, exactly as a person's in the console.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from functools import partial

from bot.events import Actor, ButtonAnswer, FormSubmission
from bot.flows import surveying
from bot.messages import Message, MessageRef
from bot.services import survey_waves

SCHEDULE = (  # (survey, audience, first week, every N weeks or 0 for once)
    ("enps", "everyone", 0, 13),
    ("conditions-pulse", "everyone", 1, 2),
    ("cx-maturity", "managers", 2, 0),
    ("diagnostic", "managers", 4, 0),
)
ITEM_MEANS = {"have_what_i_need": 3.4, "procedures_match_reality": 2.5, "know_who_decides": 2.7,
              "manager_removes_obstacles": 3.3}
REASONS = {"pl": ("Dobry zespół, ale procedury zwrotów nas dobijają.", "Nikt nie wie, kto decyduje.",
                  "Wreszcie zmieniono próg zwrotów."),
           "en": ("Great team, but the refund rules wear us down.", "Nobody knows who decides.",
                  "The refund threshold was finally changed.")}


@dataclass
class SurveyTally:
    waves: int = 0
    answers: int = 0
    reminders: int = 0
    open_waves: list[int] = field(default_factory=list)


class DemoSurveys:
    def __init__(self, world) -> None:
        self.world = world
        self.rng: random.Random = world.rng
        self.tally = SurveyTally()
        self.leaning = {email: self.rng.gauss(0, 0.6) for email in world.org.everyone()}

    def close_open_waves(self) -> None:
        for wave_id in self.tally.open_waves:
            self.world.bot.run_job(partial(surveying.close_and_report, wave_id=wave_id))
        self.tally.open_waves = []

    def send_due(self, week: int) -> None:
        self.world.at(week, 0, 0)
        self.close_open_waves()
        for key, audience, first, every in SCHEDULE:
            if week == first or (every and week > first and (week - first) % every == 0):
                self._send(key, audience)

    def _send(self, key: str, audience: str) -> None:
        def job(turn):
            survey_waves.ensure_builtin_surveys(session=turn.session, now=turn.now)
            wave_id, emails = survey_waves.send_wave(session=turn.session, key=key, audience=audience,
                                                     now=turn.now, days=6, k=5, max_reminders=1)
            surveying.invite(turn, wave_id, emails)
            return wave_id, emails

        wave_id, emails = self.world.bot.run_job(job)
        self.tally.waves += 1
        self.tally.open_waves.append(wave_id)
        self._answer_some(wave_id, emails, share=0.7)

    def remind_and_answer(self, week: int) -> None:
        self.world.at(week, 2, 1)
        for wave_id in self.tally.open_waves:
            emails = self.world.bot.run_job(lambda turn, w=wave_id: self._remind(turn, w))
            self.tally.reminders += len(emails)
            self._answer_some(wave_id, emails, share=0.4)

    @staticmethod
    def _remind(turn, wave_id: int) -> list[str]:
        emails = survey_waves.due_reminders(session=turn.session, wave_id=wave_id, now=turn.now)
        surveying.invite(turn, wave_id, emails, reminder=True)
        return emails

    def _answer_some(self, wave_id: int, emails: list[str], share: float) -> None:
        for email in emails:
            if self.rng.random() < share:
                self.answer(wave_id, email)

    # --- one person answering, click by click ----------------------------------------
    def answer(self, wave_id: int, email: str) -> None:
        port, actor = self.world.port, Actor(email)
        ref = self._invitation(email, wave_id)
        self.world.bot.handle(ButtonAnswer(actor, "survey.start", str(wave_id), ref, trigger="demo"))
        for _step in range(60):
            message = port.current_messages(email)[ref.message_id]
            if not self._click_next(actor, ref, message):
                break
        self.tally.answers += 1

    def _invitation(self, email: str, wave_id: int) -> MessageRef:
        for message_id, message in reversed(list(self.world.port.current_messages(email).items())):
            if any(b.action_id == "survey.start" and b.value == str(wave_id) for b in message.buttons):
                return MessageRef(conversation=email, message_id=message_id)
        raise LookupError(f"{email} has no invitation to wave {wave_id}")

    def _click_next(self, actor: Actor, ref: MessageRef, message: Message) -> bool:
        handle = self.world.bot.handle
        if message.choices and message.choices.action_id == "survey.answer":
            stamp, _value = message.choices.options[0].value.rsplit("|", 1)  # token|step|question
            value = self._value(actor.email, stamp.rsplit("|", 1)[1], len(message.choices.options))
            handle(ButtonAnswer(actor, "survey.answer", f"{stamp}|{value}", ref, trigger="demo"))
            return True
        text_button = next((b for b in message.buttons if b.action_id == "survey.text"), None)
        if text_button is None:
            return False  # the summary: done
        if self.rng.random() < 0.25:
            handle(ButtonAnswer(actor, "survey.text", text_button.value, ref, trigger="demo"))
            form = self.world.port.last_form(actor.email)
            reason = self.rng.choice(REASONS[self.world.lang])
            handle(FormSubmission(actor, form.form_id, {"answer": reason}, form.metadata))
        else:
            skip = next(b for b in message.buttons if b.action_id == "survey.skip")
            handle(ButtonAnswer(actor, "survey.skip", skip.value, ref, trigger="demo"))
        return True

    def _value(self, email: str, question_id: str, option_count: int) -> int:
        lean = self.leaning[email]
        if question_id == "enps":
            return max(0, min(10, round(7.2 + 1.8 * lean + self.rng.gauss(0, 1.6))))
        if option_count == 2:  # yes / no: the diagnostic, where most organisations still say no
            p_yes = 0.2 + 0.1 * (sum(map(ord, question_id)) % 4)
            return 1 if self.rng.random() < p_yes else 0
        improvement = 0.06 * self.world.tally.resolved if question_id == "procedures_match_reality" else 0.0
        mean = ITEM_MEANS.get(question_id, 2.6) + improvement
        return max(1, min(5, round(mean + lean + self.rng.gauss(0, 0.8))))
