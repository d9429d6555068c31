"""Makes the compose stack's secrets on the machine that runs it, never in the repository.

    python -m deploy.compose.secrets [--folder deploy/compose/secrets]

Writes (mode 0600, folder 0700), keeping every file that already exists, so a second run
changes nothing and a rotation is: delete the file, run again, restart what reads it
(docs/operations.md "Rotating secrets"):
  kafka-admin-password            the brokers' admin (super user), for the kafka-setup job only
  kafka-principals/<principal>    one SCRAM password per service and per department
  grafana-admin-password
  operator.token                  the first duty operator's bearer token (only its hash is in netreport.env)
  netreport.env                   NETREPORT_SECRET_KEY, OPERATOR_TOKENS, DISPATCH_FEEDBACK_KEY
Passwords are hex, so they pass through the brokers' properties template unchanged.
"""
from __future__ import annotations

import argparse
import secrets
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _keep_or_make(path: Path, make: str) -> str:
    if not path.exists():
        path.write_text(make + "\n")
        path.chmod(0o600)
    return path.read_text().strip()


def make_secrets(folder: Path, principals: list[str]) -> list[Path]:
    """Every secret file of the stack under `folder`; returns the files made now."""
    from libs.common.http.access import token_sha256

    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o700)
    (folder / "kafka-principals").mkdir(exist_ok=True)
    (folder / "kafka-principals").chmod(0o700)
    before = {p for p in folder.rglob("*") if p.is_file()}
    _keep_or_make(folder / "kafka-admin-password", secrets.token_hex(24))
    for name in principals:
        _keep_or_make(folder / "kafka-principals" / name, secrets.token_hex(24))
    _keep_or_make(folder / "grafana-admin-password", secrets.token_hex(16))
    token = _keep_or_make(folder / "operator.token", secrets.token_urlsafe(32))
    _keep_or_make(folder / "netreport.env", "\n".join([
        f"NETREPORT_SECRET_KEY={secrets.token_urlsafe(32)}",
        f"OPERATOR_TOKENS=duty-1:operator:{token_sha256(token)}",
        f"DISPATCH_FEEDBACK_KEY={secrets.token_urlsafe(32)}",
    ]))
    return sorted({p for p in folder.rglob("*") if p.is_file()} - before)


def main(argv: list[str] | None = None) -> int:
    from deploy.local.localenv import local_principals

    parser = argparse.ArgumentParser(prog="python -m deploy.compose.secrets", description=__doc__.split("\n\n")[0])
    parser.add_argument("--folder", type=Path, default=HERE / "secrets")
    args = parser.parse_args(argv)
    made = make_secrets(args.folder, local_principals())
    print(f"secrets: {len(made)} files made in {args.folder} (existing ones kept)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
