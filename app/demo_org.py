"""Builds the demo's organisation in the directory (units, managers, owners, admins)."""
from __future__ import annotations

import random
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from app.demo_data import FIRST_NAMES_F, FIRST_NAMES_M, POLICIES, ROOT_UNIT, SURNAMES, UNITS, email_for
from bot.services import directory


@dataclass
class DemoOrg:
    units: tuple[str, ...]
    admins: list[str] = field(default_factory=list)
    owners_by_unit: dict[int, str] = field(default_factory=dict)
    managers: list[str] = field(default_factory=list)
    employees: list[str] = field(default_factory=list)

    def everyone(self) -> list[str]:
        return self.admins + self.managers + self.employees


def _name(rng: random.Random, taken: set[str]) -> tuple[str, str]:
    """A Polish name, unique among the first few hundred people (then e-mails get numbers)."""
    for _attempt in range(20):
        female = rng.random() < 0.5
        first = rng.choice(FIRST_NAMES_F if female else FIRST_NAMES_M)
        surname_m, surname_f = rng.choice(SURNAMES)
        last = surname_f if female else surname_m
        if f"{first} {last}" not in taken:
            break
    taken.add(f"{first} {last}")
    return f"{first} {last}", email_for(first, last, taken)


def build_org(session: Session, rng: random.Random, employees: int, lang: str) -> DemoOrg:
    org = DemoOrg(units=UNITS[lang])
    taken: set[str] = set()
    directory.add_org_unit(session=session, name=ROOT_UNIT[lang])
    for unit in org.units:
        directory.add_org_unit(session=session, name=unit, parent=ROOT_UNIT[lang])
    owner_units = sorted({policy.owner_unit for policy in POLICIES})

    def add(unit: str, roles: tuple[str, ...], manager: str | None = None) -> str:
        name, email = _name(rng, taken)
        directory.add_person(session=session, email=email, name=name, org_unit=unit, manager_email=manager,
                             roles=roles, locale=lang)
        return email

    for _ in range(2):
        org.admins.append(add(ROOT_UNIT[lang], ("employee", "governance_admin")))
    for index, unit in enumerate(org.units):
        roles = ("employee", "manager", "owner") if index in owner_units else ("employee", "manager")
        manager = add(unit, roles)
        org.managers.append(manager)
        if index in owner_units:
            org.owners_by_unit[index] = manager
    for number in range(max(employees - len(org.admins) - len(org.managers), 1)):
        index = number % len(org.units)
        org.employees.append(add(org.units[index], ("employee",), manager=org.managers[index]))
    return org
