"""surveys.scopes: where a response is stored, and the band an open wave's participation shows as."""
import pytest

from surveys.scopes import ORG, participation_band, storage_units

PARENTS = {"Org": None, "Sales": "Org", "Sales North": "Sales", "HR": "Org", "Solo": None}


def test_a_response_is_stored_under_the_smallest_unit_with_k_people_of_the_audience():
    audience = {"Sales North": 5, "Sales": 1, "HR": 1, "Org": 0, "Solo": 2, "": 1}
    stored = storage_units(PARENTS, audience, k=5)
    assert stored["Sales North"] == "Sales North"  # 5 people: itself
    assert stored["Sales"] == "Sales"  # 6 with its sub-unit
    assert stored["HR"] == "Org"  # one person: the first ancestor with 5 or more (Org has 7)
    assert stored["Solo"] == ORG and stored[""] == ORG  # no unit of its line reaches k: the organisation


@pytest.mark.parametrize("answered, k, band", [
    (0, 5, None), (4, 5, None), (5, 5, (5, 9)), (9, 5, (5, 9)), (10, 5, (10, 19)), (19, 5, (10, 19)),
    (20, 5, (20, 49)), (99, 5, (50, 99)), (100, 3, (100, 199)), (12000, 5, (10000, None)),
    (11, 12, None), (12, 12, (12, 19)),
])
def test_participation_of_an_open_wave_shows_only_as_a_band(answered, k, band):
    assert participation_band(answered, k) == band
