"""The digest as a document: Markdown, self-contained HTML (the dashboard) or JSON."""
from __future__ import annotations

import json

from bot.digest.model import Digest
from bot.i18n import translator

FORMATS = ("md", "html", "json")


def render_digest(digest: Digest, fmt: str, locale: str) -> str:
    if fmt == "json":
        from bot.digest.json_format import digest_to_dict

        return json.dumps(digest_to_dict(digest), ensure_ascii=False, indent=2) + "\n"
    if fmt == "html":
        from bot.digest import charts
        from bot.digest.html import render_dashboard

        return render_dashboard(digest, locale, charts.all_charts(digest, locale))
    from bot.digest.markdown import digest_markdown

    return digest_markdown(digest, translator(locale))
