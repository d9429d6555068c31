"""Structured JSON logs (structlog) with the case id and event id on every line of case work.

Handlers bind `case_id` / `event_id` / `report_id` into contextvars (`bind_case`), so every
log line emitted while handling one event carries them without passing them around.

The client libraries (aiokafka above all) warn on every reconnect attempt: with Kafka away
that was two thousand lines in twenty seconds, burying the one line that says what happened
(libs.common.dependencies writes it). `OncePerWindow` lets each of their messages through
once a minute, with a count of those it held back.
"""
from __future__ import annotations

import logging
import sys
import time

import structlog
from structlog.contextvars import bind_contextvars, clear_contextvars, unbind_contextvars


class OncePerWindow(logging.Filter):
    """Each message (by its format string, so the same warning about another node or offset
    counts as the same) at most once per `window_s`."""

    def __init__(self, window_s: float = 60.0) -> None:
        super().__init__()
        self.window_s = window_s
        self._seen: dict[tuple[str, object], tuple[float, int]] = {}  # -> (last shown, held back since)

    def filter(self, record: logging.LogRecord) -> bool:
        key, now = (record.name, record.msg), time.monotonic()
        shown, held = self._seen.get(key, (float("-inf"), 0))
        if now - shown < self.window_s:
            self._seen[key] = (shown, held + 1)
            return False
        if held:
            record.msg, record.args = f"{record.getMessage()} [{held} more like this in the last {self.window_s:.0f} s]", None
        self._seen[key] = (now, 0)
        return True


def configure_logging(service: str, level: str = "INFO", json: bool = True) -> None:
    logging.basicConfig(stream=sys.stderr, level=level, format="%(message)s", force=True)
    for handler in logging.getLogger().handlers:
        handler.addFilter(OncePerWindow())
    for noisy in ("aiokafka", "kafka", "pymongo", "faststream", "uvicorn.access"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    renderer = structlog.processors.JSONRenderer(ensure_ascii=False) if json else structlog.dev.ConsoleRenderer()
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level)),
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
        # Not cached: a module logger first used before this runs (at import or app creation)
        # would keep the default console renderer and stream for good.
        cache_logger_on_first_use=False,
    )
    structlog.contextvars.bind_contextvars(service=service)


def get_logger(name: str | None = None) -> structlog.typing.FilteringBoundLogger:
    return structlog.get_logger(name)


def bind_case(**ids: str | None) -> None:
    """Bind case_id / event_id / report_id for the log lines of the current task."""
    bind_contextvars(**{k: v for k, v in ids.items() if v is not None})


def bind_event(event_id: str, **ids: str | None) -> None:
    """The ids of the event now being handled, replacing the previous event's (a batch
    handler calls this per event, so no line names the wrong case)."""
    unbind_contextvars("case_id", "event_id", "report_id")
    bind_case(event_id=event_id, **ids)


def clear_case(service: str) -> None:
    clear_contextvars()
    bind_contextvars(service=service)
