"""What a Slack user sees of the fake workspace, as plain text: every text of every block, un-escaped."""
from __future__ import annotations


def _texts(node) -> list[str]:
    if isinstance(node, dict):
        found = []
        if node.get("type") in ("plain_text", "mrkdwn") and isinstance(node.get("text"), str):
            found.append(node["text"])
        for key, value in node.items():
            if key != "text" or not isinstance(value, str):
                found += _texts(value)
        return found
    if isinstance(node, list):
        return [text for item in node for text in _texts(item)]
    return []


def message_text(message: dict) -> str:
    parts = _texts(message.get("blocks") or []) or [message.get("text") or ""]
    return "\n".join(part.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&") for part in parts)


def slack_seen_by(fake, target: str) -> list[str]:
    """`target` is "#channel" or a person's e-mail, as the ChatPort addresses them."""
    if target.startswith("#"):
        channel = next((cid for cid, c in fake.workspace.channels.items() if c["name"] == target[1:]), None)
        if channel is None:
            return []
        seen = [message_text(m) for m in fake.messages_in(channel)]
        return seen + [f"[image: {f.filename}] {f.title or ''}" for f in fake.files_in(channel)]
    user = next((u for u in fake.workspace.users.values() if u.email == target), None)
    return [message_text(m) for m in fake.messages_in(user.id)] if user else []
