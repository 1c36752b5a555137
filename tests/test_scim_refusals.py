"""The directory's refusals (bot/services/scim_directory.py) reach an identity provider as SCIM errors, over
real HTTP, and change nothing: a taken e-mail or group name 409, no such user or group 404, a missing
value 400. Deleted people come back with their row."""
from __future__ import annotations

from tests.test_scim import USER, _person, call, served  # noqa: F401 - served is a fixture
from tests.world import EMPLOYEE, OWNER

GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"


def test_a_taken_user_name_is_a_conflict_and_changes_nothing(served):  # noqa: F811
    running, world = served
    status, error = call(running, "POST", "/Users", {"schemas": [USER], "userName": EMPLOYEE.upper(),
                                                     "displayName": "Someone Else"})
    assert status == 409 and f'filter=userName eq "{EMPLOYEE}"' in error["detail"]
    assert _person(world, EMPLOYEE).name != "Someone Else"
    ewa_id = str(_person(world, EMPLOYEE).id)
    status, ewa = call(running, "GET", f"/Users/{ewa_id}")
    status, error = call(running, "PUT", f"/Users/{ewa_id}", {**ewa, "userName": OWNER, "meta": None})
    assert status == 409 and "cannot be this user's userName" in error["detail"]
    assert _person(world, EMPLOYEE).id == int(ewa_id)


def test_a_taken_or_empty_group_name_is_refused(served):  # noqa: F811
    running, _world = served
    assert call(running, "POST", "/Groups", {"schemas": [GROUP], "displayName": "Kadry"})[0] == 201
    status, error = call(running, "POST", "/Groups", {"schemas": [GROUP], "displayName": "Kadry"})
    assert status == 409 and error["detail"] == "A group called Kadry exists."
    status, other = call(running, "POST", "/Groups", {"schemas": [GROUP], "displayName": "Płace"})
    status, error = call(running, "PUT", f"/Groups/{other['id']}", {"schemas": [GROUP], "displayName": "Kadry"})
    assert status == 409 and call(running, "GET", f"/Groups/{other['id']}")[1]["displayName"] == "Płace"
    listed = call(running, "GET", "/Groups")[1]
    assert sorted(group["displayName"] for group in listed["Resources"]) == ["Kadry", "Płace"]


def test_unknown_ids_are_not_found(served):  # noqa: F811
    running, _world = served
    for path in ("/Users/999999", "/Users/not-a-number", "/Groups/no-such-group"):
        status, error = call(running, "GET", path)
        assert status == 404 and error["detail"].startswith("No "), path
    assert call(running, "DELETE", "/Groups/no-such-group")[0] == 404


def test_a_user_name_of_blanks_is_refused(served):  # noqa: F811
    running, _world = served
    status, error = call(running, "POST", "/Users", {"schemas": [USER], "userName": "   "})
    assert status == 400 and "userName is required" in error["detail"]
    assert call(running, "GET", '/Users?filter=userName eq ""')[1]["totalResults"] == 0


def test_a_deleted_user_comes_back_with_the_same_row(served):  # noqa: F811
    running, world = served
    ewa_id = _person(world, EMPLOYEE).id
    assert call(running, "DELETE", f"/Users/{ewa_id}")[0] == 204
    assert call(running, "GET", f'/Users?filter=userName eq "{EMPLOYEE}"')[1]["totalResults"] == 0
    status, back = call(running, "POST", "/Users", {"schemas": [USER], "userName": EMPLOYEE, "active": True,
                                                    "displayName": "Ewa Back"})
    assert status == 201 and back["id"] == str(ewa_id) and back["active"] is True
    assert _person(world, EMPLOYEE).active and _person(world, EMPLOYEE).name == "Ewa Back"
