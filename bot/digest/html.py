"""The digest as one read-only HTML page (``xgov dashboard``): self-contained, no JavaScript.

CSS is inline and the charts are embedded as data: URIs, so the file can be mailed, opened
from disk or served as it is. Every text that comes from data is HTML-escaped.
"""
from __future__ import annotations

import base64

from babel.dates import format_date, format_time

from bot.digest import html_sections as sections
from bot.digest.charts import CHART_BY_NAME, CHARTS, chart_alt, chart_title
from bot.digest.model import Digest
from bot.errors import NP_
from bot.i18n import normalise_locale


CSS = """
:root{color-scheme:light}
*{box-sizing:border-box}
body{margin:0;background:#fff;color:#1a1a1a;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,
"Noto Sans","DejaVu Sans",sans-serif}
header.page,main,footer{max-width:74rem;margin:0 auto;padding:0 1.5rem}
header.page{padding-top:1.5rem;padding-bottom:.75rem;border-bottom:3px solid #0b4f8a}
h1{font-size:1.7rem;margin:0 0 .25rem;color:#0b3d6b}
h2{font-size:1.3rem;margin:2.25rem 0 .75rem;padding-bottom:.2rem;border-bottom:1px solid #b8c2cf;color:#0b3d6b}
h3{font-size:1.05rem;margin:1.25rem 0 .4rem}
a{color:#0b4f8a}
.muted,small{color:#4a4a4a}
.nowrap{white-space:nowrap}
nav ul{list-style:none;display:flex;flex-wrap:wrap;gap:.2rem 1.1rem;padding:0;margin:.75rem 0 0}
.scroll{overflow-x:auto}
table{border-collapse:collapse;width:100%;margin:.4rem 0 1rem;font-variant-numeric:tabular-nums}
caption{text-align:left;font-weight:600;font-size:1.05rem;padding:.3rem 0}
th,td{padding:.4rem .6rem;border-bottom:1px solid #d4d9e0;text-align:left;vertical-align:top}
thead th{background:#eef2f7;border-bottom:2px solid #7f91a8;font-weight:600}
tbody th{font-weight:500;min-width:10rem;max-width:32rem}
.num{text-align:right}
.stats{display:grid;grid-template-columns:repeat(auto-fit,minmax(9rem,1fr));gap:.7rem;margin:0 0 1rem}
.stats div{display:flex;flex-direction:column-reverse;justify-content:flex-end;border:1px solid #d4d9e0;
border-radius:6px;padding:.55rem .8rem}
.stats dt{font-size:.85rem;color:#4a4a4a}
.stats dd{margin:0;font-size:1.45rem;font-weight:600}
.stats dd small{font-size:.85rem;font-weight:400}
.grid2{display:grid;grid-template-columns:repeat(auto-fit,minmax(20rem,1fr));gap:0 2rem}
.signals{padding:0}
.signals li{list-style:none;margin:.4rem 0;padding:.55rem .8rem;border-left:4px solid #a34d00;background:#fff4e8}
.beyond{font-weight:700;color:#0b3d6b}
.alert{color:#8f1d1d}
.hidden-figure{font-style:italic;color:#4a4a4a}
.headline{font-size:1.25rem;font-weight:600;margin:.25rem 0}
.verdict{border-left:4px solid #0b4f8a;background:#eef2f7;padding:.6rem .9rem}
figure{margin:1rem 0 1.5rem}
figure img{display:block;max-width:100%;max-height:36rem;width:auto;height:auto;border:1px solid #d4d9e0}
figcaption{color:#4a4a4a;font-size:.9rem;margin-top:.3rem}
footer{margin-top:2.5rem;padding-top:.75rem;padding-bottom:2rem;border-top:1px solid #d4d9e0;font-size:.85rem}
@media print{
body{font-size:10.5pt}
nav{display:none}
header.page,main,footer{max-width:none;padding:0}
h2{break-after:avoid}
tr,figure,.stats,.signals li{break-inside:avoid}
thead{display:table-header-group}
.scroll{overflow:visible}
a{color:inherit;text-decoration:none}
.signals li,.verdict,thead th{background:none}
}
"""


def render_dashboard(digest: Digest, locale: str, charts: dict[str, bytes]) -> str:
    """The whole page for one reader's language ("pl" or "en"); `charts` maps file names to PNG bytes."""
    lang = normalise_locale(locale) or "en"
    v = sections.View(lang, digest.k)
    _ = v.t
    title = _("Governance digest {period}", period=digest.period.label)
    parts = [
        ("signals", _("Signals"), sections.signals(digest, v)),
        ("ex", _("Employees (EX)"), sections.ex(digest, v)),
        ("kpis", _("Customers (CX) and business KPIs"), sections.kpis(digest, v)),
        ("frictions", _("Friction reports"), sections.frictions(digest, v)),
        ("owners", _("Owners"), sections.owners(digest, v)),
        ("maturity", _("CX governance maturity"), sections.maturity(digest, v)),
        ("diagnostic", _("Operating-model diagnostic"), sections.diagnostic(digest, v)),
    ]
    if charts:
        parts.append(("charts", _("Charts"), _charts(charts, v)))
    nav = "".join(f'<li><a href="#{anchor}">{name}</a></li>' for anchor, name, _body in parts)
    body = "".join(sections.section(anchor, name, html) for anchor, name, html in parts)
    at = digest.generated_at
    generated = f'{format_date(at, "medium", locale=lang)} {format_time(at, "short", tzinfo=at.tzinfo, locale=lang)}'
    subtitle = _(NP_("{start} to {end} · every figure shows its n; groups of fewer than {n} person are hidden.",
                      "{start} to {end} · every figure shows its n; groups of fewer than {n} people are hidden."),
                   start=v.date(digest.period.start), end=v.date(digest.period.end), n=digest.k)
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
        "img-src data:\">\n"
        f"<title>{title}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        f'<header class="page"><h1>{title}</h1><p class="muted">{subtitle}</p>'
        f'<nav aria-label="{_("Sections")}"><ul>{nav}</ul></nav></header>\n'
        f"<main>{body}</main>\n"
        f'<footer class="muted">{_("Generated by xgov on {date}. Read-only view.", date=generated)}</footer>\n'
        "</body>\n</html>\n"
    )


def _charts(charts: dict[str, bytes], v: sections.View) -> str:
    _ = v.t
    known = [chart.name for chart in CHARTS if chart.name in charts]
    figures = []
    for name in known + sorted(name for name in charts if name not in CHART_BY_NAME):
        data = base64.b64encode(charts[name]).decode("ascii")
        alt, caption = v.esc(chart_alt(name, _)), v.esc(chart_title(name, _))
        figures.append(f'<figure><img src="data:image/png;base64,{data}" alt="{alt}">'
                       f"<figcaption>{caption}</figcaption></figure>")
    return "".join(figures)
