"""What the published schemas say about some event fields, kept out of events.py so the
models stay readable: the reporter pseudonym and the keys of CaseEvent.data."""
from __future__ import annotations

# Said once here, shown on every field that carries a reporter pseudonym.
REPORTER_PID = ("Pseudonymous reporter id: an HMAC-SHA256 of the reporter's contact identity under a key only the "
                "center holds ('rp-' + 20 hex digits). Stable per reporter, so several reports by one person can be "
                "recognised; it cannot be reversed or linked to a person by anyone without the center's key, and "
                "no contact data travels with it.")


def _opt(kind: str, text: str, fmt: str | None = None) -> dict[str, object]:
    return {"type": [kind, "null"], "description": text} | ({"format": fmt} if fmt else {})


# The keys of CaseEvent.data that dispatch writes, by kind; a reader keeps unknown keys
# (new ones may be added without a version bump). Published as the CaseEventData schema.
CASE_EVENT_DATA: dict[str, object] = {
    "title": "CaseEventData",
    "type": "object",
    "description": "Details by kind. A key not listed here may appear; ignore what you do not know.",
    "additionalProperties": True,
    "properties": {
        "to_department": _opt("string", "reminder, overdue, escalated: the department that takes over (督办, the "
                                         "level above); null for a reminder or an overdue notice."),
        "from_department": _opt("string", "rerouted, reopened: the department that had the case before."),
        "deadline_at": _opt("string", "reminder, overdue, escalated: the deadline (办理时限).", "date-time"),
        "round": _opt("integer", "rerouted, reopened: the new dispatch_no."),
        "needs_human": _opt("boolean", "rerouted, reopened: the new handler is a person at the emergency center."),
        "closed_by": _opt("string", "closed: the department (or platform) whose answer closed it."),
        "removed": _opt("boolean", "closed: the content was removed (a re-check follows)."),
        "recheck_at": _opt("string", "closed: when the removal is re-checked.", "date-time"),
        "by": _opt("string", "handled: the department that answered."),
        "role": _opt("string", "handled, takedown_requested: the answering party's role (handler, co)."),
        "platform": _opt("string", "takedown_requested, takedown_failed, content_removed: the platform's code."),
        "request_id": _opt("string", "takedown_requested, takedown_failed: the TakedownRequested event id."),
        "previous": _opt("string", "severity_raised: the severity before."),
        "urls": {"type": ["array", "null"], "items": {"type": "string"},
                 "description": "removal_confirmed, still_online: the URLs re-checked."},
        "reported_by": _opt("string", "still_online: the platform that said it removed the content."),
    },
}
