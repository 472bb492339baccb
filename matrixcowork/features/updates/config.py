"""The `updates` section: the written update round before each sync."""

from __future__ import annotations

from datetime import timedelta

from pydantic import model_validator

from ...core.config import Duration, Section


class UpdatesConfig(Section):
    """Members who opted in (`!updates on`) get three questions by direct message
    `update_before` the sync, and a reminder `remind_before` it if they have not answered."""

    update_before: Duration = timedelta(days=3)
    remind_before: Duration = timedelta(days=1)

    @model_validator(mode="after")
    def _reminder_after_the_questions(self) -> UpdatesConfig:
        if not timedelta(0) < self.remind_before < self.update_before:
            raise ValueError("remind_before must be shorter than update_before (and positive)")
        return self
