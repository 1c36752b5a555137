"""A new question type is one module (a QuestionType) and its catalog entries: nothing else changes.

The type below, "stars" (one to three stars), exists only in this test. Registered in TYPES, it is
parsed from a definition, validated, offered in chat, scored, compared, written in the JSON, the
channel message and the terminal table, and drawn as a digest trend, by the code that is there.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any, ClassVar

import pandas as pd
import pytest

from bot.digest.ex import WaveAggregate, series_figure
from bot.digest.texts import survey_figure_text
from bot.i18n import translator
from bot.services.survey_waves import WaveView
from bot.survey_messages import question_message
from bot.survey_results_messages import results_message
from bot.survey_results_table import results_to_table
from surveys import AnswerError, load_definition, validate_answer
from surveys.localized import LocalizedText, Scale
from surveys.question_types import TYPES
from surveys.question_types.base import NumberText, ScaledType, Translate
from surveys.results import compute_wave_results, results_to_dict
from surveys.scoring import Change, decided_change
from surveys.inference import mean_change_test


@dataclass(frozen=True)
class StarsResult:
    mean: float | None
    counts: dict[int, int]


class StarsType(ScaledType):
    name: ClassVar[str] = "stars"
    scale: ClassVar[Scale] = Scale(1, 3, LocalizedText(pl="jedna", en="one star"), LocalizedText(pl="trzy", en="three stars"))

    def option_label(self, value: int, _: Translate) -> str:
        return "★" * value

    def score(self, values: list[Any]) -> StarsResult:
        counts = {star: sum(1 for v in values if v == star) for star in (1, 2, 3)}
        return StarsResult(sum(values) / len(values) if values else None, counts)

    def headline(self, result: StarsResult) -> float | None:
        return result.mean

    def interval(self, result: StarsResult) -> None:
        return None

    def change(self, previous: StarsResult, current: StarsResult) -> Change:
        test = mean_change_test(previous.counts, current.counts)
        return decided_change(current.mean - previous.mean, test.p_value, test.method, "mean")

    def figures(self, result: StarsResult) -> dict[str, Any]:
        return {"stars": round(result.mean, 2)}

    def figure_text(self, result: StarsResult, n: int, _: Translate) -> str:
        return _("{stars:.1f} stars · n = {n}", stars=result.mean, n=n)

    def table_text(self, result: StarsResult, _: Translate, number: NumberText, *, full: bool = True) -> str:
        return f"{number(result.mean, 1)} ★"


DEFINITION = """
id = "canteen"
kind = "custom"
title = { pl = "Stołówka", en = "Canteen" }
[[questions]]
id = "food"
type = "stars"
text = { pl = "Jak smakuje obiad?", en = "How is lunch?" }
"""


@pytest.fixture()
def stars(monkeypatch):
    monkeypatch.setitem(TYPES, "stars", StarsType())
    return load_definition(DEFINITION, source="canteen.toml")


def _answers(values: list[int]) -> pd.DataFrame:
    rows = [(f"r{i}", "", "food", value, None) for i, value in enumerate(values)]
    frame = pd.DataFrame(rows, columns=["response_id", "org_unit", "question_id", "value_int", "value_text"])
    return frame.astype({"value_int": "Int64", "value_text": object})


def test_an_unregistered_type_is_refused_with_the_known_ones_named():
    with pytest.raises(ValueError, match="stars") as refused:
        load_definition(DEFINITION, source="canteen.toml")
    assert "likert" in str(refused.value)


def test_a_new_type_is_validated_and_offered_in_chat(stars):
    question = stars.question("food")
    assert validate_answer(question, " 3 ") == 3
    with pytest.raises(AnswerError) as refused:
        validate_answer(question, "4")
    assert (refused.value.code, refused.value.params) == ("out_of_range", {"min": 1, "max": 3})

    moment = datetime(2026, 12, 1, tzinfo=timezone.utc)
    wave = WaveView(1, "canteen", stars, "anonymous", moment, moment, False, 5, 1)
    message = question_message(wave, "tok", 0, 0, False, translator("en"))
    assert [option.label for option in message.choices.options] == ["★", "★★", "★★★"]
    assert message.choices.first_number == 1


def test_a_new_type_is_scored_compared_and_written_everywhere(stars):
    before = compute_wave_results(_answers([1, 1, 1, 2, 1, 1]), stars, k=5)
    after = compute_wave_results(_answers([3, 3, 3, 3, 2, 3]), stars, k=5, previous=before)

    assert results_to_dict(after)["questions"][0] == {"question_id": "food", "type": "stars", "suppressed": False,
                                                      "n": 6, "stars": 2.83}
    (change,) = after.changes
    assert change.change.delta == pytest.approx(2.83 - 1.17, abs=0.01) and change.change.significant
    field = results_message(after, stars, translator("en")).fields[0]
    assert field.value.startswith("2.8 stars · n = 6") and "beyond noise" in field.value
    table = results_to_table(after, stars, translator("pl"))
    assert "2,8 ★" in table and "+1,67" in table


def test_a_new_scored_type_is_a_digest_trend(stars):
    waves = [WaveAggregate(1, date(2026, 11, 2), 5, ((1, 5), (2, 1)), ("everyone", None)),
             WaveAggregate(2, date(2026, 11, 30), 5, ((2, 1), (3, 5)), ("everyone", None))]
    figure = series_figure("canteen/food", LocalizedText(pl="Obiad", en="Lunch"), "stars", waves)
    assert [point.value for point in figure.trend] == [pytest.approx(7 / 6), pytest.approx(17 / 6)]
    assert figure.change.significant and figure.ci is None and figure.top2_box is None
    assert survey_figure_text(figure, translator("pl")) == "2,83 · n = 6 · +1,67 od poprzedniego odczytu (ponad poziom szumu)"
