"""What an operator reads in the services' logs after a fault (their stdout and stderr,
captured by tests.support.system): what happened, in one line, not a traceback per message.

`check_logs` takes each process's log since a mark and returns the problems: more
tracebacks than `TRACEBACKS_ALLOWED` (a stack per failed message would bury the one line
that says what happened), more lines from the client libraries than a screenful (their
warning per reconnect attempt did that: two thousand in a Kafka outage), no line naming
the fault where one is expected, or a line that must not be there (a slow database
reported as down).
"""
from __future__ import annotations

import json
from collections import Counter

TRACEBACK = "Traceback (most recent call last)"
TRACEBACKS_ALLOWED = 1  # per process and fault run: the first sighting of something unforeseen, at most
LIBRARY_LINES_ALLOWED = 60  # per process and fault run: lines that are not the service's own JSON records


def events(text: str) -> Counter[str]:
    """The log's records by name (structlog's `event`); a line that is not JSON by its start."""
    out: Counter[str] = Counter()
    for line in text.splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            record = None
        out[record.get("event", "?") if isinstance(record, dict) else "text: " + line[:70]] += 1
    return out


def check_logs(logs: dict[str, str], told: list[tuple[str, ...]], untold: tuple[str, ...] = ()) -> list[str]:
    """`logs`: process -> its log text; `told`: (process, word, ...): one line of its log
    holds all the words; `untold`: words no line of any log may hold."""
    problems = []
    for key, text in sorted(logs.items()):
        if (n := text.count(TRACEBACK)) > TRACEBACKS_ALLOWED:
            first = text[text.index(TRACEBACK):][:1500]
            problems.append(f"{key}: {n} tracebacks in its log; the first:\n{first}\nits records: {dict(events(text))}")
        library = sum(n for event, n in events(text).items() if event.startswith("text: "))
        if library > LIBRARY_LINES_ALLOWED:
            problems.append(f"{key}: {library} lines from the libraries; its records: {dict(events(text))}")
        problems += [f"{key}: says {word}: {line[:300]}" for line in text.splitlines() for word in untold if word in line]
    for key, *words in told:
        text = logs.get(key, "")
        if not any(all(w in line for w in words) for line in text.splitlines()):
            problems.append(f"{key}: no line of its log says {words}; its records: {dict(events(text))}")
    return problems
