"""Deliveries of the console platform, kept in memory and optionally in a JSON-lines file.

The file lets several `xgov chat` sessions (one per person) see each other's
messages: an owner who opens the console later finds the assignment waiting.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from bot.messages import Form, Message
from bot.outbox.codec import form_from_dict, message_from_dict


@dataclass(frozen=True)
class Delivery:
    seq: int
    kind: str  # dm | channel | form | update | image
    target: str  # an e-mail, or "#channel"
    message_id: str
    at: str
    message: Message | None = None
    form: Form | None = None
    key: str = ""  # the outbox key of the message (find_sent after a crash)


def _to_json(delivery: Delivery) -> str:
    data = asdict(delivery)
    if data["message"] and data["message"].get("image"):
        data["message"]["image"]["data"] = ""
    return json.dumps(data, ensure_ascii=False)


def _from_json(line: str) -> Delivery:
    data = json.loads(line)
    return Delivery(
        seq=data["seq"], kind=data["kind"], target=data["target"], message_id=data["message_id"], at=data["at"],
        message=message_from_dict(data["message"]) if data["message"] else None,
        form=form_from_dict(data["form"]) if data["form"] else None,
        key=data.get("key", ""),
    )


class Mailbox:
    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self._deliveries: list[Delivery] = []
        self._by_target: dict[str, list[Delivery]] = {}
        self._current: dict[str, dict[str, Message]] = {}
        self._read_offset = 0
        self.refresh()

    def _index(self, delivery: Delivery) -> None:
        self._deliveries.append(delivery)
        self._by_target.setdefault(delivery.target, []).append(delivery)
        if delivery.message is not None:
            self._current.setdefault(delivery.target, {})[delivery.message_id] = delivery.message

    def refresh(self) -> None:
        """Pick up what other console sessions appended to the file."""
        if self.path is None or not self.path.exists():
            return
        with self.path.open(encoding="utf-8") as handle:
            handle.seek(self._read_offset)
            for line in handle:
                if line.endswith("\n"):
                    self._index(_from_json(line))
                    self._read_offset += len(line.encode("utf-8"))

    def next_seq(self) -> int:
        self.refresh()
        return (self._deliveries[-1].seq + 1) if self._deliveries else 1

    def append(self, delivery: Delivery) -> None:
        if self.path is not None:
            line = _to_json(delivery) + "\n"
            with self.path.open("a", encoding="utf-8") as handle:
                handle.write(line)
            self._read_offset += len(line.encode("utf-8"))
        self._index(delivery)

    def all(self) -> list[Delivery]:
        return list(self._deliveries)

    def for_target(self, target: str) -> list[Delivery]:
        return list(self._by_target.get(target, ()))

    def current(self, target: str) -> dict[str, Message]:
        """The latest version of each message a person or channel has, in order of first sending."""
        return dict(self._current.get(target, {}))
