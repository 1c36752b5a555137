"""`xgov org import FILE.csv`: people, org units, managers and roles from a CSV file.

Columns: email, name, org_unit, parent_unit, manager_email, roles (separated by ;), locale.
"""
from __future__ import annotations

import csv
from pathlib import Path

from sqlalchemy.orm import Session

from bot.errors import UserError
from bot.i18n import normalise_locale
from bot.services import directory

REQUIRED_COLUMNS = ("email", "name")


class PeopleImportError(ValueError):
    """A row that cannot be imported; the message names the file, line and column."""


def import_people(session: Session, path: Path) -> int:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    if rows and any(column not in rows[0] for column in REQUIRED_COLUMNS):
        raise PeopleImportError(f"{path}: the header must have the columns {', '.join(REQUIRED_COLUMNS)}")
    _create_units(session, rows)
    added = 0
    for line, row in enumerate(rows, start=2):
        if directory.find_person(session=session, email=row["email"]):
            continue
        _add_person(session, path, line, row)
        added += 1
    for line, row in enumerate(rows, start=2):
        if (row.get("manager_email") or "").strip():
            _guard(path, line, "manager_email", lambda: directory.set_manager(
                session=session, email=row["email"], manager_email=row["manager_email"]))
    return added


def _create_units(session: Session, rows: list[dict]) -> None:
    known: set[str] = set()
    pending = [(r.get("org_unit") or "").strip() for r in rows] + [(r.get("parent_unit") or "").strip() for r in rows]
    parents = {(r.get("org_unit") or "").strip(): (r.get("parent_unit") or "").strip() or None for r in rows}
    for unit in pending:
        _ensure_unit(session, unit, parents, known)


def _ensure_unit(session: Session, unit: str, parents: dict, known: set[str]) -> None:
    if not unit or unit in known:
        return
    known.add(unit)
    parent = parents.get(unit)
    if parent:
        _ensure_unit(session, parent, parents, known)
    if not directory.org_unit_exists(session=session, name=unit):
        directory.add_org_unit(session=session, name=unit, parent=parent)


def _add_person(session: Session, path: Path, line: int, row: dict) -> None:
    roles = tuple(r.strip() for r in (row.get("roles") or "employee").split(";") if r.strip())
    locale_text = (row.get("locale") or "").strip()
    locale = normalise_locale(locale_text)
    if locale_text and locale is None:
        raise PeopleImportError(f"{path}, line {line}, column locale: {locale_text!r} is not pl or en")
    _guard(path, line, "roles", lambda: directory.add_person(
        session=session, email=row["email"], name=row["name"].strip(), org_unit=(row.get("org_unit") or "").strip() or None,
        roles=roles, locale=locale))


def _guard(path: Path, line: int, column: str, action) -> None:
    try:
        action()
    except UserError as problem:
        raise PeopleImportError(f"{path}, line {line}, column {column}: {problem}") from problem
