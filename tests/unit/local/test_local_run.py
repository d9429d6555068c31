"""`make run`'s quiet start: the topics created before the services start are every topic any
service would create for itself, and the terminal shows a service's own warnings only."""
from __future__ import annotations

import io
import json
from typing import Any

import pytest

from deploy.local import topics
from deploy.local.serve import TerminalFilter


@pytest.fixture(scope="module")
def service_topics(tmp_path_factory: pytest.TempPathFactory) -> dict[str, set[str]]:
    """What each service hands libs.common.service.build_app to create, and the DLQs of what it consumes."""
    import services.dispatch.app as dispatch
    import services.intake.app as intake
    import services.rumor.app as rumor
    import services.triage.app as triage
    from services.intake.settings import IntakeSettings

    seen: dict[str, set[str]] = {}

    def capture(module: Any, name: str):  # type: ignore[no-untyped-def]
        real = module.build_app

        def build_app(runtime, *, topics, **kw):  # type: ignore[no-untyped-def]
            seen[name] = set(topics) | {f"{t}.dlq" for t in runtime.consumed}
            return real(runtime, topics=topics, **kw)
        return build_app

    patch = pytest.MonkeyPatch()
    for module, name in ((intake, "intake"), (triage, "triage"), (dispatch, "dispatch"), (rumor, "rumor")):
        patch.setattr(module, "build_app", capture(module, name))
    data = tmp_path_factory.mktemp("local-run")
    intake.create_app(IntakeSettings(NETREPORT_SECRET_KEY="local-run-test-secret-0123", DATA_DIR=str(data)))
    triage.create_app(), dispatch.create_app(), rumor.create_app()
    patch.undo()
    return seen


def test_the_topics_made_before_start_cover_every_topic_a_service_would_create(service_topics: dict[str, set[str]]) -> None:
    planned = topics.planned()
    assert set(service_topics) == {"intake", "triage", "dispatch", "rumor"}
    for service, wanted in service_topics.items():
        assert wanted - set(planned) == set(), service
    assert planned["dispatch.nn-city-police"] == 1 and planned["reports.submitted"] == 6


def test_the_terminal_shows_the_services_warnings_and_the_log_keeps_everything() -> None:
    log, terminal = io.StringIO(), io.StringIO()
    out = TerminalFilter(log, terminal)
    lines = ["Failed fetch offsets from 1: [Error 6] NotLeaderForPartitionError: TopicPartition(topic='x', partition=0)",
             json.dumps({"event": "kafka_connected", "level": "info"}),
             json.dumps({"event": "handler_failed", "level": "error", "case_id": "c1"})]
    for line in lines:
        out.write(line[:10])
        out.write(line[10:] + "\n")  # a line written in pieces is judged once whole
    assert log.getvalue().splitlines() == lines
    assert terminal.getvalue().splitlines() == [lines[2]]
