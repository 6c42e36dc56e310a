"""Shared by the Python checks in Tests/Browser and Tests/Interop: a real `keyfob serve` on a free
loopback port with its own SQLite file and one registered app."""
import base64
import json
import os
import socket
import subprocess
import tempfile
import time
import urllib.request

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
KEYFOB = os.environ.get("KEYFOB_BIN", os.path.join(ROOT, ".build", "debug", "keyfob"))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def keyfob_server():
    """Call with an app name, redirect URI and permissions; returns (base URL, app JSON)."""
    servers = []

    def start(name, redirect_uri, permissions=None, grant_types=None, app_flags=(), signing_key=False):
        workdir = tempfile.mkdtemp(prefix="keyfob-py-")
        database = "sqlite:" + os.path.join(workdir, "keyfob.sqlite")
        environment = dict(os.environ)
        if signing_key:
            # JWT access tokens: a key encryption key in the environment, and a first signing key.
            environment["KEYFOB_KEY_ENCRYPTION_KEY"] = base64.b64encode(os.urandom(32)).decode()
            subprocess.check_output([KEYFOB, "keys", "rotate", "--database", database], env=environment)
        command = [KEYFOB, "apps", "create", "--name", name, "--redirect-uri", redirect_uri, "--database", database, "--json"]
        if permissions:
            command += ["--permissions", permissions]
        if grant_types:
            command += ["--grant-types", grant_types]
        command += list(app_flags)
        app = json.loads(subprocess.check_output(command, env=environment))
        port = free_port()
        servers.append(subprocess.Popen(
            [KEYFOB, "serve", "--host", "127.0.0.1", "--port", str(port), "--database", database, "--no-demo-app"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=environment))
        base = f"http://127.0.0.1:{port}"
        # For tests that drive the server's vehicles with `keyfob vehicles … --database`.
        app["database"] = database
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/.well-known/oauth-authorization-server", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        return base, app

    yield start
    for server in servers:
        server.terminate()
        server.wait(timeout=10)
