"""The ACL plan: least privilege per principal, for a deployment with or without a prefix."""
from __future__ import annotations

from libs.common.kafka_acl import all_grants, department_grants, service_grants


def _ops(grants, operation):
    return {(g.name, g.pattern) for g in grants if g.operation == operation and g.resource == "TOPIC"}


def test_a_department_reads_its_topic_writes_its_answers_and_nothing_more():
    grants = department_grants("nn-city-police")
    assert _ops(grants, "READ") == {("dispatch.nn-city-police", "LITERAL")}
    assert _ops(grants, "WRITE") == {("cases.feedback", "LITERAL")}
    assert {(g.name, g.pattern) for g in grants if g.resource == "GROUP"} == {("nn-city-police-client", "LITERAL")}


def test_only_services_write_replies_and_media_and_intake_writes_only_submissions():
    writers = {g.principal for g in all_grants(["nn-city-police"]) if g.operation == "WRITE"
               and (g.name == "reports.replies" or g.name == "media.")}
    assert writers == {"User:triage", "User:dispatch", "User:rumor"}
    assert _ops(service_grants("intake"), "WRITE") == {("reports.submitted", "LITERAL"), ("reports.replies.dlq", "LITERAL")}


def test_no_grant_names_an_empty_resource_and_a_prefix_is_kept():
    assert all(g.name for g in all_grants(["nn-city-police"]))
    assert all(g.name.startswith("t-1-") for g in all_grants(["nn-city-police"], prefix="t-1-"))
