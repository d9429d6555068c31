"""The admin command that creates an account (the first admin too):

    python -m services.dispatch.accounts.create NAME --role admin|operator|department \\
        [--department CODE] [--display-name 姓名] [--password-file FILE]

The password comes from --password-file, else standard input (one line), else one is
generated and printed once. Only its Argon2 hash is stored. Reads MONGO_URI and
MONGO_DB_PREFIX like the service; the creation is in the audit log.
"""
from __future__ import annotations

import argparse
import asyncio
import secrets
import sys
from pathlib import Path

from libs.common.clock import SystemClock
from libs.common.db import database, make_client
from libs.common.http.access import ROLES, Principal
from services.dispatch.accounts import passwords
from services.dispatch.accounts.store import AccountExists, AccountStore
from services.dispatch.directory import load_directory
from services.dispatch.settings import DispatchSettings


def _password(args: argparse.Namespace) -> tuple[str, bool]:
    if args.password_file:
        return Path(args.password_file).read_text(encoding="utf-8").strip(), False
    if not sys.stdin.isatty():
        line = sys.stdin.readline().strip()
        if line:
            return line, False
    return secrets.token_urlsafe(15), True


async def create(settings: DispatchSettings, *, name: str, role: str, department: str | None, display_name: str,
                 password: str) -> None:
    client = make_client(settings)
    try:
        store = AccountStore(database(client, settings))
        now = SystemClock().now()
        await store.create(name=name, role=role, department=department, display_name=display_name,
                           password_hash=passwords.hash_password(password), now=now)
        await store.append(at=now, actor=Principal("cli", "admin"), action="account.create",
                           detail=f"{name} ({role}{', ' + department if department else ''})")
    finally:
        await client.close()


async def ensure(settings: DispatchSettings, *, name: str, role: str, department: str | None, display_name: str,
                 password: str) -> bool:
    """Creates the account unless it exists (`make run`'s local logins); True when created now."""
    try:
        await create(settings, name=name, role=role, department=department, display_name=display_name, password=password)
    except AccountExists:
        return False
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="创建登录账号（值班员、承办单位、管理员）")
    parser.add_argument("name", help="登录名：字母、数字、-、_ ，3 至 40 个字符")
    parser.add_argument("--role", choices=ROLES, required=True)
    parser.add_argument("--department", help="承办单位代码（--role department 时必填），如 nn-city-police")
    parser.add_argument("--display-name", default="", help="显示的姓名或单位名")
    parser.add_argument("--password-file")
    args = parser.parse_args(argv)
    if not (3 <= len(args.name) <= 40) or not all(c.isalnum() or c in "-_" for c in args.name):
        parser.error("登录名只能包含字母、数字、- 和 _（3 至 40 个字符）")
    settings = DispatchSettings()
    if args.role == "department":
        codes = {d.code for d in load_directory(settings.directory_file).all_departments()}
        if args.department not in codes:
            parser.error(f"--department 应为承办单位名录中的代码，不是 {args.department!r}")
    elif args.department:
        parser.error("--department 只用于 --role department")
    password, generated = _password(args)
    if (weak := passwords.weakness(password)) is not None:
        parser.error(weak)
    try:
        asyncio.run(create(settings, name=args.name, role=args.role, department=args.department,
                           display_name=args.display_name or args.name, password=password))
    except AccountExists:
        print(f"账号 {args.name} 已存在", file=sys.stderr)
        return 1
    print(f"已创建账号 {args.name}（{args.role}{'，' + args.department if args.department else ''}）")
    if generated:
        print(f"初始密码（只显示这一次）：{password}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
