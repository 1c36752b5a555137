"""Messages and forms of the friction lifecycle, built in the recipient's language."""
from __future__ import annotations

from bot.i18n import Translate, local_time
from bot.text_rules import shorten
from bot.labels import (
    EXPERIENCE_LABELS,
    FLAG_LABELS,
    KIND_LABELS,
    OUTCOME_LABELS,
    STATUS_LABELS,
    label,
    labels,
)
from bot.messages import Button, Choices, Field, Form, FormField, Message, Option
from bot.services.friction_queries import GovernanceFrictionView, OwnerFrictionView, ReporterFrictionView
from bot.services.registry import PolicyView
from bot.text_rules import MAX_REASON_CHARS, MAX_REPORT_CHARS

EXCERPT_CHARS = 280


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    return shorten(text, limit)


def report_question(_: Translate) -> str:
    return _("What got in your way today of keeping a promise to a customer or a colleague?")


def report_form(_: Translate, *, quoted: str = "", boundary: str = "") -> Form:
    """The report modal; ``quoted`` (a message the person chose to report) fills in the answer;
    ``boundary`` says where breaches of law go instead (bot/privacy_messages.py)."""
    intro = _("One question; the tags are optional. Owners never see who reported.")
    return Form(
        form_id="friction.report",
        title=_("Report a friction"),
        submit_label=_("Send"),
        intro=intro + ("\n\n" + boundary if boundary else ""),
        fields=(
            FormField("text", report_question(_), "multiline", required=True, max_length=MAX_REPORT_CHARS,
                      initial=quoted.strip()[:MAX_REPORT_CHARS]),
            FormField("kind", _("What kind of friction?"), "select", _options(KIND_LABELS, _)),
            FormField("experience", _("Whose experience does it affect?"), "select", _options(EXPERIENCE_LABELS, _)),
            FormField("flags", _("Does any of these apply?"), "multiselect", _options(FLAG_LABELS, _)),
            FormField("anonymity", _("Who may see your name?"), "select", (
                Option("governance", _("The governance team only (default)")),
                Option("nobody", _("Nobody: fully anonymous")),
            )),
            FormField("after_erasure", _("If you ask xgov to erase your data later, what happens to this text?"),
                      "select", (
                Option("erase", _("Erase it too (default)")),
                Option("keep", _("Keep it, without my name")),
            )),
        ),
    )


def _options(table: dict[str, str], _: Translate) -> tuple[Option, ...]:
    return tuple(Option(key, _(msgid)) for key, msgid in table.items())


def acknowledgement(friction_id: int, text: str, _: Translate, *, offer_tags: bool) -> Message:
    message = Message(
        header=_("Report F-{id} received", id=friction_id),
        text=_("Thank you. The governance team will trace it to the policy or decision behind it and to its owner. "
               "Owners never see who reported.") + "\n\n" + excerpt(text),
        context=_("Type /xgov reports to see what happened to your reports."),
    )
    if not offer_tags:
        return message
    return _with_step(message, friction_id, "kind", _("Optional: what kind of friction is it?"), KIND_LABELS, _)


def _with_step(message: Message, friction_id: int, step: str, prompt: str, table: dict, _: Translate) -> Message:
    options = tuple(Option(f"{friction_id}:{key}", _(msgid)) for key, msgid in table.items())
    buttons = (
        Button(_("Skip the tags"), "friction.done", str(friction_id)),
        Button(_("Hide my name from the governance team too"), "friction.hide", str(friction_id)),
    )
    return Message(header=message.header, text=message.text, context=message.context,
                   choices=Choices(f"friction.{step}", options, prompt), buttons=buttons)


def experience_step(friction_id: int, text: str, _: Translate) -> Message:
    base = acknowledgement(friction_id, text, _, offer_tags=False)
    return _with_step(base, friction_id, "experience", _("Optional: whose experience does it affect?"), EXPERIENCE_LABELS, _)


def flags_step(friction_id: int, text: str, set_flags: tuple[str, ...], _: Translate) -> Message:
    base = acknowledgement(friction_id, text, _, offer_tags=False)
    buttons = tuple(
        Button(("✓ " if key in set_flags else "") + _(msgid), "friction.flag", f"{friction_id}:{key}")
        for key, msgid in FLAG_LABELS.items()
    )
    done = Button(_("Done"), "friction.done", str(friction_id), "primary")
    prompt = _("Optional: does any of these apply? Click to mark, then Done.")
    return Message(header=base.header, text=base.text + "\n\n" + prompt, context=base.context, buttons=buttons + (done,))


def tagged_summary(view: OwnerFrictionView, _: Translate, *, hidden: bool) -> Message:
    base = acknowledgement(view.id, view.text, _, offer_tags=False)
    privacy = _("Nobody will see your name.") if hidden else _("Only the governance team can see your name.")
    return Message(header=base.header, text=base.text, fields=_tag_fields(view, _), context=privacy + " " + base.context)


def _tag_fields(view: OwnerFrictionView, _: Translate) -> tuple[Field, ...]:
    return (
        Field(_("Kind"), label(KIND_LABELS, view.kind, _)),
        Field(_("Experience"), label(EXPERIENCE_LABELS, view.experience, _)),
        Field(_("Flags"), labels(FLAG_LABELS, view.flags, _)),
    )


def new_report_notice(view: OwnerFrictionView, _: Translate) -> Message:
    return Message(
        header=_("New friction report F-{id}", id=view.id),
        text=excerpt(view.text),
        fields=_tag_fields(view, _),
        buttons=(Button(_("Triage F-{id}", id=view.id), "triage.open", str(view.id), "primary"),),
        context=_("Link it to a policy, decision or process and its owner."),
    )


def triage_queue_message(items: list[GovernanceFrictionView], total: int, _: Translate) -> Message:
    if not items:
        return Message(header=_("Triage queue"), text=_("Nothing waits for triage."))
    fields = tuple(Field(_queue_label(item, _), excerpt(item.text, 200)) for item in items)
    buttons = tuple(Button(_("Triage F-{id}", id=item.id), "triage.open", str(item.id)) for item in items)
    return Message(
        header=_("Triage queue"),
        text=_("Waiting for triage: {total}; shown here: {shown}, oldest first.", shown=len(items), total=total),
        fields=fields, buttons=buttons,
        context=_("Or type /xgov assign F-12 P-3 [owner e-mail]."),
    )


def _queue_label(item: GovernanceFrictionView, _: Translate) -> str:
    who = ", ".join(item.reporters + ((_("anonymous"),) if item.anonymous_reporters else ()))
    parts = [item.ref, label(STATUS_LABELS, item.status, _), label(KIND_LABELS, item.kind, _), who]
    if item.decline_reason:
        parts.append(_("declined because: {reason}", reason=excerpt(item.decline_reason, 120)))
    return " · ".join(parts)


def triage_form(view: GovernanceFrictionView, policies: list[PolicyView], _: Translate) -> Form:
    policy_options = tuple(Option(str(p.id), f"{p.ref} {excerpt(p.title, 60)} ({p.owner_name})") for p in policies)
    return Form(
        form_id="friction.triage",
        title=_("Triage F-{id}", id=view.id),
        submit_label=_("Assign"),
        metadata=str(view.id),
        intro=excerpt(view.text, 1000),
        fields=(
            FormField("policy", _("Policy, decision or process behind it"), "select", policy_options, required=True),
            FormField("owner", _("Owner's e-mail (empty: the policy's owner)"), "text", max_length=320),
            FormField("kind", _("Kind"), "select", _options(KIND_LABELS, _), initial=view.kind or ""),
            FormField("experience", _("Experience"), "select", _options(EXPERIENCE_LABELS, _), initial=view.experience or ""),
        ),
    )


def assignment_message(view: OwnerFrictionView, _: Translate) -> Message:
    return Message(
        header=_("Assigned to you: F-{id}", id=view.id),
        text=_("A friction traced to something you own. Accept it, decline it with a reason, or resolve it.")
        + "\n\n" + excerpt(view.text, 1500),
        fields=_owner_fields(view, _),
        buttons=(
            Button(_("Accept"), "assignment.accept", str(view.id), "primary"),
            Button(_("Decline"), "assignment.decline", str(view.id), "danger"),
            Button(_("Resolve"), "assignment.resolve", str(view.id)),
        ),
        context=_("Reporters stay anonymous to owners."),
    )


def _owner_fields(view: OwnerFrictionView, _: Translate) -> tuple[Field, ...]:
    due = local_time(view.due_at, _, with_time=False) if view.due_at else "-"
    return (Field(_("Policy"), view.policy_title or "-"), Field(_("Due"), due)) + _tag_fields(view, _)


def assignment_status_message(view: OwnerFrictionView, _: Translate) -> Message:
    """The assignment after the owner acted: the buttons that still apply."""
    base = assignment_message(view, _)
    status = label(STATUS_LABELS, view.status, _)
    buttons = tuple(b for b in base.buttons if b.action_id == "assignment.resolve") if view.status == "accepted" else ()
    return Message(header=base.header, text=base.text, fields=base.fields + (Field(_("Status"), status),),
                   buttons=buttons, context=base.context)


def assignment_notice(view: OwnerFrictionView, owner_name: str, _: Translate) -> Message:
    return Message(
        header=_("F-{id} assigned to {owner}", id=view.id, owner=owner_name),
        text=excerpt(view.text),
        fields=_owner_fields(view, _),
    )


def decline_form(friction_id: int, _: Translate) -> Form:
    return Form(
        form_id="assignment.decline", title=_("Decline F-{id}", id=friction_id), submit_label=_("Decline"),
        metadata=str(friction_id),
        fields=(FormField("reason", _("Why is this not yours? It goes back to triage with your reason."),
                          "multiline", required=True, max_length=MAX_REASON_CHARS),),
    )


def resolve_form(friction_id: int, _: Translate) -> Form:
    return Form(
        form_id="assignment.resolve", title=_("Resolve F-{id}", id=friction_id), submit_label=_("Resolve"),
        metadata=str(friction_id),
        fields=(
            FormField("outcome", _("Outcome"), "select", _options(OUTCOME_LABELS, _), required=True),
            FormField("note", _("What changed (required for No change: why not)"), "multiline", max_length=MAX_REASON_CHARS),
        ),
    )


def declined_notice(view: GovernanceFrictionView, owner_name: str, _: Translate) -> Message:
    return Message(
        header=_("F-{id} declined by {owner}", id=view.id, owner=owner_name),
        text=_("Reason: {reason}", reason=view.decline_reason or "-") + "\n\n" + excerpt(view.text),
        buttons=(Button(_("Triage F-{id}", id=view.id), "triage.open", str(view.id), "primary"),),
        context=_("It is back in the triage queue."),
    )


def resolved_notice(view: OwnerFrictionView, outcome: str, note: str, owner_name: str, _: Translate) -> Message:
    return Message(
        header=_("F-{id} resolved: {outcome}", id=view.id, outcome=label(OUTCOME_LABELS, outcome, _)),
        text=(note or "-") + "\n\n" + excerpt(view.text),
        fields=(Field(_("Policy"), view.policy_title or "-"), Field(_("Owner"), owner_name)),
    )


def reporter_resolution(view: OwnerFrictionView, outcome: str, note: str, _: Translate) -> Message:
    return Message(
        header=_("What changed after your report F-{id}", id=view.id),
        text=_("The owner of \"{policy}\" resolved it: {outcome}.", policy=view.policy_title or "-",
               outcome=label(OUTCOME_LABELS, outcome, _)) + "\n\n" + (note or "-"),
        fields=(Field(_("Your report"), excerpt(view.text)),),
        context=_("Thank you for reporting. This is how policies change."),
    )


def reporter_assigned(view: OwnerFrictionView, _: Translate) -> Message:
    return Message(
        header=_("Your report F-{id} has an owner", id=view.id),
        text=_("It was traced to \"{policy}\" and handed to its owner, who does not see your name.",
               policy=view.policy_title or "-"),
        fields=(Field(_("Your report"), excerpt(view.text)),),
    )


def my_reports_message(items: list[ReporterFrictionView], _: Translate) -> Message:
    if not items:
        return Message(header=_("Your reports"), text=_("You have not reported anything yet. Type /friction and your words."))
    fields = tuple(Field(f"{item.ref} · {label(STATUS_LABELS, item.status, _)}", _report_line(item, _)) for item in items)
    return Message(header=_("Your reports"), fields=fields)


def _report_line(item: ReporterFrictionView, _: Translate) -> str:
    line = excerpt(item.text, 200)
    if item.policy_title:
        line += "\n" + _("Traced to: {policy}", policy=item.policy_title)
    if item.outcome:
        line += "\n" + label(OUTCOME_LABELS, item.outcome, _) + ": " + excerpt(item.outcome_note or "-", 300)
    return line


def my_assignments_message(items: list[OwnerFrictionView], _: Translate) -> Message:
    if not items:
        return Message(header=_("Pending on you"), text=_("Nothing is assigned to you."))
    fields = tuple(Field(f"{item.ref} · {label(STATUS_LABELS, item.status, _)}", excerpt(item.text, 200)) for item in items)
    buttons = tuple(Button(_("Resolve F-{id}", id=item.id), "assignment.resolve", str(item.id)) for item in items)
    return Message(header=_("Pending on you"), fields=fields, buttons=buttons)
