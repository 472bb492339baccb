"""One line per event worth knowing, greppable, and never a secret in it.

Format: `<time> <LEVEL> <logger>: <message>`, one line per record (newlines in a message,
e.g. from a member's command, are shown as `\\n`, so nobody can forge a log line). Secrets are
removed by a filter on the handler, so every logger's output passes it at every level:
the configured password and access token, any token learnt later (`redact_also`, e.g. the
token from a password login), and anything that looks like a token (matrix-nio logs whole
login responses at DEBUG).
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterable

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
MASK = "***"
# "access_token": "x", password=x, Authorization: Bearer x, Synapse's syt_ tokens
_TOKEN_PATTERNS = (
    re.compile(
        r"""(?P<key>['"]?(?:access_token|refresh_token|password|secret)['"]?\s*[:=]\s*['"]?)"""
        r"""(?P<value>[^'"\s,}&]+)""",
        re.IGNORECASE,
    ),
    re.compile(r"(?P<key>Bearer\s+)(?P<value>[^'\"\s,}]+)", re.IGNORECASE),
    re.compile(r"(?P<key>)(?P<value>\b(?:syt|syr)_[A-Za-z0-9_=-]+)"),
)


def _mask_patterns(text: str) -> str:
    for pattern in _TOKEN_PATTERNS:
        text = pattern.sub(lambda m: m.group("key") + MASK, text)
    return text


class RedactSecrets(logging.Filter):
    """Replaces every known secret and token-like value in the rendered record."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self.secrets: list[str] = []
        for secret in secrets:
            self.add(secret)

    def add(self, secret: str | None) -> None:
        if secret and len(secret) >= 4 and secret not in self.secrets:
            self.secrets.append(secret)

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, MASK)
        return _mask_patterns(text)

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # bad %-arguments must not break the caller
            message = f"{record.msg} {record.args!r}"
        message = self.redact(message).replace("\r", "\\r").replace("\n", "\\n")
        record.msg, record.args = message, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


def redact_also(secret: str | None) -> None:
    """Keep a secret learnt at run time (a session token) out of the log from now on."""
    for handler in logging.getLogger().handlers:
        for log_filter in handler.filters:
            if isinstance(log_filter, RedactSecrets):
                log_filter.add(secret)


def setup_logging(level: str, secrets: Iterable[str] = ()) -> RedactSecrets:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(FORMAT))
    redact = RedactSecrets(secrets)
    handler.addFilter(redact)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # Libraries that log every request, row or state event would drown the bot's own lines.
    for noisy in ("apscheduler", "aiohttp.access", "aiosqlite", "nio.rooms"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
    logging.getLogger("nio").setLevel(max(logging.INFO, root.level))
    # nio warns about every expected 404 (an alias that does not exist yet).
    logging.getLogger("nio.responses").setLevel(logging.ERROR)
    return redact
