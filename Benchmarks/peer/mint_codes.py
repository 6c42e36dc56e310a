"""Registers the benchmark client in the peer's database and writes N fresh authorization codes
into it, one per line to --out (Authlib's codes live 5 minutes, so mint right before a run).

    python mint_codes.py --db peer.sqlite --n 40000 --out codes.txt --client-id ID --client-secret S --redirect-uri U
"""
import argparse
import secrets
import time

from peer_app import Client, Code, Owner, create_app, db


def main():
    options = argparse.ArgumentParser()
    for name in ["--db", "--out", "--client-id", "--client-secret", "--redirect-uri"]:
        options.add_argument(name, required=True)
    options.add_argument("--n", type=int, required=True)
    arguments = options.parse_args()
    app = create_app(arguments.db)
    with app.app_context():
        owner = Owner()
        db.session.add(owner)
        db.session.flush()
        client = Client(client_id=arguments.client_id, client_secret=arguments.client_secret, user_id=owner.id,
                        client_id_issued_at=int(time.time()))
        client.set_client_metadata({
            "redirect_uris": [arguments.redirect_uri], "grant_types": ["authorization_code"], "response_types": ["code"],
            "scope": "read_odometer", "token_endpoint_auth_method": "client_secret_basic",
        })
        db.session.add(client)
        codes = [secrets.token_urlsafe(32) for _ in range(arguments.n)]
        now = time.time()
        db.session.bulk_insert_mappings(Code, [
            {"code": code, "client_id": arguments.client_id, "redirect_uri": arguments.redirect_uri, "response_type": "code",
             "scope": "read_odometer", "auth_time": int(now), "user_id": owner.id}
            for code in codes
        ])
        db.session.commit()
    with open(arguments.out, "w") as out:
        out.write("\n".join(codes) + "\n")


if __name__ == "__main__":
    main()
