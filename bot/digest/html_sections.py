"""The sections of the HTML dashboard (bot.digest.html), each returned as escaped HTML.

Every text that comes from data goes through `View.esc`; every sentence through `_ = v.t`
(named `_` so that the catalog tools find the msgids), which translates, fills in the
parameters and escapes the result as a whole.
"""
from __future__ import annotations

from datetime import date
from html import escape

from babel.dates import format_date

from bot.digest.model import Change, Digest, KpiFigure, Point, SurveyFigure
from bot.digest.texts import (experience_label, kind_label, kpi_label, maturity_interval_note, num,
                             open_waves_note, signal_text)
from bot.i18n import translator
from bot.survey_results_messages import VERDICTS, data_answer_text
from surveys import stage_for
from surveys.question_types import question_type
from bot.errors import NP_
from surveys.diagnostic import DataAnswer

DASH = "–"


class View:
    """The reader's language: translation, numbers, dates and escaping in one place."""

    def __init__(self, locale: str, k: int) -> None:
        self._ = translator(locale)
        self.locale = locale
        self.k = k

    @staticmethod
    def esc(text: object) -> str:
        return escape(str(text), quote=True)

    def t(self, msgid: str, **params: object) -> str:
        return escape(self._(msgid, **params), quote=True)

    def num(self, value: float, digits: int = 0, *, signed: bool = False) -> str:
        return num(value, self._, digits, signed=signed)

    def date(self, day: date) -> str:
        return format_date(day, "medium", locale=self.locale)

    def hidden_text(self) -> str:
        _ = self._
        return _(NP_("Hidden: fewer than {n} answer", "Hidden: fewer than {n} answers"), n=self.k)

    def hidden(self) -> str:
        return f'<span class="hidden-figure">{self.esc(self.hidden_text())}</span>'

    def n(self, n: int | None) -> str:
        return DASH if n is None else f'<span class="nowrap">n = {self.num(n)}</span>'

    def change(self, change: Change | None, digits: int | None) -> str:
        """The change with an arrow and its reading against noise; `digits` None: as many as the value needs."""
        _ = self.t
        if change is None:
            return f'<span class="muted">{_("nothing earlier to compare")}</span>'
        arrow = "↑" if change.delta > 0 else "↓" if change.delta < 0 else "→"
        noise = _("beyond noise") if change.significant else _("within noise")
        css = "beyond" if change.significant else "muted"
        digits = figure_digits(change.delta) if digits is None else digits
        return (f'<span class="nowrap"><span aria-hidden="true">{arrow}</span> '
                f'{self.num(change.delta, digits, signed=True)}</span> '
                f'<span class="{css}">({noise})</span>')


def figure_digits(value: float) -> int:
    """Decimals for an imported KPI: none for whole numbers (counts), else 1 from 10 up, 2 below."""
    if float(value).is_integer():
        return 0
    return 1 if abs(value) >= 10 else 2


def table(headers: list[str], rows: list[list[str]], *, caption: str = "", text_columns: int = 1) -> str:
    """A table whose first cell of each row heads the row; cells are HTML already, columns past
    `text_columns` are figures (right-aligned). A cell given as (html, colspan) spans columns."""
    head = "".join(f'<th scope="col"{_num_class(i, text_columns)}>{h}</th>' for i, h in enumerate(headers))
    body = []
    for row in rows:
        cells, column = [], 0
        for cell in row:
            html, span = cell if isinstance(cell, tuple) else (cell, 1)
            tag, scope = ("th", ' scope="row"') if column == 0 else ("td", "")
            attributes = scope + _num_class(column, text_columns) + (f' colspan="{span}"' if span > 1 else "")
            cells.append(f"<{tag}{attributes}>{html}</{tag}>")
            column += span
        body.append("<tr>" + "".join(cells) + "</tr>")
    caption_html = f"<caption>{caption}</caption>" if caption else ""
    return (f'<div class="scroll"><table>{caption_html}<thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table></div>')


def _num_class(column: int, text_columns: int) -> str:
    return ' class="num"' if column >= text_columns else ""


def section(anchor: str, title: str, body: str) -> str:
    return f'<section id="{anchor}" aria-labelledby="{anchor}-h"><h2 id="{anchor}-h">{title}</h2>{body}</section>'


def signals(digest: Digest, v: View) -> str:
    _ = v.t
    if not digest.signals:
        return f'<p class="muted">{_("No signal beyond noise this week.")}</p>'
    items = []
    for signal in digest.signals:
        try:
            text = v.esc(signal_text(signal, v._))
        except (KeyError, IndexError):  # a rule this renderer does not know yet: say what it carries
            figures = ", ".join(f"{name} {v.num(value, 1)}" for name, value in signal.figures.items())
            text = v.esc(f"{signal.rule}: {signal.subject} ({figures})")
        items.append(f"<li>{text}</li>")
    return f'<ul class="signals">{"".join(items)}</ul>'


def ex(digest: Digest, v: View) -> str:
    _ = v.t
    note = open_waves_note(digest, v._)  # translated plain, escaped once here
    note_html = f'<p class="muted">{v.esc(note)}</p>' if note else ""
    if not digest.ex:
        return f'<p class="muted">{_("No pulse results yet.")}</p>' + note_html
    headers = [_("Measure"), _("Latest"), "n", _("95% interval"), _("Agree (4–5)"),
               _("Change since the previous wave")]
    return table(headers, [_ex_row(figure, v) for figure in digest.ex]) + note_html


def _ex_row(figure: SurveyFigure, v: View) -> list:
    _ = v.t
    kind = question_type(figure.scale)
    name = v.esc(figure.label.for_locale(v.locale))
    if kind.headline_range:
        name += f'<br><small class="muted">{_(kind.headline_range)}</small>'
    point = figure.latest
    if point.value is None:
        return [name, (v.hidden() + _day(point.on, v), 4), DASH]
    digits, signed = kind.headline_digits, kind.headline_signed
    value = f"<strong>{v.num(point.value, digits, signed=signed)}</strong>{_day(point.on, v)}"
    ci = DASH if figure.ci is None else _("{low} to {high}", low=v.num(figure.ci[0], digits, signed=signed),
                                          high=v.num(figure.ci[1], digits, signed=signed))
    top2 = DASH if figure.top2_box is None else f"{v.num(figure.top2_box)}%"
    return [name, value, v.n(point.n), ci, top2, v.change(figure.change, kind.delta_digits)]


def kpis(digest: Digest, v: View) -> str:
    _ = v.t
    parts = []
    for title, figures in ((_("Customers (CX)"), digest.cx), (_("Business"), digest.business)):
        parts.append(f"<h3>{title}</h3>")
        if not figures:
            parts.append(f'<p class="muted">{_("No KPIs imported yet: xgov kpi import FILE.csv")}</p>')
            continue
        headers = [_("KPI"), _("Scope"), _("Latest"), "n", _("Before"), _("Change since the previous reading")]
        parts.append(table(headers, [_kpi_row(figure, v) for figure in figures], text_columns=2))
    return "".join(parts)


def _kpi_row(figure: KpiFigure, v: View) -> list:
    _ = v.t
    scope = v.esc(figure.unit) if figure.unit else _("The whole organisation")
    latest: list = [(v.hidden(), 2)] if figure.latest is None or figure.latest.value is None \
        else [_point(figure.latest, v), v.n(figure.latest.n)]
    previous = DASH if figure.previous is None else _point(figure.previous, v, with_n=True)
    change = v.change(figure.change, None) if figure.change or not figure.change_note \
        else f'<span class="muted">{v.t(figure.change_note)}</span>'
    return [v.esc(kpi_label(figure.kpi, v._)), scope, *latest, previous, change]


def _point(point: Point, v: View, *, with_n: bool = False) -> str:
    if point.value is None:
        return v.hidden()
    n = f" ({v.n(point.n)})" if with_n and point.n is not None else ""
    return f"<strong>{v.num(point.value, figure_digits(point.value))}</strong>{n}{_day(point.on, v)}"


def _day(day: date, v: View) -> str:
    return f'<br><small class="muted nowrap">{v.date(day)}</small>'


def frictions(digest: Digest, v: View) -> str:
    _ = v.t
    f = digest.frictions
    median = DASH if f.median_days_to_resolve is None else v.num(f.median_days_to_resolve, 1)
    stats = [(_("New this week"), v.num(f.new)), (_("Waiting for triage"), v.num(f.unassigned)),
             (_("Overdue"), v.num(f.overdue)), (_("Resolved this week"), v.num(f.resolved)),
             (_("… with a policy change, decision or procedure update"), v.num(f.resolved_with_change)),
             (_("Median days to resolve"), f"{median} <small>({v.n(f.resolved)})</small>")]
    parts = ['<dl class="stats">' + "".join(f"<div><dt>{name}</dt><dd>{value}</dd></div>" for name, value in stats)
             + "</dl>", '<div class="grid2">']
    for heading, counts, name in ((_("Kind"), f.by_kind, kind_label),
                                  (_("Experience affected"), f.by_experience, experience_label)):
        rows = [[v.esc(name(key, v._)), v.num(n)] for key, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
        parts.append(table([heading, _("New reports")], rows) if rows else "")
    parts.append("</div>")
    if f.top_barriers:
        rows = [[f"P-{b.policy_id} {v.esc(b.policy_title)}", v.esc(b.owner), v.num(b.reports), v.num(b.open_reports),
                 v.num(b.last_4_weeks), v.num(b.prior_4_weeks)] for b in f.top_barriers]
        parts.append(table([_("Policy"), _("Owner"), _("Reports"), _("Open"), _("Last 4 weeks"),
                            _("4 weeks before")], rows, caption=_("Top recurring barriers"), text_columns=2))
    return "".join(parts)


def owners(digest: Digest, v: View) -> str:
    _ = v.t
    if not digest.owners:
        return f'<p class="muted">{_("No report has been handed to an owner yet.")}</p>'
    rows = [[v.esc(r.owner), v.num(r.open), f'<strong class="alert">{v.num(r.overdue)}</strong>' if r.overdue else "0",
             DASH if r.oldest_open_days is None else v.num(r.oldest_open_days), v.num(r.resolved_in_period)]
            for r in digest.owners]
    return table([_("Owner"), _("Open"), _("Overdue"), _("Oldest open (days)"), _("Resolved this week")], rows)


def maturity(digest: Digest, v: View) -> str:
    _ = v.t
    m = digest.maturity
    if m is None:
        return f'<p class="muted">{_("No maturity survey has ended yet.")}</p>'
    parts = [f'<p class="muted">{_("Wave ended {date}", date=v.date(m.on))}</p>']
    if m.overall is None or m.level is None:
        parts.append(f'<p class="headline">{v.hidden()}</p>')
    else:
        stage = stage_for(m.level).name.for_locale(v.locale)
        headline = _("{score} · level {level}: {stage} · n = {n}", score=v.num(m.overall, 2), level=m.level,
                     stage=stage, n=v.num(m.respondents or 0)) + v.esc(maturity_interval_note(m, v._))
        parts.append(f'<p class="headline">{headline}</p>')
    if m.previous_wave_id is None:
        parts.append(f'<p class="muted">{_("No earlier maturity wave to compare with.")}</p>')
    else:
        before = v.hidden_text() if m.previous_overall is None else v.num(m.previous_overall, 2)
        parts.append(f"<p>{_('The previous wave: {score}', score=before)}</p>")
    rows = [[v.esc(d.label.for_locale(v.locale)), _score(d.score, v), _dimension_interval(d, v),
             DASH if m.previous_wave_id is None else _score(d.previous, v),
             DASH if d.score is None or d.previous is None else v.num(d.score - d.previous, 2, signed=True)]
            for d in m.dimensions]
    if rows:
        parts.append(table([_("Dimension"), _("Score"), _("95% interval"), _("Before"), _("Change")], rows))
    return "".join(parts)


def diagnostic(digest: Digest, v: View) -> str:
    _ = v.t
    d = digest.diagnostic
    if d is None:
        return f'<p class="muted">{_("No diagnostic survey has ended yet.")}</p>'
    verdict = VERDICTS.get(d.verdict_key)
    parts = [f'<p class="muted">{_("Wave ended {date}", date=v.date(d.on))} · {v.n(d.respondents)}</p>',
             f'<p class="verdict">{_(verdict) if verdict else v.esc(d.verdict_key)}</p>']
    rows = []
    for item in d.items:
        label = v.esc(item.label.for_locale(v.locale))
        if item.n is None:
            rows.append([label, (v.hidden(), 2), _data_answer(item.data_answer, v)])
            continue
        people = _("Undecided (tie)") if item.answer is None else _answer(item.answer, v)
        rows.append([label, f"{v.num(item.yes or 0)} / {v.num(item.n)}", people, _data_answer(item.data_answer, v)])
    parts.append(table([_("Question"), _("Yes / n"), _("People's answer"), _("The data says")], rows))
    return "".join(parts)


def _dimension_interval(d, v: View) -> str:
    if d.ci is None:
        return DASH
    text = f"{v.num(d.ci[0], 2)}–{v.num(d.ci[1], 2)}"
    return text + (f' <span class="muted">({v.t("near a level boundary")})</span>' if d.near_boundary else "")


def _score(score: float | None, v: View) -> str:
    return v.hidden() if score is None else v.num(score, 2)


def _answer(value: bool | None, v: View) -> str:
    _ = v.t
    return {True: _("Yes"), False: _("No"), None: DASH}[value]


def _data_answer(answer: DataAnswer | None, v: View) -> str:
    return v.esc(data_answer_text(answer, v._))
