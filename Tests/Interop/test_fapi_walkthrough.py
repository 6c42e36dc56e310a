"""docs/examples/fapi_walkthrough.py, run against a real `keyfob serve`: PAR, DPoP and JWT access
tokens with PyJWT and cryptography, the way the README's walk-through shows them."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "docs", "examples"))

import fapi_walkthrough  # noqa: E402

REDIRECT = "https://fleet.example/cb"


def test_the_walkthrough_pushes_binds_and_verifies(keyfob_server):
    base, app = keyfob_server(
        "Fleet", REDIRECT, app_flags=["--require-par", "--require-dpop", "--access-token-format", "jwt"], signing_key=True
    )
    assert app["require_pushed_authorization_requests"] and app["dpop_bound_access_tokens"]
    claims = fapi_walkthrough.main(base, app["client_id"], app["client_secret"], REDIRECT)
    assert claims["iss"] == base and claims["scope"] == "read_vehicle_info read_odometer"
