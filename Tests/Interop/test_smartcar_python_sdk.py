"""The official Smartcar Python SDK (PyPI `smartcar`), with its origin variables pointed at Keyfob,
completes the flow: Connect through plain HTTP form posts, exchange, refresh, user, vehicles.

Run after `swift build` (it uses .build/debug/keyfob, or KEYFOB_BIN):
    python3 -m pytest Tests/Interop
"""
import importlib
import re
import sys
import urllib.parse

import pytest
import requests

REDIRECT = "https://app.example.com/callback"


@pytest.fixture
def smartcar_at_keyfob(keyfob_server, monkeypatch):
    base, app = keyfob_server("Python SDK", REDIRECT)
    # docs/contract.md §6: the Python SDK takes the full token URL as its auth origin.
    monkeypatch.setenv("SMARTCAR_AUTH_ORIGIN", base + "/oauth/token")
    monkeypatch.setenv("SMARTCAR_CONNECT_ORIGIN", base)
    monkeypatch.setenv("SMARTCAR_API_ORIGIN", base)
    monkeypatch.setenv("SMARTCAR_MANAGEMENT_API_ORIGIN", base)
    # The SDK reads its origins when imported.
    for name in [m for m in sys.modules if m == "smartcar" or m.startswith("smartcar.")]:
        del sys.modules[name]
    return importlib.import_module("smartcar"), base, app


def walk_connect(auth_url, base, email):
    """What a browser does: GET the Connect URL, post the login form, post Allow on the grant page."""
    session = requests.Session()
    login = session.get(auth_url, allow_redirects=False)
    assert login.status_code == 200, login.text
    csrf = re.search(r'name="csrf" value="([^"]*)"', login.text).group(1)
    logged_in = session.post(base + "/oauth/login", data={"csrf": csrf, "email": email, "password": "pw"}, allow_redirects=False)
    assert logged_in.headers["Location"] == "/oauth/grant"
    grant = session.get(base + "/oauth/grant", allow_redirects=False)
    csrf = re.search(r'name="csrf" value="([^"]*)"', grant.text).group(1)  # renewed at login
    boxes = {name: "on" for name in re.findall(r'name="((?:vehicle|permission)_[0-9a-z_-]+)"', grant.text)}
    done = session.post(base + "/oauth/grant", data={"csrf": csrf, "action": "allow", **boxes}, allow_redirects=False)
    assert done.status_code == 303
    return urllib.parse.parse_qs(urllib.parse.urlparse(done.headers["Location"]).query)


def test_python_sdk_completes_the_flow(smartcar_at_keyfob):
    smartcar, base, app = smartcar_at_keyfob
    client = smartcar.AuthClient(app["client_id"], app["client_secret"], REDIRECT, mode="test")
    auth_url = client.get_auth_url(["read_vehicle_info", "read_odometer"], {"state": "py-state", "force_prompt": True})
    assert auth_url.startswith(base + "/oauth/authorize?")

    returned = walk_connect(auth_url, base, "3-vehicles@example.com")
    assert returned["state"] == ["py-state"]

    access = client.exchange_code(returned["code"][0])
    assert len(access.access_token) == 36 and len(access.refresh_token) == 36

    user = smartcar.get_user(access.access_token)
    assert len(user.id) == 36
    vehicles = smartcar.get_vehicles(access.access_token)
    assert len(vehicles.vehicles) == 3 and vehicles.paging.count == 3

    refreshed = client.exchange_refresh_token(access.refresh_token)
    assert refreshed.access_token != access.access_token
    assert smartcar.get_user(refreshed.access_token).id == user.id


def test_python_sdk_sees_keyfob_errors_as_smartcar_exceptions(smartcar_at_keyfob):
    smartcar, _, app = smartcar_at_keyfob
    client = smartcar.AuthClient(app["client_id"], app["client_secret"], REDIRECT, mode="test")
    with pytest.raises(smartcar.SmartcarException) as refused:
        client.exchange_code("00000000-0000-4000-8000-000000000000")
    assert refused.value.status_code == 400
    with pytest.raises(smartcar.SmartcarException) as unauthenticated:
        smartcar.get_user("00000000-0000-4000-8000-000000000000")
    assert unauthenticated.value.status_code == 401
    assert unauthenticated.value.type == "AUTHENTICATION"
