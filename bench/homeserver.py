"""The benchmark's homeserver: a local Synapse with relaxed limits, its accounts and one room.

Registering and joining hundreds of members is slow on a loaded machine, so the Synapse folder
is kept between runs (default /tmp/matrixcowork-bench) together with the accounts it holds and
which rooms they joined: a second run starts in seconds.
"""

from __future__ import annotations

import json
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from matrixcowork.ops.devserver import SERVER_NAME, Account, DevServer, DevServerError

DEFAULT_WORKDIR = Path("/tmp/matrixcowork-bench")
PASSWORD = "bench-password"  # a throwaway server on 127.0.0.1
THREADS = 16


@dataclass
class Session:
    user_id: str
    access_token: str
    device_id: str


class BenchServer:
    """Synapse in `workdir/synapse`, plus `state.json`: accounts and room memberships."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.server = DevServer(workdir / "synapse", relaxed=True)
        self._state_path = workdir / "synapse" / "bench-state.json"
        self._state: dict[str, Any] = {"accounts": {}, "joined": {}}

    @property
    def url(self) -> str:
        return self.server.url

    def start(self) -> None:
        if self._state_path.exists():
            self._state = json.loads(self._state_path.read_text())
        self.server.start(timeout=120)

    def stop(self) -> None:
        self.server.stop()

    def _save(self) -> None:
        self._state_path.write_text(json.dumps(self._state))

    # --- accounts -------------------------------------------------------------------------

    def accounts(self, names: list[str]) -> dict[str, Session]:
        """A session for each local name, registering the missing ones in parallel."""
        known = self._state["accounts"]
        missing = [name for name in names if name not in known]
        if missing:
            with ThreadPoolExecutor(THREADS) as pool:
                made = list(pool.map(lambda n: self.server.register(n, PASSWORD), missing))
            for name, account in zip(missing, made, strict=True):
                known[name] = asdict(_session(account))
            self._save()
        return {name: Session(**known[name]) for name in names}

    # --- rooms ----------------------------------------------------------------------------

    def room(self, alias: str, creator: Session, members: list[Session],
             power: dict[str, int]) -> str:
        """The room under `#alias`, created if missing; every member joined (in parallel)."""
        room_id = self.resolve(alias, creator)
        if room_id is None:
            room_id = self.call("POST", "/_matrix/client/v3/createRoom", creator, {
                "preset": "public_chat", "room_alias_name": alias, "name": alias,
                "power_level_content_override": {"users": power},
            })["room_id"]
        joined = set(self._state["joined"].get(room_id, []))
        todo = [m for m in members if m.user_id not in joined and m.user_id != creator.user_id]
        path = f"/_matrix/client/v3/join/{urllib.parse.quote(room_id)}"
        with ThreadPoolExecutor(THREADS) as pool:
            list(pool.map(lambda m: self.call("POST", path, m, {}), todo))
        self._state["joined"][room_id] = sorted(joined | {m.user_id for m in members})
        self._save()
        return room_id

    def resolve(self, alias: str, who: Session) -> str | None:
        full = urllib.parse.quote(f"#{alias}:{SERVER_NAME}")
        try:
            return self.call("GET", f"/_matrix/client/v3/directory/room/{full}", who)["room_id"]
        except DevServerError as err:
            if "M_NOT_FOUND" in str(err):
                return None
            raise

    def call(self, method: str, path: str, who: Session,
             body: dict[str, Any] | None = None) -> dict[str, Any]:
        """One client-API request as `who` (blocking; for setup, not for measuring)."""
        return self.server._request(method, path, body, token=who.access_token)


def _session(account: Account) -> Session:
    return Session(account.user_id, account.access_token, account.device_id)
