"""Reading a people CSV (`xgov org sync` and `xgov org import`): every problem names its line and column,
and a file with any problem is refused whole, never with a traceback.

Columns: email and name (required), org_unit, parent_unit, manager_email, roles (separated by ;), locale.
A column left out of the header is not managed: the sync leaves that field as it is.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from bot.errors import N_
from bot.i18n import normalise_locale
from bot.services.directory import ROLES, normalise_email

COLUMNS = ("email", "name", "org_unit", "parent_unit", "manager_email", "roles", "locale")
REQUIRED = ("email", "name")


@dataclass(frozen=True)
class Problem:
    line: int  # 0: the file as a whole
    column: str
    msgid: str
    params: dict = field(default_factory=dict)


class CsvRefused(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problems")
        self.problems = problems


@dataclass(frozen=True)
class PersonRow:
    line: int
    email: str
    name: str
    columns: frozenset[str]  # the managed columns (those in the header)
    org_unit: str | None = None
    parent_unit: str | None = None
    manager_email: str | None = None
    roles: tuple[str, ...] = ("employee",)
    locale: str | None = None


def read_people(path: Path) -> list[PersonRow]:
    """The rows of the file, checked one by one and against each other; CsvRefused lists every problem."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            lines = list(csv.reader(handle))
    except OSError as problem:
        raise CsvRefused([Problem(0, "", N_("The file cannot be read: {reason}"), {"reason": problem.strerror})])
    except UnicodeDecodeError:
        raise CsvRefused([Problem(0, "", N_("The file is not UTF-8 text; save it as CSV UTF-8."))])
    except csv.Error as problem:
        raise CsvRefused([Problem(0, "", N_("The file is not valid CSV: {reason}"), {"reason": str(problem)})])
    if not lines:
        raise CsvRefused([Problem(1, "", N_("The file is empty; the first line must name the columns."))])
    header, problems = _header(lines[0])
    rows = []
    for number, fields in enumerate(lines[1:], start=2):
        if not any(value.strip() for value in fields):
            continue
        row = _row(number, header, fields, problems) if header else None
        if row is not None:
            rows.append(row)
    _check_together(rows, problems)
    if header:
        _check_duplicates(header.index("email"), lines, problems)
    if problems:
        raise CsvRefused(problems)
    return rows


def _header(fields: list[str]) -> tuple[list[str], list[Problem]]:
    header = [name.strip().lower() for name in fields]
    problems = [Problem(1, name, N_("Unknown column {column}; the columns are: {columns}."),
                        {"column": name, "columns": ", ".join(COLUMNS)}) for name in header if name not in COLUMNS]
    problems += [Problem(1, name, N_("The column {column} is missing from the first line."), {"column": name})
                 for name in REQUIRED if name not in header]
    problems += [Problem(1, name, N_("The column {column} appears twice."), {"column": name})
                 for index, name in enumerate(header) if name in header[:index]]
    return ([] if problems else header), problems


def _row(line: int, header: list[str], fields: list[str], problems: list[Problem]) -> PersonRow | None:
    if len(fields) != len(header):
        column = header[len(fields)] if len(fields) < len(header) else ""
        problems.append(Problem(line, column, N_("This line has {found} values; the first line names {expected} "
                                                 "columns."), {"found": len(fields), "expected": len(header)}))
        return None
    values = {name: value.strip() for name, value in zip(header, fields)}
    before = len(problems)
    email = normalise_email(values["email"])
    if not email:
        problems.append(Problem(line, "email", N_("The e-mail is empty.")))
    elif "@" not in email or " " in email or email.startswith("@") or email.endswith("@"):
        problems.append(Problem(line, "email", N_("{value} is not an e-mail address."), {"value": values["email"]}))
    if not values["name"]:
        problems.append(Problem(line, "name", N_("The name is empty.")))
    roles = _roles(line, values, problems)
    locale = _locale(line, values, problems)
    unit, parent = values.get("org_unit") or None, values.get("parent_unit") or None
    if parent and not unit:
        problems.append(Problem(line, "parent_unit", N_("A parent unit needs an org_unit on the same line.")))
    manager = normalise_email(values.get("manager_email") or "") or None
    if manager == email:
        problems.append(Problem(line, "manager_email", N_("A person cannot be their own manager.")))
    if len(problems) > before:
        return None
    return PersonRow(line=line, email=email, name=values["name"], columns=frozenset(header), org_unit=unit,
                     parent_unit=parent, manager_email=manager, roles=roles, locale=locale)


def _roles(line: int, values: dict, problems: list[Problem]) -> tuple[str, ...]:
    roles = tuple(sorted({role.strip().lower() for role in (values.get("roles") or "").split(";") if role.strip()}))
    for role in roles:
        if role not in ROLES:
            problems.append(Problem(line, "roles", N_("Unknown role {role}; use one of: {roles}."),
                                    {"role": role, "roles": ", ".join(ROLES)}))
    return roles or ("employee",)


def _locale(line: int, values: dict, problems: list[Problem]) -> str | None:
    text = values.get("locale") or ""
    locale = normalise_locale(text)
    if text and locale is None:
        problems.append(Problem(line, "locale", N_("{value} is not pl or en."), {"value": text}))
    return locale


def _check_together(rows: list[PersonRow], problems: list[Problem]) -> None:
    """One parent per unit."""
    parent_of: dict[str, tuple[str, int]] = {}
    for row in rows:
        if row.org_unit and row.parent_unit:
            known = parent_of.setdefault(row.org_unit, (row.parent_unit, row.line))
            if known[0] != row.parent_unit:
                problems.append(Problem(row.line, "parent_unit", N_("Line {other} puts {unit} under {parent}; a unit "
                                                                    "has one parent."),
                                        {"other": known[1], "unit": row.org_unit, "parent": known[0]}))


def _check_duplicates(column: int, lines: list[list[str]], problems: list[Problem]) -> None:
    """One line per person (also among lines with other problems)."""
    first_line: dict[str, int] = {}
    for number, fields in enumerate(lines[1:], start=2):
        email = normalise_email(fields[column]) if len(fields) > column else ""
        if email and email in first_line:
            problems.append(Problem(number, "email", N_("{email} is also on line {other}."),
                                    {"email": email, "other": first_line[email]}))
        first_line.setdefault(email, number)
