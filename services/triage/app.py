"""Triage: the FastStream/FastAPI app, wiring only. Run: uvicorn services.triage.app:create_app --factory"""
from __future__ import annotations

from fastapi import FastAPI

from libs.common.clock import Clock, SystemClock
from libs.common.events import ReportSubmitted
from libs.common.service import Runtime, build_app
from libs.common.topics import DEFAULT_PARTITIONS, REPORTS_REPLIES, REPORTS_SUBMITTED, REPORTS_TRIAGED
from services.triage.handlers import Triage
from services.triage.rules import RulesHolder
from services.triage.settings import TriageSettings
from services.triage.store import TriageStore


def create_app(settings: TriageSettings | None = None, clock: Clock | None = None) -> FastAPI:
    settings = settings or TriageSettings()
    runtime = Runtime.create(settings)
    store = TriageStore(runtime.db)
    rules = RulesHolder(settings.rules_dir)
    triage = Triage(store, runtime.bus, rules, clock or SystemClock(), settings.case_window_days)

    runtime.subscribe(topic=REPORTS_SUBMITTED, group="triage",
                      model=ReportSubmitted, handle_batch=triage.on_submitted_batch)
    # Keeps its inbox: a stored decision is published again on redelivery (the first try may have
    # stopped before publishing), and only the inbox knows the publication went out.

    async def on_start(rt: Runtime) -> None:
        rules.get()  # fail at start, not on the first report, if a rule file is broken
        await store.create_indexes()

    topics = {t: DEFAULT_PARTITIONS for t in (REPORTS_SUBMITTED, REPORTS_TRIAGED, REPORTS_REPLIES)}
    app = build_app(runtime, title="研判 Triage", description="举报分类、分级、合并为案件，并记录研判依据。",
                    topics=topics, on_start=on_start)
    app.state.runtime, app.state.triage = runtime, triage
    return app
