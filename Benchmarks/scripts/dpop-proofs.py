"""Pairs each code of a file with a DPoP proof (RFC 9449) for the token endpoint, one
`code proof` line each, for Benchmarks/wrk/exchange.lua: wrk cannot sign, so the proofs are made
ahead, all with one ES256 key, each with its own jti. They are dated AHEAD seconds in the future
(Keyfob accepts up to 30 s ahead and 60 s back), so a run may start up to ~80 s after this ends.
    python3 dpop-proofs.py CODES_IN PAIRS_OUT TOKEN_URL [AHEAD]"""
import base64
import json
import sys
import time
import uuid

import jwt
from cryptography.hazmat.primitives.asymmetric import ec


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def main(codes_in, pairs_out, token_url, ahead="20"):
    key = ec.generate_private_key(ec.SECP256R1())
    numbers = key.public_key().public_numbers()
    jwk = {"kty": "EC", "crv": "P-256", "x": b64url(numbers.x.to_bytes(32, "big")), "y": b64url(numbers.y.to_bytes(32, "big"))}
    iat = int(time.time()) + int(ahead)
    with open(codes_in) as codes, open(pairs_out, "w") as pairs:
        for code in codes:
            claims = {"jti": str(uuid.uuid4()), "htm": "POST", "htu": token_url, "iat": iat}
            proof = jwt.encode(claims, key, algorithm="ES256", headers={"typ": "dpop+jwt", "jwk": jwk})
            pairs.write(code.strip() + " " + proof + "\n")


if __name__ == "__main__":
    main(*sys.argv[1:])
