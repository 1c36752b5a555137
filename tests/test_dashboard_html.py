"""The HTML dashboard of the digest, rendered from a hand-built Digest (no database, no browser)."""
from __future__ import annotations

import base64
import re
import struct
import zlib
from dataclasses import replace
from datetime import date, datetime, timezone
from html.parser import HTMLParser

from bot.digest.html import render_dashboard
from bot.digest.model import (
    BarrierRow, Change, DiagnosticItem, DiagnosticSection, Digest, DimensionFigure, FrictionSection, KpiFigure,
    MaturitySection, OwnerRow, Period, Point, Signal, SurveyFigure, WeekCount,
)
from bot.digest.texts import kpi_label
from bot.i18n import translator
from bot.digest.noise import LEFT_OUT_KIND
from surveys.diagnostic import DataAnswer
from surveys.model import LocalizedText

HOSTILE_TITLE = "<script>alert(1)</script>"
HOSTILE_OWNER = "<!channel> Ann & Bob"
HOSTILE_UNIT = '"><img src=x onerror=alert(2)>'
WEEK = Period(date(2026, 3, 23), date(2026, 3, 29), "2026-W13")


def tiny_png(width: int = 4, height: int = 3) -> bytes:
    """A valid RGB PNG of the given size, built by hand (no imaging library needed)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = b"".join(b"\x00" + bytes((40, 90, 160)) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def text(en: str, pl: str | None = None) -> LocalizedText:
    return LocalizedText(pl=pl or en, en=en)


def build_digest(**changes) -> Digest:
    """A small digest touching every section; keyword arguments replace its fields."""
    enps = SurveyFigure("enps", text("eNPS"), "nps", Point(date(2026, 3, 16), -11.8, 161), (-23.7, 0.1), None,
                        Change(-8.2, True), (Point(date(2026, 3, 2), -3.6, 158), Point(date(2026, 3, 16), -11.8, 161)))
    item = SurveyFigure("pulse/have_what_i_need", text("I have what I need.", "Mam wszystko, czego potrzebuję."),
                        "likert", Point(date(2026, 3, 16), 3.4125, 160), (3.2616, 3.5634), 50.0,
                        Change(-0.0313, False), ())
    hidden = SurveyFigure("pulse/small_team", text("My team is small.", "Mój zespół jest mały."), "likert",
                          Point(date(2026, 3, 16), None, None), None, None, None, ())
    cx = (KpiFigure("nps", "cx", None, Point(date(2026, 3, 1), 42.0, 1250), Point(date(2026, 2, 1), 35.5, 1190),
                    Change(6.5, True), ()),
          KpiFigure("csat", "cx", HOSTILE_UNIT, Point(date(2026, 3, 1), 4.21, 312), None, None, ()))
    business = (KpiFigure("complaints", "business", None, Point(date(2026, 3, 1), 1834.0, None),
                          Point(date(2026, 2, 1), 1500.0, None), Change(334.0, True), ()),
                KpiFigure("revenue", "business", None, Point(date(2026, 3, 1), 1.02e6, None),
                          Point(date(2026, 2, 1), 1.0e6, None), None, (), change_note=LEFT_OUT_KIND))
    frictions = FrictionSection(
        new=5, by_kind={"workaround": 2, "exception": 1, "untagged": 2}, by_experience={"cx": 4, "untagged": 1},
        weekly_by_kind=(WeekCount(date(2026, 3, 23), {"workaround": 2}),),
        top_barriers=(BarrierRow(7, HOSTILE_TITLE, HOSTILE_OWNER, 12, 2, 6, 3),
                      BarrierRow(1, "Refunds above 500 PLN need a director's approval", "Magdalena Jabłońska",
                                 9, 1, 1, 4)),
        unassigned=1, overdue=3, resolved=4, resolved_with_change=3, median_days_to_resolve=16.25)
    owners = (OwnerRow(HOSTILE_OWNER, "ann@example.com", 7, 3, 26, 0),
              OwnerRow("Krzysztof Król", "krzysztof@example.com", 0, 0, None, 2))
    maturity = MaturitySection(wave_id=3, on=date(2026, 1, 26), respondents=7, overall=2.3413, level=2,
                               ci=(1.71, 2.97), near_boundary=True, previous_wave_id=2, previous_overall=2.1, dimensions=(
        DimensionFigure("change_management", text("Change management", "Zarządzanie zmianą"), 2.238, 2.0,
                        (1.61, 2.87), True),
        DimensionFigure("measures_indicators", text("Measures and indicators", "Miary i wskaźniki"), None, None)))
    diagnostic = DiagnosticSection(wave_id=5, on=date(2026, 2, 9), respondents=6,
                                   verdict_key="diagnostic.verdict.missing_governance", items=(
        DiagnosticItem("nps_enps_together", text("Our NPS and eNPS move together."), 2, 6, False, DataAnswer(True, 40)),
        DiagnosticItem("no_workarounds", text("No informal workarounds."), None, None, None, DataAnswer(None, 4, False)),
        DiagnosticItem("managers_accountable", text("Managers are accountable."), 3, 6, None, DataAnswer(None, 12))))
    signals = (Signal("nps_up_enps_down", "", {"nps_delta": 6.5, "enps_delta": -8.2}),
               Signal("owner_overdue", HOSTILE_OWNER, {"overdue": 3, "open": 7}),
               Signal("barrier_growing", f"P-7 {HOSTILE_TITLE}", {"recent": 6, "prior": 3}))
    digest = Digest(period=WEEK, generated_at=datetime(2026, 3, 30, 8, tzinfo=timezone.utc), k=5,
                    ex=(enps, item, hidden), cx=cx, business=business, frictions=frictions, owners=owners,
                    maturity=maturity, diagnostic=diagnostic, signals=signals)
    return replace(digest, **changes)


def empty_digest() -> Digest:
    frictions = FrictionSection(0, {}, {}, (), (), 0, 0, 0, 0, None)
    return build_digest(ex=(), cx=(), business=(), frictions=frictions, owners=(), maturity=None, diagnostic=None,
                        signals=())


CHARTS = {"trends.png": tiny_png(), "frictions.png": tiny_png(6, 2), "maturity.png": tiny_png(3, 3)}


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def tags_of(page: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = Tags()
    parser.feed(page)
    return parser.tags


def row_of(page: str, label: str) -> str:
    """The <tr> whose header cell holds `label`."""
    match = re.search(r"<tr><th scope=\"row\"[^>]*>" + re.escape(label) + r".*?</tr>", page, re.S)
    assert match, f"no row for {label!r}"
    return match.group(0)


def test_the_page_is_one_html5_document_with_every_section_in_order():
    page = render_dashboard(build_digest(), "en", CHARTS)
    assert page.startswith("<!DOCTYPE html>")
    assert "<title>Governance digest 2026-W13</title>" in page
    assert "<h1>Governance digest 2026-W13</h1>" in page
    positions = [page.index(f'<section id="{anchor}"')
                 for anchor in ("signals", "ex", "kpis", "frictions", "owners", "maturity", "diagnostic", "charts")]
    assert positions == sorted(positions)


def test_the_lang_attribute_follows_the_reader():
    assert '<html lang="en">' in render_dashboard(build_digest(), "en", {})
    assert '<html lang="pl">' in render_dashboard(build_digest(), "pl", {})
    assert '<html lang="pl">' in render_dashboard(build_digest(), "pl-PL", {})
    assert '<html lang="en">' in render_dashboard(build_digest(), "de", {})


def test_every_figure_carries_its_n():
    page = render_dashboard(build_digest(), "en", {})
    enps = row_of(page, "eNPS")
    assert "−12" in enps and "n = 161" in enps and "−24 to 0" in enps and "beyond noise" in enps
    item = row_of(page, "I have what I need.")
    assert "3.41" in item and "n = 160" in item and "3.26 to 3.56" in item and "50%" in item
    assert "within noise" in item
    nps = row_of(page, "Customer NPS")
    assert "42" in nps and "n = 1,250" in nps and "35.5" in nps and "n = 1,190" in nps and "+6.5" in nps
    assert "The whole organisation" in nps
    assert "1,834" in row_of(page, "Complaints")
    assert "left out: the KPI&#x27;s kind was not declared at import" in row_of(page, "revenue")
    assert "2.34 · level 2: Noticing · n = 7" in page
    assert "2 / 6" in row_of(page, "Our NPS and eNPS move together.")
    assert "yes (n = 40)" in row_of(page, "Our NPS and eNPS move together.")
    assert "not enough data (n = 4)" in row_of(page, "No informal workarounds.")
    tied = row_of(page, "Managers are accountable.")
    assert "Undecided (tie)" in tied and "undecided (n = 12)" in tied
    assert "1.61–2.87 <span class=\"muted\">(near a level boundary)</span>" in row_of(page, "Change management")
    assert "95% interval 1.71-2.97 · near a level boundary: another sample could land a level up or down" in page
    assert "16.2" in page and "(<span class=\"nowrap\">n = 4</span>)" in page  # the median of the 4 resolved


def test_a_hidden_figure_shows_fewer_than_k_and_no_n():
    page = render_dashboard(build_digest(), "en", {})
    hidden = row_of(page, "My team is small.")
    assert "Hidden: fewer than 5 answers" in hidden
    assert "n =" not in hidden
    diagnostic = row_of(page, "No informal workarounds.")
    assert "Hidden: fewer than 5 answers" in diagnostic and not re.search(r"\d / \d", diagnostic)
    assert "Hidden: fewer than 5 answers" in row_of(page, "Measures and indicators")


def test_text_from_data_is_escaped_and_the_page_has_no_script():
    page = render_dashboard(build_digest(), "en", CHARTS)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;!channel&gt; Ann &amp; Bob" in page
    assert "&quot;&gt;&lt;img src=x onerror=alert(2)&gt;" in page
    assert "<script" not in page.lower() and "<!channel>" not in page
    tags = tags_of(page)
    assert all(not name.startswith("on") for _tag, attrs in tags for name in attrs)
    images = [attrs["src"] for tag, attrs in tags if tag == "img"]
    assert len(images) == 3 and all(src.startswith("data:image/png;base64,") for src in images)


def test_charts_are_embedded_with_alt_texts_and_missing_ones_are_left_out():
    page = render_dashboard(build_digest(), "en", {"frictions.png": CHARTS["frictions.png"]})
    images = [attrs for tag, attrs in tags_of(page) if tag == "img"]
    assert len(images) == 1
    assert images[0]["src"] == "data:image/png;base64," + base64.b64encode(CHARTS["frictions.png"]).decode()
    assert images[0]["alt"].startswith("Bar chart: friction reports per week")
    assert '<section id="charts"' not in render_dashboard(build_digest(), "en", {})


def test_a_hidden_kpi_reading_and_a_first_maturity_wave():
    hidden_kpi = KpiFigure("staff_turnover", "business", "Call centre", Point(date(2026, 3, 1), None, None), None,
                           None, ())
    first_wave = replace(build_digest().maturity, previous_wave_id=None, previous_overall=None)
    page = render_dashboard(build_digest(business=(hidden_kpi,), maturity=first_wave), "en", {})
    row = row_of(page, "Staff turnover")
    assert "Hidden: fewer than 5 answers" in row and "n =" not in row and "Call centre" in row
    assert "No earlier maturity wave to compare with." in page
    assert "The previous wave" not in page


def test_polish_numbers_use_a_decimal_comma():
    page = render_dashboard(build_digest(), "pl", {})
    item = row_of(page, "Mam wszystko, czego potrzebuję.")
    assert "3,41" in item and "3,26" in item and "3.41" not in item
    assert "2,34" in page and "16,2" in page
    nps = row_of(page, kpi_label("nps", translator("pl")))  # the label may be translated; the figures are babel's
    assert "n = 1\u00a0250" in nps and "35,5" in nps and "+6,5" in nps
    english = render_dashboard(build_digest(), "en", {})
    assert "3.41" in row_of(english, "I have what I need.")


def test_tables_have_scoped_headers():
    page = render_dashboard(build_digest(), "en", {})
    headers = [attrs for tag, attrs in tags_of(page) if tag == "th"]
    assert headers and all(attrs.get("scope") in ("col", "row") for attrs in headers)


def test_signals_are_sentences():
    page = render_dashboard(build_digest(), "en", {})
    signals = page[page.index('<section id="signals"'):page.index('<section id="ex"')]
    assert signals.count("<li>") == 3
    assert "6.5" in signals and "8.2" in signals
    assert "&lt;!channel&gt; Ann &amp; Bob: overdue assignments 3, open 7." in signals
    assert "P-7 &lt;script&gt;" in signals


def test_an_empty_digest_says_so_in_each_section():
    page = render_dashboard(empty_digest(), "en", {})
    assert "No signal beyond noise this week." in page
    assert "No pulse results yet." in page
    assert "No KPIs imported yet" in page
    assert "No report has been handed to an owner yet." in page
    assert "No maturity survey has ended yet." in page
    assert "No diagnostic survey has ended yet." in page
    assert "<table" not in page.split('<section id="frictions"')[1].split("</section>")[0]
