"""/dashboard over real HTTP: only with a valid, unexpired link of a governance admin; the figures shown."""
from __future__ import annotations

import pytest
from itsdangerous import URLSafeTimedSerializer

from app.web import build_web_app
from bot.clock import SimulatedClock
from bot.config import Settings
from bot.services import directory
from bot.services.dashboard_links import SALT, make_token
from storage.db import Database
from tests import digest_world as w
from tests.web_server import RunningApp

SECRET = "test-secret-" + "x" * 32


@pytest.fixture
def served(sqlite_url):
    db = w.build(sqlite_url)
    settings = Settings(database_url=sqlite_url, web_secret=SECRET, default_locale="en")
    running = RunningApp(build_web_app(db=db, settings=settings, clock=SimulatedClock(w.at(8))))
    yield running, db
    running.stop()
    db.dispose()


def _token(db: Database, email: str = w.ADMIN) -> str:
    with db.unit_of_work() as session:
        return make_token(session=session, secret=SECRET, email=email)


def test_an_admin_link_shows_the_digest_without_caching_or_referrer(served):
    running, db = served
    status, headers, page = running.get(f"/dashboard?token={_token(db)}&period=2026-W10")
    assert status == 200
    assert "2026-W10" in page and "+20" in page and "n = 10" in page  # eNPS +20 of ten answers
    assert "Iga &lt;!channel&gt; Inna" in page and "<!channel>" not in page
    assert headers["Cache-Control"] == "no-store" and headers["Referrer-Policy"] == "no-referrer"
    assert "script-src" not in headers["Content-Security-Policy"]  # no script may run at all


def test_the_admin_reads_it_in_their_language_unless_the_link_asks_otherwise(served):
    running, db = served
    with db.unit_of_work() as session:
        directory.set_locale(session=session, email=w.ADMIN, locale="pl")
    _status, _headers, page = running.get(f"/dashboard?token={_token(db)}&period=2026-W10")
    assert '<html lang="pl"' in page
    _status, _headers, page = running.get(f"/dashboard?token={_token(db)}&period=2026-W10&lang=en")
    assert '<html lang="en"' in page


def test_no_token_a_forged_one_or_an_expired_one_is_refused(served):
    running, db = served
    status, _headers, page = running.get("/dashboard")
    assert status == 401 and "not valid" in page and "eNPS" not in page
    forged = URLSafeTimedSerializer("another secret", salt=SALT).dumps({"email": w.ADMIN})
    assert running.get(f"/dashboard?token={forged}")[0] == 401
    tampered = _token(db)[:-2] + "xx"
    assert running.get(f"/dashboard?token={tampered}")[0] == 401


def test_a_link_stops_working_when_its_holder_is_no_longer_an_admin(served):
    running, db = served
    token = _token(db)
    with db.unit_of_work() as session:
        from sqlalchemy import delete

        from storage.models import Person, PersonRole

        person_id = session.query(Person.id).filter(Person.email == w.ADMIN).scalar()
        session.execute(delete(PersonRole).where(PersonRole.person_id == person_id,
                                                 PersonRole.role == "governance_admin"))
    status, _headers, page = running.get(f"/dashboard?token={token}")
    assert status == 403 and "governance team only" in page


def test_only_admins_get_a_link(served):
    _running, db = served
    from bot.errors import UserError

    with pytest.raises(UserError):
        _token(db, email=w.OWNER)


def test_a_bad_period_is_a_clear_400(served):
    running, db = served
    status, _headers, page = running.get(f"/dashboard?token={_token(db)}&period=last-tuesday")
    assert status == 400 and "is not a period" in page


def test_expired_links_are_refused(sqlite_url, monkeypatch):
    db = w.build(sqlite_url)
    settings = Settings(database_url=sqlite_url, web_secret=SECRET, dashboard_link_days=1)
    token = _token(db)
    import itsdangerous.timed

    real_time = itsdangerous.timed.time.time
    monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: real_time() + 2 * 86400)
    from app.web import exchange_link

    status, page, cookie = exchange_link(db, settings, token, "en")
    assert status == 401 and "expired" in page and cookie is None
    db.dispose()


def test_a_link_becomes_a_strict_http_only_session_and_the_token_leaves_the_address(served):
    import http.client
    from urllib.parse import urlsplit

    running, db = served
    token = _token(db)
    connection = http.client.HTTPConnection("127.0.0.1", running.port, timeout=10)
    connection.request("GET", f"/dashboard?token={token}&period=2026-W10")
    answer = connection.getresponse()
    answer.read()
    assert answer.status == 303 and answer.getheader("Location") == "/dashboard?period=2026-W10"
    cookie = answer.getheader("Set-Cookie")
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Max-Age=1800" in cookie
    assert "Path=/dashboard" in cookie and token not in cookie
    status, _headers, page = running.get(f"/dashboard?token={token}&period=2026-W10")  # a browser follows it
    assert status == 200 and "2026-W10" in page
    assert running.get("/dashboard?period=2026-W09")[0] == 200  # the session, without any token
    assert running.get("/dashboard?period=9999-W52")[0] == 400  # out of range: refused, not a 500
    assert urlsplit(running.base).scheme == "http" and "Secure" not in cookie  # Secure only behind https


def test_a_signed_token_that_is_not_a_link_and_a_forged_session_are_refused(served):
    running, _db = served
    signed_list = URLSafeTimedSerializer(SECRET, salt=SALT).dumps(["admin@example.pl"])
    assert running.get(f"/dashboard?token={signed_list}")[0] == 401
    running.cookies.clear()
    forged = URLSafeTimedSerializer(SECRET, salt=SALT).dumps({"email": w.ADMIN})  # a link, not a session
    request = __import__("urllib.request").request.Request(running.base + "/dashboard",
                                                           headers={"Cookie": f"xgov_dashboard={forged}"})
    try:
        __import__("urllib.request").request.urlopen(request, timeout=10)
        status = 200
    except __import__("urllib.error").error.HTTPError as refused:
        status = refused.code
    assert status == 401

def test_the_audit_trail_page_for_an_admin_only(served):
    running, db = served
    token = _token(db)
    status, headers, page = running.get(f"/dashboard/audit?token={token}&lang=en")
    assert status == 200 and headers["Cache-Control"] == "no-store"
    assert "The audit trail holds" in page and "person.added" in page and "policy.added" in page
    assert running.get(f"/dashboard/audit?token={token}x")[0] == 401
    with db.unit_of_work() as session:
        from sqlalchemy import delete

        from storage.models import Person, PersonRole

        person_id = session.query(Person.id).filter(Person.email == w.ADMIN).scalar()
        session.execute(delete(PersonRole).where(PersonRole.person_id == person_id,
                                                 PersonRole.role == "governance_admin"))
    assert running.get(f"/dashboard/audit?token={token}")[0] == 403
