"""A person's own page (Slack's App Home): how to report, open surveys, what waits on them, their reports."""
from __future__ import annotations

from functools import partial

from bot import friction_messages as friction_views
from bot import survey_messages as survey_views
from bot.events import ButtonAnswer
from bot.messages import Button, Message
from bot.privacy_messages import boundary_line
from bot.services import friction_queries as queries
from bot.services import survey_waves as waves
from bot.turn import Turn


def home_page(turn: Turn) -> list[Message]:
    """The page in the person's language, one message per section."""
    _, email = turn._, turn.actor.email
    page = [Message(
        header=_("xgov: what gets in the way"),
        text=friction_views.report_question(_) + "\n" + _("Report it in one step: owners never see who reported."),
        buttons=(Button(_("Report a friction"), "friction.new", style="primary"),),
    )]
    for wave, started in waves.open_waves_for(session=turn.session, email=email, now=turn.now):
        if started:
            page.append(Message(header=survey_views.survey_title(wave, _),
                                text=_("You have started this survey already: go on in the message where you began.")))
        else:
            page.append(survey_views.invitation(wave, _))
    assignments = queries.assignments_of(session=turn.session, owner_email=email)
    if assignments:
        page.append(friction_views.my_assignments_message(assignments, _))
    page.append(friction_views.my_reports_message(queries.reports_of(session=turn.session, reporter_email=email), _))
    return page


def on_new_report_button(turn: Turn, event: ButtonAnswer) -> None:
    turn.open_form(partial(friction_views.report_form, boundary=boundary_line(turn._, turn.settings)), event.trigger)
