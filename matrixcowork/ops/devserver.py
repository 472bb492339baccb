"""A local Synapse in a folder: used by `matrixcowork demo`, the tests and the benchmarks.

Needs the `matrix-synapse` package (the `demo` or `test` extra). SQLite, 127.0.0.1 only,
shared-secret registration. `relaxed=True` lifts the rate limits for tests that are not about
rate limits; `relaxed=False` keeps Synapse's defaults.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

SERVER_NAME = "localhost"
SHARED_SECRET = "matrixcowork-local-only"
RELAXED = {"per_second": 1000, "burst_count": 1000}
RELAXED_LIMITS: dict[str, Any] = {
    "rc_message": RELAXED,
    "rc_registration": RELAXED,
    "rc_room_creation": RELAXED,
    "rc_joins_per_room": RELAXED,
    "rc_login": {"address": RELAXED, "account": RELAXED, "failed_attempts": RELAXED},
    "rc_joins": {"local": RELAXED, "remote": RELAXED},
    "rc_invites": {"per_room": RELAXED, "per_user": RELAXED, "per_issuer": RELAXED},
    "rc_admin_redaction": RELAXED,
    "rc_3pid_validation": RELAXED,
    "rc_presence": {"per_user": RELAXED},
    "rc_delayed_event_mgmt": RELAXED,
    "rc_reports": RELAXED,
}


class DevServerError(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Account:
    user_id: str
    password: str
    access_token: str
    device_id: str


class DevServer:
    def __init__(self, directory: Path, port: int | None = None, relaxed: bool = True) -> None:
        self.directory = Path(directory)
        self.config_path = self.directory / "homeserver.yaml"
        self.port = port
        self.relaxed = relaxed
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def prepare(self) -> None:
        """Generate the config once; later calls only update port and limits."""
        self.directory.mkdir(parents=True, exist_ok=True)
        generated = not self.config_path.exists()
        if generated:
            subprocess.run(
                [sys.executable, "-m", "synapse.app.homeserver", "--server-name", SERVER_NAME,
                 "--config-path", str(self.config_path), "--generate-config",
                 "--report-stats=no", "--data-directory", str(self.directory)],
                check=True, cwd=self.directory, capture_output=True,
            )
        config = yaml.safe_load(self.config_path.read_text())
        if self.port is None:
            # A freshly generated config always says 8008: only reuse a port we chose before.
            kept = None if generated else config.get("listeners", [{}])[0].get("port")
            self.port = int(kept or 0) or free_port()
        config["listeners"] = [{
            "port": self.port, "type": "http", "tls": False, "x_forwarded": False,
            "bind_addresses": ["127.0.0.1"],
            "resources": [{"names": ["client"], "compress": False}],
        }]
        config.update(
            trusted_key_servers=[],
            suppress_key_server_warning=True,
            registration_shared_secret=SHARED_SECRET,
            enable_registration=False,
            report_stats=False,
            presence={"enabled": False},
            url_preview_enabled=False,
            # Throwaway local servers: Synapse's default of 12 rounds makes every registration
            # and password login cost about 0.3 s of CPU (50 accounts took 32 s, now 2 s).
            bcrypt_rounds=4,
        )
        for key in RELAXED_LIMITS:
            config.pop(key, None)
        if self.relaxed:
            config.update(RELAXED_LIMITS)
        self.config_path.write_text(yaml.safe_dump(config))
        log_config = self.directory / f"{SERVER_NAME}.log.config"
        if log_config.exists():
            text = log_config.read_text().replace("level: INFO", "level: WARNING")
            log_config.write_text(text)

    def start(self, timeout: float = 60) -> None:
        self.prepare()
        log_file = open(self.directory / "synapse.stdout.log", "ab")  # noqa: SIM115
        self.process = subprocess.Popen(
            [sys.executable, "-m", "synapse.app.homeserver", "-c", str(self.config_path)],
            cwd=self.directory, stdout=log_file, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log_file.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise DevServerError(
                    f"Synapse exited with code {self.process.returncode}; "
                    f"see {self.directory / 'synapse.stdout.log'}"
                )
            try:
                with urllib.request.urlopen(f"{self.url}/health", timeout=1) as response:
                    if response.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise DevServerError(f"Synapse did not become ready within {timeout:.0f} s")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()

    # --- admin API -------------------------------------------------------------------------

    def _request(self, method: str, path: str, body: dict[str, Any] | None = None,
                 token: str | None = None) -> dict[str, Any]:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.url + path, data=data, method=method)
        request.add_header("Content-Type", "application/json")
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as err:
            payload = err.read().decode(errors="replace")
            raise DevServerError(f"{method} {path}: {err.code} {payload}") from None

    def register(self, username: str, password: str, admin: bool = False) -> Account:
        """Create a user with the shared secret (or log in if it exists) and return a session."""
        nonce = self._request("GET", "/_synapse/admin/v1/register")["nonce"]
        mac = hmac.new(SHARED_SECRET.encode(), digestmod=hashlib.sha1)
        mac.update(b"\x00".join([nonce.encode(), username.encode(), password.encode(),
                                 b"admin" if admin else b"notadmin"]))
        try:
            result = self._request("POST", "/_synapse/admin/v1/register", {
                "nonce": nonce, "username": username, "password": password,
                "admin": admin, "mac": mac.hexdigest(),
            })
        except DevServerError as err:
            if "M_USER_IN_USE" not in str(err):
                raise
            result = self._request("POST", "/_matrix/client/v3/login", {
                "type": "m.login.password", "password": password,
                "identifier": {"type": "m.id.user", "user": username},
            })
        return Account(result["user_id"], password, result["access_token"], result["device_id"])

    def user_id(self, username: str) -> str:
        return f"@{username}:{SERVER_NAME}"
