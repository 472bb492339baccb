"""Command line: `matrixcowork run | check-config | health | backup | provision | export |
crypto | demo | init`."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import logging
import os
import signal
import sys
from collections.abc import Callable, Coroutine
from datetime import date
from typing import Any

from . import __version__
from .core.config import Config, ConfigError, load_config
from .core.store import DataDirError, StoreError, secure_dir
from .ops.health import DEFAULT_MAX_AGE, backup, check

log = logging.getLogger("matrixcowork")
DEFAULT_CONFIG = "config.yaml"
EXIT_CONFIG = 2


def _private_files() -> None:
    """What the commands that write the data dir (run, provision, health, backup) create is
    their user's alone, whatever umask they were started with (`docker exec` starts with 022):
    nio creates the crypto store (the device's private keys) with the umask, and a backup
    holds everything the bot knows."""
    os.umask(0o077)


def _failures() -> tuple[type[Exception], ...]:
    """The errors that are one line and exit 1; imported only when one happens, so `health`
    (the container's health check, every few seconds) does not load nio and aiohttp."""
    from .core.session import LoginFailed
    from .ops.web import WebServerError

    return LoginFailed, StoreError, WebServerError


def _secrets(config: Config) -> list[str]:
    secrets = (config.password, config.access_token, config.recovery_key)
    return [s.get_secret_value() for s in secrets if s]


async def _until_signal(main: Callable[[], Coroutine[Any, Any, None]]) -> None:
    """Run `main` until it ends or SIGINT/SIGTERM arrives, then let it clean up."""
    task = asyncio.create_task(main())
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, task.cancel)
    try:
        await task
    except asyncio.CancelledError:
        log.info("stopping on signal")


async def _run(config: Config) -> None:
    from .app import App

    app = App(config)
    try:
        await app.start()
        await app.wait()
    finally:
        await app.stop()


def cmd_run(args: argparse.Namespace) -> int:
    from .core.logs import setup_logging

    config = load_config(args.config)
    _private_files()
    secure_dir(config.data_dir)  # before logging in: an unusable data dir is one line, exit 2
    setup_logging(config.log_level, _secrets(config))
    log.info("matrixcowork %s starting as %s", __version__, config.user_id)
    asyncio.run(_until_signal(lambda: _run(config)))
    return 0


def cmd_check_config(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    print(f"{args.config}: OK ({config.user_id}, {len(config.rooms)} rooms, "
          f"language {config.language}, timezone {config.timezone})")
    return 0


def cmd_health(args: argparse.Namespace) -> int:
    """For container health checks and monitoring: exit 0 or 1 (Docker reserves 2)."""
    _private_files()  # it may create the database's -shm file
    ok, line = check(args.config, args.max_age)
    print(line)
    return 0 if ok else 1


def cmd_backup(args: argparse.Namespace) -> int:
    """SQLite's online backup, safe while the bot runs; for `docker exec`, where the image has
    no sqlite3 program. Written 0600 like everything in the data dir."""
    _private_files()
    ok, line = backup(args.config, args.dest)
    print(line, file=sys.stdout if ok else sys.stderr)
    return 0 if ok else 1


def cmd_provision(args: argparse.Namespace) -> int:
    """Create and update the space and its rooms, print what changed; exit 1 on problems."""
    from .core.logs import setup_logging
    from .features.space.standalone import provision_once

    config = load_config(args.config)
    if config.community_space is None:
        raise ConfigError(f"{args.config}: space: required for provisioning")
    _private_files()
    setup_logging(config.log_level, _secrets(config))
    text, ok = asyncio.run(provision_once(config))
    print(text)
    return 0 if ok else 1


def cmd_export_attendance(args: argparse.Namespace) -> int:
    from .features.checkin.export import export_attendance

    if args.end < args.start:
        print("matrixcowork: --to must not be before --from", file=sys.stderr)
        return EXIT_CONFIG
    config = load_config(args.config)
    asyncio.run(export_attendance(config, args.start, args.end, args.format, sys.stdout))
    return 0


def cmd_crypto_reset_identity(args: argparse.Namespace) -> int:
    """A new encryption identity on purpose (the recovery key is lost); members' apps will
    say the bot's identity changed, so it asks first."""
    from .core.cross_signing import CrossSigningError, PasswordNeeded
    from .core.logs import setup_logging
    from .core.session import reset_identity, show_recovery_key

    config = load_config(args.config)
    interactive = sys.stdin.isatty()
    if not args.yes:
        if not interactive:
            print("matrixcowork: reset-identity makes a new encryption identity; members will "
                  "see that the bot's identity changed. Add --yes to do it.", file=sys.stderr)
            return EXIT_CONFIG
        print("This makes a new encryption identity for the bot; members' apps will show that "
              "its identity changed. Stop the bot first.")
        if input("Type 'reset' to go on: ").strip() != "reset":
            print("Nothing changed.")
            return 1
    password = config.password.get_secret_value() if config.password else None
    if password is None and interactive:
        password = getpass.getpass(f"Password of {config.user_id}: ") or None
    _private_files()
    setup_logging(config.log_level, [*_secrets(config), *([password] if password else [])])
    try:
        recovery_key = asyncio.run(reset_identity(config, password))
    except PasswordNeeded:
        print("matrixcowork: the homeserver wants the bot's password for this: set "
              "MATRIXCOWORK_PASSWORD or run the command in a terminal", file=sys.stderr)
        return EXIT_CONFIG
    except CrossSigningError as err:
        print(f"matrixcowork: reset-identity failed: {err}", file=sys.stderr)
        return 1
    show_recovery_key(recovery_key)
    print("Done: the bot has a new encryption identity. Start it again.")
    return 0


def cmd_crypto_bootstrap(args: argparse.Namespace) -> int:
    """Cross-sign the bot's device once with its password typed in: for a bot that runs with an
    access token when the homeserver wants the password for it (the bot's log then says so).
    Keeps the account's identity if there is one; makes one (and shows its recovery key) if not."""
    from .core.cross_signing import CrossSigningError, IdentityLocked, PasswordNeeded
    from .core.logs import setup_logging
    from .core.session import bootstrap_identity

    config = load_config(args.config)
    password = config.password.get_secret_value() if config.password else None
    if password is None:
        if not sys.stdin.isatty():
            print("matrixcowork: crypto bootstrap asks for the bot's password: run it in a "
                  "terminal (or set MATRIXCOWORK_PASSWORD)", file=sys.stderr)
            return EXIT_CONFIG
        password = getpass.getpass(f"Password of {config.user_id}: ") or None
    _private_files()
    setup_logging(config.log_level, [*_secrets(config), *([password] if password else [])])
    try:
        outcome = asyncio.run(bootstrap_identity(config, password))
    except PasswordNeeded:
        print("matrixcowork: the homeserver wants the bot's password, and none was given",
              file=sys.stderr)
        return EXIT_CONFIG
    except (CrossSigningError, IdentityLocked) as err:
        print(f"matrixcowork: crypto bootstrap failed: {err}", file=sys.stderr)
        return 1
    print(f"Done: the bot's device is cross-signed by its identity "
          f"{outcome.identity.master_public}. Start the bot again.")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from .ops.demo import run_demo

    return run_demo(args.dir, args.port, args.web_port)


def cmd_init(args: argparse.Namespace) -> int:
    from .ops.init import run_init

    return run_init(args.config, args.language, online=not args.offline, force=args.force)


Subcommands = "argparse._SubParsersAction[argparse.ArgumentParser]"


def _with_config(parser: argparse.ArgumentParser, help: str = "config file (YAML)"
                 ) -> argparse.ArgumentParser:
    parser.add_argument("-c", "--config", default=DEFAULT_CONFIG, help=help)
    return parser


def _add_bot_commands(sub: Subcommands) -> None:
    """Running the bot and looking after it."""
    _with_config(sub.add_parser("run", help="run the bot")).set_defaults(func=cmd_run)

    check = sub.add_parser("check-config", help="validate a config file and exit")
    check.add_argument("config", nargs="?", default=DEFAULT_CONFIG)
    check.set_defaults(func=cmd_check_config)

    health = _with_config(sub.add_parser(
        "health", help="exit 0 if the bot synced recently (reads the database only)"
    ))
    health.add_argument("--max-age", type=float, default=DEFAULT_MAX_AGE, metavar="SECONDS",
                        help="how old the last sync may be (default: %(default).0f)")
    health.set_defaults(func=cmd_health)

    backup_cmd = sub.add_parser(
        "backup", help="copy the database while the bot runs (reads the database only)"
    )
    backup_cmd.add_argument("dest", help="file to write (replaced if it exists)")
    _with_config(backup_cmd).set_defaults(func=cmd_backup)

    provision = sub.add_parser("provision", help="create and update the space and its rooms")
    _with_config(provision).set_defaults(func=cmd_provision)


def _add_export_commands(sub: Subcommands) -> None:
    export = sub.add_parser("export", help="export data (reads the database only)")
    export_what = export.add_subparsers(dest="what", required=True)
    attendance = export_what.add_parser("attendance", help="check-ins per member and day")
    attendance.add_argument("--from", dest="start", type=date.fromisoformat, required=True,
                            metavar="YYYY-MM-DD")
    attendance.add_argument("--to", dest="end", type=date.fromisoformat, required=True,
                            metavar="YYYY-MM-DD")
    attendance.add_argument("--format", choices=("csv", "json"), default="csv")
    _with_config(attendance).set_defaults(func=cmd_export_attendance)


def _add_crypto_commands(sub: Subcommands) -> None:
    crypto = sub.add_parser("crypto", help="the bot's encryption identity")
    crypto_what = crypto.add_subparsers(dest="what", required=True)
    reset = _with_config(crypto_what.add_parser(
        "reset-identity", help="make a new cross-signing identity (when the recovery key is lost)"))
    reset.add_argument("--yes", action="store_true", help="do not ask")
    reset.set_defaults(func=cmd_crypto_reset_identity)
    bootstrap = crypto_what.add_parser(
        "bootstrap", help="cross-sign the bot's device, asking for its password (access token)")
    bootstrap.add_argument("-c", "--config", default=DEFAULT_CONFIG, help="config file (YAML)")
    bootstrap.set_defaults(func=cmd_crypto_bootstrap)


def _add_setup_commands(sub: Subcommands) -> None:
    """Trying it and writing a first config."""
    demo = sub.add_parser("demo", help="start a local homeserver with a demo community")
    demo.add_argument("--dir", default="demo-data", help="folder for the demo (reused)")
    demo.add_argument("--port", type=int, default=8008, help="homeserver port on 127.0.0.1")
    demo.add_argument("--web-port", type=int, default=8080,
                      help="port of the public page and calendar feed on 127.0.0.1")
    demo.set_defaults(func=cmd_demo)

    init = _with_config(sub.add_parser("init", help="write a config.yaml from a few questions"),
                        help="the file to write")
    init.add_argument("--language", choices=("en", "de"), default="en",
                      help="language of the questions (default: %(default)s)")
    init.add_argument("--offline", action="store_true",
                      help="do not ask the homeserver (it is not reachable from here yet)")
    init.add_argument("--force", action="store_true", help="replace an existing file")
    init.set_defaults(func=cmd_init)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="matrixcowork", description="A Matrix bot for a virtual coworking space."
    )
    parser.add_argument("--version", action="version", version=f"matrixcowork {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    _add_bot_commands(sub)
    _add_export_commands(sub)
    _add_crypto_commands(sub)
    _add_setup_commands(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except ConfigError as err:
        print(f"matrixcowork: config error: {err}", file=sys.stderr)
        return EXIT_CONFIG
    except DataDirError as err:
        print(f"matrixcowork: {err}", file=sys.stderr)
        return EXIT_CONFIG
    except _failures() as err:
        print(f"matrixcowork: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
