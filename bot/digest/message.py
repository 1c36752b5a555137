"""The digest as a neutral chat message (with its trend chart), and the owners' weekly "pending on you"."""
from __future__ import annotations

from datetime import datetime

from bot.digest.charts import TREND_CHART, chart_alt
from bot.digest.model import Digest
from bot.digest.texts import (open_waves_note, kind_label, kpi_figure_text, kpi_name, maturity_headline, num, signal_text,
                              survey_figure_text)
from bot.friction_messages import excerpt
from bot.i18n import Translate
from bot.labels import STATUS_LABELS, label
from bot.messages import Button, Field, Image, Message
from bot.services.friction_queries import OwnerFrictionView
from bot.survey_results_messages import VERDICTS
from bot.errors import NP_

MAX_OWNER_LINES = 8


def digest_message(digest: Digest, _: Translate, chart: bytes | None = None) -> Message:
    fields = _ex_fields(digest, _) + _kpi_fields(digest, _) + _friction_fields(digest, _)
    fields += _owner_fields(digest, _) + _maturity_fields(digest, _)
    image = None
    if chart:
        image = Image(filename=f"xgov-digest-{digest.period.label}.png", data=chart,
                      alt_text=chart_alt(TREND_CHART, _))
    return Message(
        header=_("Governance digest {period}", period=digest.period.label),
        text=_signals_text(digest, _),
        fields=tuple(fields),
        image=image,
        context=_(NP_("Every figure shows its n; groups of fewer than {n} person are hidden. Full view: xgov dashboard.",
                      "Every figure shows its n; groups of fewer than {n} people are hidden. Full view: xgov dashboard."),
                  n=digest.k),
    )


def _signals_text(digest: Digest, _: Translate) -> str:
    if not digest.signals:
        return _("No signal beyond noise this week.")
    return _("Signals:") + "\n" + "\n".join("• " + signal_text(signal, _) for signal in digest.signals)


def _ex_fields(digest: Digest, _: Translate) -> list[Field]:
    fields = [Field(excerpt(figure.label.for_locale(_.locale), 150), survey_figure_text(figure, _)) for figure in digest.ex]
    note = open_waves_note(digest, _)
    return fields + ([Field(_("Surveys still open"), excerpt(note, 1900))] if note else [])


def _kpi_fields(digest: Digest, _: Translate) -> list[Field]:
    return [Field(kpi_name(figure, _), kpi_figure_text(figure, _)) for figure in digest.cx + digest.business]


def _friction_fields(digest: Digest, _: Translate) -> list[Field]:
    f = digest.frictions
    summary = _("new: {new} · waiting for triage: {waiting} · overdue: {overdue} · resolved: {resolved}, with a change: "
                "{changed}", new=f.new, waiting=f.unassigned, overdue=f.overdue, resolved=f.resolved,
                changed=f.resolved_with_change)
    if f.median_days_to_resolve is not None:
        summary += " · " + _("median time to resolve (days): {days}", days=num(f.median_days_to_resolve, _))
    if f.by_kind:
        summary += "\n" + ", ".join(f"{kind_label(kind, _)}: {n}" for kind, n in sorted(f.by_kind.items(),
                                                                                        key=lambda kv: -kv[1]))
    fields = [Field(_("Friction reports this week"), summary)]
    if f.top_barriers:
        lines = [_("P-{id} {title} ({owner}): reports {reports}, in the last four weeks {recent}", id=b.policy_id,
                   title=excerpt(b.policy_title, 80), owner=b.owner, reports=b.reports, recent=b.last_4_weeks)
                 for b in f.top_barriers]
        fields.append(Field(_("Top recurring barriers"), "\n".join(lines)))
    return fields


def _owner_fields(digest: Digest, _: Translate) -> list[Field]:
    rows = [row for row in digest.owners if row.open or row.resolved_in_period][:MAX_OWNER_LINES]
    if not rows:
        return []
    lines = [_("{owner}: open {open}, overdue {overdue}, resolved this week {resolved}", owner=row.owner,
               open=row.open, overdue=row.overdue, resolved=row.resolved_in_period) for row in rows]
    more = len(digest.owners) - len(rows)
    if more > 0:
        lines.append(_(NP_("… and {n} more owner in the dashboard", "… and {n} more owners in the dashboard"), n=more))
    return [Field(_("Owners"), "\n".join(lines))]


def _maturity_fields(digest: Digest, _: Translate) -> list[Field]:
    fields = []
    maturity = digest.maturity
    if maturity is not None:
        if maturity.overall is None:
            text = _("hidden: fewer than k respondents")
        else:
            text = maturity_headline(maturity, _)
            if maturity.previous_overall is not None:
                text += " · " + _("before: {value}", value=num(maturity.previous_overall, _, 2))
        fields.append(Field(_("CX governance maturity ({date})", date=maturity.on.isoformat()), text))
    if digest.diagnostic is not None:
        fields.append(Field(_("Operating-model diagnostic ({date})", date=digest.diagnostic.on.isoformat()),
                            _(VERDICTS[digest.diagnostic.verdict_key])))
    return fields


def weekly_pending_message(items: list[OwnerFrictionView], now: datetime, _: Translate) -> Message:
    """One grouped message a week for an owner: every open assignment, the overdue ones first."""
    overdue = [item for item in items if item.due_at and item.due_at < now]
    ordered = overdue + [item for item in items if item not in overdue]
    fields = []
    for item in ordered:
        due = item.due_at.date().isoformat() if item.due_at else "-"
        state = _("overdue since {date}", date=due) if item in overdue else _("due {date}", date=due)
        title = f"{item.ref} · {label(STATUS_LABELS, item.status, _)} · {state}"
        fields.append(Field(title, excerpt(item.text, 200)))
    buttons = tuple(Button(_("Resolve F-{id}", id=item.id), "assignment.resolve", str(item.id)) for item in ordered)
    return Message(
        header=_("Pending on you this week"),
        text=_("Open assignments: {n}; overdue: {overdue}.", n=len(items), overdue=len(overdue)),
        fields=tuple(fields),
        buttons=buttons,
        context=_("One message a week instead of a stream. /xgov assignments shows them at any time."),
    )
