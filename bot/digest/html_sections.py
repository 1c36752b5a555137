"""The sections of the HTML dashboard (bot.digest.html), each returned as escaped HTML.

Every text that comes from data goes through `View.esc`; every sentence through `View.t`,
which translates, fills in the parameters and escapes the result as a whole.
"""
from __future__ import annotations

from datetime import date
from html import escape

from babel.dates import format_date

from bot.digest.model import Change, Digest, KpiFigure, Point, SurveyFigure
from bot.digest.texts import experience_label, kind_label, kpi_label, num, signal_text
from bot.i18n import translator
from bot.survey_results_messages import VERDICTS
from surveys import stage_for

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

    def hidden(self) -> str:
        return f'<span class="hidden-figure">{self.t("Hidden: fewer than {k} answered", k=self.k)}</span>'

    def n(self, n: int | None) -> str:
        return DASH if n is None else f'<span class="nowrap">n = {self.num(n)}</span>'

    def change(self, change: Change | None, digits: int) -> str:
        if change is None:
            return f'<span class="muted">{self.t("nothing earlier to compare")}</span>'
        arrow = "↑" if change.delta > 0 else "↓" if change.delta < 0 else "→"
        noise = self.t("beyond noise") if change.significant else self.t("within noise")
        css = "beyond" if change.significant else "muted"
        return (f'<span aria-hidden="true">{arrow}</span> {self.num(change.delta, digits, signed=True)} '
                f'<span class="{css}">({noise})</span>')


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
    if not digest.signals:
        return f'<p class="muted">{v.t("No signal beyond noise this week.")}</p>'
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
    if not digest.ex:
        return f'<p class="muted">{v.t("No pulse results yet.")}</p>'
    headers = [v.t("Measure"), v.t("Latest"), "n", v.t("95% interval"), v.t("Agree (4–5)"),
               v.t("Change since the previous wave")]
    return table(headers, [_ex_row(figure, v) for figure in digest.ex])


def _ex_row(figure: SurveyFigure, v: View) -> list:
    nps = figure.scale == "nps"
    scale = v.t("scale −100 to 100") if nps else v.t("scale 1 to 5")
    name = f'{v.esc(figure.label.for_locale(v.locale))}<br><small class="muted">{scale}</small>'
    point = figure.latest
    if point.value is None:
        return [name, (f"{v.hidden()}<br><small class='muted'>{v.date(point.on)}</small>", 4), DASH]
    digits = 0 if nps else 2
    value = f"<strong>{v.num(point.value, digits, signed=nps)}</strong><br><small class='muted'>{v.date(point.on)}</small>"
    ci = DASH if figure.ci is None else (f"{v.num(figure.ci[0], digits, signed=nps)} {DASH} "
                                         f"{v.num(figure.ci[1], digits, signed=nps)}")
    top2 = DASH if figure.top2_box is None else f"{v.num(figure.top2_box)}%"
    return [name, value, v.n(point.n), ci, top2, v.change(figure.change, 1 if nps else 2)]


def kpis(digest: Digest, v: View) -> str:
    parts = []
    for title, figures in ((v.t("Customers (CX)"), digest.cx), (v.t("Business"), digest.business)):
        parts.append(f"<h3>{title}</h3>")
        if not figures:
            parts.append(f'<p class="muted">{v.t("No KPIs imported yet: xgov kpi import FILE.csv")}</p>')
            continue
        headers = [v.t("KPI"), v.t("Scope"), v.t("Latest"), "n", v.t("Before"), v.t("Change since the previous reading")]
        parts.append(table(headers, [_kpi_row(figure, v) for figure in figures], text_columns=2))
    return "".join(parts)


def _kpi_row(figure: KpiFigure, v: View) -> list:
    scope = v.esc(figure.unit) if figure.unit else v.t("The whole organisation")
    latest: list = [(v.hidden(), 2)] if figure.latest is None or figure.latest.value is None \
        else [_point(figure.latest, v), v.n(figure.latest.n)]
    previous = DASH if figure.previous is None else _point(figure.previous, v, with_n=True)
    return [v.esc(kpi_label(figure.kpi, v._)), scope, *latest, previous, v.change(figure.change, 2)]


def _point(point: Point, v: View, *, with_n: bool = False) -> str:
    if point.value is None:
        return v.hidden()
    n = f" ({v.n(point.n)})" if with_n and point.n is not None else ""
    return f"<strong>{v.num(point.value, 2)}</strong>{n}<br><small class='muted'>{v.date(point.on)}</small>"


def frictions(digest: Digest, v: View) -> str:
    f = digest.frictions
    median = DASH if f.median_days_to_resolve is None else v.num(f.median_days_to_resolve, 1)
    stats = [(v.t("New this week"), v.num(f.new)), (v.t("Waiting for triage"), v.num(f.unassigned)),
             (v.t("Overdue"), v.num(f.overdue)), (v.t("Resolved this week"), v.num(f.resolved)),
             (v.t("… with a policy change, decision or procedure update"), v.num(f.resolved_with_change)),
             (v.t("Median days to resolve"), f"{median} <small>({v.n(f.resolved)})</small>")]
    parts = ['<dl class="stats">' + "".join(f"<div><dt>{name}</dt><dd>{value}</dd></div>" for name, value in stats)
             + "</dl>", '<div class="grid2">']
    for heading, counts, name in ((v.t("Kind"), f.by_kind, kind_label),
                                  (v.t("Experience affected"), f.by_experience, experience_label)):
        rows = [[v.esc(name(key, v._)), v.num(n)] for key, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
        parts.append(table([heading, v.t("New reports")], rows) if rows else "")
    parts.append("</div>")
    if f.top_barriers:
        rows = [[f"P-{b.policy_id} {v.esc(b.policy_title)}", v.esc(b.owner), v.num(b.reports), v.num(b.open_reports),
                 v.num(b.last_4_weeks), v.num(b.prior_4_weeks)] for b in f.top_barriers]
        parts.append(table([v.t("Policy"), v.t("Owner"), v.t("Reports"), v.t("Open"), v.t("Last 4 weeks"),
                            v.t("4 weeks before")], rows, caption=v.t("Top recurring barriers"), text_columns=2))
    return "".join(parts)


def owners(digest: Digest, v: View) -> str:
    if not digest.owners:
        return f'<p class="muted">{v.t("No report has been handed to an owner yet.")}</p>'
    rows = [[v.esc(r.owner), v.num(r.open), f'<strong class="alert">{v.num(r.overdue)}</strong>' if r.overdue else "0",
             DASH if r.oldest_open_days is None else v.num(r.oldest_open_days), v.num(r.resolved_in_period)]
            for r in digest.owners]
    return table([v.t("Owner"), v.t("Open"), v.t("Overdue"), v.t("Oldest open (days)"), v.t("Resolved this week")],
                 rows)


def maturity(digest: Digest, v: View) -> str:
    m = digest.maturity
    if m is None:
        return f'<p class="muted">{v.t("No maturity survey has ended yet.")}</p>'
    parts = [f'<p class="muted">{v.t("Wave ended {date}", date=v.date(m.on))}</p>']
    if m.overall is None or m.level is None:
        parts.append(f'<p class="headline">{v.hidden()}</p>')
    else:
        stage = stage_for(m.level).name.for_locale(v.locale)
        parts.append('<p class="headline">' + v.t("{score} · level {level}: {stage} · n = {n}",
                                                   score=v.num(m.overall, 2), level=m.level, stage=stage,
                                                   n=v.num(m.respondents or 0)) + "</p>")
    before = DASH if m.previous_overall is None else v.num(m.previous_overall, 2)
    parts.append(f"<p>{v.t('The previous wave: {score}', score=before)}</p>")
    rows = [[v.esc(d.label.for_locale(v.locale)), v.hidden() if d.score is None else v.num(d.score, 2),
             DASH if d.previous is None else v.num(d.previous, 2),
             DASH if d.score is None or d.previous is None else v.num(d.score - d.previous, 2, signed=True)]
            for d in m.dimensions]
    if rows:
        parts.append(table([v.t("Dimension"), v.t("Score"), v.t("Before"), v.t("Change")], rows))
    return "".join(parts)


def diagnostic(digest: Digest, v: View) -> str:
    d = digest.diagnostic
    if d is None:
        return f'<p class="muted">{v.t("No diagnostic survey has ended yet.")}</p>'
    verdict = VERDICTS.get(d.verdict_key)
    parts = [f'<p class="muted">{v.t("Wave ended {date}", date=v.date(d.on))} · {v.n(d.respondents)}</p>',
             f'<p class="verdict">{v.t(verdict) if verdict else v.esc(d.verdict_key)}</p>']
    rows = []
    for item in d.items:
        label = v.esc(item.label.for_locale(v.locale))
        if item.n is None:
            rows.append([label, (v.hidden(), 2), _answer(item.data_answer, v)])
            continue
        people = v.t("No answer (tied)") if item.answer is None else _answer(item.answer, v)
        rows.append([label, f"{v.num(item.yes or 0)} / {v.n(item.n)}", people, _answer(item.data_answer, v)])
    parts.append(table([v.t("Question"), v.t("Yes / n"), v.t("People's answer"), v.t("The data says")], rows))
    return "".join(parts)


def _answer(value: bool | None, v: View) -> str:
    return {True: v.t("yes"), False: v.t("no"), None: DASH}[value]
