"""The App Home tab: the person's page (bot/flows/home.py) as one Block Kit home view."""
from __future__ import annotations

from adapters.slack.blocks import ACTION_SUFFIX, message_blocks, parse_action_id
from adapters.slack.blocks_text import CONTEXT_TEXT, MAX_MODAL_BLOCKS, plain_text, shortened
from bot.messages import Message

DEFAULT_MORE_TEXT = "… shortened: the rest does not fit on this page."


def home_view(page: list[Message], *, more_text: str = DEFAULT_MORE_TEXT) -> dict:
    """Each message's blocks, a divider between messages, at most 100 blocks, action_ids unique on the page."""
    blocks: list[dict] = []
    for message in page:
        if blocks:
            blocks.append({"type": "divider"})
        blocks += message_blocks(message)[0]
    if len(blocks) > MAX_MODAL_BLOCKS:
        blocks = blocks[:MAX_MODAL_BLOCKS - 1] + [
            {"type": "context", "elements": [plain_text(shortened(more_text, CONTEXT_TEXT))]}]
    _renumber_actions(blocks)
    return {"type": "home", "blocks": blocks}


def _renumber_actions(blocks: list[dict]) -> None:
    """message_blocks numbers action_ids per message; on one page they must not repeat."""
    count = 0
    for block in blocks:
        elements = list(block.get("elements") or []) if block.get("type") == "actions" else []
        if block.get("accessory"):
            elements.append(block["accessory"])
        for element in elements:
            if "action_id" in element:
                element["action_id"] = f"{parse_action_id(element['action_id'])}{ACTION_SUFFIX}{count}"
                count += 1
