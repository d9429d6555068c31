"""Keys over the real database: the secret key is rotated while reports keep coming, the
rekey command re-seals everything under the new key (after which the old key can go),
and a platform taken out of the platforms file can no longer sign."""
from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from pymongo import AsyncMongoClient

from libs.common.privacy import Privacy, key_id
from services.intake.app import create_app
from services.intake.rekey import main_async as rekey
from tests.support.intake import running, settings_for, signed

OLD, NEW = "intake-old-secret-key-0123456789", "intake-new-secret-key-9876543210"
FORUM_SECRET = "forum-secret-for-key-tests-0123456789"


def _registry(tmp_path: Path, *ids: str) -> Path:
    path = tmp_path / f"platforms-{'-'.join(ids) or 'none'}.yaml"
    path.write_text(json.dumps({"platforms": [{"id": i, "name": i, "secret_env": "INTAKE_KEYTEST_SECRET"} for i in ids]}),
                    encoding="utf-8")
    return path


def _batch(text: str) -> bytes:
    return json.dumps({"reports": [{"text": text, "external_id": "k-1"}]}, ensure_ascii=False).encode()


async def _sealed_values(infra, db: str) -> list[str]:
    client = AsyncMongoClient(infra.mongo_uri)
    try:
        out = [d["reporter_sealed"] async for d in client[db]["reports"].find({"reporter_sealed": {"$ne": None}})]
        out += [d["sealed"] async for d in client[db]["volunteers"].find({})]
        out += [d["secret_sealed"] async for d in client[db]["platforms"].find({"secret_sealed": {"$ne": None}})]
        async for b in client[db]["webhook_batches"].find({}):
            out += [i["token_sealed"] for i in b["items"] if i.get("token_sealed")]
        return out
    finally:
        await client.close()


async def test_the_key_is_rotated_and_everything_sealed_is_resealed_under_the_new_one(
        infra, topic_prefix, mongo_db_name, tmp_path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("INTAKE_KEYTEST_SECRET", FORUM_SECRET)
    registry = _registry(tmp_path, "key-forum")
    before = settings_for(infra, topic_prefix, mongo_db_name, NETREPORT_SECRET_KEY=OLD, platforms_file=registry)
    async with running(create_app(before), kafka=False) as client:
        first = await client.post("/api/v1/reports", json={"text": "旧密钥时的举报", "contact": {"phone": "13800000001"}})
        await client.post("/api/v1/volunteers", json={"name": "李四", "region": "南宁市青秀区", "contact": {"phone": "13800000002"}})
        body = _batch("旧密钥时的平台推送")
        pushed = await client.post("/api/v1/platforms/key-forum/reports", content=body,
                                   headers=signed(FORUM_SECRET, body, key="batch-1", timestamp=int(time.time())))
    assert first.status_code == 202 and pushed.status_code == 200
    assert {v.split(":")[1] for v in await _sealed_values(infra, before.mongo_db)} == {key_id(OLD)}

    # Rotated: new values under the new key, the old ones still open; then rekey.
    rotated = settings_for(infra, topic_prefix, mongo_db_name, NETREPORT_SECRET_KEY=NEW, NETREPORT_OLD_SECRET_KEYS=OLD,
                           NETREPORT_PSEUDONYM_KEY=OLD, platforms_file=registry)
    async with running(create_app(rotated), kafka=False) as client:
        second = await client.post("/api/v1/reports", json={"text": "新密钥时的举报", "contact": {"phone": "13800000003"}})
        replay = await client.post("/api/v1/platforms/key-forum/reports", content=body,
                                   headers=signed(FORUM_SECRET, body, key="batch-1", timestamp=int(time.time()) + 1))
    assert second.status_code == 202
    assert replay.json()["results"][0]["status_token"] == pushed.json()["results"][0]["status_token"]  # old token opens
    counts = await rekey(rotated)
    # (Platform secrets were sealed again under the new key when the rotated service started.)
    assert counts.resealed == {"reports": 1, "volunteers": 1, "webhook_batches": 1}
    assert (await rekey(rotated)).resealed == {}  # nothing left under the old key

    sealed = await _sealed_values(infra, before.mongo_db)
    assert {v.split(":")[1] for v in sealed} == {key_id(NEW)}
    client = AsyncMongoClient(infra.mongo_uri)
    try:
        reports = [d async for d in client[before.mongo_db]["reports"].find({"reporter_sealed": {"$ne": None}})]
    finally:
        await client.close()
    phones = {Privacy(NEW).unseal(d["reporter_sealed"], purpose="reporter", doc_id=d["_id"])["phone"] for d in reports}
    assert phones == {"13800000001", "13800000003"}  # the new key alone opens both
    # The old key is gone: the platform still signs, the first report's status still reads.
    after = settings_for(infra, topic_prefix, mongo_db_name, NETREPORT_SECRET_KEY=NEW, NETREPORT_PSEUDONYM_KEY=OLD,
                         platforms_file=registry)
    async with running(create_app(after), kafka=False) as client:
        again = await client.post("/api/v1/platforms/key-forum/reports", content=body,
                                  headers=signed(FORUM_SECRET, body, key="batch-1", timestamp=int(time.time()) + 2))
        status = await client.get(f"/api/v1/reports/{first.json()['tracking_no']}",
                                  params={"token": first.json()["status_token"]})
    assert again.status_code == 200 and again.json()["results"][0]["status_token"] == pushed.json()["results"][0]["status_token"]
    assert status.status_code == 200


async def test_a_platform_taken_out_of_the_file_can_no_longer_push(
        infra, topic_prefix, mongo_db_name, tmp_path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("INTAKE_KEYTEST_SECRET", FORUM_SECRET)
    body = _batch("一条平台推送")
    listed = settings_for(infra, topic_prefix, mongo_db_name, platforms_file=_registry(tmp_path, "gone-forum"))
    async with running(create_app(listed), kafka=False) as client:
        ok = await client.post("/api/v1/platforms/gone-forum/reports", content=body,
                               headers=signed(FORUM_SECRET, body, key="b-1", timestamp=int(time.time())))
    removed = settings_for(infra, topic_prefix, mongo_db_name, platforms_file=_registry(tmp_path))
    async with running(create_app(removed), kafka=False) as client:
        refused = await client.post("/api/v1/platforms/gone-forum/reports", content=body,
                                    headers=signed(FORUM_SECRET, body, key="b-2", timestamp=int(time.time()) + 1))
    assert ok.status_code == 200
    assert refused.status_code == 404 and refused.json()["error"] == "unknown_platform"
