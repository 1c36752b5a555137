"""The digest's charts as PNG images, in the reader's language.

- trend_chart: EX and CX scores, the 1-5 pulse items and the other KPIs on one time axis;
- frictions_chart: friction reports per week, stacked by kind;
- maturity_radar: the six maturity dimensions, with the previous wave when there is one.

Each chart is built as a matplotlib Figure first (`build_*`, to inspect in tests), then
saved with `png`. A reading from fewer than k people is never drawn as a value: the line
breaks there and a grey x marks the gap.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

from matplotlib import dates as mdates
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from bot.digest.chart_parts import (
    HIDDEN_COLOUR, day_label, hidden_dates, indexed, number_digits, png, shorten, spans_years, trimmed_weeks,
    two_lines, values,
)
from bot.digest.ex import ENPS_KEY
from bot.digest.model import Digest, KpiFigure, MaturitySection, Point, WeekCount
from bot.digest.texts import kind_label, kpi_label, num
from bot.errors import N_
from bot.i18n import Translate, translator
from surveys.maturity import stage_for
from bot.errors import NP_

KINDS = ("workaround", "exception", "conflicting_kpis", "missing_decision", "other", "untagged")
KIND_COLOURS = ("#d95f02", "#7570b3", "#e7298a", "#1b9e77", "#66a61e", "#b3b3b3")
LINE_COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2")
Line = tuple[str, tuple[Point, ...]]  # legend label, points


def trend_chart(digest: Digest, locale: str) -> bytes | None:
    figure = build_trend_figure(digest, locale)
    return png(figure) if figure else None


def frictions_chart(digest: Digest, locale: str) -> bytes | None:
    figure = build_frictions_figure(digest, locale)
    return png(figure) if figure else None


def maturity_radar(digest: Digest, locale: str) -> bytes | None:
    figure = build_maturity_figure(digest, locale)
    return png(figure) if figure else None


@dataclass(frozen=True)
class Chart:
    """One chart of the digest: its file name, how it is drawn, and its title and alt text (msgids),
    the same in the channel, the dashboard and the demo's files."""

    name: str
    draw: Callable[[Digest, str], bytes | None]
    title: str
    alt: str


TREND_CHART = "trends.png"  # shown in the digest message itself; the others are uploaded beside it
CHARTS = (
    Chart(TREND_CHART, trend_chart, N_("EX, CX and KPI trends on one time axis"),
          N_("Line chart: eNPS, the pulse items and the KPIs over the recent weeks; gaps where fewer than k "
             "answered.")),
    Chart("frictions.png", frictions_chart, N_("Friction reports by kind, week by week"),
          N_("Bar chart: friction reports per week by kind.")),
    Chart("maturity.png", maturity_radar, N_("CX governance maturity by dimension"),
          N_("Radar chart: maturity score of each dimension, this wave and the previous one.")),
)
CHART_BY_NAME = {chart.name: chart for chart in CHARTS}


def all_charts(digest: Digest, locale: str) -> dict[str, bytes]:
    """name -> PNG of every chart that has data, in CHARTS' order."""
    images = {chart.name: chart.draw(digest, locale) for chart in CHARTS}
    return {name: image for name, image in images.items() if image is not None}


def chart_title(name: str, _: Translate) -> str:
    return _(CHART_BY_NAME[name].title) if name in CHART_BY_NAME else name


def chart_alt(name: str, _: Translate) -> str:
    return _(CHART_BY_NAME[name].alt) if name in CHART_BY_NAME else name


# --- trends -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Panel:
    title: str
    ylabel: str
    lines: list[Line]  # raw values; an index panel turns them into an index when drawing
    limits: tuple[float, float] | None  # None: an index panel, limits from the data
    reference: float  # a faint horizontal line: 0 for scores, 3 mid-scale, 100 the index base
    ticks: tuple[float, ...] = ()


def trend_panels(digest: Digest, _: Translate) -> list[Panel]:
    """The panels of the trend chart that have data, top to bottom."""
    organisation = [f for f in digest.cx + digest.business if f.unit is None and f.trend]
    scores = [(f.label.for_locale(_.locale), f.trend) for f in digest.ex if f.key == ENPS_KEY and f.trend]
    scores += [(kpi_label(f.kpi, _), f.trend) for f in organisation if f.kpi == "nps"]
    pulse = [(shorten(f.label.for_locale(_.locale)), f.trend) for f in digest.ex if f.scale == "likert" and f.trend]
    others = [(_kpi_legend(f, _), f.trend) for f in organisation
              if f.kpi != "nps" and indexed(values(f.trend)[1]) is not None]  # no index on a first reading of 0
    panels = [Panel(_("eNPS and customer NPS"), _("Score (-100 to 100)"), scores, (-100, 100), 0,
                    (-100, -50, 0, 50, 100)),
              Panel(_("Pulse questions"), _("Average (1 to 5)"), pulse, (1, 5), 3, (1, 2, 3, 4, 5)),
              Panel(_("Other KPIs as an index (first reading = 100)"), _("Index"), others, None, 100)]
    return [panel for panel in panels if panel.lines]


def _kpi_legend(figure: KpiFigure, _: Translate) -> str:
    latest = figure.latest
    if latest is None or latest.value is None:
        return kpi_label(figure.kpi, _)
    return _("{kpi}: latest {value}", kpi=kpi_label(figure.kpi, _),
             value=num(latest.value, _, number_digits(latest.value)))


def build_trend_figure(digest: Digest, locale: str) -> Figure | None:
    _ = translator(locale)
    panels = trend_panels(digest, _)
    if not panels:
        return None
    figure = Figure(figsize=(10, 1.9 + 2.0 * len(panels)), layout="constrained")
    axes = figure.subplots(len(panels), 1, sharex=True, squeeze=False)[:, 0]
    for ax, panel in zip(axes, panels):
        _draw_panel(ax, panel, _(NP_("fewer than {n} answer: hidden", "fewer than {n} answers: hidden"), n=digest.k))
    days = [p.on for panel in panels for _label, points in panel.lines for p in points]
    _date_axis(axes[-1], locale, spans_years(days))
    axes[-1].set_xlabel(_("Date"), fontsize=9)
    figure.suptitle(_("Trends, {period}", period=digest.period.label), fontsize=12)
    return figure


def _draw_panel(ax: Axes, panel: Panel, hidden_label: str) -> None:
    _draw_lines(ax, panel.lines, index=panel.limits is None)
    ax.set_title(panel.title, loc="left", fontsize=10)
    ax.set_ylabel(panel.ylabel, fontsize=9)
    if panel.limits:
        ax.set_ylim(*panel.limits)
        ax.set_yticks(panel.ticks)
    ax.axhline(panel.reference, color="0.8", linewidth=0.8, zorder=0)
    ax.grid(axis="y", color="0.92")
    _mark_hidden(ax, panel.lines, hidden_label)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8, frameon=False)


def _draw_lines(ax: Axes, lines: list[Line], *, index: bool) -> None:
    for colour, (label, points) in zip(_cycle(LINE_COLOURS, len(lines)), lines):
        days, ys = values(points)
        ys = indexed(ys) if index else ys
        ax.plot(days, ys, color=colour, marker="o", markersize=3.5, linewidth=1.6, label=label)


def _mark_hidden(ax: Axes, lines: list[Line], label: str) -> None:
    days = sorted({day for _label, points in lines for day in hidden_dates(points)})
    if days:
        ax.plot(days, [0.04] * len(days), transform=ax.get_xaxis_transform(), linestyle="none", marker="x",
                markersize=5, color=HIDDEN_COLOUR, label=label, clip_on=False)


def _date_axis(ax: Axes, locale: str, with_year: bool) -> None:
    ax.xaxis.set_major_locator(mdates.AutoDateLocator(minticks=4, maxticks=10))
    ax.xaxis.set_major_formatter(FuncFormatter(
        lambda x, _pos: day_label(mdates.num2date(x).date(), locale, with_year=with_year)))


def _cycle(colours: tuple[str, ...], count: int) -> list[str]:
    return [colours[i % len(colours)] for i in range(count)]


# --- frictions --------------------------------------------------------------------------------------

def build_frictions_figure(digest: Digest, locale: str) -> Figure | None:
    weeks = trimmed_weeks(digest.frictions.weekly_by_kind)
    if not weeks:
        return None
    _ = translator(locale)
    figure = Figure(figsize=(10, 4.5), layout="constrained")
    ax = figure.subplots()
    _stacked_bars(ax, weeks, _)
    step = math.ceil(len(weeks) / 14)  # at most 14 dates under the bars
    with_year = spans_years([week.week_start for week in weeks])
    ax.set_xticks(range(0, len(weeks), step),
                  [day_label(w.week_start, locale, with_year=with_year) for w in weeks[::step]], fontsize=8)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(_("Week starting"), fontsize=9)
    ax.set_ylabel(_("Reports"), fontsize=9)
    ax.grid(axis="y", color="0.92")
    ax.set_axisbelow(True)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8, frameon=False)
    figure.suptitle(_("Friction reports per week, {period}", period=digest.period.label), fontsize=12)
    return figure


def _stacked_bars(ax: Axes, weeks: tuple[WeekCount, ...], _: Translate) -> None:
    """One bar per week, a segment per kind in the fixed order of KINDS (unknown kinds last, in grey)."""
    kinds = [kind for kind in KINDS if any(week.counts.get(kind) for week in weeks)]
    kinds += sorted({kind for week in weeks for kind in week.counts} - set(KINDS))
    bottoms = [0] * len(weeks)
    for kind in kinds:
        counts = [week.counts.get(kind, 0) for week in weeks]
        colour = KIND_COLOURS[KINDS.index(kind)] if kind in KINDS else HIDDEN_COLOUR
        ax.bar(range(len(weeks)), counts, bottom=bottoms, width=0.7, color=colour, label=kind_label(kind, _))
        bottoms = [b + c for b, c in zip(bottoms, counts)]


# --- maturity ---------------------------------------------------------------------------------------

def build_maturity_figure(digest: Digest, locale: str) -> Figure | None:
    maturity = digest.maturity
    if maturity is None or all(d.score is None for d in maturity.dimensions):
        return None
    _ = translator(locale)
    figure = Figure(figsize=(9, 7), layout="constrained")
    ax = figure.add_subplot(projection="polar")
    ax.set_theta_offset(math.pi / 2)
    ax.set_theta_direction(-1)  # clockwise from the top
    angles = [2 * math.pi * i / len(maturity.dimensions) for i in range(len(maturity.dimensions))]
    _polygons(ax, angles, maturity, _)
    _dimension_labels(ax, angles, maturity, _)
    ax.set_ylim(0, 5)
    ax.set_yticks([1, 2, 3, 4, 5])
    ax.tick_params(axis="y", labelsize=7, labelcolor="0.4")
    ax.set_rlabel_position(180 / len(angles))  # between the first two dimensions
    ax.legend(loc="upper right", bbox_to_anchor=(1.15, 1.12), fontsize=8, frameon=False)
    figure.suptitle(_maturity_title(maturity, _), fontsize=12)
    return figure


def _polygons(ax: Axes, angles: list[float], maturity: MaturitySection, _: Translate) -> None:
    """This wave filled, the previous one dashed; a dimension without a score leaves a gap."""
    closed = angles + angles[:1]
    scores = [math.nan if d.score is None else d.score for d in maturity.dimensions]
    previous = [math.nan if d.previous is None else d.previous for d in maturity.dimensions]
    if not all(math.isnan(s) for s in previous):
        ax.plot(closed, previous + previous[:1], color="0.45", linestyle="--", linewidth=1.4, label=_("Previous wave"))
    ax.plot(closed, scores + scores[:1], color=LINE_COLOURS[0], marker="o", linewidth=2,
            label=_("Wave of {date}", date=day_label(maturity.on, _.locale, with_year=True)))
    if not any(math.isnan(s) for s in scores):
        ax.fill(closed, scores + scores[:1], color=LINE_COLOURS[0], alpha=0.2)


def _dimension_labels(ax: Axes, angles: list[float], maturity: MaturitySection, _: Translate) -> None:
    labels = [two_lines(d.label.for_locale(_.locale)) + ("" if d.score is not None else "\n(" + _("no score") + ")")
              for d in maturity.dimensions]
    ax.set_xticks(angles, labels, fontsize=9)
    for angle, text in zip(angles, ax.get_xticklabels()):
        side = math.sin(angle)  # clockwise from the top: > 0 on the right, so the label grows away from the circle
        align = "left" if side > 0.1 else "right" if side < -0.1 else "center"
        text.set_horizontalalignment(align)
        text.set_multialignment(align)
    ax.tick_params(axis="x", pad=10)


def _maturity_title(maturity: MaturitySection, _: Translate) -> str:
    if maturity.overall is None or maturity.level is None:
        return _("Maturity (scale 1 to 5)")
    stage = stage_for(maturity.level).name.for_locale(_.locale)
    return _("Maturity {score} of 5: level {level}, {stage}", score=num(maturity.overall, _, 2),
             level=maturity.level, stage=stage)
