"""The Teams app package: the zip to upload in Teams, built from this installation's settings.

The zip holds, at its root: ``manifest.json`` (app manifest schema 1.17, English, the default
language), ``pl.json`` (its Polish strings; Teams shows them to people whose Teams runs in
Polish), ``color.png`` (192×192) and ``outline.png`` (32×32, white on transparent). The Teams app
id is the bot's Microsoft App ID, so one registration gives one app. The message action "Report
as friction" has the command id REPORT_FRICTION: Teams sends ``composeExtension/fetchTask`` with
it, and adapters/teams/handler.py answers.

Same settings, same bytes: JSON is written in a fixed order, the icons are drawn deterministically
(adapters/teams/icons.py) and every zip entry has the same fixed time and permissions.

The texts keep the 1.17 schema's limits: names ≤30/≤100 characters, descriptions ≤80/≤4000, at
most 10 bot commands per list, titles ≤32 and command descriptions ≤128 characters;
tests/teams/test_package.py validates every package against the official schema files kept in
tests/schemas/. The settings are checked here: the app id must be a GUID, the address https.
"""
from __future__ import annotations

import io
import json
import re
import zipfile
from urllib.parse import urlsplit

from adapters.teams.icons import color_icon, outline_icon
from bot.general_messages import HELP_COMMANDS
from bot.i18n import translator

MANIFEST_VERSION = "1.17"
SCHEMA_URL = f"https://developer.microsoft.com/json-schemas/teams/v{MANIFEST_VERSION}/MicrosoftTeams.schema.json"
LOCALIZATION_SCHEMA_URL = (f"https://developer.microsoft.com/json-schemas/teams/v{MANIFEST_VERSION}/"
                           "MicrosoftTeams.Localization.schema.json")
REPORT_FRICTION = "reportFriction"  # the message action's command id: composeExtension/fetchTask names it
ACCENT_COLOR = "#1D3557"
DEFAULT_LANGUAGE = "en"
ADDITIONAL_LANGUAGES = {"pl": "pl.json"}
MANIFEST_FILE, COLOR_FILE, OUTLINE_FILE = "manifest.json", "color.png", "outline.png"
FILES = (MANIFEST_FILE, *ADDITIONAL_LANGUAGES.values(), COLOR_FILE, OUTLINE_FILE)
DEFAULT_VERSION = "1.0.0"
ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip can hold: nothing of the build's clock

GUID = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
VERSION = re.compile(r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$")

# The bot's commands as Teams offers them. A title is what Teams puts in the message when it is
# chosen, so it stays the English word the bot understands in every language (adapters/teams/inbound.py).
HELP_LINE_OF = {  # a Teams command's title -> its line in the bot's help, whose text describes it in the menu
    "help": "/xgov help", "reports": "/xgov reports", "assignments": "/xgov assignments", "triage": "/xgov triage",
    "barriers": "/xgov barriers", "policy list": "/xgov policy list", "dashboard": "/xgov dashboard",
    "language": "/xgov language pl|en",
}
COMMAND_LISTS = (  # (scopes, titles): the personal chat gets them all, a team or group chat the shared ones
    (("personal",), ("help", "reports", "assignments", "triage", "barriers", "policy list", "dashboard", "language")),
    (("team", "groupChat"), ("help", "triage", "barriers", "policy list")),
)

TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "name.short": "xgov",
        "name.full": "xgov: experience governance",
        "description.short": "Report what gets in your way; xgov traces it to the policy and its owner.",
        "description.full": (
            "xgov is an experience governance bot. Employees report a friction in one step: they write to "
            "xgov in its chat, or choose \"Report as friction\" on any message. The governance team traces "
            "each report to the policy, decision or process behind it and to its owner; the owner accepts, "
            "declines or resolves it, and the reporter hears what changed. Owners never see who reported. "
            "Pulse checks and the CX-governance surveys are answered with one click per question, and a "
            "weekly digest puts EX, CX and business KPIs in one view."
        ),
        "report.title": "Report as friction",
        "report.description": "Report this message as a friction: xgov sends you the form with its text.",
        "report.parameter.title": "Message",
        "report.parameter.description": "The message to report (Teams fills it in).",
    },
    "pl": {
        "name.short": "xgov",
        "name.full": "xgov: governance doświadczeń",
        "description.short": "Zgłoś, co Ci przeszkadza; xgov wskaże politykę i jej właściciela.",
        "description.full": (
            "xgov to bot do governance doświadczeń. Pracownicy zgłaszają utrudnienie w jednym kroku: piszą "
            "do xgov na czacie albo wybierają „Zgłoś jako utrudnienie” przy dowolnej wiadomości. Zespół "
            "governance łączy każde zgłoszenie z polityką, decyzją lub procesem, który za nim stoi, oraz z "
            "jego właścicielem; właściciel przyjmuje zgłoszenie, odrzuca je albo rozwiązuje, a zgłaszający "
            "dowiaduje się, co się zmieniło. Właściciele nigdy nie widzą, kto zgłosił. Na pytania pulsu i "
            "ankiet CX-governance odpowiada się jednym kliknięciem, a cotygodniowy przegląd zestawia "
            "wskaźniki EX, CX i biznesowe w jednym widoku."
        ),
        "report.title": "Zgłoś jako utrudnienie",
        "report.description": "Zgłoś tę wiadomość jako utrudnienie: xgov wyśle Ci formularz z jej treścią.",
        "report.parameter.title": "Wiadomość",
        "report.parameter.description": "Zgłaszana wiadomość (wstawia ją Teams).",
    },
}


class PackageError(ValueError):
    """Settings from which no valid package can be built; the message says what to change."""


def check_app_id(app_id: str | None) -> str:
    app_id = (app_id or "").strip()
    if not app_id:
        raise PackageError("No Microsoft App ID: set MICROSOFT_APP_ID to the Azure Bot's Microsoft App ID, "
                           "or pass --app-id")
    if not GUID.match(app_id):
        raise PackageError(f"The Microsoft App ID {app_id!r} is not a GUID (like 0b8a5b3e-2f0c-4c55-9d1e-"
                           "3f1a2b4c5d6e): copy it from the Azure Bot resource, Configuration")
    return app_id.lower()


def check_public_url(url: str | None) -> tuple[str, str]:
    """The public address without a trailing slash, and its host name (the package's valid domain)."""
    url = (url or "").strip()
    parts = urlsplit(url)
    if parts.username or parts.password:  # not repeated in the message: it may hold a password
        raise PackageError("The public address must not hold credentials: give https://host[/path]")
    if parts.scheme.lower() != "https" or not parts.hostname:
        raise PackageError(f"Teams needs the bot's public https:// address, not {url!r}: pass --url https://your-host "
                           "or set XGOV_PUBLIC_URL")
    if parts.query or parts.fragment:
        raise PackageError(f"The public address {url!r} must be a plain https://host[/path], without query or fragment")
    return f"https://{parts.netloc}{parts.path}".rstrip("/"), parts.hostname


def check_version(version: str | None) -> str:
    version = (version or "").strip()
    if not VERSION.match(version):
        raise PackageError(f"The app version must be MAJOR.MINOR.PATCH, like 1.0.0, not {version!r}")
    return version


def manifest_for(*, app_id: str, public_url: str, version: str = DEFAULT_VERSION) -> dict:
    """The app manifest (English strings) for this bot and address; raises PackageError."""
    app_id, version = check_app_id(app_id), check_version(version)
    base, host = check_public_url(public_url)
    en = TEXTS[DEFAULT_LANGUAGE]
    return {
        "$schema": SCHEMA_URL,
        "manifestVersion": MANIFEST_VERSION,
        "version": version,
        "id": app_id,
        "localizationInfo": {
            "defaultLanguageTag": DEFAULT_LANGUAGE,
            "additionalLanguages": [{"languageTag": tag, "file": file} for tag, file in ADDITIONAL_LANGUAGES.items()],
        },
        "developer": {
            "name": "xgov",
            "websiteUrl": base,
            "privacyUrl": f"{base}/privacy",
            "termsOfUseUrl": f"{base}/terms",
        },
        "name": {"short": en["name.short"], "full": en["name.full"]},
        "description": {"short": en["description.short"], "full": en["description.full"]},
        "icons": {"color": COLOR_FILE, "outline": OUTLINE_FILE},
        "accentColor": ACCENT_COLOR,
        "bots": [{
            "botId": app_id,
            "scopes": ["personal", "team", "groupChat"],
            "supportsFiles": False,
            "isNotificationOnly": False,
            "commandLists": [
                {"scopes": list(scopes),
                 "commands": [{"title": title, "description": command_description(title, DEFAULT_LANGUAGE)}
                              for title in titles]}
                for scopes, titles in COMMAND_LISTS
            ],
        }],
        "composeExtensions": [{
            "botId": app_id,
            "composeExtensionType": "botBased",
            "commands": [{
                "id": REPORT_FRICTION,
                "type": "action",
                "context": ["message"],
                "title": en["report.title"],
                "description": en["report.description"],
                "fetchTask": True,
                "parameters": [{  # not shown (fetchTask: the bot answers with the dialog); kept for validators
                    "name": "message",
                    "title": en["report.parameter.title"],
                    "description": en["report.parameter.description"],
                    "inputType": "textarea",
                }],
            }],
        }],
        "permissions": ["identity", "messageTeamMembers"],
        "validDomains": [host],
    }


def command_description(title: str, language: str) -> str:
    """The text the help gives the command, in `language`: one text for the help and the Teams menu."""
    return translator(language)(dict(HELP_COMMANDS)[HELP_LINE_OF[title]])


def localization_for(manifest: dict, language: str) -> dict:
    """The language file: every shown string of the manifest in `language`, keyed as Teams expects."""
    texts = TEXTS[language]
    strings = {"$schema": LOCALIZATION_SCHEMA_URL}
    strings.update({key: texts[key] for key in ("name.short", "name.full", "description.short", "description.full")})
    for index, command_list in enumerate(manifest["bots"][0]["commandLists"]):
        for position, command in enumerate(command_list["commands"]):
            key = f"bots[0].commandLists[{index}].commands[{position}].description"
            strings[key] = command_description(command["title"], language)
    report = "composeExtensions[0].commands[0]"
    strings[f"{report}.title"] = texts["report.title"]
    strings[f"{report}.description"] = texts["report.description"]
    strings[f"{report}.parameters[0].title"] = texts["report.parameter.title"]
    strings[f"{report}.parameters[0].description"] = texts["report.parameter.description"]
    return strings


def package_files(*, app_id: str, public_url: str, version: str = DEFAULT_VERSION) -> dict[str, bytes]:
    """Every file of the package by name, in the zip's order; raises PackageError."""
    manifest = manifest_for(app_id=app_id, public_url=public_url, version=version)
    files = {MANIFEST_FILE: _json(manifest)}
    for language, name in ADDITIONAL_LANGUAGES.items():
        files[name] = _json(localization_for(manifest, language))
    files[COLOR_FILE] = color_icon()
    files[OUTLINE_FILE] = outline_icon()
    return files


def build_package(*, app_id: str, public_url: str, version: str = DEFAULT_VERSION) -> bytes:
    """The zip to upload in Teams; raises PackageError when the settings cannot make a valid one."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in package_files(app_id=app_id, public_url=public_url, version=version).items():
            entry = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.create_system = 3  # Unix, so that the permissions below mean the same everywhere
            entry.external_attr = 0o100644 << 16
            archive.writestr(entry, data)
    return buffer.getvalue()


def _json(document: dict) -> bytes:
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
