"""Pure: statistics as CSV, in long format (one number per row) so a spreadsheet template
can look any figure up by section, key and measure, whatever new categories appear."""
from __future__ import annotations

import csv
import io
from typing import Any

from libs.common.vocabulary import CATEGORY_ZH, SEVERITY_ZH
from services.dispatch.statistics.compute import Statistics

HEADER = ("section", "key", "name", "measure", "value")
CHANNEL_ZH = {"web": "网页", "miniprogram": "小程序", "platform": "平台推送", "volunteer": "志愿者",
              "phone": "电话", "email": "邮件"}


def rows(stats: Statistics) -> list[tuple[Any, ...]]:
    p = stats.period
    out: list[tuple[Any, ...]] = [
        ("period", p.kind, p.label, "start", p.start.isoformat()), ("period", p.kind, p.label, "end", p.end.isoformat()),
        ("period", p.kind, p.label, "due_at", p.due_at.isoformat() if p.due_at else ""),
        ("period", p.kind, p.label, "as_of", stats.as_of.isoformat()),
        ("reports", "all", "举报总数", "total", stats.reports.total),
    ]
    for measure, table, names in (("by_category", stats.reports.by_category, CATEGORY_ZH),
                                  ("by_channel", stats.reports.by_channel, CHANNEL_ZH),
                                  ("by_severity", stats.reports.by_severity, SEVERITY_ZH)):
        out += [("reports", key, names.get(key, key), measure, n) for key, n in table.items()]
    share = stats.closed_within_deadline_share
    out += [("cases", "all", "", measure, value) for measure, value in (
        ("opened", stats.cases_opened), ("transferred", stats.cases_transferred), ("closed", stats.cases_closed),
        ("closed_within_deadline", stats.closed_within_deadline),
        ("closed_within_deadline_share", "" if share is None else share),
        ("open_at_end", stats.open_at_end), ("overdue_at_end", stats.overdue_at_end))]
    out += [("cases", key, SEVERITY_ZH.get(key, key), "opened_by_severity", n) for key, n in stats.cases_opened_by_severity.items()]
    for d in stats.departments:
        out += [("department", d.department_code, d.department_name, m, getattr(d, m))
                for m in ("opened", "closed", "closed_within_deadline", "open_at_end", "overdue_at_end")]
    out += [("major_and_emergency", c.case_id, c.department_code or "", c.severity, c.status) for c in stats.major_and_emergency]
    out.append(("rumors", "all", "辟谣", "rebutted", stats.rumors_rebutted))
    return out


def to_csv(stats: Statistics) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(rows(stats))
    return buffer.getvalue()
