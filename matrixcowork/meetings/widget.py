"""The Jitsi call at the top of the room in Element, while a meeting runs.

Only this widget's entry of the room's layout is touched: widgets others placed keep theirs.
"""

from __future__ import annotations

from ..core.chat import Chat
from ..core.jitsi import LAYOUT_EVENT, WIDGET_EVENT, Jitsi, with_widget_on_top, without_widget


async def show(chat: Chat, jitsi: Jitsi, room_id: str, conference: str, title: str) -> None:
    widget_id = jitsi.widget_id(conference)
    content = jitsi.widget(conference, title, creator=chat.user_id)
    await chat.put_state(room_id, WIDGET_EVENT, content, widget_id)
    layout = await chat.get_state(room_id, LAYOUT_EVENT)
    await chat.put_state(room_id, LAYOUT_EVENT, with_widget_on_top(layout, widget_id))


async def hide(chat: Chat, jitsi: Jitsi, room_id: str, conference: str) -> None:
    """Empty content removes a widget; then its place in the layout goes too."""
    widget_id = jitsi.widget_id(conference)
    await chat.put_state(room_id, WIDGET_EVENT, {}, widget_id)
    layout = await chat.get_state(room_id, LAYOUT_EVENT)
    if layout and widget_id in (layout.get("widgets") or {}):
        await chat.put_state(room_id, LAYOUT_EVENT, without_widget(layout, widget_id))
