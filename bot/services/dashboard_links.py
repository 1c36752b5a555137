"""Signed, expiring dashboard links for governance admins (itsdangerous), checked again on every visit."""
from __future__ import annotations

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.orm import Session

from bot.errors import N_, UserError
from bot.services.frictions import require_admin

SALT = "xgov.dashboard"
ADMINS_ONLY = N_("The dashboard is for the governance team only. Ask a governance admin.")


def _serializer(secret: str) -> URLSafeTimedSerializer:
    if not secret:
        raise UserError(N_("The dashboard is switched off: set XGOV_WEB_SECRET to a long random value."))
    return URLSafeTimedSerializer(secret, salt=SALT)


def make_token(*, session: Session, secret: str, email: str) -> str:
    """A token for a governance admin; refuses anyone else."""
    admin = require_admin(session=session, email=email, refusal=ADMINS_ONLY)
    return _serializer(secret).dumps({"email": admin.email})


def dashboard_url(public_url: str, token: str) -> str:
    return f"{public_url.rstrip('/')}/dashboard?token={token}"


def admin_of_token(*, session: Session, secret: str, token: str, max_age_seconds: int) -> str:
    """The admin's email, or UserError when the link is forged, expired, or its holder is no longer an admin."""
    try:
        data = _serializer(secret).loads(token, max_age=max_age_seconds)
    except SignatureExpired as problem:
        raise UserError(N_("This dashboard link has expired. Ask for a new one with /xgov dashboard.")) from problem
    except BadSignature as problem:
        raise UserError(N_("This dashboard link is not valid. Ask for a new one with /xgov dashboard.")) from problem
    return require_admin(session=session, email=str(data.get("email", "")), refusal=ADMINS_ONLY).email
