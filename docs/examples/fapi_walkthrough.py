"""PAR + DPoP + JWT access tokens against Keyfob, from an app's backend, in Python.

The app is registered for all three:

    keyfob keys rotate --key-encryption-key-file kek          # once per deployment
    keyfob apps create --name "Fleet" --redirect-uri https://fleet.example/cb \
        --require-par --require-dpop --access-token-format jwt --json

Run it with the server's URL and the app's credentials:

    pip install requests pyjwt cryptography
    python3 docs/examples/fapi_walkthrough.py http://127.0.0.1:8080 CLIENT_ID CLIENT_SECRET https://fleet.example/cb

It pushes the authorize request (RFC 9126), walks Connect in test mode as the owner's browser
would, exchanges the code with a DPoP proof (RFC 9449), checks the JWT access token offline
against the JWKS (RFC 9068), and calls the vehicle API with the bound token.
"""
import base64
import hashlib
import html.parser
import json
import secrets
import sys
import time
import uuid
from urllib.parse import parse_qs, urlparse

import jwt
import requests
from cryptography.hazmat.primitives.asymmetric import ec


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class DPoPKey:
    """The app's own key: tokens are bound to it, and every request proves it."""

    def __init__(self):
        self.private = ec.generate_private_key(ec.SECP256R1())
        numbers = self.private.public_key().public_numbers()
        self.jwk = {"kty": "EC", "crv": "P-256",
                    "x": b64url(numbers.x.to_bytes(32, "big")), "y": b64url(numbers.y.to_bytes(32, "big"))}
        # RFC 7638: the required members, sorted, no whitespace.
        canonical = json.dumps({k: self.jwk[k] for k in ("crv", "kty", "x", "y")}, separators=(",", ":"))
        self.thumbprint = b64url(hashlib.sha256(canonical.encode()).digest())

    def proof(self, method, url, access_token=None, nonce=None):
        claims = {"jti": str(uuid.uuid4()), "htm": method, "htu": url, "iat": int(time.time())}
        if access_token:
            claims["ath"] = b64url(hashlib.sha256(access_token.encode()).digest())
        if nonce:
            claims["nonce"] = nonce
        return jwt.encode(claims, self.private, algorithm="ES256", headers={"typ": "dpop+jwt", "jwk": self.jwk})


class Inputs(html.parser.HTMLParser):
    """The named inputs of a Connect page (the CSRF token, the vehicle and permission boxes)."""

    def __init__(self, page):
        super().__init__()
        self.values = {}
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and "name" in attrs:
            self.values.setdefault(attrs["name"], attrs.get("value", "on"))


def connect_as_owner(authorize_url):
    """What the owner's browser does: log in (any email in test mode), allow everything asked."""
    browser = requests.Session()
    login = browser.get(authorize_url)
    login.raise_for_status()
    csrf = Inputs(login.text).values["csrf"]
    base = f"{urlparse(authorize_url).scheme}://{urlparse(authorize_url).netloc}"
    browser.post(base + "/oauth/login", data={"csrf": csrf, "email": "owner@example.com", "password": "any"}, allow_redirects=False)
    grant = browser.get(base + "/oauth/grant")
    form = {name: value for name, value in Inputs(grant.text).values.items()
            if name == "csrf" or name.startswith(("vehicle_", "permission_"))}
    form["action"] = "allow"
    done = browser.post(base + "/oauth/grant", data=form, allow_redirects=False)
    return parse_qs(urlparse(done.headers["Location"]).query)


def main(base, client_id, client_secret, redirect_uri):
    key = DPoPKey()
    auth = (client_id, client_secret)
    token_url = base + "/oauth/token"
    verifier = b64url(secrets.token_bytes(32))
    challenge = b64url(hashlib.sha256(verifier.encode()).digest())
    state = secrets.token_urlsafe(16)

    # 1. PAR: the parameters go over the authenticated back channel; the link carries a reference.
    pushed = requests.post(base + "/oauth/par", auth=auth, data={
        "response_type": "code", "redirect_uri": redirect_uri, "scope": "read_vehicle_info read_odometer",
        "mode": "test", "state": state, "code_challenge": challenge, "code_challenge_method": "S256",
    })
    assert pushed.status_code == 201, pushed.text
    request_uri = pushed.json()["request_uri"]
    authorize_url = requests.Request("GET", base + "/oauth/authorize",
                                     params={"client_id": client_id, "request_uri": request_uri}).prepare().url
    print("1. pushed; send the owner to", authorize_url)

    answer = connect_as_owner(authorize_url)
    assert answer["state"] == [state], answer
    code = answer["code"][0]
    print("2. the owner approved; code received")

    # 2. The exchange, with a DPoP proof: the tokens are bound to this key.
    def exchange(nonce=None):
        return requests.post(token_url, auth=auth, headers={"DPoP": key.proof("POST", token_url, nonce=nonce)}, data={
            "grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri, "code_verifier": verifier})
    issued = exchange()
    if issued.status_code == 400 and issued.json().get("error") == "use_dpop_nonce":
        issued = exchange(issued.headers["DPoP-Nonce"])  # a server run with --dpop-nonces
    assert issued.status_code == 200, issued.text
    tokens = issued.json()
    assert tokens["token_type"] == "DPoP"
    access_token = tokens["access_token"]
    print("3. token_type", tokens["token_type"])

    # 3. What a resource server checks offline: signature against the JWKS, issuer, audience, expiry.
    signing_key = jwt.PyJWKClient(base + "/.well-known/jwks.json").get_signing_key_from_jwt(access_token)
    claims = jwt.decode(access_token, signing_key.key, algorithms=["ES256"], audience=base + "/v2.0", issuer=base)
    assert jwt.get_unverified_header(access_token)["typ"] == "at+jwt"
    assert claims["cnf"]["jkt"] == key.thumbprint and claims["client_id"] == client_id
    print("4. JWT verified offline: sub", claims["sub"], "scope", claims["scope"])

    # 4. The vehicle API takes the bound token only with a fresh proof of the key.
    vehicles_url = base + "/v2.0/vehicles"
    as_bearer = requests.get(vehicles_url, headers={"Authorization": "Bearer " + access_token})
    assert as_bearer.status_code == 401 and as_bearer.headers["WWW-Authenticate"].startswith("DPoP")
    vehicles = requests.get(vehicles_url, headers={"Authorization": "DPoP " + access_token,
                                                   "DPoP": key.proof("GET", vehicles_url, access_token=access_token)})
    assert vehicles.status_code == 200, vehicles.text
    print("5. vehicles:", vehicles.json()["vehicles"])
    return claims


if __name__ == "__main__":
    main(*sys.argv[1:5])
