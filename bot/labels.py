"""Translatable labels of the domain's fixed vocabularies (msgids, translated on use)."""
from __future__ import annotations

from bot.errors import N_
from bot.i18n import Translate

KIND_LABELS = {
    "workaround": N_("Manual workaround"),
    "exception": N_("Exception to a procedure"),
    "conflicting_kpis": N_("Conflicting KPIs"),
    "missing_decision": N_("Unclear or missing decision"),
    "other": N_("Other"),
}
EXPERIENCE_LABELS = {
    "cx": N_("Customers (CX)"),
    "ex": N_("Employees (EX)"),
    "px": N_("Patients (PX)"),
    "partner": N_("Partners"),
    "other": N_("Other experience"),
}
FLAG_LABELS = {
    "emotions": N_("Emotions run high"),
    "decision_needed": N_("A decision is needed on the spot"),
    "procedure_gap": N_("Procedure and reality diverge"),
}
OUTCOME_LABELS = {
    "policy_changed": N_("Policy changed"),
    "decision_made": N_("Decision made"),
    "procedure_updated": N_("Procedure updated"),
    "no_change": N_("No change"),
}
STATUS_LABELS = {
    "new": N_("new, waiting for triage"),
    "triaged": N_("triaged"),
    "assigned": N_("with the owner"),
    "accepted": N_("accepted by the owner"),
    "declined": N_("declined by the owner, back in triage"),
    "resolved": N_("resolved"),
    "redirected": N_("sent to the whistleblowing channel"),
}
POLICY_KIND_LABELS = {"policy": N_("Policy"), "decision": N_("Decision"), "process": N_("Process")}


def label(table: dict[str, str], key: str | None, _: Translate) -> str:
    if key is None:
        return "-"
    return _(table[key]) if key in table else key


def labels(table: dict[str, str], keys, _: Translate) -> str:
    keys = tuple(keys)
    return ", ".join(label(table, key, _) for key in keys) if keys else "-"
