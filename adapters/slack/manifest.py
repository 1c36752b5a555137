"""The Slack app manifest (manifest.yml) with this installation's address, ready to paste."""
from __future__ import annotations

from pathlib import Path

import yaml

MANIFEST = Path(__file__).with_name("manifest.yml")
PLACEHOLDER = "https://xgov.example.com"


def load_manifest() -> dict:
    return yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))


def manifest_for(public_url: str | None, *, socket_mode: bool = False) -> str:
    """The manifest as YAML: URLs pointing at `public_url`, or none at all in Socket Mode."""
    text = MANIFEST.read_text(encoding="utf-8").split("\ndisplay_information:", 1)[1]
    text = "display_information:" + text  # without the comments meant for readers of the file
    if not socket_mode:
        if not public_url or not public_url.startswith("https://"):
            raise ValueError("Slack sends requests only to an https:// address: give --url https://your-host "
                             "(or use --socket-mode, which needs no public address)")
        return text.replace(PLACEHOLDER, public_url.rstrip("/"))
    manifest = load_manifest()
    for command in manifest["features"]["slash_commands"]:
        command.pop("url", None)
    manifest["settings"]["event_subscriptions"].pop("request_url", None)
    manifest["settings"]["interactivity"].pop("request_url", None)
    manifest["settings"]["socket_mode_enabled"] = True
    return yaml.safe_dump(manifest, sort_keys=False, allow_unicode=True, width=100)
