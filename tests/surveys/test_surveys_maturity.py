import pytest

from surveys import DIMENSION_IDS, STAGES, builtin_definition, level_for, score_maturity, stage_for


@pytest.mark.parametrize("score, level", [
    (1.0, 1), (1.79, 1), (1.7949, 1), (1.79915, 2), (1.8, 2),
    (2.5949, 2), (2.5999999, 3), (2.6, 3),
    (3.3949, 3), (3.3999999, 4), (3.4, 4),
    (4.1949, 4), (4.1999999, 5), (4.2, 5), (5.0, 5),
])
def test_level_at_every_boundary_is_the_level_of_the_displayed_score(score, level):
    # 1.79915 is printed "1.80", and 1.80 is level 2: the level follows what the reader sees
    assert level_for(score) == level


def test_dimension_interval_and_near_a_boundary_note():
    definition = builtin_definition("cx-maturity")
    answers = {q.id: [2, 2, 2, 2, 3] for q in definition.questions}  # every item: mean 2.2, s = 0.4472, n = 5
    result = score_maturity(definition, answers)
    dimension = result.dimensions[0]
    # the items are identical, so the bound is exact: 2.2 ± t(0.975, 4) * 0.4472 / sqrt 5 = 2.2 ± 0.5553
    assert dimension.ci == (pytest.approx(1.6447, abs=1e-4), pytest.approx(2.7553, abs=1e-4))
    assert dimension.level == 2 and dimension.near_boundary  # reaches past 1.8 and 2.6
    assert result.overall_ci == (pytest.approx(1.6447, abs=1e-4), pytest.approx(2.7553, abs=1e-4))
    assert result.overall_near_boundary


def test_a_clear_score_is_not_near_a_boundary():
    definition = builtin_definition("cx-maturity")
    result = score_maturity(definition, {q.id: [3] * 5 for q in definition.questions})
    assert result.dimensions[0].ci == (3.0, 3.0) and not result.dimensions[0].near_boundary


def test_float_noise_does_not_drop_a_boundary_score():
    assert 0.6 * 3 < 1.8  # 1.7999999999999998
    assert level_for(0.6 * 3) == 2


@pytest.mark.parametrize("score", [0.99, 5.01, 0.0])
def test_scores_outside_the_scale_are_refused(score):
    with pytest.raises(ValueError):
        level_for(score)


def test_stages_have_our_own_polish_and_english_names():
    assert [stage.name.en for stage in STAGES] == ["Scattered", "Noticing", "Ordered", "Connected", "Self-steering"]
    assert stage_for(3).name.pl == "Uporządkowany"
    assert stage_for(5).name.pl == "Samosterowny"
    with pytest.raises(ValueError):
        stage_for(6)


def _answers(per_dimension):
    definition = builtin_definition("cx-maturity")
    answers = {}
    for dimension_id, item_answers in per_dimension.items():
        for question, values in zip(definition.questions_in(dimension_id), item_answers):
            answers[question.id] = values
    return definition, answers


HAND_COMPUTED = {
    "strategic_importance": [[5, 5, 5], [4, 4, 4], [3, 3, 3]],  # item means 5, 4, 3 -> 4.0
    "structures_processes": [[1, 1, 1]] * 3,                     # 1.0
    "change_management": [[2, 2, 2]] * 3,                        # 2.0
    "technology_tools": [[3, 3, 3]] * 3,                         # 3.0
    "skills_competencies": [[5, 5, 5]] * 3,                      # 5.0
    "measures_indicators": [[1, 3], [2, 2], [1, 2, None]],       # 2, 2, 1.5 -> 1.8333
}


def test_dimension_scores_levels_and_overall_by_hand():
    definition, answers = _answers(HAND_COMPUTED)
    result = score_maturity(definition, answers)
    scores = {d.dimension: (round(d.score, 4), d.level) for d in result.dimensions}
    assert scores == {
        "strategic_importance": (4.0, 4), "structures_processes": (1.0, 1), "change_management": (2.0, 2),
        "technology_tools": (3.0, 3), "skills_competencies": (5.0, 5), "measures_indicators": (1.8333, 2),
    }
    assert [d.dimension for d in result.dimensions] == list(DIMENSION_IDS)
    assert result.overall == pytest.approx((4 + 1 + 2 + 3 + 5 + 5.5 / 3) / 6)
    assert result.overall_level == 3
    assert result.dimensions[-1].n == 2


def test_dimension_exactly_on_a_boundary_from_answers():
    per_dimension = dict(HAND_COMPUTED, change_management=[[1, 1, 1, 3, 3]] * 3)  # every item 1.8
    definition, answers = _answers(per_dimension)
    change = score_maturity(definition, answers).dimensions[DIMENSION_IDS.index("change_management")]
    assert change.level == 2 and change.items_answered == 3 and change.n == 5


def test_unanswered_item_is_left_out_of_its_dimension():
    per_dimension = dict(HAND_COMPUTED, technology_tools=[[5, 5], [None, None], [3, 3]])
    definition, answers = _answers(per_dimension)
    tools = score_maturity(definition, answers).dimensions[DIMENSION_IDS.index("technology_tools")]
    assert (tools.score, tools.items_answered) == (4.0, 2)


def test_overall_needs_every_dimension():
    per_dimension = {k: v for k, v in HAND_COMPUTED.items() if k != "skills_competencies"}
    definition, answers = _answers(per_dimension)
    result = score_maturity(definition, answers)
    skills = result.dimensions[DIMENSION_IDS.index("skills_competencies")]
    assert (skills.score, skills.level, skills.n) == (None, None, 0)
    assert (result.overall, result.overall_level) == (None, None)
