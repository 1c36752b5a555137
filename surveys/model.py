"""The survey definition model: frozen dataclasses and the fixed vocabularies."""

from __future__ import annotations

from dataclasses import dataclass

LANGUAGES = ("pl", "en")
SURVEY_KINDS = ("pulse", "maturity", "diagnostic", "custom")
AUDIENCE_HINTS = ("everyone", "managers")
QUESTION_TYPES = ("nps", "likert", "yes_no", "text")
TEXT_ANSWER_MAX_LENGTH = 2000


@dataclass(frozen=True)
class LocalizedText:
    """One user-facing text in every supported language."""

    pl: str
    en: str

    def for_locale(self, locale: str | None) -> str:
        """The text for a platform locale such as "pl", "pl-PL" or "en_GB"; English otherwise."""
        language = (locale or "").replace("_", "-").split("-")[0].lower()
        return self.pl if language == "pl" else self.en


@dataclass(frozen=True)
class Scale:
    """The whole-number range of a scored question, with the labels of both ends."""

    low: int
    high: int
    low_label: LocalizedText
    high_label: LocalizedText

    def values(self) -> range:
        return range(self.low, self.high + 1)


QUESTION_SCALES = {
    "nps": Scale(
        0,
        10,
        LocalizedText(pl="Zdecydowanie nie", en="Not at all likely"),
        LocalizedText(pl="Zdecydowanie tak", en="Extremely likely"),
    ),
    "likert": Scale(
        1,
        5,
        LocalizedText(pl="Zdecydowanie się nie zgadzam", en="Strongly disagree"),
        LocalizedText(pl="Zdecydowanie się zgadzam", en="Strongly agree"),
    ),
}


@dataclass(frozen=True)
class Question:
    id: str
    type: str
    text: LocalizedText
    optional: bool = False
    dimension: str | None = None

    @property
    def scale(self) -> Scale | None:
        """The answer scale of an nps or likert question; None for yes_no and text."""
        return QUESTION_SCALES.get(self.type)


@dataclass(frozen=True)
class SurveyDefinition:
    id: str
    kind: str
    audience_hint: str
    title: LocalizedText
    intro: LocalizedText | None
    questions: tuple[Question, ...]
    source: str = "<text>"

    def question(self, question_id: str) -> Question:
        for question in self.questions:
            if question.id == question_id:
                return question
        raise KeyError(f"survey {self.id!r} has no question {question_id!r}")

    def questions_in(self, dimension_id: str) -> tuple[Question, ...]:
        return tuple(q for q in self.questions if q.dimension == dimension_id)
