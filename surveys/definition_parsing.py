"""Turn the parsed TOML of one survey into model objects, collecting every problem found.

Each problem is a sentence that says where (survey field or "question 'id'") and what is
wrong, so that an author can fix the file without reading this code.
"""

from __future__ import annotations

import re
from typing import Any

from surveys.definition_rules import survey_shape_problems
from surveys.dimensions import DIMENSION_IDS
from surveys.question_types import TYPES
from surveys.model import (
    AUDIENCE_HINTS,
    LANGUAGES,
    SURVEY_KINDS,
    LocalizedText,
    Question,
    SurveyDefinition,
)

SURVEY_KEYS = frozenset({"id", "kind", "audience_hint", "title", "intro", "questions"})
QUESTION_KEYS = frozenset({"id", "type", "text", "optional", "dimension", "scale"})
ID_PATTERN = re.compile(r"^[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*$")
ID_MAX_LENGTH = 64
LANGUAGE_NAMES = {"pl": "Polish", "en": "English"}


def parse_survey(data: dict[str, Any], source: str) -> tuple[SurveyDefinition | None, list[str]]:
    """The definition, or None with the list of problems that prevent building it."""
    problems: list[str] = []
    _check_keys(data, SURVEY_KEYS, "survey", problems)
    survey_id = _identifier(data.get("id"), "survey id", problems)
    kind = _choice(data.get("kind"), SURVEY_KINDS, "kind", problems)
    audience = _choice(data.get("audience_hint", "everyone"), AUDIENCE_HINTS, "audience_hint", problems)
    title = _localized(data.get("title"), "title", problems)
    intro = _localized(data["intro"], "intro", problems) if "intro" in data else None
    questions = _questions(data.get("questions"), kind, problems)
    if problems:
        return None, problems
    problems = survey_shape_problems(kind, questions)
    if problems:
        return None, problems
    definition = SurveyDefinition(survey_id, kind, audience, title, intro, questions, source)
    return definition, []


def _questions(raw: Any, kind: str | None, problems: list[str]) -> tuple[Question, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        problems.append("questions must be written as [[questions]] tables")
        return ()
    _check_duplicate_ids(raw, problems)
    parsed = [_question(item, position, kind, problems) for position, item in enumerate(raw, 1)]
    return tuple(question for question in parsed if question is not None)


def _check_duplicate_ids(raw_questions: list[Any], problems: list[str]) -> None:
    ids = [item.get("id") for item in raw_questions if isinstance(item, dict)]
    for question_id in sorted({i for i in ids if isinstance(i, str) and ids.count(i) > 1}):
        problems.append(f"question id '{question_id}' is used {ids.count(question_id)} times; ids must be unique")


def _question(raw: Any, position: int, kind: str | None, problems: list[str]) -> Question | None:
    if not isinstance(raw, dict):
        problems.append(f"question #{position} must be a [[questions]] table")
        return None
    raw_id = raw.get("id")
    where = f"question '{raw_id}'" if isinstance(raw_id, str) and raw_id else f"question #{position}"
    found_before = len(problems)
    _check_keys(raw, QUESTION_KEYS, where, problems)
    question_id = _identifier(raw_id, f"{where}: id", problems)
    question_type = _question_type(raw, where, problems)
    text = _localized(raw.get("text"), f"{where}: text", problems)
    optional = raw.get("optional", False)
    if not isinstance(optional, bool):
        problems.append(f"{where}: optional must be true or false, not {optional!r}")
    dimension = _dimension(raw.get("dimension"), kind, where, problems)
    if len(problems) > found_before:
        return None
    return Question(question_id, question_type, text, optional, dimension)


def _question_type(raw: dict[str, Any], where: str, problems: list[str]) -> str | None:
    question_type = _choice(raw.get("type"), tuple(TYPES), f"{where}: type", problems, "question type")
    if "scale" in raw and question_type is not None:
        _check_scale(raw["scale"], question_type, where, problems)
    return question_type


def _check_scale(raw_scale: Any, question_type: str, where: str, problems: list[str]) -> None:
    """A written scale is optional documentation; it must match the type's fixed scale."""
    scale = TYPES[question_type].scale
    expected = [scale.low, scale.high] if scale else None
    if expected is None:
        problems.append(f"{where}: a {question_type} question has no scale; remove 'scale'")
    elif raw_scale != expected:
        problems.append(
            f"{where}: bad scale {raw_scale!r}; a {question_type} question is always scored "
            f"{scale.low}-{scale.high}, write scale = {expected} or leave it out"
        )


def _dimension(raw: Any, kind: str | None, where: str, problems: list[str]) -> str | None:
    if raw is None:
        return None
    if kind != "maturity":
        problems.append(f"{where}: dimension is only used in maturity surveys")
        return None
    return _choice(raw, DIMENSION_IDS, f"{where}: dimension", problems, "dimension")


def _localized(raw: Any, label: str, problems: list[str]) -> LocalizedText | None:
    if raw is None:
        problems.append(f"{label} is missing; give it as {{ pl = \"...\", en = \"...\" }}")
        return None
    if not isinstance(raw, dict):
        problems.append(f"{label} must be a table {{ pl = \"...\", en = \"...\" }}, not {raw!r}")
        return None
    _check_keys(raw, frozenset(LANGUAGES), label, problems)
    missing = [lang for lang in LANGUAGES if not isinstance(raw.get(lang), str) or not raw[lang].strip()]
    for lang in missing:
        problems.append(f"{label} is missing the {LANGUAGE_NAMES[lang]} translation ({lang})")
    if missing:
        return None
    return LocalizedText(**{lang: raw[lang].strip() for lang in LANGUAGES})


def _identifier(raw: Any, label: str, problems: list[str]) -> str | None:
    if raw is None or raw == "":
        problems.append(f"{label} is missing")
        return None
    if not isinstance(raw, str) or len(raw) > ID_MAX_LENGTH or not ID_PATTERN.match(raw):
        problems.append(
            f"{label} {raw!r} is not valid: use lowercase letters, digits and single '-' or '_' "
            f"between them, starting with a letter, at most {ID_MAX_LENGTH} characters"
        )
        return None
    return raw


def _choice(raw: Any, allowed: tuple[str, ...], label: str, problems: list[str], noun: str = "") -> str | None:
    if raw in allowed:
        return raw
    if raw is None:
        problem = f"{label} is missing"
    elif noun:
        problem = f"{label}: unknown {noun} {raw!r}"
    else:
        problem = f"{label}: {raw!r} is not allowed"
    problems.append(f"{problem} (expected one of: {', '.join(allowed)})")
    return None


def _check_keys(raw: dict[str, Any], allowed: frozenset[str], label: str, problems: list[str]) -> None:
    for key in sorted(set(raw) - allowed):
        problems.append(f"{label}: unknown key '{key}' (allowed: {', '.join(sorted(allowed))})")
