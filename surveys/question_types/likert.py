"""likert: agreement on 1-5 (1 strongly disagree .. 5 strongly agree); the mean and the share agreeing (4-5)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from surveys.localized import LocalizedText, Scale
from surveys.question_types.base import N_, NumberText, ScaledType, Translate, rounded
from surveys.scoring import Change, LikertResult, likert, likert_of_counts, mean_change

LABELS = {1: N_("Strongly disagree"), 2: N_("Disagree"), 3: N_("Neither agree nor disagree"),
          4: N_("Agree"), 5: N_("Strongly agree")}
FIGURE = N_("mean {mean:.2f} · agree (4-5) {top:.0f}% · n = {n}")
TABLE = N_("mean {mean} (95% interval {low} to {high}), agree (4-5) {top2}% (95% interval {top2_low} to {top2_high})")
TABLE_SHORT = N_("mean {mean}, agree (4-5) {top2}%")


class LikertType(ScaledType):
    name: ClassVar[str] = "likert"
    scale: ClassVar[Scale] = Scale(1, 5, LocalizedText(pl="Zdecydowanie się nie zgadzam", en="Strongly disagree"),
                                   LocalizedText(pl="Zdecydowanie się zgadzam", en="Strongly agree"))
    headline_range: ClassVar[str] = N_("scale 1 to 5")

    def option_label(self, value: int, _: Translate) -> str:
        return f"{value} – {_(LABELS[value])}"

    def score(self, values: list[Any]) -> LikertResult:
        return likert(values)

    def score_counts(self, counts: Mapping[int, int]) -> LikertResult:
        return likert_of_counts(counts)

    def headline(self, result: LikertResult) -> float | None:
        return result.mean

    def agree_share(self, result: LikertResult) -> float | None:
        return result.top2_box

    def change(self, previous: LikertResult, current: LikertResult) -> Change:
        return mean_change(previous, current)

    def figures(self, result: LikertResult) -> dict[str, Any]:
        top2_low, top2_high = result.top2_ci or (None, None)
        return {"mean": rounded(result.mean, 2), "top2_box": rounded(result.top2_box, 1),
                "distribution": {str(value): count for value, count in result.distribution.items()},
                "ci_low": rounded(result.ci_low, 2), "ci_high": rounded(result.ci_high, 2),
                "top2_ci_low": rounded(top2_low, 1), "top2_ci_high": rounded(top2_high, 1)}

    def figure_text(self, result: LikertResult, n: int, _: Translate) -> str:
        return _(FIGURE, mean=result.mean, top=result.top2_box, n=n)

    def table_text(self, result: LikertResult, _: Translate, number: NumberText, *, full: bool = True) -> str:
        top2_low, top2_high = result.top2_ci or (None, None)
        return _(TABLE if full and result.ci_low is not None else TABLE_SHORT, mean=number(result.mean, 2),
                 top2=number(result.top2_box, 1), low=number(result.ci_low, 2), high=number(result.ci_high, 2),
                 top2_low=number(top2_low, 1), top2_high=number(top2_high, 1))


LIKERT = LikertType()
