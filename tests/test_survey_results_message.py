"""The results message in the governance channel: maturity intervals, the near-a-boundary note and the
data's answers (yes / no / undecided / not enough data), in English and Polish."""
from __future__ import annotations

from bot.i18n import translator
from bot.survey_results_messages import results_message
from surveys import builtin_definition
from surveys.diagnostic import DataAnswer
from surveys.results import compute_wave_results
from tests.surveys.test_surveys_results import frame, people


def _text(message) -> str:
    return "\n".join([message.text, *(f"{f.label}: {f.value}" for f in message.fields)])


def test_maturity_fields_carry_the_interval_and_the_boundary_note():
    definition = builtin_definition("cx-maturity")
    answers = {q.id: [2, 2, 2, 2, 3] for q in definition.questions}  # 2.2 ± 0.56 on every dimension
    results = compute_wave_results(frame(people("Board", 5, **answers)), definition, k=5)
    english = _text(results_message(results, definition, translator("en")))
    assert "95% interval 1.64-2.76" in english
    assert "near a level boundary: another sample could land a level up or down" in english
    polish = _text(results_message(results, definition, translator("pl")))
    assert "blisko granicy poziomu" in polish


def test_the_data_answers_name_undecided_and_not_enough_data():
    definition = builtin_definition("diagnostic")
    ids = [q.id for q in definition.questions]
    results = compute_wave_results(frame(people("Mgmt", 6, **{qid: 1 for qid in ids})), definition, k=5)
    evidence = {"nps_enps_together": DataAnswer(None, 14), "no_workarounds": DataAnswer(None, 3, enough=False),
                "managers_accountable": DataAnswer(False, 12)}
    english = results_message(results, definition, translator("en"), evidence=evidence).text
    assert "1. NPS and eNPS move together: undecided (n = 14)" in english
    assert "2. No informal workarounds: not enough data (n = 3)" in english
    assert "3. Managers are accountable for the conditions they create: no (n = 12)" in english
    assert "4. Decisions are checked for every experience: -" in english
    polish = results_message(results, definition, translator("pl"), evidence=evidence).text
    assert "nierozstrzygnięte (n = 14)" in polish and "za mało danych (n = 3)" in polish
