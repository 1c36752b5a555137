"""story.md: a few pages beside the full transcript, following one report from filing to "what
changed" and one survey from the invitation to its results, for a reader who opens one file."""
from __future__ import annotations

import re
from pathlib import Path

from adapters.console.mailbox import Delivery
from app.transcript import render_delivery
from bot.errors import NP_
from bot.i18n import Translate

_REPORT_NUMBER = re.compile(r"\bF-(\d+)\b")
_PROBE = 987654321  # formatted into a header to learn how the language writes it


def write_story(deliveries: list[Delivery], out: Path, _: Translate) -> None:
    lines = [_("# The demo in two stories"), "",
             _("Two threads from the full transcript (transcript.md), as the people involved saw them."), ""]
    lines += _report_story(deliveries, _) + _survey_story(deliveries, _)
    (out / "story.md").write_text("\n".join(lines), encoding="utf-8")


def _header_pattern(_: Translate, msgid: str, **fixed: str) -> re.Pattern:
    header = _(msgid, **fixed)
    return re.compile(re.escape(header).replace(str(_PROBE), r"(\d+)"))


def _text_of(delivery: Delivery) -> str:
    return render_delivery(delivery)


def _report_story(deliveries: list[Delivery], _: Translate) -> list[str]:
    closed = _header_pattern(_, "What changed after your report F-{id}", id=_PROBE)
    number = next((m.group(1) for d in deliveries if d.message and (m := closed.fullmatch(d.message.header))), None)
    if number is None:
        return []
    about = [d for d in deliveries if set(_REPORT_NUMBER.findall(_text_of(d))) == {number}]
    return ([_("## One report, F-{id}: from filing to what changed", id=int(number)), "",
             _("Every message about this report: to the person who filed it, to the governance channel and "
               "to the owner. Updates of a message show it as it became."), ""]
            + _blocks(about))


def _survey_story(deliveries: list[Delivery], _: Translate) -> list[str]:
    results = _header_pattern(_, "Results: {title}", title=str(_PROBE))
    pattern = re.compile(results.pattern.replace(r"(\d+)", "(.+)"))
    posted = next((d for d in deliveries if d.kind == "channel" and d.message
                   and pattern.fullmatch(d.message.header)), None)
    if posted is None:
        return []
    title = pattern.fullmatch(posted.message.header).group(1)
    invitation = _answered_invitation(deliveries, title, _("Thank you: {title}", title=title), posted.seq)
    if invitation is None:
        return []
    same = [d for d in deliveries if d.target == invitation.target and d.seq <= posted.seq
            and (d.message_id == invitation.message_id or d.kind == "form") and d.seq >= invitation.seq]
    versions = [d for d in same if d.kind != "form"]
    chosen = {d.seq: d for d in [invitation, *versions[1:2], *[d for d in same if d.kind == "form"][:1], *versions[-1:]]}
    between = len(versions) - len([d for d in chosen.values() if d.kind != "form"])
    lines = [_("## One survey: {title}, from the invitation to the results", title=title), "",
             _("One person's survey message: the invitation, the first question, a form if they wrote an answer, "
               "and the summary."),
             _(NP_("Between them the same message was updated in place {n} time.",
                   "Between them the same message was updated in place {n} times."), n=between), ""]
    return (lines + _blocks([chosen[seq] for seq in sorted(chosen)])
            + [_("The results, posted when the wave closed:"), ""] + _blocks([posted]))


def _answered_invitation(deliveries: list[Delivery], title: str, thanks: str, before: int) -> Delivery | None:
    """The invitation of someone who answered, preferably with a written answer (a form)."""
    answered = {(d.target, d.message_id) for d in deliveries
                if d.kind == "update" and d.seq < before and d.message and d.message.header == thanks}
    wrote = {d.target for d in deliveries if d.kind == "form" and d.seq < before and d.form.form_id == "survey.text"}
    invitations = [d for d in deliveries if d.kind == "dm" and d.seq < before and d.message
                   and d.message.header == title and (d.target, d.message_id) in answered]
    return min(invitations, key=lambda d: (d.target not in wrote, d.seq), default=None)


def _blocks(deliveries: list[Delivery]) -> list[str]:
    lines: list[str] = []
    for delivery in deliveries:
        lines += ["````text", _text_of(delivery).rstrip("\n"), "````", ""]
    return lines
