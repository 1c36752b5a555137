"""Load survey definitions from TOML files or text, validated on load."""

from __future__ import annotations

import functools
import tomllib
from importlib import resources
from pathlib import Path

from surveys.definition_parsing import parse_survey
from surveys.model import SurveyDefinition


class SurveyDefinitionError(ValueError):
    """A definition that cannot be used; `problems` lists every problem found, with where."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = tuple(problems)
        super().__init__("\n".join(f"{source}: {problem}" for problem in problems))


def load_definition(path_or_text: str | Path, *, source: str | None = None) -> SurveyDefinition:
    """A definition from a file path, or from TOML text when a str is not a *.toml path.

    `source` names the definition in error messages (the file name by default).
    """
    text, default_source = _read(path_or_text)
    source = source or default_source
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise SurveyDefinitionError(source, [f"not valid TOML: {error}"]) from error
    definition, problems = parse_survey(data, source)
    if definition is None:
        raise SurveyDefinitionError(source, problems)
    return definition


def _read(path_or_text: str | Path) -> tuple[str, str]:
    looks_like_path = isinstance(path_or_text, Path) or (
        "\n" not in path_or_text and path_or_text.strip().endswith(".toml")
    )
    if not looks_like_path:
        return str(path_or_text), "<text>"
    path = Path(path_or_text)
    try:
        return path.read_text(encoding="utf-8"), path.name
    except OSError as error:
        raise SurveyDefinitionError(path.name, [f"cannot read the file: {error.strerror}"]) from error


@functools.cache
def _builtin_definitions() -> tuple[SurveyDefinition, ...]:
    folder = resources.files("surveys") / "definitions"
    files = sorted((f for f in folder.iterdir() if f.name.endswith(".toml")), key=lambda f: f.name)
    definitions = tuple(load_definition(f.read_text(encoding="utf-8"), source=f.name) for f in files)
    ids = [d.id for d in definitions]
    duplicated = sorted({i for i in ids if ids.count(i) > 1})
    if duplicated:
        raise SurveyDefinitionError("definitions/", [f"survey id '{i}' is defined twice" for i in duplicated])
    return definitions


def builtin_definitions() -> dict[str, SurveyDefinition]:
    """The definitions shipped in surveys/definitions, by survey id (read once per process)."""
    return {definition.id: definition for definition in _builtin_definitions()}


def builtin_definition(survey_id: str) -> SurveyDefinition:
    try:
        return builtin_definitions()[survey_id]
    except KeyError:
        raise KeyError(f"no built-in survey {survey_id!r}; known: {', '.join(builtin_definitions())}") from None


def builtin_texts() -> dict[str, str]:
    """The TOML text of every built-in definition, by survey id (to store it as it is)."""
    folder = resources.files("surveys") / "definitions"
    texts = {}
    for file in sorted(folder.iterdir(), key=lambda f: f.name):
        if file.name.endswith(".toml"):
            text = file.read_text(encoding="utf-8")
            texts[load_definition(text, source=file.name).id] = text
    return texts
