"""Signed, expiring dashboard links for governance admins (itsdangerous), checked again on every visit.

A link's token is exchanged once for a session (a short-lived signed cookie value, app/web.py), so
that the token leaves the address bar, the history and any log at once."""
from __future__ import annotations

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.orm import Session

from bot.errors import N_, UserError
from bot.services.frictions import require_admin

SALT = "xgov.dashboard"
SESSION_SALT = "xgov.dashboard.session"
SESSION_SECONDS = 30 * 60
ADMINS_ONLY = N_("The dashboard is for the governance team only. Ask a governance admin.")


def _serializer(secret: str, salt: str = SALT) -> URLSafeTimedSerializer:
    if not secret:
        raise UserError(N_("The dashboard is switched off: set XGOV_WEB_SECRET to a long random value."))
    return URLSafeTimedSerializer(secret, salt=salt)


def make_token(*, session: Session, secret: str, email: str) -> str:
    """A token for a governance admin; refuses anyone else."""
    admin = require_admin(session=session, email=email, refusal=ADMINS_ONLY)
    return _serializer(secret).dumps({"email": admin.email})


def dashboard_url(public_url: str, token: str) -> str:
    return f"{public_url.rstrip('/')}/dashboard?token={token}"


def admin_of_token(*, session: Session, secret: str, token: str, max_age_seconds: int, salt: str = SALT) -> str:
    """The admin's email, or UserError when the link is forged, expired, or its holder is no longer an admin."""
    try:
        data = _serializer(secret, salt).loads(token, max_age=max_age_seconds)
    except SignatureExpired as problem:
        raise UserError(N_("This dashboard link has expired. Ask for a new one with /xgov dashboard.")) from problem
    except BadSignature as problem:
        raise UserError(N_("This dashboard link is not valid. Ask for a new one with /xgov dashboard.")) from problem
    if not isinstance(data, dict) or not isinstance(data.get("email"), str):  # signed, but not by make_token
        raise UserError(N_("This dashboard link is not valid. Ask for a new one with /xgov dashboard."))
    return require_admin(session=session, email=data["email"], refusal=ADMINS_ONLY).email


def session_value(*, secret: str, email: str) -> str:
    """The dashboard session cookie's value for an admin whose link was just checked."""
    return _serializer(secret, SESSION_SALT).dumps({"email": email})


def admin_of_session(*, session: Session, secret: str, value: str) -> str:
    """The admin of a session cookie (SESSION_SECONDS old at most), checked again as a link is."""
    return admin_of_token(session=session, secret=secret, token=value, max_age_seconds=SESSION_SECONDS,
                          salt=SESSION_SALT)
