"""What one provisioning run did, for the organizer: `!space sync`, `matrixcowork provision`."""

from __future__ import annotations

from dataclasses import dataclass, field

from ...core.i18n import I18n, _


@dataclass
class Problem:
    message: str  # an untranslated message id
    values: dict[str, object]


@dataclass
class Report:
    created: list[str] = field(default_factory=list)
    updated: dict[str, list[str]] = field(default_factory=dict)  # room name -> aspects
    unlinked: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.unlinked)

    def update(self, room: str, aspect: str) -> None:
        """A room created in this run counts as created, not also as updated."""
        if room in self.created:
            return
        aspects = self.updated.setdefault(room, [])
        if aspect not in aspects:
            aspects.append(aspect)

    def problem(self, message: str, **values: object) -> None:
        self.problems.append(Problem(message, values))

    def summary(self) -> str:
        """One line for the log."""
        return (f"created {len(self.created)}, updated {len(self.updated)}, "
                f"unlinked {len(self.unlinked)}, problems {len(self.problems)}")

    def render(self, i18n: I18n) -> str:
        lines = []
        if self.created:
            lines.append(i18n.t(_("Created: {rooms}"), rooms=", ".join(self.created)))
        if self.updated:
            rooms = "; ".join(
                f"{room} ({', '.join(i18n.t(a) for a in aspects)})"
                for room, aspects in self.updated.items()
            )
            lines.append(i18n.t(_("Updated: {rooms}"), rooms=rooms))
        if self.unlinked:
            lines.append(i18n.t(_("Removed from the space (not deleted): {rooms}"),
                                rooms=", ".join(self.unlinked)))
        lines += ["⚠️ " + i18n.t(p.message, **p.values) for p in self.problems]
        if not self.changed:
            lines.insert(0, i18n.t(_("Everything matches the config; nothing changed.")))
        if len(lines) == 1:
            return lines[0]
        return "\n".join(f"- {line}" for line in lines)
