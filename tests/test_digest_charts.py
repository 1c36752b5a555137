"""The digest's charts: PNGs of a known size, stable bytes, gaps where fewer than k answered, the reader's language."""
from __future__ import annotations

import dataclasses
import io
import math
from datetime import date, datetime, timedelta, timezone

import pytest
from matplotlib.image import imread

from bot.digest import charts
from bot.digest.chart_parts import indexed, shorten, trimmed_weeks, two_lines, values
from bot.digest.model import (
    Digest, DimensionFigure, FrictionSection, KpiFigure, MaturitySection, Period, Point, SurveyFigure, WeekCount,
)
from surveys.model import LocalizedText

MONDAY = date(2026, 1, 5)
HIDDEN = "fewer than 5 answers: hidden"


def points(*numbers: float | None, start: date = MONDAY, step: int = 14) -> tuple[Point, ...]:
    return tuple(Point(start + timedelta(days=step * i), v, None if v is None else 40) for i, v in enumerate(numbers))


def survey(key: str, scale: str, en: str, pl: str, *numbers: float | None) -> SurveyFigure:
    trend = points(*numbers)
    return SurveyFigure(key, LocalizedText(pl=pl, en=en), scale, trend[-1], None, None, None, trend)


def kpi(name: str, group: str, *numbers: float | None, unit: str | None = None) -> KpiFigure:
    trend = points(*numbers, step=7)
    return KpiFigure(name, group, unit, trend[-1], trend[-2], None, trend)


def weeks(*counts: dict[str, int]) -> tuple[WeekCount, ...]:
    return tuple(WeekCount(MONDAY + timedelta(weeks=i), c) for i, c in enumerate(counts))


def dimension(name: str, score: float | None, previous: float | None = None) -> DimensionFigure:
    return DimensionFigure(name, LocalizedText(pl=f"Wymiar {name}", en=f"Dimension {name}"), score, previous)


MATURITY = MaturitySection(
    wave_id=3, on=date(2026, 2, 2), respondents=12, overall=2.5, level=2, previous_wave_id=None, previous_overall=None,
    dimensions=tuple(dimension(name, 2.0 + i / 5) for i, name in enumerate("abcdef")))


def make_digest(**changes) -> Digest:
    frictions = FrictionSection(
        new=9, by_kind={}, by_experience={}, top_barriers=(), unassigned=0, overdue=0, resolved=0,
        resolved_with_change=0, median_days_to_resolve=None,
        weekly_by_kind=weeks({}, {}, {"workaround": 2, "untagged": 1}, {}, {"exception": 3, "workaround": 1}))
    digest = Digest(
        period=Period(date(2026, 3, 23), date(2026, 3, 29), "2026-W13"),
        generated_at=datetime(2026, 3, 30, 8, tzinfo=timezone.utc), k=5,
        ex=(survey("enps", "nps", "eNPS", "eNPS", -20, None, -5, 4),
            survey("pulse/clear", "likert", "I know who decides when something is unclear in my daily work",
                   "Wiem, kto decyduje, gdy w mojej codziennej pracy coś jest niejasne", 2.5, 2.8, 3.1, 3.3),
            survey("pulse/tools", "likert", "I have the tools", "Mam narzędzia", 3.9, 4.0, None, 4.1)),
        cx=(kpi("nps", "cx", 20, 25, 30), kpi("csat", "cx", 4.0, 4.2, 4.4), kpi("nps", "cx", 1, 2, unit="Sales")),
        business=(kpi("complaints", "business", 50, 60, 75),),
        frictions=frictions, owners=(), maturity=MATURITY, diagnostic=None, signals=())
    return dataclasses.replace(digest, **changes)


def empty_digest() -> Digest:
    return make_digest(ex=(), cx=(), business=(), maturity=None,
                       frictions=dataclasses.replace(make_digest().frictions, weekly_by_kind=weeks({}, {})))


def legend_texts(ax) -> list[str]:
    return [text.get_text() for text in ax.get_legend().get_texts()]


def line(ax, label: str):
    return next(found for found in ax.get_lines() if found.get_label() == label)


@pytest.fixture
def fake_polish(monkeypatch):
    """A translator standing in for the Polish catalog: every text comes out marked, so none can stay English."""
    asked = []

    def translator(locale):
        asked.append(locale)

        def _(msgid, **params):
            if isinstance(msgid, tuple):  # a plural entry
                msgid = msgid[params["n"] != 1]
            return "PL:" + (msgid.format(**params) if params else msgid)

        _.locale = locale
        return _

    monkeypatch.setattr(charts, "translator", translator)
    return asked


# --- what the reader gets -----------------------------------------------------------------------------

@pytest.mark.parametrize("locale", ["en", "pl"])
def test_every_chart_is_a_png_of_its_size(locale):
    images = charts.all_charts(make_digest(), locale)
    assert list(images) == ["trends.png", "frictions.png", "maturity.png"]
    sizes = {"trends.png": (869, 1100), "frictions.png": (495, 1100), "maturity.png": (770, 990)}
    for name, image in images.items():
        assert image.startswith(b"\x89PNG"), name
        assert imread(io.BytesIO(image)).shape[:2] == sizes[name], name


def test_the_same_digest_gives_the_same_bytes():
    assert charts.all_charts(make_digest(), "pl") == charts.all_charts(make_digest(), "pl")


def test_no_data_no_charts():
    assert charts.all_charts(empty_digest(), "en") == {}
    assert charts.trend_chart(empty_digest(), "en") is None
    assert charts.frictions_chart(empty_digest(), "en") is None
    assert charts.maturity_radar(empty_digest(), "en") is None


def test_a_maturity_wave_without_scores_has_no_radar():
    unscored = dataclasses.replace(MATURITY, overall=None, level=None,
                                   dimensions=tuple(dimension(n, None) for n in "abcdef"))
    assert charts.maturity_radar(make_digest(maturity=unscored), "en") is None


# --- trends -------------------------------------------------------------------------------------------

def test_the_trend_chart_stacks_three_panels_on_one_time_axis():
    figure = charts.build_trend_figure(make_digest(), "en")
    scores, pulse, others = figure.axes
    assert [ax.get_title(loc="left") for ax in figure.axes] == [
        "eNPS and customer NPS", "Pulse questions", "Other KPIs as an index (first reading = 100)"]
    assert scores.get_shared_x_axes().joined(scores, others)
    assert scores.get_ylim() == (-100, 100) and pulse.get_ylim() == (1, 5)
    assert [ax.get_ylabel() for ax in figure.axes] == ["Score (-100 to 100)", "Average (1 to 5)", "Index"]
    assert others.get_xlabel() == "Date"
    assert figure.get_suptitle() == "Trends, 2026-W13"


def test_a_hidden_reading_breaks_the_line_and_is_marked():
    figure = charts.build_trend_figure(make_digest(), "en")
    scores, pulse, _others = figure.axes
    enps = line(scores, "eNPS").get_ydata()
    assert enps[0] == -20 and math.isnan(enps[1]) and enps[2] == -5
    assert 0 not in list(enps)
    assert HIDDEN in legend_texts(scores) and HIDDEN in legend_texts(pulse)
    marker = line(scores, HIDDEN)
    assert marker.get_marker() == "x" and list(marker.get_xdata()) == [MONDAY + timedelta(days=14)]


def test_values_turn_hidden_points_into_nan():
    days, ys = values(points(1.0, None, 3.0))
    assert days == [MONDAY, MONDAY + timedelta(days=14), MONDAY + timedelta(days=28)]
    assert ys[0] == 1.0 and math.isnan(ys[1]) and ys[2] == 3.0


def test_other_kpis_are_an_index_on_their_first_reading_with_the_latest_raw_value_named():
    figure = charts.build_trend_figure(make_digest(), "en")
    others = figure.axes[2]
    assert legend_texts(others) == ["Customer satisfaction (CSAT): latest 4.40", "Complaints: latest 75.0"]
    assert list(line(others, "Complaints: latest 75.0").get_ydata()) == [100, 120, 150]


def test_unit_kpis_stay_out_and_customer_nps_joins_enps():
    figure = charts.build_trend_figure(make_digest(), "en")
    assert legend_texts(figure.axes[0]) == ["eNPS", "Customer NPS", HIDDEN]
    assert all("Sales" not in text for ax in figure.axes for text in legend_texts(ax))


def test_index_arithmetic():
    assert indexed([50.0, math.nan, 75.0])[::2] == [100, 150]
    assert indexed([math.nan, 4.0, 2.0])[1:] == [100, 50]
    assert indexed([-10.0, -5.0]) == [100, 150]  # a rise stays a rise
    assert indexed([0.0, 3.0]) is None
    assert indexed([math.nan]) is None


def test_panels_without_data_are_left_out():
    figure = charts.build_trend_figure(make_digest(ex=()), "en")
    assert [ax.get_title(loc="left") for ax in figure.axes] == [
        "eNPS and customer NPS", "Other KPIs as an index (first reading = 100)"]
    assert charts.build_trend_figure(make_digest(cx=(), business=()), "en").axes[-1].get_title(loc="left") == \
        "Pulse questions"


def test_long_questions_are_shortened_in_the_legend():
    pulse = charts.build_trend_figure(make_digest(), "en").axes[1]
    assert legend_texts(pulse)[:2] == ["I know who decides when something is unclear…", "I have the tools"]
    assert shorten("word " * 20) == "word " * 8 + "word…"
    assert len(shorten("x" * 80)) == 45


# --- frictions ----------------------------------------------------------------------------------------

def test_friction_bars_start_at_the_first_week_with_reports_and_stack_by_kind():
    figure = charts.build_frictions_figure(make_digest(), "en")
    ax = figure.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["19 Jan", "26 Jan", "2 Feb"]
    assert legend_texts(ax) == ["Manual workaround", "Exception to a procedure", "Not tagged"]
    assert ax.get_xlabel() == "Week starting" and ax.get_ylabel() == "Reports"
    tops = {round(bar.get_x() + bar.get_width() / 2): bar.get_y() + bar.get_height() for bar in ax.patches}
    assert tops == {0: 3, 1: 0, 2: 4}


def test_trimmed_weeks():
    assert trimmed_weeks(weeks({}, {"other": 1}, {})) == weeks({}, {"other": 1}, {})[1:]
    assert trimmed_weeks(weeks({}, {"other": 0})) == ()


# --- maturity -----------------------------------------------------------------------------------------

def test_the_radar_shows_six_dimensions_and_the_stage_in_the_title():
    figure = charts.build_maturity_figure(make_digest(), "en")
    ax = figure.axes[0]
    assert ax.name == "polar"
    assert [t.get_text() for t in ax.get_xticklabels()] == [f"Dimension {n}" for n in "abcdef"]
    assert figure.get_suptitle() == "Maturity 2.50 of 5: level 2, Noticing"
    assert legend_texts(ax) == ["Wave of 2 Feb 2026"]


def test_a_dimension_without_a_score_leaves_a_gap_and_says_so():
    partial = dataclasses.replace(MATURITY, overall=None, level=None,
                                  dimensions=tuple(dimension(n, None if n == "b" else 3.0) for n in "abcdef"))
    figure = charts.build_maturity_figure(make_digest(maturity=partial), "en")
    ax = figure.axes[0]
    assert figure.get_suptitle() == "Maturity (scale 1 to 5)"
    assert ax.get_xticklabels()[1].get_text() == "Dimension b\n(no score)"
    assert math.isnan(line(ax, "Wave of 2 Feb 2026").get_ydata()[1])


def test_the_previous_wave_is_a_dashed_polygon():
    earlier = dataclasses.replace(MATURITY, dimensions=tuple(dimension(n, 3.0, 2.0) for n in "abcdef"))
    ax = charts.build_maturity_figure(make_digest(maturity=earlier), "en").axes[0]
    previous = line(ax, "Previous wave")
    assert previous.get_linestyle() == "--" and list(previous.get_ydata()) == [2.0] * 7


def test_long_dimension_names_take_two_lines():
    assert two_lines("Employees' skills and competencies") == "Employees' skills\nand competencies"
    assert two_lines("Short") == "Short"


# --- language -----------------------------------------------------------------------------------------

def test_polish_texts_come_from_the_translator_and_the_polish_definitions(fake_polish):
    trend = charts.build_trend_figure(make_digest(), "pl")
    assert set(fake_polish) == {"pl"}
    assert trend.axes[1].get_ylabel() == "PL:Average (1 to 5)"
    assert legend_texts(trend.axes[1])[0] == "Wiem, kto decyduje, gdy w mojej codziennej…"
    assert "PL:Customer NPS" in legend_texts(trend.axes[0])
    trend.canvas.draw()  # date labels are made when drawn
    assert "sty" in {t.get_text().split(" ")[1] for t in trend.axes[2].get_xticklabels() if t.get_text()}
    radar = charts.build_maturity_figure(make_digest(), "pl")
    assert radar.get_suptitle() == "PL:Maturity 2,50 of 5: level 2, Dostrzegający"
    assert radar.axes[0].get_xticklabels()[0].get_text() == "Wymiar a"
    bars = charts.build_frictions_figure(make_digest(), "pl").axes[0]
    assert legend_texts(bars) == ["PL:Manual workaround", "PL:Exception to a procedure", "PL:Not tagged"]
    assert bars.get_xticklabels()[0].get_text() == "19 sty"


def test_english_and_polish_images_differ():
    assert charts.trend_chart(make_digest(), "en") != charts.trend_chart(make_digest(), "pl")
