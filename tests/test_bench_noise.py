"""bench/noise.py --quick prints one table with every rule, n and the coverage rows."""
from __future__ import annotations

import re

from bench import noise


def _rows(out: str) -> list[list[str]]:
    lines = out.splitlines()
    assert lines[0].split()[:2] == ["rule", "n"] and set(lines[1]) == {"-"}
    assert lines[-1].startswith("quick run:")
    return [re.split(r"\s{2,}", line.strip()) for line in lines[2:] if line and not line.startswith("quick run")]


def test_quick_table_has_every_rule_and_size(capsys):
    assert noise.main(["--quick"]) == 0
    rows = _rows(capsys.readouterr().out)
    sizes: dict[str, list[float]] = {}
    for row in rows:
        sizes.setdefault(row[0], []).append(float(row[1]))
    for rule in ("eNPS/NPS change", "mean change (1-5)", "share change (top-2-box)",
                 "family-wise per wave (6 figures, Holm)"):
        assert sizes[rule] == list(noise.SIZES), rule
    assert sizes["weekly signal (Poisson CUSUM), per year"] == list(noise.WEEKLY_RATES)
    coverage = [row for row in rows if row[0].startswith("coverage")]
    shapes = len(noise.TEAM_DISTRIBUTIONS["nps"]) + len(noise.TEAM_DISTRIBUTIONS["likert"]) + len(
        noise.TEAM_DISTRIBUTIONS["share"])
    assert len(coverage) == shapes == 9  # every team shape, the polarised ones included
    for row in coverage:  # exact coverage does not depend on the number of simulations: the 93% goal
        assert 93.0 <= float(re.search(r"([\d.]+)% cov", row[2]).group(1)) <= 100.0
        assert 93.0 <= float(re.search(r"min ([\d.]+)%", row[4]).group(1))  # over n = 5..10 in --quick
    for row in rows:
        if row[0] in ("eNPS/NPS change", "mean change (1-5)"):
            assert row[2].endswith("%") and row[3].endswith("%")  # false alarms and power
