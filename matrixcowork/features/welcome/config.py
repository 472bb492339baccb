"""The `welcome` section: the welcome conversation in a new member's direct chat."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from ...core.config import Section

QuestionKey = Literal["intro", "skills", "offer", "seek", "place", "coffee", "updates"]


class WelcomeConfig(Section):
    """Which questions are asked (`false` switches one off, a text rewords it, in the
    community's language), and after how many days an unanswered question is recalled once."""

    questions: dict[QuestionKey, bool | str] = Field(default_factory=dict)
    reminder_days: int = Field(default=2, ge=1, le=30)

    @field_validator("questions")
    @classmethod
    def _off_or_worded(cls, questions: dict[str, bool | str]) -> dict[str, bool | str]:
        for key, value in questions.items():
            if value is True or (isinstance(value, str) and not value.strip()):
                raise ValueError(f"{key}: false to switch it off, or the question's text")
        return questions
