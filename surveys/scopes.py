"""Scope auditing: which groups of a wave's respondents may be shown, so that no difference singles anybody out.

Pure: no I/O. Every read path of a wave's figures (the command line, the chat, the closing post,
the digest and the dashboard) goes through `surveys.results.compute_wave_results`, which asks a
`ScopeAudit` before showing anything.

The guarantee is structural. The respondents are split into *cells* along the org tree, each of
which has either at least k respondents, or no respondent and at least k people of the audience
(or nobody at all). A group (the whole wave, a unit with its sub-units) is shown only when it is
a union of whole cells, so the difference between any two shown groups, and any sum or difference
of shown figures, is itself a union of cells: 0 or at least k respondents, never a group of 1..k-1
people. Each question has its own, coarser cells (0 or at least k people answered it there), and
so have comments, with `k_comments`.

Responses are stored under an org unit already coarsened by `storage_units`: the smallest of the
person's unit and its ancestors that has at least k people of the audience (itself with its
sub-units); ORG ("") when none has.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

ORG = ""  # responses stored without a unit: the organisation as a whole
DEFAULT_K_COMMENTS = 10


def lineage(unit: str, parents: Mapping[str, str | None]) -> list[str]:
    """The unit, its parent, ... up to its top unit (a loop in the data ends the walk)."""
    chain: list[str] = []
    while unit and unit not in chain:
        chain.append(unit)
        unit = parents.get(unit) or ORG
    return chain


def storage_units(parents: Mapping[str, str | None], members: Mapping[str, int], k: int) -> dict[str, str]:
    """{unit: the unit its people's responses are stored under} for every unit of the tree or the audience."""
    in_subtree: dict[str, int] = defaultdict(int)
    for unit, count in members.items():
        for ancestor in lineage(unit, parents):
            in_subtree[ancestor] += count
    return {unit: next((a for a in lineage(unit, parents) if in_subtree[a] >= k), ORG)
            for unit in set(members) | set(parents)}


@dataclass(frozen=True)
class Cells:
    """A partition of the atoms (storage units) and, for each cell but the top one, the cell above it."""

    regions: dict[str, frozenset[str]]  # cell root (a unit, or ORG for the top) -> its atoms
    above: dict[str, str]  # cell root -> the root of the nearest cell above it

    def as_tree(self) -> tuple[dict[str, str | None], dict[str, frozenset[str]]]:
        return dict(self.above), dict(self.regions)


def cut(parents: Mapping[str, str | None], content: Mapping[str, frozenset[str]],
        good: Callable[[frozenset[str]], bool], weight: Callable[[frozenset[str]], int]) -> Cells:
    """Cut a tree into cells that are all `good`.

    Bottom up, a node whose own content plus what its children left over is good becomes a cell;
    what is left over reaches the top (ORG). When the top's region is not good, the lightest cells
    just below it are merged into it until it is (or nothing is left to merge).
    """
    children: dict[str, list[str]] = defaultdict(list)
    for node in parents:
        if node != ORG:
            children[parents[node] or ORG].append(node)
    regions: dict[str, frozenset[str]] = {}
    above: dict[str, str] = {}

    def visit(node: str) -> frozenset[str]:
        region = set(content.get(node, ()))
        for child in sorted(children[node]):
            region |= visit(child)
        if node != ORG and region and good(frozenset(region)):
            regions[node] = frozenset(region)
            return frozenset()
        return frozenset(region)

    top = set(visit(ORG))
    for root in regions:  # the nearest cell root above each cell
        above[root] = next((a for a in lineage(parents.get(root) or ORG, parents) if a in regions), ORG)
    while top and not good(frozenset(top)):
        candidates = sorted((weight(region), root) for root, region in regions.items() if above[root] == ORG)
        if not candidates:
            break
        _weight, root = candidates[0]
        top |= regions.pop(root)
        for other in regions:
            if above[other] == root:
                above[other] = ORG
        del above[root]
    if top:
        regions[ORG] = frozenset(top)
    return Cells(regions, above)


class ScopeAudit:
    """What may be shown of one wave: built from where the respondents and the audience are."""

    def __init__(self, *, k: int, k_comments: int, parents: Mapping[str, str | None],
                 members: Mapping[str, int], respondents: Mapping[str, int],
                 answered: Mapping[str, Mapping[str, int]], text_questions: Iterable[str]) -> None:
        self.k, self.k_comments = k, k_comments
        self.parents = dict(parents)
        self.respondents = dict(respondents)
        self.members = {atom: max(members.get(atom, 0), respondents.get(atom, 0))
                        for atom in set(members) | set(respondents)}
        self.answered = {q: dict(counts) for q, counts in answered.items()}
        self._below: dict[str, set[str]] = defaultdict(set)  # unit -> itself and every unit below it
        for name in set(self.parents) | set(self.members):
            for ancestor in lineage(name, self.parents):
                self._below[ancestor].add(name)
        self.cells = self._people_cells()
        self.question_cells = {q: self._answer_cells(counts, k) for q, counts in self.answered.items()}
        self.comment_cells = {q: self._answer_cells(self.answered.get(q, {}), k_comments) for q in text_questions}

    # --- building the cells ----------------------------------------------------------------------

    def _people_cells(self) -> Cells:
        def good(region: frozenset[str]) -> bool:
            answered, people = self._sum(self.respondents, region), self._sum(self.members, region)
            return answered >= self.k or (answered == 0 and (people >= self.k or people == 0))

        content = {atom: frozenset({atom}) for atom in self.members}
        tree = {u: self.parents.get(u) for atom in self.members for u in lineage(atom, self.parents)}
        return cut(tree, content, good, lambda region: self._sum(self.respondents, region))

    def _answer_cells(self, counts: Mapping[str, int], threshold: int) -> Cells:
        def good(region: frozenset[str]) -> bool:
            n = self._sum(counts, region)
            return n == 0 or n >= threshold

        above, regions = self.cells.as_tree()
        return cut(above, regions, good, lambda region: self._sum(counts, region))

    @staticmethod
    def _sum(counts: Mapping[str, int], atoms: Iterable[str]) -> int:
        return sum(counts.get(atom, 0) for atom in atoms)

    # --- asking --------------------------------------------------------------------------------

    def atoms_of(self, unit: str | None) -> frozenset[str]:
        """The storage units of a scope: the whole wave (None) or a unit with its sub-units."""
        if unit is None:
            return frozenset(self.members)
        return frozenset(atom for atom in self._below.get(unit, ()) if atom in self.members)

    def respondents_in(self, atoms: Iterable[str]) -> int:
        return self._sum(self.respondents, atoms)

    def whole_cells(self, atoms: frozenset[str], cells: Cells | None = None) -> bool:
        """True when the scope is a union of whole cells (counting only atoms that hold people)."""
        for region in (cells or self.cells).regions.values():
            peopled = {atom for atom in region if self.members.get(atom, 0) > 0}
            if peopled & atoms and not peopled <= atoms:
                return False
        return True

    def scope_shown(self, atoms: frozenset[str]) -> bool:
        return self.whole_cells(atoms) and self.respondents_in(atoms) >= self.k

    def question_shown(self, atoms: frozenset[str], question_id: str) -> bool:
        counts = self.answered.get(question_id, {})
        return (self.scope_shown(atoms) and self.whole_cells(atoms, self.question_cells.get(question_id, self.cells))
                and self._sum(counts, atoms) >= self.k)

    def comments_shown(self, atoms: frozenset[str], question_id: str) -> bool:
        counts = self.answered.get(question_id, {})
        return (self.scope_shown(atoms) and self.whole_cells(atoms, self.comment_cells[question_id])
                and self._sum(counts, atoms) >= self.k_comments)

    def listed_units(self, unit: str | None, audience_units: Iterable[str]) -> list[str]:
        """The units listed under a scope: every unit below it (or every unit, for the whole wave)
        that has people of the audience, itself or in its sub-units; never depends on who answered."""
        peopled = {ancestor for name in audience_units for ancestor in lineage(name, self.parents)}
        below = peopled if unit is None else self._below.get(unit, set()) - {unit}
        return sorted(peopled & below)


BAND_EDGES = (10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000)


def participation_band(answered: int, k: int) -> tuple[int, int | None] | None:
    """How many answered an open wave, rounded: None for fewer than k, else (low, high) with high
    None for the last band (k-9, 10-19, 20-49, 50-99, ..., 10000 or more)."""
    if answered < k:
        return None
    edges = [k, *(edge for edge in BAND_EDGES if edge > k)]
    low = max(edge for edge in edges if edge <= answered)
    higher = [edge for edge in edges if edge > low]
    return low, (higher[0] - 1 if higher else None)
