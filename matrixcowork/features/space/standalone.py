"""`matrixcowork provision`: connect, provision once, disconnect; no sync, no other features."""

from __future__ import annotations

from ...chat import Chat
from ...config import Config
from ...formatting import to_html, to_plain
from ...health import DB_FILE
from ...i18n import I18n
from ...permissions import Permissions
from ...rooms import RoomDirectory
from ...session import connect
from ...store import Store, secure_dir
from . import SpaceFeature
from .provision import Provisioner


async def provision_once(config: Config) -> tuple[str, bool]:
    """The report as plain text, and whether the run had no problems."""
    secure_dir(config.data_dir)
    store = await Store.open(config.data_dir / DB_FILE)
    try:
        await store.migrate(SpaceFeature.name, SpaceFeature.migrations)
        client = await connect(config, encryption=False)  # the running bot owns the keys
        try:
            chat = Chat(client)
            i18n = I18n(config.language, config.tz)
            provisioner = Provisioner(
                config, chat, store, RoomDirectory(config, chat),
                Permissions(config, client), i18n,
            )
            report = await provisioner.run()
        finally:
            await client.close()
    finally:
        await store.close()
    return to_plain(to_html(report.render(i18n))), not report.problems
