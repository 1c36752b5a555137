"""``/dashboard/audit``: the audit trail for governance admins (the dashboard's link token), newest first,
with the chain's verdict. Every value is escaped: entries hold only ids, pseudonyms shown as e-mails and
settings, but nothing reaches the page unescaped."""
from __future__ import annotations

import html

from bot.errors import N_
from bot.i18n import Translate
from bot.services import audit_trail
from storage.db import Database

SHOWN = 500
HEADINGS = (N_("When"), N_("Who"), N_("Action"), N_("On"), N_("Details"))


def audit_page(db: Database, _: Translate) -> str:
    with db.unit_of_work() as session:
        verdict = audit_trail.verify(session=session)
        lines = audit_trail.entries(session=session, newest_first=True, limit=SHOWN)
    if verdict.broken_at is None:
        state = _("The audit trail holds. Entries: {n}; last hash {head}.", n=verdict.entries, head=verdict.head)
    else:
        state = _("The audit trail is broken: {problem}. The entries before it hold (entries: {n}).", problem=verdict.problem,
                  n=verdict.entries)
    head = "".join(f"<th>{html.escape(_(name))}</th>" for name in HEADINGS)
    rows = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(value))}</td>" for value in
                         (line.seq, f"{line.at:%Y-%m-%d %H:%M:%S} UTC", line.actor, line.action, line.subject,
                          line.details)) + "</tr>"
        for line in lines)
    title = html.escape(_("Audit trail"))
    return (f'<!DOCTYPE html><html lang="{_.locale}"><head><meta charset="utf-8"><title>{title}</title>'
            "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
            "td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;font-size:90%}</style></head>"
            f"<body><h1>{title}</h1><p>{html.escape(state)}</p>"
            f"<table><tr><th>#</th>{head}</tr>{rows}</table></body></html>")
