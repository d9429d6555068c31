"""Runs one service for `make run` with its full log in .data/logs/<service>.log and only
what a person must see on the terminal.

    python -m deploy.local.serve intake --port 8001

The services log JSON lines (structlog) and the client libraries log plain text (aiokafka's
routine NotLeaderForPartition and coordinator retries, uvicorn's start-up chatter), all to
stderr. Here stderr is a filter: every line goes to the log file; the terminal gets only the
service's own warnings and errors. If the service cannot start, the end of its log is shown.
Production runs uvicorn directly and keeps everything on stderr (README).
"""
from __future__ import annotations

import argparse
import io
import json
import os
import sys
from pathlib import Path
from typing import TextIO

import uvicorn

from deploy.local.localenv import DATA

SERVICES = ("intake", "triage", "dispatch", "rumor")
SHOWN_LEVELS = {"warning", "error", "critical", "exception"}


class TerminalFilter(io.TextIOBase):
    """Stands in for sys.stderr: everything to the log, the service's own warnings also to the terminal."""

    def __init__(self, log: TextIO, terminal: TextIO) -> None:
        self.log, self.terminal, self._partial = log, terminal, ""

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self.log.write(text)
        self._partial += text
        *lines, self._partial = self._partial.split("\n")
        for line in lines:
            if shown(line):
                self.terminal.write(line + "\n")
        return len(text)

    def flush(self) -> None:
        self.log.flush()
        self.terminal.flush()


def shown(line: str) -> bool:
    """A JSON log line of the service at warning level or above (library lines are plain text)."""
    if not line.startswith("{"):
        return False
    try:
        return str(json.loads(line).get("level", "")).lower() in SHOWN_LEVELS
    except ValueError:
        return False


def tail(path: Path, lines: int = 30) -> str:
    return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m deploy.local.serve", description=__doc__.split("\n\n")[0])
    parser.add_argument("service", choices=SERVICES)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--logs", type=Path, default=DATA / "logs")
    args = parser.parse_args(argv)
    args.logs.mkdir(parents=True, exist_ok=True)
    # The service is its own Kafka principal: its name, its password from the local credentials.
    if folder := os.environ.get("KAFKA_PRINCIPAL_PASSWORDS_DIR"):
        os.environ.setdefault("KAFKA_SASL_USERNAME", args.service)
        os.environ.setdefault("KAFKA_SASL_PASSWORD_FILE", str(Path(folder) / args.service))
    log_path = args.logs / f"{args.service}.log"
    terminal = sys.stderr
    with open(log_path, "a", encoding="utf-8", buffering=1) as log:
        sys.stderr = TerminalFilter(log, terminal)  # before anything logs: logging and structlog bind it at setup
        try:
            # log_config=None: uvicorn leaves logging to the service (libs.common.logs), so its lines land here too.
            uvicorn.run(f"services.{args.service}.app:create_app", factory=True, host="127.0.0.1", port=args.port,
                        log_config=None, access_log=False)
            code = 0
        except SystemExit as exc:  # uvicorn exits 3 when the app cannot start
            code = exc.code if isinstance(exc.code, int) else 1
        except Exception:  # noqa: BLE001 - shown below with the log, then the failure code
            import traceback

            traceback.print_exc()
            code = 1
        finally:
            sys.stderr.flush()
            sys.stderr = terminal
    if code:
        print(f"{args.service} stopped (exit {code}); the end of {log_path}:\n{tail(log_path)}", file=terminal, flush=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
