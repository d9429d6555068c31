"""Pure: what the desk and the console show of a case — time left, labels, filters."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

STATUS_ZH = {"dispatched": "已转办（待受理）", "accepted": "办理中", "closed": "已办结", "transferred": "已移交",
             "invalid": "无效"}
ACTION_ZH = {"accepted": "受理", "handled": "办结（反馈结果）", "rejected": "退回（非本单位职责）", "removed": "已删除"}
EVENT_ZH = {"dispatched": "转办", "accepted": "受理", "rerouted": "改派", "reminder": "催办", "overdue": "超期",
            "escalated": "督办", "handled": "办理", "closed": "办结", "reopened": "重新办理", "transferred": "移交",
            "upward_report": "上报", "digest": "日报", "severity_raised": "升级", "takedown_requested": "通知平台处置",
            "takedown_failed": "平台通知失败", "content_removed": "平台已删除", "removal_confirmed": "复查确认已删除",
            "still_online": "复查仍在线"}


def time_left(deadline: datetime | None, now: datetime, status: str) -> tuple[str, bool]:
    """("剩余 3 小时 20 分" | "已超期 2 小时 5 分", overdue) for an open case; ("—", False) otherwise."""
    if deadline is None or status not in ("dispatched", "accepted"):
        return "—", False
    seconds = int((deadline - now).total_seconds())
    minutes = abs(seconds) // 60
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    text = (f"{days} 天 " if days else "") + (f"{hours} 小时 " if hours or days else "") + f"{mins} 分"
    return (f"剩余 {text}", False) if seconds > 0 else (f"已超期 {text}", True)


def row(case: Mapping[str, Any], now: datetime) -> dict[str, Any]:
    left, overdue = time_left(case.get("deadline_at"), now, case["status"])
    division = case.get("division") or {}
    return {"case_id": case["_id"], "status": case["status"], "status_zh": STATUS_ZH.get(case["status"], case["status"]),
            "category": case.get("category"), "zone": case.get("zone"), "severity": case.get("severity"),
            "department_code": case.get("department_code"), "department_name": case.get("department_name"),
            "division": "/".join(division.get("path", [])) or division.get("name", ""),
            "deadline_at": case.get("deadline_at"), "time_left": left, "overdue": overdue,
            "summary": case.get("summary", ""), "report_count": len(case.get("reports", [])),
            "dispatch_no": case.get("dispatch_no")}


FILTERS = ("category", "severity", "department", "status", "division")


def matches(r: Mapping[str, Any], filters: Mapping[str, str]) -> bool:
    if (v := filters.get("category")) and r["category"] != v:
        return False
    if (v := filters.get("severity")) and r["severity"] != v:
        return False
    if (v := filters.get("department")) and r["department_code"] != v:
        return False
    if (v := filters.get("division")) and v not in r["division"]:
        return False
    status = filters.get("status") or "open"
    if status == "overdue" and not r["overdue"]:
        return False
    if status == "open" and r["status"] not in ("dispatched", "accepted"):
        return False
    if status == "closed" and r["status"] != "closed":
        return False
    return True


def rows(cases: Iterable[Mapping[str, Any]], now: datetime, filters: Mapping[str, str]) -> list[dict[str, Any]]:
    """The console's list: filtered, overdue first, then by deadline."""
    out = [r for r in (row(c, now) for c in cases) if matches(r, filters)]
    far = datetime.max.replace(tzinfo=now.tzinfo)
    return sorted(out, key=lambda r: (not r["overdue"], r["deadline_at"] or far))


def answers(case: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The departments' answers, from the case history (受理、办理、退回)."""
    kinds = {"accepted", "handled", "rerouted", "content_removed", "closed"}
    return [h for h in case.get("history", []) if h.get("kind") in kinds]
