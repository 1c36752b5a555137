"""Sentences and figures of the digest shared by its renderers (chat message, Markdown, HTML)."""
from __future__ import annotations

from babel.numbers import format_decimal

from bot.digest.model import Change, Digest, KpiFigure, MaturitySection, Point, Signal, SurveyFigure
from bot.errors import N_
from bot.i18n import Translate
from bot.labels import EXPERIENCE_LABELS, KIND_LABELS, label
from surveys import stage_for
from surveys.question_types import question_type

KPI_LABELS = {
    "nps": N_("Customer NPS"),
    "csat": N_("Customer satisfaction (CSAT)"),
    "ces": N_("Customer effort (CES)"),
    "complaints": N_("Complaints"),
    "churn": N_("Customer churn (%)"),
    "staff_turnover": N_("Staff turnover (%)"),
}
SIGNAL_TEXTS = {
    "nps_up_enps_down": N_("Customer NPS rose by {nps_delta} while eNPS fell by {enps_delta}: are customers being "
                           "served at the employees' expense?"),
    "complaints_with_workarounds": N_("{area}: complaints rose from {complaints_prior} to {complaints_recent} in four "
                                      "weeks, and so did workaround reports, from {workarounds_prior} to "
                                      "{workarounds_recent}."),
    "owner_overdue": N_("{area}: overdue assignments {overdue}, open {open}."),
    "barrier_growing": N_("Recurring barrier growing: {area}: reports in the last four weeks {recent}, "
                          "in the four before {prior}."),
}
UNTAGGED_LABEL = N_("Not tagged")


def num(value: float, _: Translate, digits: int = 1, *, signed: bool = False) -> str:
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    text = format_decimal(abs(value) if signed else value, format=pattern, locale=_.locale)
    if signed:
        return ("−" if value < 0 else "+") + text if round(value, digits) != 0 else text
    return text


def kpi_label(kpi: str, _: Translate) -> str:
    return _(KPI_LABELS[kpi]) if kpi in KPI_LABELS else kpi.replace("_", " ")


def kind_label(kind: str, _: Translate) -> str:
    return _(UNTAGGED_LABEL) if kind == "untagged" else label(KIND_LABELS, kind, _)


def experience_label(experience: str, _: Translate) -> str:
    return _(UNTAGGED_LABEL) if experience == "untagged" else label(EXPERIENCE_LABELS, experience, _)


def change_text(change: Change | None, _: Translate, digits: int = 1) -> str:
    if change is None:
        return ""
    noise = _("beyond noise") if change.significant else _("within noise")
    return _("{delta} since the previous reading ({noise})", delta=num(change.delta, _, digits, signed=True),
             noise=noise)


def survey_figure_text(figure: SurveyFigure, _: Translate) -> str:
    point = figure.latest
    if point.value is None:
        return _("hidden: fewer than k answered ({date})", date=point.on.isoformat())
    kind = question_type(figure.scale)
    digits, signed = kind.headline_digits, kind.headline_signed
    text = _("{value} · n = {n}", value=num(point.value, _, digits, signed=signed), n=point.n)
    if figure.ci:
        text += " · " + _("95% interval {low} to {high}", low=num(figure.ci[0], _, digits, signed=signed),
                          high=num(figure.ci[1], _, digits, signed=signed))
    if figure.top2_box is not None:
        text += " · " + _("agree (4-5) {share}%", share=num(figure.top2_box, _, 0))
    change = change_text(figure.change, _, digits or 0)
    return text + (" · " + change if change else "")


def kpi_value(value: float, _: Translate) -> str:
    """A KPI as imported: whole numbers without decimals, others with up to two."""
    return format_decimal(value, format="#,##0.##", locale=_.locale)


def point_text(point: Point | None, _: Translate) -> str:
    if point is None:
        return "-"
    text = kpi_value(point.value, _)
    return text + (" (n = {n})".format(n=point.n) if point.n else "")


def kpi_figure_text(figure: KpiFigure, _: Translate) -> str:
    text = _("{value} on {date}", value=point_text(figure.latest, _), date=figure.latest.on.isoformat())
    if figure.previous is not None:
        text += " · " + _("before: {value}", value=point_text(figure.previous, _))
    change = change_text(figure.change, _) or (_(figure.change_note) if figure.change_note else "")
    return text + (" · " + change if change else "")


def kpi_name(figure: KpiFigure, _: Translate) -> str:
    name = kpi_label(figure.kpi, _)
    return f"{name} · {figure.unit}" if figure.unit else name


def signal_text(signal: Signal, _: Translate) -> str:
    figures = {key: num(abs(value), _, 1) if key.endswith("delta") else num(value, _, 0)
               for key, value in signal.figures.items()}
    area = signal.subject or _("The whole organisation")
    return _(SIGNAL_TEXTS[signal.rule], area=area, **figures)


def maturity_headline(maturity: MaturitySection, _: Translate) -> str:
    """Overall score, level and stage with n, its interval and the near-a-boundary note; only when shown."""
    text = _("{score} · level {level}: {stage} · n = {n}", score=num(maturity.overall, _, 2), level=maturity.level,
             stage=stage_for(maturity.level).name.for_locale(_.locale), n=maturity.respondents)
    return text + maturity_interval_note(maturity, _)


def maturity_interval_note(maturity: MaturitySection, _: Translate) -> str:
    """" · 95% interval a-b", and the near-a-boundary note when the interval crosses a level boundary."""
    if maturity.ci is None:
        return ""
    text = " · " + _("95% interval {low}-{high}", low=num(maturity.ci[0], _, 2), high=num(maturity.ci[1], _, 2))
    if maturity.near_boundary:
        text += " · " + _("near a level boundary: another sample could land a level up or down")
    return text


def open_waves_note(digest: Digest, _: Translate) -> str | None:
    """Which survey waves were still open and left out of this digest; None when none was."""
    if not digest.open_waves:
        return None
    waves = "; ".join(_("{survey} (wave {id}, closes {date})", survey=wave.survey.for_locale(_.locale), id=wave.wave_id,
                        date=wave.closes_on.isoformat()) for wave in digest.open_waves)
    return _("Left out because open at the end of this period or still open now: {waves}. A wave's figures appear "
             "only after it closes, so that two readings cannot be subtracted to reveal an answer.", waves=waves)
