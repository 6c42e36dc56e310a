"""The official Smartcar Python SDK's vehicle calls (every method of `vehicle.py` but webhooks and
the v3 signals) against Keyfob's simulator: each answer parses into the SDK's own types, and each
refusal arrives as a SmartcarException with Smartcar's type and code.

Run after `swift build` (it uses .build/debug/keyfob, or KEYFOB_BIN):
    python3 -m pytest Tests/Interop
"""
import json
import subprocess

import pytest

from conftest import KEYFOB
from test_smartcar_python_sdk import REDIRECT, smartcar_at_keyfob, walk_connect  # noqa: F401 (fixture)

SCOPE = [
    "read_vehicle_info", "read_vin", "read_odometer", "read_location", "read_battery", "read_charge", "read_fuel",
    "read_tires", "read_engine_oil", "read_security", "read_service_history", "read_diagnostics", "control_security",
    "control_charge", "control_navigation",
]


def keyfob(app, *arguments):
    """`keyfob …` on the server's own database, parsed from --json."""
    output = subprocess.check_output([KEYFOB, *arguments, "--database", app["database"], "--json"])
    return json.loads(output)


@pytest.fixture
def two_cars(smartcar_at_keyfob):
    """A token for a test owner's two vehicles: a battery EV, plugged in, and a plug-in hybrid."""
    smartcar, base, app = smartcar_at_keyfob
    client = smartcar.AuthClient(app["client_id"], app["client_secret"], REDIRECT, mode="test")
    returned = walk_connect(client.get_auth_url(SCOPE, {"force_prompt": True}), base, "2-vehicles@example.com")
    access = client.exchange_code(returned["code"][0])
    ids = smartcar.get_vehicles(access.access_token).vehicles
    assert len(ids) == 2
    keyfob(app, "vehicles", "set", ids[0], "--powertrain", "BEV", "--plugged-in", "true", "--battery", "0.5")
    keyfob(app, "vehicles", "set", ids[1], "--powertrain", "PHEV")
    electric = smartcar.Vehicle(ids[0], access.access_token)
    hybrid = smartcar.Vehicle(ids[1], access.access_token)
    return smartcar, app, electric, hybrid


def test_every_read_parses_into_the_sdks_types(two_cars):
    smartcar, _, electric, hybrid = two_cars
    assert len(electric.vin().vin) == 17
    odometer = electric.odometer()
    assert odometer.distance > 0 and odometer.meta.unit_system == "metric"
    assert odometer.meta.request_id and odometer.meta.data_age and odometer.meta.fetched_at
    location = electric.location()
    assert -90 <= location.latitude <= 90 and -180 <= location.longitude <= 180
    battery = electric.battery()
    assert battery.percent_remaining == 0.5 and battery.range > 0
    assert electric.battery_capacity().capacity > 0
    nominal = electric.nominal_capacity()
    assert nominal.availableCapacities[0].capacity > 0
    charge = electric.charge()
    assert charge.is_plugged_in is True and charge.state == "NOT_CHARGING"
    assert 0.5 <= electric.get_charge_limit().limit <= 1
    tires = electric.tire_pressure()
    assert tires.front_left > 0 and tires.back_right > 0
    security = electric.lock_status()
    assert security.is_locked is True and len(security.doors) == 4
    assert electric.service_history(start_date="2020-01-01").items
    assert electric.diagnostic_system_status().systems[0].status in ("OK", "ALERT")
    assert electric.diagnostic_trouble_codes().active_codes == []
    assert "read_odometer" in electric.permissions().permissions
    attributes = electric.attributes()
    assert attributes.id == electric.vehicle_id and attributes.make
    fuel = hybrid.fuel()
    assert 0 < fuel.percent_remaining <= 1 and fuel.amount_remaining > 0
    assert 0 < hybrid.engine_oil().life_remaining <= 1
    raw = electric.request("GET", "odometer")
    assert raw.body["distance"] == odometer.distance


def test_imperial_answers_in_miles(two_cars):
    smartcar, _, electric, _ = two_cars
    metric = electric.odometer().distance
    imperial = smartcar.Vehicle(electric.vehicle_id, electric.access_token, {"unit_system": "imperial"}).odometer()
    assert imperial.meta.unit_system == "imperial"
    assert abs(metric / imperial.distance - 1.609344) < 0.01


def test_commands_change_the_stored_state(two_cars):
    smartcar, app, electric, _ = two_cars
    assert electric.unlock().status == "success"
    assert electric.lock_status().is_locked is False
    assert electric.lock().status == "success"
    assert electric.lock_status().is_locked is True
    assert electric.start_charge().status == "success"
    assert electric.charge().state == "CHARGING"
    with pytest.raises(smartcar.SmartcarException) as again:
        electric.start_charge()
    assert again.value.status_code == 409 and again.value.type == "VEHICLE_STATE" and again.value.code == "CHARGING_IN_PROGRESS"
    assert electric.stop_charge().status == "success"
    assert electric.set_charge_limit(0.9).status == "success"
    assert electric.get_charge_limit().limit == 0.9
    assert electric.send_destination(37.7749, -122.4194).status == "success"
    keyfob(app, "vehicles", "trip", electric.vehicle_id, "--start")
    with pytest.raises(smartcar.SmartcarException) as moving:
        electric.unlock()
    assert moving.value.type == "VEHICLE_STATE" and moving.value.code == "IN_MOTION"


def test_what_the_vehicle_cannot_do_is_a_compatibility_error(two_cars):
    smartcar, _, electric, _ = two_cars
    with pytest.raises(smartcar.SmartcarException) as refused:
        electric.fuel()
    assert refused.value.status_code == 501 and refused.value.type == "COMPATIBILITY"
    assert refused.value.code == "VEHICLE_NOT_CAPABLE"


def test_batch_answers_each_path_on_its_own(two_cars):
    smartcar, _, electric, _ = two_cars
    batch = electric.batch(["/odometer", "/battery", "/fuel", "/"])
    assert batch.odometer().distance > 0
    assert batch.battery().percent_remaining == 0.5
    with pytest.raises(smartcar.SmartcarException) as fuel:
        batch.fuel()
    assert fuel.value.type == "COMPATIBILITY"
    assert batch.attributes().id == electric.vehicle_id


def test_compatibility_and_disconnect(two_cars, monkeypatch):
    smartcar, app, electric, _ = two_cars
    vin = electric.vin().vin
    options = {"client_id": app["client_id"], "client_secret": app["client_secret"], "version": "2.0"}
    compatible = smartcar.get_compatibility(vin, ["read_battery", "read_odometer"], options=options)
    assert compatible.compatible is True
    assert [c.permission for c in compatible.capabilities] == ["read_battery", "read_odometer"]
    assert electric.disconnect().status == "success"
    with pytest.raises(smartcar.SmartcarException) as gone:
        electric.odometer()
    assert gone.value.status_code == 404
