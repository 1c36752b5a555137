"""The bot's web server (aiohttp): ``/dashboard`` for governance admins with a signed link, ``/healthz``,
``/images/{token}.png`` for the charts Teams cards link to.

A dashboard link (``/dashboard?token=…``) is exchanged for a session: a signed cookie (HttpOnly,
SameSite=Strict, Secure behind https, 30 minutes) and a 303 to the same address without the token.
The access log (`RedactedAccessLogger`) writes paths without their query, so no token reaches a log.

Slack's ``/slack/events`` and Teams' ``/api/messages`` join this application in their adapters.
"""
from __future__ import annotations

import asyncio
import html
import logging
from urllib.parse import urlencode

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger

from adapters.teams.images import CACHE_HEADERS
from app.audit_page import audit_page
from bot.services.published_images import find_image
from bot.clock import Clock, system_clock
from bot.config import Settings
from bot.digest.period import parse_period
from bot.errors import UserError
from bot.digest.compute import compute_digest
from bot.digest.formats import render_digest
from bot.i18n import normalise_locale, translator
from bot.services.dashboard_links import (
    ADMINS_ONLY, SESSION_SECONDS, admin_of_session, admin_of_token, session_value,
)
from bot.services.directory import get_person
from storage.db import Database

log = logging.getLogger(__name__)
SESSION_COOKIE = "xgov_dashboard"
SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",  # the link's token must not leak to other sites
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "default-src 'none'; img-src data:; style-src 'unsafe-inline'",
}


def build_web_app(*, db: Database, settings: Settings, clock: Clock = system_clock) -> web.Application:
    app = web.Application()

    async def healthz(_request: web.Request) -> web.Response:
        return web.Response(text="ok")

    def page(build):
        """A governance page: a link's token becomes the session (and leaves the address); else the session."""
        async def handler(request: web.Request) -> web.Response:
            query = request.query
            loop = asyncio.get_running_loop()
            if "token" in query:
                status, body, cookie = await loop.run_in_executor(
                    None, lambda: exchange_link(db, settings, query["token"], query.get("lang")))
                if cookie is not None:
                    return _into_session(request.path, query, cookie, secure=settings.public_url.startswith("https://"))
            else:
                status, body = await loop.run_in_executor(
                    None, lambda: build(request.cookies.get(SESSION_COOKIE, ""), query))
            return web.Response(status=status, text=body, content_type="text/html", charset="utf-8",
                                headers=SECURITY_HEADERS)
        return handler

    dashboard = page(lambda cookie, query: dashboard_page(db, settings, clock, cookie, query.get("period"),
                                                          query.get("lang")))
    audit = page(lambda cookie, query: audit_trail_page(db, settings, cookie, query.get("lang")))

    async def published_image(request: web.Request) -> web.Response:
        """A chart a Teams card links to (adapters/teams/images.py): the token is the only key."""
        found = await asyncio.get_running_loop().run_in_executor(None, find_image, db, request.match_info["token"])
        if found is None:
            return web.Response(status=404, text="no such image", headers={"Cache-Control": "no-store"})
        content_type, data = found
        return web.Response(body=data, content_type=content_type, headers=CACHE_HEADERS)

    app.router.add_get("/healthz", healthz)
    app.router.add_get("/dashboard", dashboard)
    app.router.add_get("/dashboard/audit", audit)
    app.router.add_get("/images/{token}.png", published_image)
    return app


def _into_session(path: str, query, cookie: str, *, secure: bool) -> web.Response:
    """303 to the page's address without the token, the session in an HttpOnly, SameSite=Strict cookie."""
    rest = {name: value for name, value in query.items() if name in ("period", "lang")}
    response = web.Response(status=303, headers={**SECURITY_HEADERS,
                                                 "Location": path + ("?" + urlencode(rest) if rest else "")})
    response.set_cookie(SESSION_COOKIE, cookie, max_age=SESSION_SECONDS, path="/dashboard", httponly=True,
                        samesite="Strict", secure=secure)
    return response


def exchange_link(db: Database, settings: Settings, token: str, lang: str | None) -> tuple[int, str, str | None]:
    """(status, refusal page, None) for a link that is not valid; (303, "", the session cookie's value) else."""
    try:
        with db.unit_of_work() as session:
            email = admin_of_token(session=session, secret=settings.web_secret, token=token,
                                   max_age_seconds=settings.dashboard_link_days * 86400)
    except UserError as refusal:
        locale = normalise_locale(lang) or settings.default_locale
        return (403 if refusal.msgid == ADMINS_ONLY else 401), _refusal_page(translator(locale), refusal), None
    return 303, "", session_value(secret=settings.web_secret, email=email)


def _admin(db: Database, settings: Settings, cookie: str,
           lang: str | None) -> tuple[str | None, str, tuple[int, str] | None]:
    """(the admin's e-mail, the page's locale, None) for a valid session; (None, locale, (status, refusal
    page)) otherwise: 403 for someone who is no longer a governance admin, 401 for a bad or expired one."""
    locale = normalise_locale(lang) or settings.default_locale
    try:
        with db.unit_of_work() as session:
            email = admin_of_session(session=session, secret=settings.web_secret, value=cookie)
            locale = normalise_locale(lang) or get_person(session=session, email=email).locale or locale
    except UserError as refusal:
        return None, locale, (403 if refusal.msgid == ADMINS_ONLY else 401, _refusal_page(translator(locale), refusal))
    return email, locale, None


def audit_trail_page(db: Database, settings: Settings, cookie: str, lang: str | None) -> tuple[int, str]:
    """(HTTP status, page): the audit trail for a valid dashboard session, refusals otherwise."""
    _email, locale, refused = _admin(db, settings, cookie, lang)
    if refused:
        return refused
    log.info("audit trail shown to a governance admin")
    return 200, audit_page(db, translator(locale))


def dashboard_page(db: Database, settings: Settings, clock: Clock, cookie: str, period: str | None,
                   lang: str | None) -> tuple[int, str]:
    """(HTTP status, page): the dashboard for a valid session cookie; 401/403/400 pages otherwise."""
    email, locale, refused = _admin(db, settings, cookie, lang)
    if refused:
        return refused
    try:
        chosen = parse_period(period, clock())
    except UserError as refusal:
        return 400, _refusal_page(translator(locale), refusal)
    with db.unit_of_work() as session:
        digest = compute_digest(session, chosen, now=clock())
    log.info("dashboard %s shown to %s", digest.period.label, email)
    return 200, render_digest(digest, "html", locale)


def _refusal_page(_, refusal: UserError) -> str:
    text = html.escape(_(refusal.msgid, **refusal.params))
    title = html.escape(_("xgov dashboard"))
    return (f'<!DOCTYPE html><html lang="{_.locale}"><head><meta charset="utf-8"><title>{title}</title></head>'
            f"<body><h1>{title}</h1><p>{text}</p></body></html>")


class RedactedAccessLogger(AbstractAccessLogger):
    """aiohttp's access log without query strings (a dashboard link's token) and without headers."""

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        self.logger.info('%s "%s %s" %s %.3fs', request.remote, request.method, request.path, response.status, time)


RUNNER_OPTIONS = {"access_log_class": RedactedAccessLogger}  # how the server runs (tests run it the same way)


def serve(app: web.Application, port: int) -> None:
    web.run_app(app, host="0.0.0.0", port=port, print=None, **RUNNER_OPTIONS)
