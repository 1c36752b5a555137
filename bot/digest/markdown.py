"""The digest as a Markdown document (``xgov digest --format md``, the demo's digest.md)."""
from __future__ import annotations

import re

from bot.digest.model import Digest
from bot.digest.texts import (open_waves_note, experience_label, kind_label, kpi_figure_text, kpi_name, maturity_headline, num,
                              signal_text, survey_figure_text)
from bot.i18n import Translate
from bot.errors import NP_
from bot.survey_results_messages import VERDICTS, data_answer_text

_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")


def md(text: str) -> str:
    """Data text made inert in Markdown: special characters escaped, one line."""
    return _SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def _table(headers: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines + [""]


def digest_markdown(digest: Digest, _: Translate, chart_files: dict[str, str] | None = None) -> str:
    lines = [f"# {_('Governance digest {period}', period=digest.period.label)}", "",
             _(NP_("{start} to {end} · every figure shows its n; groups of fewer than {n} person are hidden.",
                  "{start} to {end} · every figure shows its n; groups of fewer than {n} people are hidden."),
               start=digest.period.start.isoformat(), end=digest.period.end.isoformat(), n=digest.k), ""]
    lines += [f"## {_('Signals')}", ""]
    lines += [f"- {md(signal_text(s, _))}" for s in digest.signals] or [_("No signal beyond noise this week.")]
    lines += ["", f"## {_('Employees (EX)')}", ""]
    lines += _table([_("Measure"), _("Latest")], [[md(f.label.for_locale(_.locale)), survey_figure_text(f, _)]
                                                 for f in digest.ex]) if digest.ex else [_("No pulse results yet."), ""]
    note = open_waves_note(digest, _)
    lines += [md(note), ""] if note else []
    lines += [f"## {_('Customers (CX) and business KPIs')}", ""]
    kpis = digest.cx + digest.business
    lines += _table([_("KPI"), _("Latest")], [[md(kpi_name(f, _)), kpi_figure_text(f, _)] for f in kpis]) if kpis \
        else [_("No KPIs imported yet: xgov kpi import FILE.csv"), ""]
    lines += _frictions(digest, _) + _owners(digest, _) + _maturity(digest, _)
    for name, path in (chart_files or {}).items():
        lines += [f"![{md(name)}]({path})", ""]
    return "\n".join(lines).rstrip() + "\n"


def _frictions(digest: Digest, _: Translate) -> list[str]:
    f = digest.frictions
    lines = [f"## {_('Friction reports')}", ""]
    rows = [[_("New this week"), str(f.new)], [_("Waiting for triage"), str(f.unassigned)],
            [_("Overdue"), str(f.overdue)], [_("Resolved this week"), str(f.resolved)],
            [_("… with a policy change, decision or procedure update"), str(f.resolved_with_change)],
            [_("Median days to resolve"), num(f.median_days_to_resolve, _) if f.median_days_to_resolve is not None
             else "-"]]
    lines += _table([_("Figure"), _("Reports")], rows)
    if f.by_kind:
        lines += _table([_("Kind"), _("New reports")], [[kind_label(kind, _), str(n)] for kind, n in
                                                        sorted(f.by_kind.items(), key=lambda kv: (-kv[1], kv[0]))])
    if f.by_experience:
        lines += _table([_("Experience affected"), _("New reports")],
                        [[experience_label(exp, _), str(n)] for exp, n in
                         sorted(f.by_experience.items(), key=lambda kv: (-kv[1], kv[0]))])
    if f.top_barriers:
        lines += [f"### {_('Top recurring barriers')}", ""]
        lines += _table([_("Policy"), _("Owner"), _("Reports"), _("Open"), _("Last 4 weeks"), _("4 weeks before")],
                        [[md(f"P-{b.policy_id} {b.policy_title}"), md(b.owner), str(b.reports), str(b.open_reports),
                          str(b.last_4_weeks), str(b.prior_4_weeks)] for b in f.top_barriers])
    return lines


def _owners(digest: Digest, _: Translate) -> list[str]:
    if not digest.owners:
        return []
    lines = [f"## {_('Owners')}", ""]
    return lines + _table([_("Owner"), _("Open"), _("Overdue"), _("Oldest open (days)"), _("Resolved this week")],
                          [[md(r.owner), str(r.open), str(r.overdue),
                            "-" if r.oldest_open_days is None else str(r.oldest_open_days), str(r.resolved_in_period)]
                           for r in digest.owners])


def _maturity(digest: Digest, _: Translate) -> list[str]:
    lines = []
    m = digest.maturity
    if m is not None:
        lines += [f"## {_('CX governance maturity ({date})', date=m.on.isoformat())}", ""]
        if m.overall is not None:
            lines += [maturity_headline(m, _), ""]
        lines += _table([_("Dimension"), _("Score"), _("Before")],
                        [[md(d.label.for_locale(_.locale)), _score(d.score, _),
                          _score(d.previous, _) if m.previous_wave_id else "-"] for d in m.dimensions])
    d = digest.diagnostic
    if d is not None:
        lines += [f"## {_('Operating-model diagnostic ({date})', date=d.on.isoformat())}", "",
                  _(VERDICTS[d.verdict_key]), ""]
        lines += _table([_("Question"), _("Yes / n"), _("The data says")],
                        [[md(item.label.for_locale(_.locale)),
                          "-" if item.n is None else f"{item.yes} / {item.n}", data_answer_text(item.data_answer, _)]
                         for item in d.items])
    return lines


def _score(value: float | None, _: Translate) -> str:
    return _("hidden") if value is None else num(value, _, 2)

