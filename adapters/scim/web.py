"""SCIM 2.0 (RFC 7643/7644) at ``/scim/v2`` on the bot's web server, for Entra ID and Okta provisioning.

scim2-server serves the protocol (framework-neutral ScimRequest -> ScimResponse); this module reads the
aiohttp request, checks the bearer token (XGOV_SCIM_TOKEN, compared in constant time), runs the request
in one unit of work over adapters/scim/storage.py and writes the answer. Off while the token is empty.
"""
from __future__ import annotations

import asyncio
import hmac
import json
import logging
import uuid

from aiohttp import web
from scim2_models import ScimPolicy, ScimProvider, ServiceProviderConfig, UnauthorizedException
from scim2_server.applications.base import BaseApplication
from scim2_server.handler import ScimHandler
from scim2_server.requests import ScimRequest
from scim2_server.responses import ScimResponse
from scim2_server.service import ScimService
from scim2_server.utils import load_default_resource_types, load_default_schemas

from adapters.scim.storage import DirectoryStorage
from bot.clock import Clock, system_clock
from bot.config import Settings
from bot.services.directory import ROLES
from bot.turn import Turn
from storage.db import Database

log = logging.getLogger(__name__)
PREFIX = "/scim/v2"
MAX_BODY = 1024 * 1024
CONFIG = {
    "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
    "documentationUri": "https://github.com/xgov/xgov/blob/main/docs/directory.md",
    "patch": {"supported": True},
    "bulk": {"supported": False, "maxOperations": 0, "maxPayloadSize": 0},
    "filter": {"supported": True, "maxResults": 200},
    "changePassword": {"supported": False},
    "sort": {"supported": False},
    "etag": {"supported": True},
    "authenticationSchemes": [{"type": "oauthbearertoken", "name": "Bearer token",
                               "description": "The value of XGOV_SCIM_TOKEN as a bearer token", "primary": True}],
}

# Entra ID removes members by a value instead of a path filter, and adds through a path filter that matches
# nothing yet; both are read as Entra means them (scim2-models' policy), everything else strictly.
ENTRA_TOLERANT = ScimPolicy(remove_value_as_filter=ScimPolicy.RemoveValue.apply,
                            unmatched_path_filter=ScimPolicy.UnmatchedPathFilter.create)


def group_roles(settings: Settings) -> dict[str, str]:
    """Group display name (lower case) -> role: each role's own name, and XGOV_SCIM_GROUP_ROLES."""
    mapping = {role: role for role in ROLES}
    for entry in filter(None, (part.strip() for part in settings.scim_group_roles.split(";"))):
        name, _sep, role = entry.rpartition("=")
        mapping[name.strip().lower()] = role.strip()
    return mapping


class ScimEndpoint(BaseApplication):
    def __init__(self, *, db: Database, settings: Settings, clock: Clock, platform: str) -> None:
        provider = ScimProvider.from_discovery(load_default_schemas().values(), load_default_resource_types().values(),
                                               config=ServiceProviderConfig.model_validate(CONFIG), policy=ENTRA_TOLERANT)
        super().__init__(provider, ScimService(provider))
        self.db, self.settings, self.clock, self.platform = db, settings, clock, platform
        self.roles = group_roles(settings)
        self.models = {rt.name: self.service.get_model(rt) for rt in provider.resource_types}

    def check_auth(self, request: ScimRequest) -> None:
        given = (request.header("Authorization") or "").encode()
        expected = f"Bearer {self.settings.scim_token}".encode()
        if not self.settings.scim_token or not hmac.compare_digest(given, expected):
            raise UnauthorizedException(detail="A bearer token (XGOV_SCIM_TOKEN) is needed.")

    def serve(self, request: ScimRequest) -> ScimResponse:
        """One request in one unit of work: a refused or failed request changes nothing."""
        try:
            if self.needs_auth(request):
                self.check_auth(request)
            with self.db.unit_of_work() as session:
                turn = Turn(session=session, actor=None, locale=self.settings.default_locale, settings=self.settings,
                            now=self.clock(), platform=self.platform, batch=f"scim-{uuid.uuid4().hex[:16]}")
                response = ScimHandler(self.service, DirectoryStorage(turn, self.roles, self.models)).handle(request)
                turn.store_outbox()  # sent by xgov run's outbox sender
        except Exception as problem:  # noqa: BLE001 - every failure becomes a SCIM error answer, logged
            response = self.handle_exception(request, problem)
        return self.finalize_response(request, response)


def attach_scim(app: web.Application, *, db: Database, settings: Settings, platform: str,
                clock: Clock = system_clock) -> bool:
    """Serve SCIM on this web app when XGOV_SCIM_TOKEN is set; False (and nothing served) otherwise."""
    if not settings.scim_token:
        return False
    endpoint = ScimEndpoint(db=db, settings=settings, clock=clock, platform=platform)
    base_url = settings.public_url.rstrip("/") + PREFIX

    async def scim(request: web.Request) -> web.Response:
        body = await request.content.read(MAX_BODY + 1)
        scim_request = ScimRequest(method=request.method, base_url=base_url, path=request.match_info["tail"] or "/",
                                   query=dict(request.query), headers=list(request.headers.items()), body=body)
        answer = await asyncio.get_running_loop().run_in_executor(None, endpoint.serve, scim_request)
        text = None if answer.body is None else json.dumps(answer.body)
        headers = {k: v for k, v in answer.headers.items() if k.lower() != "content-type"}
        return web.Response(status=int(answer.status), text=text, headers=headers,
                            content_type=answer.headers.get("Content-Type", "application/scim+json").split(";")[0])

    app.router.add_route("*", PREFIX + "{tail:.*}", scim)
    log.info("SCIM 2.0 provisioning at %s", base_url)
    return True
