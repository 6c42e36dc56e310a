"""The official Smartcar Python SDK's Management API calls (`get_connections`,
`delete_connections`) against Keyfob, with SMARTCAR_MANAGEMENT_API_ORIGIN pointed at it and the
application management token `keyfob apps create` printed.

Run after `swift build` (it uses .build/debug/keyfob, or KEYFOB_BIN):
    python3 -m pytest Tests/Interop
"""
import pytest

from test_smartcar_python_sdk import REDIRECT, smartcar_at_keyfob, walk_connect  # noqa: F401 (fixture)


def connect(smartcar, base, app, email):
    """A test owner connects their vehicles to the app; returns their access token and vehicle ids."""
    client = smartcar.AuthClient(app["client_id"], app["client_secret"], REDIRECT, mode="test")
    returned = walk_connect(client.get_auth_url(["read_vehicle_info", "read_odometer"], {"force_prompt": True}), base, email)
    access = client.exchange_code(returned["code"][0]).access_token
    return access, smartcar.get_vehicles(access).vehicles


def test_connections_are_listed_paged_and_deleted(smartcar_at_keyfob):
    smartcar, base, app = smartcar_at_keyfob
    amt = app["management_token"]
    first_token, first_vehicles = connect(smartcar, base, app, "2-vehicles@example.com")
    second_token, second_vehicles = connect(smartcar, base, app, "3-vehicles@example.com")
    user = smartcar.get_user(first_token).id

    listed = smartcar.get_connections(amt)
    assert {c.vehicle_id for c in listed.connections} == set(first_vehicles + second_vehicles)
    assert listed.paging.cursor is None
    assert all(c.connected_at.endswith("Z") for c in listed.connections)

    # Two at a time, following the cursor, each connection exactly once.
    seen, cursor = [], None
    while True:
        paging = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = smartcar.get_connections(amt, paging=paging)
        seen += [c.vehicle_id for c in page.connections]
        cursor = page.paging.cursor
        if cursor is None:
            break
    assert sorted(seen) == sorted(first_vehicles + second_vehicles)

    mine = smartcar.get_connections(amt, filter={"user_id": user})
    assert {c.vehicle_id for c in mine.connections} == set(first_vehicles)
    assert {c.user_id for c in mine.connections} == {user}

    deleted = smartcar.delete_connections(amt, filter={"vehicle_id": second_vehicles[0]})
    assert [c.vehicle_id for c in deleted.connections] == [second_vehicles[0]]
    assert second_vehicles[0] not in smartcar.get_vehicles(second_token).vehicles

    deleted = smartcar.delete_connections(amt, filter={"user_id": user})
    assert {c.vehicle_id for c in deleted.connections} == set(first_vehicles)
    # That user's token stops working at once.
    with pytest.raises(smartcar.SmartcarException) as gone:
        smartcar.get_vehicles(first_token)
    assert gone.value.status_code == 401


def test_a_wrong_management_token_is_an_authentication_error(smartcar_at_keyfob):
    smartcar, base, app = smartcar_at_keyfob
    for token in ["not-the-token", app["client_secret"]]:
        with pytest.raises(smartcar.SmartcarException) as refused:
            smartcar.get_connections(token)
        assert refused.value.status_code == 401 and refused.value.type == "AUTHENTICATION"


def test_a_bad_filter_is_a_validation_error(smartcar_at_keyfob):
    smartcar, _, app = smartcar_at_keyfob
    with pytest.raises(smartcar.SmartcarException) as refused:
        smartcar.delete_connections(app["management_token"], filter={})
    assert refused.value.status_code == 400 and refused.value.type == "VALIDATION"
