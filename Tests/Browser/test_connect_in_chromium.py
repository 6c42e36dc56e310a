"""Connect in a real browser: headless Chromium walks login -> grant -> redirect in test mode
against a real `keyfob serve`, keeps a screenshot of each page, and redeems the code.

Run after `swift build` (it uses .build/debug/keyfob, or KEYFOB_BIN):
    python3 -m pytest Tests/Browser
Screenshots go to $KEYFOB_ARTIFACTS (default /tmp/keyfob-artifacts/browser).
"""
import base64
import json
import os
import urllib.parse
import urllib.request

import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

ARTIFACTS = os.environ.get("KEYFOB_ARTIFACTS", "/tmp/keyfob-artifacts/browser")
REDIRECT = "http://127.0.0.1:9/callback"  # nothing listens there: the browser just stops at it


@pytest.fixture
def keyfob(keyfob_server):
    return keyfob_server("Browser Test App", REDIRECT, "read_vehicle_info read_odometer read_location")


@pytest.fixture
def browser():
    options = webdriver.ChromeOptions()
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=430,932"):
        options.add_argument(argument)
    options.binary_location = "/usr/bin/chromium"
    driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(executable_path="/usr/bin/chromedriver"))
    yield driver
    driver.quit()


def wait_for_url(driver, predicate):
    """Clicks return before the navigation they start has finished; wait for it (at most 20 s)."""
    WebDriverWait(driver, 20).until(lambda d: predicate(d.current_url))


def screenshot(driver, name):
    os.makedirs(ARTIFACTS, exist_ok=True)
    driver.save_screenshot(os.path.join(ARTIFACTS, name + ".png"))


def test_owner_logs_in_allows_and_the_app_redeems_the_code(keyfob, browser):
    base, app = keyfob
    query = urllib.parse.urlencode({
        "response_type": "code", "client_id": app["client_id"], "redirect_uri": REDIRECT,
        "scope": "required:read_vehicle_info read_odometer", "mode": "test", "state": "browser & state",
    })
    browser.get(f"{base}/oauth/authorize?{query}")
    screenshot(browser, "1-login")
    assert "Browser Test App" in browser.page_source
    browser.find_element(By.ID, "email").send_keys("2-vehicles@example.com")
    browser.find_element(By.ID, "password").send_keys("anything")
    browser.find_element(By.XPATH, "//button[normalize-space()='Log in']").click()

    wait_for_url(browser, lambda url: url.endswith("/oauth/grant"))
    screenshot(browser, "2-grant")
    vehicles = browser.find_elements(By.CSS_SELECTOR, "input[type=checkbox][name^=vehicle_]")
    assert len(vehicles) == 2
    required = browser.find_element(By.ID, "permission_read_vehicle_info")
    assert required.get_attribute("disabled") is not None
    browser.find_element(By.XPATH, "//button[normalize-space()='Allow']").click()

    wait_for_url(browser, lambda url: url.startswith(REDIRECT))
    screenshot(browser, "3-redirect")
    landed = urllib.parse.urlparse(browser.current_url)
    assert f"{landed.scheme}://{landed.netloc}{landed.path}" == REDIRECT
    parameters = urllib.parse.parse_qs(landed.query)
    assert parameters["state"] == ["browser & state"]
    code = parameters["code"][0]

    request = urllib.request.Request(
        base + "/oauth/token",
        data=urllib.parse.urlencode({"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT}).encode(),
        headers={
            "Authorization": "Basic " + base64.b64encode(f"{app['client_id']}:{app['client_secret']}".encode()).decode(),
            "Content-Type": "application/x-www-form-urlencoded", "User-Agent": "keyfob-browser-test",
        })
    pair = json.load(urllib.request.urlopen(request, timeout=10))
    assert pair["token_type"] == "Bearer" and pair["expires_in"] == 7200 and pair["refresh_token"]


def test_deny_sends_access_denied_back(keyfob, browser):
    base, app = keyfob
    query = urllib.parse.urlencode({"response_type": "code", "client_id": app["client_id"], "mode": "test", "state": "d"})
    browser.get(f"{base}/oauth/authorize?{query}")
    browser.find_element(By.ID, "email").send_keys("deny@example.com")
    browser.find_element(By.ID, "password").send_keys("x")
    browser.find_element(By.XPATH, "//button[normalize-space()='Log in']").click()
    wait_for_url(browser, lambda url: url.endswith("/oauth/grant"))
    browser.find_element(By.XPATH, "//button[normalize-space()='Deny']").click()
    wait_for_url(browser, lambda url: url.startswith("http://127.0.0.1:9/"))
    parameters = urllib.parse.parse_qs(urllib.parse.urlparse(browser.current_url).query)
    assert parameters["error"] == ["access_denied"]
    assert parameters["state"] == ["d"]


def test_unregistered_redirect_uri_shows_an_error_page_in_the_browser(keyfob, browser):
    base, app = keyfob
    query = urllib.parse.urlencode({"response_type": "code", "client_id": app["client_id"], "redirect_uri": "https://evil.example/cb"})
    browser.get(f"{base}/oauth/authorize?{query}")
    screenshot(browser, "4-error-page")
    assert browser.current_url.startswith(base)
    assert "cannot continue" in browser.page_source
