"""Writes what each channel and person received, as readable text files."""
from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from adapters.console.mailbox import Delivery
from adapters.console.port import ConsolePort
from adapters.console.render import render_form, render_message
from bot.i18n import Translate

_KIND_TITLES = {
    "dm": "direct message to {target}",
    "channel": "post in {target}",
    "update": "message {message_id} updated for {target}",
    "form": "form opened for {target}",
    "image": "image posted in {target}",
}


def render_delivery(delivery: Delivery) -> str:
    title = _KIND_TITLES[delivery.kind].format(target=delivery.target, message_id=delivery.message_id)
    body = render_form(delivery.form) if delivery.form is not None else render_message(delivery.message)
    return f"--- {delivery.at} · #{delivery.message_id} · {title}\n{body}\n"


def write_transcripts(port: ConsolePort, out: Path, _: Translate) -> None:
    deliveries = port.mailbox.all()
    by_target: dict[str, list[str]] = defaultdict(list)
    chronological: list[str] = [_("# xgov demo transcript"), "",
                                _("Every message the bot sent, in order; forms are what a person saw before answering."), ""]
    day = None
    for delivery in deliveries:
        if delivery.at[:10] != day:
            day = delivery.at[:10]
            chronological += [f"## {day}", ""]
        text = render_delivery(delivery)
        chronological += ["````text", text.rstrip("\n"), "````", ""]
        by_target[delivery.target].append(text)
    (out / "transcript.md").write_text("\n".join(chronological), encoding="utf-8")
    for target, texts in sorted(by_target.items()):
        folder = out / ("channels" if target.startswith("#") else "people")
        folder.mkdir(exist_ok=True)
        (folder / f"{target.lstrip('#')}.txt").write_text("\n".join(texts), encoding="utf-8")
