"""Reporter personal data: encrypted at rest, pseudonymous everywhere else.

Two keys are derived (HKDF) from the one secret in the environment: one encrypts contact
details with AES-GCM before they are stored; the other makes a stable pseudonymous
reporter id (HMAC), which is all that departments and events ever see.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF


def _derive(secret: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"netreport", info=purpose).derive(secret)


class Privacy:
    def __init__(self, secret: str) -> None:
        if len(secret) < 16:
            raise ValueError("NETREPORT_SECRET_KEY must be at least 16 characters")
        raw = secret.encode()
        self._aead = AESGCM(_derive(raw, b"reporter-data"))
        self._pid_key = _derive(raw, b"reporter-pseudonym")

    def seal(self, data: dict[str, object]) -> str:
        nonce = os.urandom(12)
        blob = self._aead.encrypt(nonce, json.dumps(data, ensure_ascii=False).encode(), b"reporter")
        return base64.b64encode(nonce + blob).decode()

    def unseal(self, token: str) -> dict[str, object]:
        raw = base64.b64decode(token)
        return json.loads(self._aead.decrypt(raw[:12], raw[12:], b"reporter"))

    def pseudonym(self, identity: str) -> str:
        """Stable per reporter (same phone, same id), unlinkable without the key."""
        digest = hmac.new(self._pid_key, identity.strip().lower().encode(), hashlib.sha256).hexdigest()
        return f"rp-{digest[:20]}"
