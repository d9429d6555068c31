"""Sealed reporter data: opened only with the key, only for what and whom it was sealed;
the key can be rotated without losing what the old one sealed; pseudonyms are stable."""
from __future__ import annotations

import base64
import json
import os

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from libs.common.privacy import Privacy, Unsealable, _derive, key_id

OLD, NEW = "old-secret-key-0123456789", "new-secret-key-9876543210"


def test_a_sealed_value_opens_with_its_key_only():
    data = {"name": "张三", "phone": "13800000000"}
    token = Privacy(OLD).seal(data, purpose="reporter", doc_id="r1")
    assert "13800000000" not in token and token.startswith(f"nr2:{key_id(OLD)}:")
    assert Privacy(OLD).unseal(token, purpose="reporter", doc_id="r1") == data
    with pytest.raises(Unsealable):
        Privacy(NEW).unseal(token, purpose="reporter", doc_id="r1")


def test_a_sealed_value_cannot_be_moved_to_another_document_or_read_as_something_else():
    p = Privacy(OLD)
    token = p.seal({"phone": "13800000000"}, purpose="reporter", doc_id="r1")
    with pytest.raises(Unsealable):
        p.unseal(token, purpose="reporter", doc_id="r2")  # swapped onto another report
    with pytest.raises(Unsealable):
        p.unseal(token, purpose="platform-secret", doc_id="r1")  # read as another kind of secret


def test_after_a_rotation_old_values_still_open_and_new_ones_use_the_new_key():
    sealed_before = Privacy(OLD).seal({"t": "x"}, purpose="status-token", doc_id="r1")
    rotated = Privacy(NEW, old_secrets=[OLD])
    assert rotated.unseal(sealed_before, purpose="status-token", doc_id="r1") == {"t": "x"}
    assert not rotated.is_current(sealed_before)
    resealed = rotated.seal({"t": "x"}, purpose="status-token", doc_id="r1")
    assert rotated.is_current(resealed) and key_id(NEW) in resealed
    with pytest.raises(Unsealable):
        Privacy(OLD).unseal(resealed, purpose="status-token", doc_id="r1")


def test_values_sealed_before_key_ids_existed_still_open():
    nonce = os.urandom(12)
    legacy = base64.b64encode(nonce + AESGCM(_derive(OLD.encode(), b"reporter-data")).encrypt(
        nonce, json.dumps({"phone": "1"}).encode(), b"reporter")).decode()
    assert Privacy(NEW, old_secrets=[OLD]).unseal(legacy, purpose="reporter", doc_id="anything") == {"phone": "1"}


def test_pseudonyms_are_stable_and_survive_a_rotation_when_pinned():
    p = Privacy(OLD)
    assert p.pseudonym("13800000000") == p.pseudonym(" 13800000000 ")
    assert p.pseudonym("13800000000").startswith("rp-")
    assert Privacy(NEW).pseudonym("13800000000") != p.pseudonym("13800000000")
    assert Privacy(NEW, old_secrets=[OLD], pseudonym_secret=OLD).pseudonym("13800000000") == p.pseudonym("13800000000")
