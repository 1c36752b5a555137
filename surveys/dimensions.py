"""The six dimensions of the CX Governance maturity survey, with their PL and EN names."""

from __future__ import annotations

from dataclasses import dataclass

from surveys.model import LocalizedText


@dataclass(frozen=True)
class Dimension:
    id: str
    name: LocalizedText


_ALL = (
    Dimension(
        "strategic_importance",
        LocalizedText(pl="Strategiczne znaczenie CX", en="Strategic importance of CX"),
    ),
    Dimension(
        "structures_processes",
        LocalizedText(pl="Struktury i procesy", en="Structures and processes"),
    ),
    Dimension(
        "change_management",
        LocalizedText(pl="Zarządzanie zmianą", en="Change management"),
    ),
    Dimension(
        "technology_tools",
        LocalizedText(pl="Technologie i narzędzia", en="Technology and tools"),
    ),
    Dimension(
        "skills_competencies",
        LocalizedText(
            pl="Umiejętności i kompetencje pracowników",
            en="Employees' skills and competencies",
        ),
    ),
    Dimension(
        "measures_indicators",
        LocalizedText(pl="Miary i wskaźniki", en="Measures and indicators"),
    ),
)

# Ordered as in the maturity model; iterate it to lay out a report.
DIMENSIONS: dict[str, Dimension] = {dimension.id: dimension for dimension in _ALL}
DIMENSION_IDS: tuple[str, ...] = tuple(DIMENSIONS)
MIN_ITEMS_PER_DIMENSION = 3
