"""nps: "How likely are you to recommend...", 0-10; the score is %promoters (9-10) - %detractors (0-6)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from surveys.localized import LocalizedText, Scale
from surveys.question_types.base import N_, NumberText, ScaledType, Translate, rounded
from surveys.scoring import Change, NpsResult, nps, nps_of_counts, nps_change

END_LABELS = {0: N_("not at all likely"), 10: N_("extremely likely")}
FIGURE = N_("{score:+.0f} (95% interval {low:+.0f} to {high:+.0f}) · promoters {p}, passives {m}, "
            "detractors {d} · n = {n}")
TABLE = N_("NPS {score} (promoters {p}, passives {m}, detractors {d}; 95% interval {low} to {high})")


class NpsType(ScaledType):
    name: ClassVar[str] = "nps"
    scale: ClassVar[Scale] = Scale(0, 10, LocalizedText(pl="Zdecydowanie nie", en="Not at all likely"),
                                   LocalizedText(pl="Zdecydowanie tak", en="Extremely likely"))
    delta_digits: ClassVar[int] = 1
    headline_digits: ClassVar[int] = 0
    headline_signed: ClassVar[bool] = True
    headline_range: ClassVar[str] = N_("scale −100 to 100")

    def option_label(self, value: int, _: Translate) -> str:
        return f"{value}" + (f" – {_(END_LABELS[value])}" if value in END_LABELS else "")

    def score(self, values: list[Any]) -> NpsResult:
        return nps(values)

    def score_counts(self, counts: Mapping[int, int]) -> NpsResult:
        return nps_of_counts(counts)

    def headline(self, result: NpsResult) -> float | None:
        return result.score

    def change(self, previous: NpsResult, current: NpsResult) -> Change:
        return nps_change(previous, current)

    def figures(self, result: NpsResult) -> dict[str, Any]:
        return {"score": rounded(result.score, 1), "promoters": result.promoters, "passives": result.passives,
                "detractors": result.detractors, "ci_low": rounded(result.ci_low, 1),
                "ci_high": rounded(result.ci_high, 1)}

    def figure_text(self, result: NpsResult, n: int, _: Translate) -> str:
        return _(FIGURE, score=result.score, low=result.ci_low, high=result.ci_high, p=result.promoters,
                 m=result.passives, d=result.detractors, n=n)

    def table_text(self, result: NpsResult, _: Translate, number: NumberText, *, full: bool = True) -> str:
        return _(TABLE, score=number(result.score, 1, sign=True), p=result.promoters, m=result.passives,
                 d=result.detractors, low=number(result.ci_low, 1), high=number(result.ci_high, 1))


NPS = NpsType()
