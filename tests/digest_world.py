"""A small organisation with known answers, reports and KPIs, whose digest figures are computed by hand."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from app.kpi_import import import_kpis
from bot.services import directory, frictions, registry
from bot.services import survey_responses as responses
from bot.services import survey_waves as waves
from storage.db import Database

MONDAY = datetime(2026, 3, 2, 8, 0, tzinfo=timezone.utc)  # 2026-W10
ADMIN, OWNER, OWNER2 = "admin@example.pl", "olek@example.pl", "iga@example.pl"
SALES = [f"s{i}@example.pl" for i in range(6)]
SERVICE = [f"o{i}@example.pl" for i in range(4)]
# eNPS answers of the six sales people and the four service people (ten in all):
ENPS = [10, 9, 3, 7, 0, 10, 9, 9, 8, 6]  # promoters 5, detractors 3 -> eNPS +20
# "I have what I need" in the first and second pulse:
NEED_1 = [5, 4, 4, 4, 2, 3, 3, 3, 2, 2]  # mean 3.2, top-2 box 40%
NEED_2 = [5, 5, 4, 4]  # only four answered: below k = 5, hidden
KPI_CSV = """date,kpi,value,unit,n
2026-02-01,NPS,30,,400
2026-03-01,NPS,31,,400
2026-02-02,complaints,10,Sprzedaż,
2026-03-02,complaints,12,Sprzedaż,
2026-03-01,churn,"2,5",,
"""


def at(days: float) -> datetime:
    return MONDAY + timedelta(days=days)


def build(url: str) -> Database:
    db = Database(url)
    with db.unit_of_work() as s:
        build_org(s)
        answer_wave(s, "enps", at(-14), {"enps": ENPS})
        answer_wave(s, "conditions-pulse", at(-7), {"have_what_i_need": NEED_1})
        answer_wave(s, "conditions-pulse", at(0), {"have_what_i_need": NEED_2})
        _frictions(s)
        import_kpis(s, KPI_CSV, at(0))
    return db


def build_org(s) -> None:
    directory.add_org_unit(session=s, name="Spółka")
    directory.add_org_unit(session=s, name="Sprzedaż", parent="Spółka")
    directory.add_org_unit(session=s, name="Obsługa", parent="Spółka")
    directory.add_person(session=s, email=ADMIN, name="Ada Admin", org_unit="Spółka",
                         roles=("employee", "governance_admin"))
    directory.add_person(session=s, email=OWNER, name="Olek Owner", org_unit="Spółka", roles=("employee", "owner"))
    directory.add_person(session=s, email=OWNER2, name="Iga <!channel> Inna", org_unit="Spółka",
                         roles=("employee", "owner"))
    for email in SALES:
        directory.add_person(session=s, email=email, name=email, org_unit="Sprzedaż")
    for email in SERVICE:
        directory.add_person(session=s, email=email, name=email, org_unit="Obsługa")
    registry.add_policy(session=s, kind="policy", title="Refunds need a director", owner_email=OWNER, now=at(-30))
    registry.add_policy(session=s, kind="process", title="Retyping <b>invoices</b>", owner_email=OWNER2,
                        now=at(-30))
    waves.ensure_builtin_surveys(session=s, now=at(-30))


def answer_wave(s, key: str, opened: datetime, answers: dict[str, list[int]], *, unit: str | None = None) -> None:
    """A wave to everyone (or to one unit), answered by SALES + SERVICE in order (SALES only for Sprzedaż)."""
    wave_id, emails = waves.send_wave(session=s, key=key, audience="unit" if unit else "everyone", unit=unit,
                                      now=opened, days=3, k=5)
    answered = opened + timedelta(hours=1)
    for index, email in enumerate(SALES if unit else SALES + SERVICE):
        given = {question: values[index] for question, values in answers.items() if index < len(values)}
        if not given:
            continue
        token = responses.start(session=s, wave_id=wave_id, email=email, now=answered)
        for question, value in given.items():
            responses.answer(session=s, token=token, question_id=question, raw=str(value), now=answered)
    waves.close_wave(session=s, wave_id=wave_id, now=opened + timedelta(days=3))


def _frictions(s) -> None:
    """In 2026-W10: 4 new (2 workarounds, 1 exception, 1 untagged); 2 resolved (one with a policy change after
    2 days, one 'no change' after 4 days); OWNER2 has one assignment overdue since before the week."""
    def report(days, kind=None, experience=None, email=SALES[0]):
        return frictions.report(session=s, reporter_email=email, text="x", now=at(days), kind=kind,
                                experience=experience)

    old = report(-40, "workaround", "cx")
    frictions.triage_and_assign(session=s, friction_id=old, admin_email=ADMIN, policy_id=2, now=at(-39), due_days=14)
    a = report(0, "workaround", "cx")
    b = report(1, "workaround", "ex", email=SERVICE[0])
    c = report(2, "exception", "cx")
    report(3)
    for friction_id in (a, b):
        frictions.triage_and_assign(session=s, friction_id=friction_id, admin_email=ADMIN, policy_id=1, now=at(2),
                                    due_days=14)
    frictions.resolve(session=s, friction_id=a, owner_email=OWNER, outcome="policy_changed", note="done", now=at(2))
    frictions.resolve(session=s, friction_id=b, owner_email=OWNER, outcome="no_change", note="why", now=at(5))
    frictions.triage_and_assign(session=s, friction_id=c, admin_email=ADMIN, policy_id=1, now=at(3), due_days=14)
