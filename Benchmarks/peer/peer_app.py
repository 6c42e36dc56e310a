"""The benchmark's peer: an OAuth 2.0 token endpoint built the way Authlib's documentation builds
one on Flask and SQLAlchemy, serving the authorization-code exchange with client_secret_basic.
Its SQLite database runs in WAL mode with synchronous=FULL, as Keyfob's does, so both sides pay
for a durable commit per exchange.

    PEER_DB=/tmp/peer.sqlite gunicorn --workers 2 peer_app:app
"""
import os

from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.integrations.sqla_oauth2 import (
    OAuth2AuthorizationCodeMixin,
    OAuth2ClientMixin,
    OAuth2TokenMixin,
    create_query_client_func,
    create_save_token_func,
)
from authlib.oauth2.rfc6749 import grants
from flask import Flask
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import event

db = SQLAlchemy()


class Owner(db.Model):
    id = db.Column(db.Integer, primary_key=True)

    def get_user_id(self):
        return self.id


class Client(db.Model, OAuth2ClientMixin):
    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey("owner.id"))


class Code(db.Model, OAuth2AuthorizationCodeMixin):
    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey("owner.id"))


class Token(db.Model, OAuth2TokenMixin):
    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey("owner.id"))


class CodeExchange(grants.AuthorizationCodeGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic"]

    def save_authorization_code(self, code, request):
        raise NotImplementedError("codes are minted straight into the database (mint_codes.py)")

    def query_authorization_code(self, code, client):
        found = Code.query.filter_by(code=code, client_id=client.client_id).first()
        return found if found and not found.is_expired() else None

    def delete_authorization_code(self, authorization_code):
        # Single use: the code's row goes before the token is written.
        db.session.delete(authorization_code)
        db.session.commit()

    def authenticate_user(self, authorization_code):
        return db.session.get(Owner, authorization_code.user_id)


def durable_sqlite(connection, _):
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def create_app(database):
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + database
    db.init_app(app)
    with app.app_context():
        event.listen(db.engine, "connect", durable_sqlite)
        db.create_all()
    server = AuthorizationServer(
        app,
        query_client=create_query_client_func(db.session, Client),
        save_token=create_save_token_func(db.session, Token),
    )
    server.register_grant(CodeExchange)

    @app.post("/oauth/token")
    def token():
        return server.create_token_response()

    return app


app = create_app(os.environ.get("PEER_DB", "/tmp/keyfob-peer.sqlite"))
