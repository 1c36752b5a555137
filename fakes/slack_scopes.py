"""Which OAuth scope each Web API method needs with a bot token, as Slack documents it, so that the
fake answers ``missing_scope`` as Slack does when the app's manifest (adapters/slack/manifest.yml)
does not grant it. conversations.history needs the scope of the conversation's kind."""
from __future__ import annotations

from adapters.slack.manifest import load_manifest

ANY_SCOPE = frozenset()
METHOD_SCOPES: dict[str, frozenset[str]] = {  # any one of the set is enough
    "chat.postMessage": frozenset({"chat:write"}), "chat.update": frozenset({"chat:write"}),
    "chat.postEphemeral": frozenset({"chat:write"}),
    "conversations.open": frozenset({"im:write", "mpim:write"}),
    "conversations.list": frozenset({"channels:read", "groups:read", "im:read", "mpim:read"}),
    "conversations.join": frozenset({"channels:join"}),
    "users.info": frozenset({"users:read"}), "users.list": frozenset({"users:read"}),
    "users.lookupByEmail": frozenset({"users:read.email"}),
    "files.getUploadURLExternal": frozenset({"files:write"}),
    "files.completeUploadExternal": frozenset({"files:write"}), "files.upload": frozenset({"files:write"}),
    "views.open": ANY_SCOPE, "views.push": ANY_SCOPE, "views.update": ANY_SCOPE, "views.publish": ANY_SCOPE,
    "auth.test": ANY_SCOPE, "apps.connections.open": ANY_SCOPE,  # the app-level token's own check
}
HISTORY_SCOPES = {"C": "channels:history", "G": "groups:history", "D": "im:history"}  # by the id's first letter


def manifest_scopes() -> frozenset[str]:
    return frozenset(load_manifest()["oauth_config"]["scopes"]["bot"])


def needed_scope(method: str, args: dict, granted: frozenset[str]) -> str | None:
    """The scope `method` needs that `granted` lacks (Slack's ``needed``); None when it may be called."""
    if method == "conversations.history":
        needed = frozenset({HISTORY_SCOPES.get(str(args.get("channel") or "C")[:1], "mpim:history")})
    else:
        needed = METHOD_SCOPES.get(method)
        if needed is None:
            return f"(no scope known for {method})"
    if not needed or needed & granted:
        return None
    return ",".join(sorted(needed))
