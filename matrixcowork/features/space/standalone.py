"""`matrixcowork provision`: connect, provision once, disconnect; no sync, no other features."""

from __future__ import annotations

from ...core.chat import Chat
from ...core.config import Config
from ...core.formatting import to_html, to_plain
from ...core.i18n import I18n
from ...core.permissions import Permissions
from ...core.rooms import RoomDirectory
from ...core.session import connect
from ...core.store import DB_FILE, Store, secure_dir
from .. import migrate
from . import SpaceFeature
from .provision import Provisioner


async def provision_once(config: Config) -> tuple[str, bool]:
    """The report as plain text, and whether the run had no problems."""
    secure_dir(config.data_dir)
    store = await Store.open(config.data_dir / DB_FILE)
    try:
        await migrate(store, [SpaceFeature])
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
