"""Reporter personal data: encrypted at rest, pseudonymous everywhere else.

Keys are derived (HKDF) from secrets in the environment, never stored:
- sealing (AES-GCM): every sealed value names the key it was sealed under (a key id) and
  is bound to what it is and whose it is (AAD = purpose + document id), so a sealed phone
  number cannot be moved onto another report, nor a platform secret read as a contact.
  NETREPORT_SECRET_KEY seals; keys in NETREPORT_OLD_SECRET_KEYS still open what they
  sealed, so the key can be rotated while the services run (services.intake.rekey
  re-seals stored values under the current key);
- pseudonyms (HMAC): a stable reporter id, all that departments and events ever see. It
  comes from NETREPORT_PSEUDONYM_KEY when set, else from NETREPORT_SECRET_KEY; pin it
  before rotating the secret key, or every reporter gets a new pseudonym.

Sealed values written before key ids existed (no prefix, AAD "reporter") are still opened.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
from collections.abc import Iterable

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

PREFIX = "nr2"
LEGACY_AAD = b"reporter"


def _derive(secret: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"netreport", info=purpose).derive(secret)


def key_id(secret: str) -> str:
    """A short public name for a key (not the key: HKDF output of its own purpose)."""
    return _derive(secret.encode(), b"key-id").hex()[:8]


class Unsealable(ValueError):
    """No key of the ring opens this value for this purpose and document."""


class Privacy:
    def __init__(self, secret: str, old_secrets: Iterable[str] = (), pseudonym_secret: str | None = None) -> None:
        for s in (secret, *old_secrets):
            if len(s) < 16:
                raise ValueError("NETREPORT_SECRET_KEY (and every old key) must be at least 16 characters")
        self.current_kid = key_id(secret)
        self._keys = {key_id(s): AESGCM(_derive(s.encode(), b"reporter-data")) for s in (*old_secrets, secret)}
        self._pid_key = _derive((pseudonym_secret or secret).encode(), b"reporter-pseudonym")

    @staticmethod
    def _aad(purpose: str, doc_id: str) -> bytes:
        return f"{purpose}\x00{doc_id}".encode()

    def seal(self, data: dict[str, object], *, purpose: str, doc_id: str) -> str:
        nonce = os.urandom(12)
        blob = self._keys[self.current_kid].encrypt(nonce, json.dumps(data, ensure_ascii=False).encode(),
                                                    self._aad(purpose, doc_id))
        return f"{PREFIX}:{self.current_kid}:{base64.b64encode(nonce + blob).decode()}"

    def unseal(self, token: str, *, purpose: str, doc_id: str) -> dict[str, object]:
        if token.startswith(PREFIX + ":"):
            _, kid, payload = token.split(":", 2)
            key = self._keys.get(kid)
            if key is None:
                raise Unsealable(f"sealed under key {kid}, which is not in the key ring")
            raw = base64.b64decode(payload)
            try:
                return json.loads(key.decrypt(raw[:12], raw[12:], self._aad(purpose, doc_id)))  # type: ignore[no-any-return]
            except InvalidTag:
                raise Unsealable(f"not sealed for {purpose} of {doc_id}") from None
        raw = base64.b64decode(token)
        for key in self._keys.values():  # a value from before key ids: any key of the ring, old AAD
            try:
                return json.loads(key.decrypt(raw[:12], raw[12:], LEGACY_AAD))  # type: ignore[no-any-return]
            except InvalidTag:
                continue
        raise Unsealable("no key of the ring opens this value")

    def is_current(self, token: str) -> bool:
        """Sealed under the current key in the current format (nothing for rekey to do)."""
        return token.startswith(f"{PREFIX}:{self.current_kid}:")

    def pseudonym(self, identity: str) -> str:
        """Stable per reporter (same phone, same id), unlinkable without the key."""
        digest = hmac.new(self._pid_key, identity.strip().lower().encode(), hashlib.sha256).hexdigest()
        return f"rp-{digest[:20]}"
