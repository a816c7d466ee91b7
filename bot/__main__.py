"""Command line: ``python -m bot COMMAND`` (run, migrate, sandbox, backup, restore, backups,
similarity-reindex, verify-receipt, retention)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence

from bot.config import ConfigError, Settings, load_settings


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description="Thesis Supervisor bot")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.add_parser("run", help="run the bot (default): polling or webhook, by BOT_MODE")
    migrate = sub.add_parser("migrate", help="upgrade the database schema to the latest revision")
    migrate.add_argument("--backup", action="store_true",
                         help="take a pg_dump first; abort if it fails")
    migrate.add_argument("--verify-only", action="store_true", help="only verify schema and counts")
    sandbox = sub.add_parser("sandbox", help="try the bot in a browser against a built-in Bot API")
    sandbox.add_argument("--port", type=int, default=None, help="web page port (SANDBOX_PORT)")
    sub.add_parser("backup", help="back up the database and files to the backups bucket")
    restore = sub.add_parser("restore", help="restore a backup by its id")
    restore.add_argument("backup_id")
    restore.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    sub.add_parser("backups", help="list the available backups")
    receipt = sub.add_parser("verify-receipt",
                             help="check a receipt's signature (exit 1 if it fails)")
    receipt.add_argument("file")
    sub.add_parser("similarity-reindex",
                   help="rebuild the shared-text index from the stored texts of every version")
    retention = sub.add_parser("retention", help="anonymise released theses past "
                               "RETENTION_YEARS and delete their files")
    retention.add_argument("--dry-run", action="store_true",
                           help="only list what would be anonymised and deleted")
    return parser


def _sandbox(settings: Settings, port: int | None) -> int:
    # The sandbox and the emulator live beside bot/ in a checkout and are not installed or
    # shipped in the runtime image: imported only when asked for.
    try:
        from sandbox.app import run_sandbox
    except ModuleNotFoundError as exc:
        if (exc.name or "").split(".")[0] not in ("sandbox", "tgemu"):
            raise
        print("the sandbox is not available here: run `python -m bot sandbox` from a checkout "
              "of the repository (it is not part of the installed package or the image)",
              file=sys.stderr)
        return 2
    return asyncio.run(run_sandbox(settings, port=port))


def _dispatch(args: argparse.Namespace, settings: Settings) -> int:
    command = args.command or "run"
    if command == "run":
        from bot.runners import run_bot

        return asyncio.run(run_bot(settings))
    if command == "migrate":
        from bot.ops.migrate import migrate_command

        return asyncio.run(
            migrate_command(settings, backup=args.backup, verify_only=args.verify_only)
        )
    if command == "sandbox":
        return _sandbox(settings, args.port)
    if command == "verify-receipt":
        from bot.ops.receipts import verify_command

        return verify_command(settings, args.file)
    if command == "retention":
        from bot.ops.retention import retention_command

        return asyncio.run(retention_command(settings, dry_run=args.dry_run))
    if command == "similarity-reindex":
        from bot.ops.similarity import reindex_command

        return asyncio.run(reindex_command(settings))
    from bot.ops import backup

    if command == "backup":
        return asyncio.run(backup.backup_command(settings))
    if command == "restore":
        return asyncio.run(backup.restore_command(settings, args.backup_id, assume_yes=args.yes))
    return asyncio.run(backup.list_command(settings))


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = load_settings()
        return _dispatch(args, settings)
    except ConfigError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
