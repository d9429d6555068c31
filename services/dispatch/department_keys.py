"""Print a department's signing key, to hand to the department with its Kafka credentials.

    python -m services.dispatch.department_keys nn-city-police

Reads dispatch's settings (DISPATCH_FEEDBACK_KEY, or NETREPORT_SECRET_KEY it derives from).
The department sets it as DEPARTMENT_SIGNING_KEY for its client (department_client.py).
"""
from __future__ import annotations

import argparse
import sys

from services.dispatch.directory import load_directory
from services.dispatch.feedback_signature import department_key
from services.dispatch.settings import DispatchSettings, feedback_signing_key


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m services.dispatch.department_keys", description=__doc__.split("\n\n")[0])
    parser.add_argument("department", help="department code, e.g. nn-city-police")
    args = parser.parse_args(argv)
    settings = DispatchSettings()
    if args.department not in {d.code for d in load_directory(settings.directory_file).all_departments()}:
        print(f"no department {args.department} in {settings.directory_file}", file=sys.stderr)
        return 2
    key = feedback_signing_key(settings)
    if not key:
        print("set DISPATCH_FEEDBACK_KEY or NETREPORT_SECRET_KEY, as dispatch has them", file=sys.stderr)
        return 2
    print(department_key(key, args.department))
    return 0


if __name__ == "__main__":
    sys.exit(main())
