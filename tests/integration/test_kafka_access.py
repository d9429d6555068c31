"""Kafka's door over the real broker: every client authenticates (SCRAM-SHA-512) and the ACLs
of libs.common.kafka_acl decide what it may do. A department reads its own topic and
nothing else, writes its answers and nothing else; a service may not write what it does
not produce; a wrong password gets nowhere."""
from __future__ import annotations

import asyncio

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.errors import KafkaError, TopicAuthorizationFailedError

from deploy.kafka.access import librdkafka_options, setup
from deploy.local.probes import create_topics
from deploy.local.servers import admin_options
from libs.common.topics import CASES_FEEDBACK, REPORTS_REPLIES, REPORTS_TRIAGED, dispatch_topic

POLICE, CULTURE = "nn-city-police", "nn-city-culture"


async def _read_one(bootstrap: str, topic: str, options: dict, group: str | None = None) -> bytes:
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, group_id=group, auto_offset_reset="earliest",
                                request_timeout_ms=10_000, **options)
    await consumer.start()
    try:
        async with asyncio.timeout(20):
            return (await consumer.getone()).value
    finally:
        await consumer.stop()


async def _write(bootstrap: str, topic: str, options: dict) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, request_timeout_ms=10_000, **options)
    await producer.start()
    try:
        await producer.send_and_wait(topic, b'{"x": 1}', key=b"k")
    finally:
        await producer.stop()


@pytest.fixture
async def granted(infra, topic_prefix):
    if not infra.kafka_options:
        pytest.fail("the test broker must require authentication (deploy/local/servers.py)")
    passwords = {f"dept-{POLICE}": "police-password-0123", f"dept-{CULTURE}": "culture-password-0123",
                 "intake": "intake-password-0123"}
    await create_topics(infra.kafka_bootstrap, {topic_prefix + t: 1 for t in (
        dispatch_topic(POLICE), dispatch_topic(CULTURE), CASES_FEEDBACK, REPORTS_REPLIES, REPORTS_TRIAGED)},
        options=infra.kafka_options)
    await asyncio.to_thread(setup, librdkafka_options(infra.kafka_bootstrap, infra.kafka_options), [POLICE, CULTURE],
                            prefix=topic_prefix, passwords=passwords)
    for code in (POLICE, CULTURE):  # something to read on each department's topic
        await _write(infra.kafka_bootstrap, topic_prefix + dispatch_topic(code), infra.kafka_options)
    return {name: admin_options(pw, name) for name, pw in passwords.items()}


async def test_a_department_reads_its_own_topic_and_answers_but_reads_no_other_and_writes_nothing_else(
        infra, topic_prefix, granted):
    police = granted[f"dept-{POLICE}"]
    own = await _read_one(infra.kafka_bootstrap, topic_prefix + dispatch_topic(POLICE), police,
                          group=f"{topic_prefix}{POLICE}-client")
    assert own == b'{"x": 1}'
    await _write(infra.kafka_bootstrap, topic_prefix + CASES_FEEDBACK, police)
    with pytest.raises(TopicAuthorizationFailedError):
        await _read_one(infra.kafka_bootstrap, topic_prefix + dispatch_topic(CULTURE), police)
    with pytest.raises(TopicAuthorizationFailedError):  # a phishing link on a reporter's status page: no
        await _write(infra.kafka_bootstrap, topic_prefix + REPORTS_REPLIES, police)


async def test_a_service_writes_only_what_it_produces_and_a_wrong_password_gets_nowhere(infra, topic_prefix, granted):
    intake = granted["intake"]
    with pytest.raises(TopicAuthorizationFailedError):  # intake does not triage
        await _write(infra.kafka_bootstrap, topic_prefix + REPORTS_TRIAGED, intake)
    wrong = admin_options("not-the-password", f"dept-{POLICE}")
    with pytest.raises(KafkaError):
        await _write(infra.kafka_bootstrap, topic_prefix + CASES_FEEDBACK, wrong)
