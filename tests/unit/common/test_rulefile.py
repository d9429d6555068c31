"""Rule files kept current: an edit is read within the check interval, a bad edit never
replaces rules that work (it is counted so an alert can say so)."""
from __future__ import annotations

from prometheus_client import REGISTRY

from libs.common.rulefile import watching
from services.dispatch.takedown.platforms import load_platforms

PLATFORM = """platforms:
  - {id: %s, name: 平台%s, hosts: [example.com], takedown_url: "https://example.com/t", secret_env: P_SECRET}
"""


def failures(name: str) -> float:
    return REGISTRY.get_sample_value("netreport_rule_reloads_total", {"rules": name, "outcome": "failed"}) or 0.0


def test_an_edit_is_read_after_the_interval_and_a_refused_edit_keeps_the_old_rules(tmp_path):
    path, now = tmp_path / "platforms.yaml", [0.0]
    path.write_text(PLATFORM % ("one", "one"), encoding="utf-8")
    rules = watching(path, load_platforms, name="test.platforms", check_interval=5, clock=lambda: now[0])
    first = rules.get()
    assert [p.id for p in first.platforms] == ["one"]

    path.write_text(PLATFORM % ("two", "two"), encoding="utf-8")
    assert rules.get() is first  # not looked at again before the interval
    now[0] = 5
    assert [p.id for p in rules.get().platforms] == ["two"]

    # The service's own checks run on reload too: duplicate ids are refused.
    failed = failures("test.platforms")
    path.write_text(PLATFORM % ("two", "two") + (PLATFORM % ("two", "three")).removeprefix("platforms:\n"),
                    encoding="utf-8")
    now[0] = 10
    assert [p.id for p in rules.get().platforms] == ["two"]
    assert failures("test.platforms") == failed + 1

    now[0] = 20  # the bad file is not read again until it changes
    assert failures("test.platforms") == failed + 1 and [p.id for p in rules.get().platforms] == ["two"]
