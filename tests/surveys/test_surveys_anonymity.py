import functools

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from surveys import (
    DEFAULT_K,
    MIN_K,
    GroupTooSmall,
    ThresholdTooLow,
    aggregate_by_group,
    builtin_definition,
    check_filter_isolation,
    collect_comments,
    likert,
    nps,
    score_maturity,
    suppress_below_k,
    validate_k,
)


def test_defaults():
    assert (MIN_K, DEFAULT_K) == (3, 5)


@pytest.mark.parametrize("k", [2, 0, -5, True, 3.0, "5"])
def test_k_below_three_or_not_a_whole_number_is_refused(k):
    with pytest.raises(ThresholdTooLow):
        validate_k(k)


def test_k_of_three_is_the_lowest_allowed():
    assert validate_k(3) == 3


def test_suppress_below_k():
    assert suppress_below_k(4, 5) and not suppress_below_k(5, 5)
    assert suppress_below_k(4) and not suppress_below_k(5)
    with pytest.raises(ThresholdTooLow):
        suppress_below_k(100, 2)


@pytest.mark.parametrize("n_matching", [0, 1, 4])
def test_filter_isolating_fewer_than_k_is_refused_without_telling_n(n_matching):
    with pytest.raises(GroupTooSmall) as caught:
        check_filter_isolation(n_matching, 5)
    assert caught.value.n_required == 5
    assert not hasattr(caught.value, "n")
    assert str(n_matching) not in str(caught.value)


def test_filter_matching_k_passes():
    assert check_filter_isolation(5, 5) is None


def frame():
    return pd.DataFrame({
        "team": ["ops"] * 6 + ["sales"] * 2 + ["legal"] * 5,
        "enps": [10, 9, 9, 7, 3, 0] + [10, 10] + [10, None, None, None, 8],
    })


def test_group_below_k_shows_nothing_not_even_n():
    rows = aggregate_by_group(frame(), ["team"], "enps", 5, nps)
    by_team = {row["group"]["team"]: row for row in rows}
    assert by_team["sales"] == {"group": {"team": "sales"}, "suppressed": True}
    assert by_team["legal"] == {"group": {"team": "legal"}, "suppressed": True}  # 5 rows, 2 answers
    ops = by_team["ops"]
    assert ops["suppressed"] is False
    assert (ops["n"], ops["promoters"], ops["detractors"]) == (6, 3, 2)
    assert ops["score"] == pytest.approx(100 / 6)


def test_groups_come_back_sorted_with_plain_python_values():
    df = pd.DataFrame({"unit": [2] * 3 + [1] * 3, "item": [4, 5, 5, 1, 2, 2]})
    rows = aggregate_by_group(df, ["unit"], "item", 3, likert)
    assert [row["group"]["unit"] for row in rows] == [1, 2]
    assert type(rows[0]["group"]["unit"]) is int and type(rows[0]["n"]) is int
    assert rows[1]["distribution"] == {1: 0, 2: 0, 3: 0, 4: 1, 5: 2}


def test_distinct_respondents_are_counted_not_rows():
    df = pd.DataFrame({"team": ["a"] * 5, "who": ["r1", "r1", "r2", "r2", "r2"], "item": [5, 4, 3, 2, 1]})
    (row,) = aggregate_by_group(df, ["team"], "item", 3, likert, respondent_col="who")
    assert row == {"group": {"team": "a"}, "suppressed": True}


def test_missing_group_value_becomes_none():
    df = pd.DataFrame({"team": ["a", None, None, None], "item": [5, 4, 3, 2]})
    rows = aggregate_by_group(df, ["team"], "item", 3, likert)
    assert [row["group"]["team"] for row in rows] == ["a", None]
    assert [row["suppressed"] for row in rows] == [True, False]


def test_comments_need_k_real_comments():
    df = pd.DataFrame({
        "team": ["a"] * 5 + ["b"] * 5,
        "comment": ["one", " ", "", "two", "three"] + ["e", "d", "c", "b", "a"],  # a: 3 real comments
    })
    rows = aggregate_by_group(df, ["team"], "comment", 5, collect_comments)
    assert rows[0] == {"group": {"team": "a"}, "suppressed": True}
    assert rows[1]["texts"] == ("a", "b", "c", "d", "e")


def test_maturity_per_unit_through_several_columns():
    definition = builtin_definition("cx-maturity")
    item_ids = [q.id for q in definition.questions if q.dimension]
    df = pd.DataFrame([{"unit": "north", **{qid: 4 for qid in item_ids}}] * 3
                      + [{"unit": "south", **{qid: 2 for qid in item_ids}}] * 2)
    scorer = functools.partial(score_maturity, definition)
    north, south = aggregate_by_group(df, ["unit"], item_ids, 3, scorer)
    assert (north["overall"], north["overall_level"]) == (4.0, 4)
    assert north["dimensions"][0]["n"] == 3
    assert south == {"group": {"unit": "south"}, "suppressed": True}


def test_k_of_two_is_refused_by_the_aggregation():
    with pytest.raises(ThresholdTooLow):
        aggregate_by_group(frame(), ["team"], "enps", 2, nps)


answers_frames = st.lists(
    st.tuples(st.sampled_from(["a", "b", "c", "d"]), st.sampled_from(["x", "y"]),
              st.one_of(st.none(), st.integers(0, 10))),
    max_size=60,
).map(lambda rows: pd.DataFrame(rows, columns=["team", "site", "enps"]))


@settings(max_examples=150, deadline=None)
@given(df=answers_frames, k=st.integers(3, 8))
def test_no_figures_ever_for_a_group_below_k(df, k):
    rows = aggregate_by_group(df, ["team", "site"], "enps", k, nps)
    answered = df.dropna(subset=["enps"]).groupby(["team", "site"]).size().to_dict()
    assert len(rows) == df.groupby(["team", "site"]).ngroups
    for row in rows:
        key = (row["group"]["team"], row["group"]["site"])
        true_n = answered.get(key, 0)
        if true_n < k:
            assert row == {"group": row["group"], "suppressed": True}
        else:
            assert row["suppressed"] is False and row["n"] == true_n


def test_nullable_integer_columns_count_gaps_as_skipped():
    df = pd.DataFrame({"team": ["a"] * 4, "enps": pd.array([10, None, 9, 0], dtype="Int64")})
    assert aggregate_by_group(df, ["team"], "enps", 3, nps)[0]["n"] == 3
    assert aggregate_by_group(df, ["team"], "enps", 4, nps)[0] == {"group": {"team": "a"}, "suppressed": True}
