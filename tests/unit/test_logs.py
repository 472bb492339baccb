"""Secrets never reach the log, at any level, in messages, arguments or tracebacks."""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Iterator

import pytest

from matrixcowork.core.logs import redact_also, setup_logging

PASSWORD = "correct-horse-battery-staple"
ACCESS_TOKEN = "syt_Y293b3JrLWJvdA_KxVqWbJfGvLhNnTtRrPp_0AbCdE"
SESSION_TOKEN = "mct_session_9f8e7d6c5b4a"  # learnt at run time, not in the config
LEVELS = (logging.DEBUG, logging.INFO, logging.WARNING, logging.ERROR, logging.CRITICAL)

Setup = Callable[..., io.StringIO]


@pytest.fixture
def logged() -> Iterator[Setup]:
    """`setup_logging` with its handler writing to a buffer; the root logger is restored."""
    root = logging.getLogger()
    saved = root.handlers[:], root.level

    def setup(level: str = "DEBUG", secrets: tuple[str, ...] = (PASSWORD, ACCESS_TOKEN)):
        setup_logging(level, secrets)
        buffer = io.StringIO()
        root.handlers[0].setStream(buffer)
        return buffer

    yield setup
    root.handlers[:], level = saved
    root.setLevel(level)


def fail_with(secret: str) -> None:
    raise RuntimeError(f"login refused for password {secret}")


@pytest.mark.parametrize("level", LEVELS)
def test_configured_secrets_never_appear_at_any_level(logged: Setup, level: int) -> None:
    buffer = logged("DEBUG")
    log = logging.getLogger("matrixcowork.core.session")

    log.log(level, f"inline {PASSWORD} and {ACCESS_TOKEN}")
    log.log(level, "as args %s / %r", PASSWORD, {"token": ACCESS_TOKEN})
    try:
        fail_with(PASSWORD + " " + ACCESS_TOKEN)
    except RuntimeError:
        log.log(level, "with traceback", exc_info=True)
    logging.getLogger("otherlib.client").log(level, "third-party %s", ACCESS_TOKEN)

    output = buffer.getvalue()
    assert output.count("***") == 7, output
    assert "Traceback" in output and "RuntimeError" in output
    assert PASSWORD not in output
    assert ACCESS_TOKEN not in output


def test_tokens_the_config_does_not_know_are_masked(logged: Setup) -> None:
    buffer = logged("DEBUG", secrets=(PASSWORD,))
    nio_log = logging.getLogger("otherlib.responses")  # as chatty as nio at DEBUG

    # matrix-nio logs whole responses at DEBUG, the login response included
    nio_log.debug("Validating response schema %r: %s", {"type": "object"},
                  {"user_id": "@bot:example.org", "access_token": ACCESS_TOKEN,
                   "device_id": "ABCDEF"})
    nio_log.debug("headers: %s", {"Authorization": "Bearer " + SESSION_TOKEN})
    nio_log.debug("query ?access_token=%s&limit=10", SESSION_TOKEN)
    nio_log.debug("password=%s", "typed-by-someone")

    output = buffer.getvalue()
    for secret in (ACCESS_TOKEN, SESSION_TOKEN, "typed-by-someone"):
        assert secret not in output
    assert "@bot:example.org" in output and "ABCDEF" in output  # the rest stays readable


def test_a_token_learnt_at_run_time_is_masked_from_then_on(logged: Setup) -> None:
    buffer = logged("DEBUG")
    redact_also(SESSION_TOKEN)

    logging.getLogger("matrixcowork.app").info("token %s", SESSION_TOKEN)
    try:
        fail_with(SESSION_TOKEN)
    except RuntimeError:
        logging.getLogger("matrixcowork.app").exception("failed")

    assert SESSION_TOKEN not in buffer.getvalue()


def test_one_line_per_record_even_with_newlines_in_member_text(logged: Setup) -> None:
    buffer = logged("INFO")
    forged = "!help\n2026-12-01 09:00:00,000 ERROR matrixcowork: forged"

    logging.getLogger("matrixcowork.core.loop").info("command from %s: %s", "@ben:x", forged)

    lines = buffer.getvalue().splitlines()
    assert len(lines) == 1
    assert lines[0].endswith("INFO matrixcowork.core.loop: command from @ben:x: !help\\n"
                             "2026-12-01 09:00:00,000 ERROR matrixcowork: forged")


def test_level_is_configurable(logged: Setup) -> None:
    buffer = logged("WARNING")
    log = logging.getLogger("matrixcowork.core.loop")

    log.info("routine")
    log.warning("sync failed: %s", "M_UNKNOWN")

    assert buffer.getvalue().count("\n") == 1
    assert " WARNING matrixcowork.core.loop: sync failed: M_UNKNOWN" in buffer.getvalue()


def test_a_record_with_bad_arguments_does_not_break_the_caller(logged: Setup) -> None:
    buffer = logged("INFO")

    logging.getLogger("matrixcowork").info("two %s %s", PASSWORD)

    assert "two" in buffer.getvalue() and PASSWORD not in buffer.getvalue()
