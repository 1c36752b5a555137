"""Messages of the directory's administration: people listed and shown, leavers' returned assignments,
people who joined on their own (XGOV_ENROL), refusals by role."""
from __future__ import annotations

from bot.errors import N_
from bot.i18n import Translate
from bot.messages import Button, Field, Message
from bot.services.directory import PersonView
from bot.services.people import PersonDetail, ReturnedAssignment

ROLE_LABELS = {
    "employee": N_("employee"),
    "manager": N_("manager"),
    "owner": N_("owner"),
    "governance_admin": N_("governance admin"),
}
LIST_LIMIT = 50


def roles_text(roles, _: Translate) -> str:
    return ", ".join(_(ROLE_LABELS[role]) for role in sorted(roles) if role in ROLE_LABELS) or "-"


def person_line(person: PersonView, _: Translate) -> str:
    state = "" if person.active else " · " + _("deactivated")
    return _("{name} · {unit} · {roles}", name=person.name, unit=person.org_unit or _("no unit"),
             roles=roles_text(person.roles, _)) + state


def people_list(people: list[PersonView], unit: str | None, _: Translate) -> Message:
    header = _("People in {unit}", unit=unit) if unit else _("People in the directory")
    if not people:
        return Message(header=header, text=_("Nobody."))
    fields = tuple(Field(p.email, person_line(p, _)) for p in people[:LIST_LIMIT])
    more = len(people) - LIST_LIMIT
    context = _("People: {count}; shown: the first {shown}. Narrow it: /xgov people list UNIT",
                count=len(people), shown=LIST_LIMIT) if more > 0 else _("People: {count}.", count=len(people))
    return Message(header=header, fields=fields, context=context)


def person_card(detail: PersonDetail, _: Translate) -> Message:
    person = detail.person
    fields = (
        Field(_("Org unit"), person.org_unit or _("no unit")),
        Field(_("Roles"), roles_text(person.roles, _)),
        Field(_("Manager"), detail.manager_email or "-"),
        Field(_("Language"), person.locale or "-"),
        Field(_("Open assignments"), str(detail.open_assignments)),
        Field(_("Status"), _("active") if person.active else _("deactivated")),
    )
    history = "\n".join(f"{at:%Y-%m-%d %H:%M} UTC · {action}{' ' + detail_text if detail_text else ''} · {actor} ({source})"
                        for at, actor, source, action, detail_text in detail.changes)
    return Message(header=f"{person.name} <{person.email}>", fields=fields,
                   context=(_("Recent changes:") + "\n" + history) if history else "")


def assignments_returned(returned: list[ReturnedAssignment], leaver_name: str, _: Translate) -> Message:
    """To the governance channel: a leaver's open assignments are back in the triage queue."""
    refs = ", ".join(f"F-{item.friction_id}" for item in returned)
    buttons = tuple(Button(_("Triage F-{id}", id=item.friction_id), "triage.open", str(item.friction_id), "primary")
                    for item in returned[:5])
    return Message(header=_("{name} has left: assignments back in triage", name=leaver_name),
                   text=_("These assignments need a new owner: {refs}", refs=refs), buttons=buttons,
                   context=_("They keep their link to the policy; assign each again with /xgov assign."))


def enrol_question(_: Translate, *, email: str) -> Message:
    return Message(
        header=_("You are not in the xgov directory yet"),
        text=_("Nobody with the e-mail {email} is in the directory. You can join now as an employee "
               "(the governance team places you in your unit later), then send your message again.", email=email),
        buttons=(Button(_("Join xgov"), "enrol.join", "", "primary"),),
    )


def enrolled_notice(person: PersonView, _: Translate) -> Message:
    """To the governance channel: someone joined from chat, without a unit."""
    return Message(header=_("{name} joined xgov", name=person.name),
                   text=_("{email} wrote to the bot and was added as an employee without a unit. "
                          "Place them: /xgov people move {email} UNIT", email=person.email))


def deactivated_refusal(_: Translate) -> Message:
    return Message(header=_("Your xgov access is switched off"),
                   text=_("You are marked as having left the organisation. If that is a mistake, ask your "
                          "governance team to reactivate you."))
