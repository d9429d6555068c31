"""Password hashes with Argon2id (memory-hard, RFC 9106), via argon2-cffi.

Parameters are argon2-cffi's defaults (RFC 9106's low-memory profile: 64 MiB, 3 passes);
a stored hash carries its own parameters, so raising them later only needs
`needs_rehash` at the next login.
"""
from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MIN_LENGTH = 12
_hasher = PasswordHasher()
# Verified when the login name is unknown, so a wrong name costs as long as a wrong password.
_DUMMY = _hasher.hash("not-a-password-of-anyone")


def weakness(password: str) -> str | None:
    """Why a new password is refused, in Chinese, or None."""
    if len(password) < MIN_LENGTH:
        return f"密码至少 {MIN_LENGTH} 个字符"
    if len(set(password)) < 5:
        return "密码过于简单"
    return None


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify(stored: str | None, password: str) -> bool:
    try:
        return _hasher.verify(stored or _DUMMY, password) and stored is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    return _hasher.check_needs_rehash(stored)
