"""The Teams app package: four files at the zip's root, a manifest and a Polish language file that
validate against the official 1.17 schemas, icons of the sizes Teams asks for, ids and URLs from
the settings or the options, the same bytes for the same settings, and clear refusals."""
from __future__ import annotations

import argparse
import ast
import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from jsonschema import Draft4Validator, Draft6Validator, validators
from PIL import Image

from adapters.teams import package
from adapters.teams.package import FILES, PackageError, build_package, manifest_for
from app import teams_cli
from bot.general_messages import help_message
from bot.i18n import translator

ROOT = Path(__file__).resolve().parent.parent.parent
SCHEMAS = ROOT / "tests" / "schemas"
# Microsoft's files say draft-04 but use draft-06's "const" (manifestVersion); check it too.
Draft4WithConst = validators.extend(Draft4Validator, {"const": Draft6Validator.VALIDATORS["const"]})
MANIFEST_SCHEMA = Draft4WithConst(json.loads((SCHEMAS / "teams-manifest-1.17.json").read_text(encoding="utf-8")))
LOCALIZATION_SCHEMA = Draft4WithConst(
    json.loads((SCHEMAS / "teams-localization-1.17.json").read_text(encoding="utf-8")))

APP_ID = "0b8a5b3e-2f0c-4c55-9d1e-3f1a2b4c5d6e"
URL = "https://xgov.example.pl"
POLISH_LETTERS = set("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ")


def files_of(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


@pytest.fixture(scope="session")
def built() -> dict[str, bytes]:
    return files_of(build_package(app_id=APP_ID, public_url=URL))


@pytest.fixture(scope="session")
def manifest(built) -> dict:
    return json.loads(built["manifest.json"].decode("utf-8"))


@pytest.fixture(scope="session")
def polish(built) -> dict:
    return json.loads(built["pl.json"].decode("utf-8"))


def errors(validator, document) -> list[str]:
    return [f"{'/'.join(map(str, error.absolute_path))}: {error.message}" for error in validator.iter_errors(document)]


def assigned(path: Path, name: str) -> ast.expr | None:
    """The value a module assigns to `name` at its top level, read from its source: no import (fast,
    and independent of the platform SDK the module needs)."""
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        targets = node.targets if isinstance(node, ast.Assign) else []
        targets = [node.target] if isinstance(node, ast.AnnAssign) else targets
        if any(isinstance(target, ast.Name) and target.id == name for target in targets):
            return node.value
    return None


def at(document, key: str):
    """The manifest value a language-file key names, like bots[0].commandLists[1].commands[2].title."""
    value = document
    for name, index in re.findall(r"([A-Za-z]+)(?:\[(\d+)\])?", key):
        value = value[name]
        if index:
            value = value[int(index)]
    return value


# The zip

def test_the_zip_holds_the_manifest_the_polish_strings_and_two_icons_at_its_root(built, manifest):
    assert list(built) == ["manifest.json", "pl.json", "color.png", "outline.png"] == list(FILES)
    assert manifest["icons"] == {"color": "color.png", "outline": "outline.png"}
    assert manifest["localizationInfo"] == {"defaultLanguageTag": "en",
                                            "additionalLanguages": [{"languageTag": "pl", "file": "pl.json"}]}


def test_the_same_settings_give_the_same_bytes_and_fixed_zip_entries():
    first = build_package(app_id=APP_ID, public_url=URL)
    assert build_package(app_id=APP_ID, public_url=URL) == first
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        for entry in archive.infolist():
            assert entry.date_time == package.ZIP_TIME
            assert entry.compress_type == zipfile.ZIP_DEFLATED
            assert entry.external_attr >> 16 == 0o100644
    assert build_package(app_id=APP_ID, public_url=URL, version="1.0.1") != first


# The manifest and its Polish strings

def test_the_manifest_validates_against_the_official_schema(manifest):
    assert errors(MANIFEST_SCHEMA, manifest) == []
    assert manifest["manifestVersion"] == "1.17"
    assert manifest["$schema"] == "https://developer.microsoft.com/json-schemas/teams/v1.17/MicrosoftTeams.schema.json"


def test_the_schema_check_itself_catches_what_teams_would_refuse(manifest):
    """The validator is strict where it matters: a too-long title, an 11th command, a non-GUID, http."""
    broken = json.loads(json.dumps(manifest))
    broken["bots"][0]["commandLists"][0]["commands"][0]["title"] = "x" * 33
    broken["bots"][0]["commandLists"][1]["commands"] = [{"title": "help", "description": "Help."}] * 11
    broken["composeExtensions"][0]["commands"][0]["title"] = "x" * 33
    broken["name"]["short"] = "x" * 31
    broken["description"]["short"] = "x" * 81
    broken["id"] = "not-a-guid"
    broken["developer"]["privacyUrl"] = "ftp://x"
    broken["manifestVersion"] = "1.16"
    assert len(errors(MANIFEST_SCHEMA, broken)) == 8


def test_the_bot_chats_personally_and_in_teams_and_group_chats(manifest):
    (bot,) = manifest["bots"]
    assert bot["botId"] == APP_ID
    assert bot["scopes"] == ["personal", "team", "groupChat"]
    assert bot["supportsFiles"] is False and bot["isNotificationOnly"] is False
    for command_list in bot["commandLists"]:
        assert 1 <= len(command_list["commands"]) <= 10
        for command in command_list["commands"]:
            assert len(command["title"]) <= 32 and len(command["description"]) <= 128
    personal = [c["title"] for c in bot["commandLists"][0]["commands"]]
    assert {"help", "reports", "assignments", "triage", "language", "dashboard"} <= set(personal)
    assert manifest["permissions"] == ["identity", "messageTeamMembers"]
    assert "webApplicationInfo" not in manifest


def test_every_command_title_is_a_word_the_bot_understands(manifest):
    subcommands = assigned(ROOT / "bot" / "app.py", "XGOV_SUBCOMMANDS")
    understood = {key.value for key in subcommands.keys}
    assert {"help", "reports", "triage"} <= understood
    for command_list in manifest["bots"][0]["commandLists"]:
        for command in command_list["commands"]:
            assert command["title"].split()[0] in understood, command["title"]


def test_each_command_is_described_in_the_menu_as_the_help_describes_it(manifest, polish):
    help_en = {f.label: f.value for f in help_message(translator("en")).fields}
    help_pl = {f.label: f.value for f in help_message(translator("pl")).fields}
    for index, command_list in enumerate(manifest["bots"][0]["commandLists"]):
        for position, command in enumerate(command_list["commands"]):
            usage = package.HELP_LINE_OF[command["title"]]
            assert command["description"] == help_en[usage]
            assert polish[f"bots[0].commandLists[{index}].commands[{position}].description"] == help_pl[usage]


def test_any_message_can_be_reported_as_a_friction(manifest):
    (extension,) = manifest["composeExtensions"]
    (command,) = extension["commands"]
    assert extension["botId"] == APP_ID
    assert command["id"] == package.REPORT_FRICTION == "reportFriction"
    assert (command["type"], command["context"], command["fetchTask"]) == ("action", ["message"], True)
    assert command["title"] == "Report as friction"


def test_the_command_id_is_the_one_the_bot_answers():
    handler = ROOT / "adapters" / "teams" / "handler.py"
    action = assigned(handler, "REPORT_ACTION")
    if action is None:  # the handler may take the id from here instead
        assert "REPORT_FRICTION" in handler.read_text(encoding="utf-8")
    else:
        assert action.value == package.REPORT_FRICTION


def test_the_polish_strings_validate_and_each_names_a_string_of_the_manifest(manifest, polish):
    assert errors(LOCALIZATION_SCHEMA, polish) == []
    keys = [key for key in polish if key != "$schema"]
    for key in keys:
        assert isinstance(at(manifest, key), str), key
    shown = {"name.short", "name.full", "description.short", "description.full",
             "composeExtensions[0].commands[0].title", "composeExtensions[0].commands[0].description"}
    shown |= {f"bots[0].commandLists[{i}].commands[{j}].description"
              for i, command_list in enumerate(manifest["bots"][0]["commandLists"])
              for j, _command in enumerate(command_list["commands"])}
    assert shown <= set(keys)


def test_the_polish_strings_are_polish(manifest, polish):
    assert polish["composeExtensions[0].commands[0].title"] == "Zgłoś jako utrudnienie"
    assert "utrudnienie" in polish["description.full"] and "governance" in polish["description.full"]
    for key, text in polish.items():
        if key in ("$schema", "name.short"):
            continue
        assert text != at(manifest, key), f"{key} is not translated"
    everything = " ".join(value for key, value in polish.items() if key != "$schema")
    assert POLISH_LETTERS & set(everything)
    assert "friction" not in everything.lower()


# The icons

def test_the_color_icon_is_192_pixels_in_full_colour(built):
    image = Image.open(io.BytesIO(built["color.png"]))
    assert (image.format, image.size, image.mode) == ("PNG", (192, 192), "RGB")
    assert len(image.getcolors(maxcolors=192 * 192)) > 4


def test_the_outline_icon_is_32_pixels_of_white_on_transparent(built):
    image = Image.open(io.BytesIO(built["outline.png"]))
    assert (image.format, image.size, image.mode) == ("PNG", (32, 32), "RGBA")
    pixels = [image.getpixel((x, y)) for y in range(32) for x in range(32)]
    assert all(alpha == 0 or (red, green, blue, alpha) == (255, 255, 255, 255) for red, green, blue, alpha in pixels)
    assert 100 < sum(alpha == 255 for *_rgb, alpha in pixels) < 32 * 32 // 2
    assert all(image.getpixel((x, 0))[3] == image.getpixel((0, x))[3] == 0 for x in range(32))


# Ids and URLs from the settings or the options

def run_cli(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="xgov")
    teams_cli.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(list(argv))
    return args.func(args)


@pytest.fixture
def environment(monkeypatch):
    for name in ("MICROSOFT_APP_ID", "MICROSOFT_APP_PASSWORD", "MICROSOFT_APP_TENANT_ID", "XGOV_PUBLIC_URL"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_the_command_takes_the_app_id_and_address_from_the_settings(environment, tmp_path, capsys):
    environment.setenv("MICROSOFT_APP_ID", APP_ID.upper())
    environment.setenv("XGOV_PUBLIC_URL", "https://bot.firma.pl/xgov/")
    out = tmp_path / "xgov-teams.zip"
    assert run_cli("teams", "package", "--out", str(out)) == 0
    assert "Upload an app" in capsys.readouterr().out
    manifest = json.loads(files_of(out.read_bytes())["manifest.json"])
    assert manifest["id"] == manifest["bots"][0]["botId"] == manifest["composeExtensions"][0]["botId"] == APP_ID
    assert manifest["developer"]["websiteUrl"] == "https://bot.firma.pl/xgov"
    assert manifest["developer"]["privacyUrl"] == "https://bot.firma.pl/xgov/privacy"
    assert manifest["developer"]["termsOfUseUrl"] == "https://bot.firma.pl/xgov/terms"
    assert manifest["validDomains"] == ["bot.firma.pl"]
    assert manifest["version"] == "1.0.0"
    assert out.read_bytes() == build_package(app_id=APP_ID, public_url="https://bot.firma.pl/xgov")


def test_the_options_win_over_the_settings(environment, tmp_path):
    environment.setenv("MICROSOFT_APP_ID", "11111111-1111-1111-1111-111111111111")
    environment.setenv("XGOV_PUBLIC_URL", "http://127.0.0.1:8080")
    out = tmp_path / "app.zip"
    assert run_cli("teams", "package", "--out", str(out), "--app-id", APP_ID, "--url", "https://teams.firma.pl:8443",
                   "--version", "2.3.4") == 0
    manifest = json.loads(files_of(out.read_bytes())["manifest.json"])
    assert (manifest["id"], manifest["version"]) == (APP_ID, "2.3.4")
    assert manifest["developer"]["websiteUrl"] == "https://teams.firma.pl:8443"
    assert manifest["validDomains"] == ["teams.firma.pl"]


# Refusals: exit 2 and a sentence that says what to do; nothing written

@pytest.mark.parametrize(("argv", "env", "expected"), [
    ((), {"XGOV_PUBLIC_URL": URL}, ("MICROSOFT_APP_ID", "--app-id")),
    (("--app-id", "my-bot"), {"XGOV_PUBLIC_URL": URL}, ("'my-bot'", "not a GUID")),
    (("--app-id", "{" + APP_ID + "}"), {"XGOV_PUBLIC_URL": URL}, ("not a GUID",)),
    (("--app-id", APP_ID), {}, ("https://", "'http://127.0.0.1:8080'", "XGOV_PUBLIC_URL")),
    (("--app-id", APP_ID, "--url", "http://xgov.example.pl"), {}, ("https://", "--url")),
    (("--app-id", APP_ID, "--url", "https://"), {}, ("https://",)),
    (("--app-id", APP_ID, "--url", URL, "--version", "1.0"), {}, ("MAJOR.MINOR.PATCH", "'1.0'")),
])
def test_unusable_settings_exit_2_with_a_clear_message(environment, tmp_path, capsys, argv, env, expected):
    for name, value in env.items():
        environment.setenv(name, value)
    out = tmp_path / "app.zip"
    assert run_cli("teams", "package", "--out", str(out), *argv) == 2
    message = capsys.readouterr().err
    for part in expected:
        assert part in message
    assert not out.exists()


def test_an_unwritable_destination_exits_2(environment, tmp_path, capsys):
    assert run_cli("teams", "package", "--out", str(tmp_path / "missing" / "app.zip"), "--app-id", APP_ID,
                   "--url", URL) == 2
    assert "Cannot write" in capsys.readouterr().err


def test_the_builder_refuses_what_the_command_refuses():
    with pytest.raises(PackageError, match="MICROSOFT_APP_ID"):
        manifest_for(app_id="", public_url=URL)
    with pytest.raises(PackageError, match="credentials") as refused:
        manifest_for(app_id=APP_ID, public_url="https://user:secret@xgov.example.pl")
    assert "secret" not in str(refused.value)
    with pytest.raises(PackageError, match="query"):
        manifest_for(app_id=APP_ID, public_url="https://xgov.example.pl/?a=b")
