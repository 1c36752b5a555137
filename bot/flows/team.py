"""Managers' own view: their team's (their org unit and its sub-units) pulse results, in a DM after each
pulse wave closes and on /xgov team. The figures come from bot/services/survey_results.py with its
anonymity rules; a team below the wave's k gets nothing, and no manager is shown another team."""
from __future__ import annotations

from dataclasses import replace
from functools import partial

from sqlalchemy import select

from bot import survey_results_messages as results_views
from bot.errors import N_, UserError
from bot.events import CommandEvent
from bot.i18n import Translate
from bot.messages import Message
from bot.services import survey_results
from bot.services import survey_waves as waves
from bot.turn import Turn
from storage.models import OrgUnit, Person, PersonRole, SurveyRecord, SurveyWave
from surveys import SurveyDefinition
from surveys.results import WaveResults

TEAM_KIND = "pulse"
LOOK_BACK = 12  # closed pulse waves searched for the latest one the team reached k in


def team_results(turn: Turn, wave_id: int, unit: str) -> tuple[WaveResults, SurveyDefinition] | None:
    """A team's results of one wave, or None when the team is below k (refused, not shown)."""
    try:
        results, definition = survey_results.wave_results(session=turn.session, wave_id=wave_id, now=turn.now, unit=unit)
    except UserError:
        return None
    return None if results.suppressed else (results, definition)


def tell_managers(turn: Turn, wave_id: int) -> int:
    """After a pulse wave closes: each active manager whose team reached k gets its results. Returns how many."""
    if waves.get_wave(session=turn.session, wave_id=wave_id).definition.kind != TEAM_KIND:
        return 0
    told, by_unit = 0, {}
    for email, unit in _managers_and_units(turn):
        if unit not in by_unit:  # several managers of one unit: computed once
            by_unit[unit] = team_results(turn, wave_id, unit)
        found = by_unit[unit]
        if found is not None:
            turn.tell(email, partial(team_message, *found, unit))
            told += 1
    return told


def _managers_and_units(turn: Turn) -> list[tuple[str, str]]:
    query = (select(Person.email, OrgUnit.name).join(PersonRole, PersonRole.person_id == Person.id)
             .join(OrgUnit, OrgUnit.id == Person.org_unit_id)
             .where(PersonRole.role == "manager", Person.active.is_(True)).order_by(Person.email))
    return [(email, unit) for email, unit in turn.session.execute(query)]


def on_team_command(turn: Turn, event: CommandEvent) -> None:
    """/xgov team: the latest closed pulse the manager's team reached k in (bot/access.py lets managers only)."""
    unit = turn.actor.org_unit
    if unit is None:
        raise UserError(N_("You are in no org unit, so you have no team to show. Ask a governance admin to place you."))
    query = (select(SurveyWave.id).join(SurveyRecord, SurveyRecord.id == SurveyWave.survey_id)
             .where(SurveyWave.closed_at.is_not(None), SurveyRecord.kind == TEAM_KIND)
             .order_by(SurveyWave.closed_at.desc(), SurveyWave.id.desc()).limit(LOOK_BACK))
    for wave_id in turn.session.scalars(query):
        found = team_results(turn, wave_id, unit)
        if found is not None:
            turn.reply(partial(team_message, *found, unit))
            return
    raise UserError(N_("No closed pulse has enough answers from {unit} to show yet (at least k people must answer)."),
                    unit=unit)


def team_message(results: WaveResults, definition: SurveyDefinition, unit: str, _: Translate) -> Message:
    message = results_views.results_message(results, definition, _)
    return replace(message, header=_("Your team ({unit}): {header}", unit=unit, header=message.header),
                   context=_("Only your org unit and its sub-units; nothing is shown for fewer than k people."))
