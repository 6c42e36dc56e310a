"""The device grant's verification pages in a real browser: a device asks for codes over HTTP,
headless Chromium opens verification_uri_complete, confirms the pre-filled code, logs in in test
mode, allows, and lands on "You can return to your car"; the device's poll then gets its pair.
Screenshots of each page go to $KEYFOB_ARTIFACTS (default /tmp/keyfob-artifacts/browser).
"""
import base64
import json
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from selenium.webdriver.common.by import By

from test_connect_in_chromium import browser, screenshot, wait_for_url  # noqa: F401 (fixture)

REDIRECT = "http://127.0.0.1:9/callback"
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"


@pytest.fixture
def keyfob(keyfob_server):
    return keyfob_server("Car Screen", REDIRECT, "read_vehicle_info read_odometer",
                         grant_types="authorization_code,refresh_token,device_code")


def post(base, app, path, form):
    """POSTs a form with the app's Basic credentials; returns (status, JSON body)."""
    request = urllib.request.Request(
        base + path,
        data=urllib.parse.urlencode(form).encode(),
        headers={
            "Authorization": "Basic " + base64.b64encode(f"{app['client_id']}:{app['client_secret']}".encode()).decode(),
            "Content-Type": "application/x-www-form-urlencoded", "User-Agent": "keyfob-device-test",
        })
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def test_owner_approves_a_device_on_the_verification_pages(keyfob, browser):  # noqa: F811
    base, app = keyfob
    status, codes = post(base, app, "/oauth/device_authorization", {"mode": "test", "scope": "required:read_vehicle_info read_odometer"})
    assert status == 200, codes
    status, pending = post(base, app, "/oauth/token", {"grant_type": DEVICE_GRANT, "device_code": codes["device_code"]})
    assert (status, pending["error"]) == (400, "authorization_pending")

    browser.get(codes["verification_uri_complete"])
    screenshot(browser, "device-1-code")
    field = browser.find_element(By.ID, "user_code")
    assert field.get_attribute("value") == codes["user_code"]
    browser.find_element(By.XPATH, "//button[normalize-space()='Continue']").click()

    # The login page is the answer to the code entry's POST.
    deadline = time.time() + 20
    while not browser.find_elements(By.ID, "email") and time.time() < deadline:
        time.sleep(0.1)
    browser.find_element(By.ID, "email").send_keys("2-vehicles@example.com")
    screenshot(browser, "device-2-login")
    browser.find_element(By.ID, "password").send_keys("anything")
    browser.find_element(By.XPATH, "//button[normalize-space()='Log in']").click()

    wait_for_url(browser, lambda url: url.endswith("/oauth/grant"))
    screenshot(browser, "device-3-grant")
    assert len(browser.find_elements(By.CSS_SELECTOR, "input[type=checkbox][name^=vehicle_]")) == 2
    assert browser.find_element(By.ID, "permission_read_vehicle_info").get_attribute("disabled") is not None
    browser.find_element(By.XPATH, "//button[normalize-space()='Allow']").click()

    deadline = time.time() + 20
    while "You can return to your car" not in browser.page_source and time.time() < deadline:
        time.sleep(0.1)
    screenshot(browser, "device-4-done")
    assert "You can return to your car" in browser.page_source

    time.sleep(codes["interval"])
    status, pair = post(base, app, "/oauth/token", {"grant_type": DEVICE_GRANT, "device_code": codes["device_code"]})
    assert status == 200, pair
    assert pair["token_type"] == "Bearer" and pair["refresh_token"] and pair["scope"] == "read_vehicle_info read_odometer"
    status, again = post(base, app, "/oauth/token", {"grant_type": DEVICE_GRANT, "device_code": codes["device_code"]})
    assert (status, again["error"]) == (400, "invalid_grant")


def test_a_mistyped_code_is_explained_on_the_page(keyfob, browser):  # noqa: F811
    base, _ = keyfob
    browser.get(base + "/oauth/device")
    browser.find_element(By.ID, "user_code").send_keys("bcdf-ghja")
    browser.find_element(By.XPATH, "//button[normalize-space()='Continue']").click()
    deadline = time.time() + 20
    while "only the letters" not in browser.page_source and time.time() < deadline:
        time.sleep(0.1)
    screenshot(browser, "device-5-mistyped")
    assert "only the letters" in browser.page_source
