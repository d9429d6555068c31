"""Operator commands for intake.

    python -m services.intake.cli platform-secret <platform_id>
        the local-run secret of a platform (INTAKE_PLATFORM_DEV_SECRETS=true), derived from
        NETREPORT_SECRET_KEY, to configure the platform's side of the webhook
    python -m services.intake.cli platforms
        the platforms in the registry file and whether their secret variable is set
"""
from __future__ import annotations

import os
import sys

from services.intake.platforms import dev_secret, load_platform_specs
from services.intake.settings import IntakeSettings


def main(argv: list[str]) -> int:
    settings = IntakeSettings()
    if argv[:1] == ["platform-secret"] and len(argv) == 2:
        if settings.secret_key is None:
            print("NETREPORT_SECRET_KEY is not set", file=sys.stderr)
            return 1
        print(dev_secret(settings.secret_key.get_secret_value(), argv[1]))
        return 0
    if argv[:1] == ["platforms"]:
        for spec in load_platform_specs(settings.platforms_file):
            state = "set" if os.environ.get(spec.secret_env) else "unset"
            print(f"{spec.id:<24} active={spec.active!s:<5} {spec.secret_env}={state:<5} {spec.name}")
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
