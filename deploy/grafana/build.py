"""The four Grafana dashboards of the report center, as code; writes dashboards/*.json.

    python -m deploy.grafana.build          # rewrite the JSON after changing a panel

Every query uses only Prometheus (no Grafana macros), so the end-to-end test evaluates
each one as written against a real Prometheus scraping the running services. A series
that legitimately does not exist yet (no media delivery so far) reads 0: a total with
`or vector(0)`, a per-label query with a default from a series that has those labels
(`or <related> * 0`), or, where none exists, the panel's "no value" text; never a per-label
query `or vector(0)`, which adds an unlabelled series to every legend.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from deploy.grafana.panels import Q, bars, dashboard, pie, series, stat, table

OUT = Path(__file__).resolve().parent / "dashboards"
ACCEPTED = 'netreport_reports_received_total{outcome="accepted"}'
VALID = 'netreport_triage_decisions_total{valid="true"}'
OVERDUE = "(netreport_cases_overdue or netreport_cases_open * 0)"  # 0, not missing, when none is late
ON_TIME_30D = ('sum by (department) (netreport_cases_closed_recent{window="30d",within_deadline="true"})'
               ' / sum by (department) (netreport_cases_closed_recent{window="30d"})')


def _quantiles(metric: str, by: str = "", window: str = "5m") -> list[Q]:
    labels = f"le, {by}" if by else "le"
    # One f-string per quantile: Grafana's {{label}} written as {{{{label}}}} (a later .format would halve it again).
    return [Q(f"histogram_quantile({q / 100}, sum by ({labels}) (rate({metric}_bucket[{window}])))",
              f"p{q} {{{{{by}}}}}" if by else f"p{q}") for q in (50, 95)]


def overview() -> dict[str, Any]:
    return dashboard("netreport-overview", "网络举报 可视化大屏 Center overview",
                     "What came in, how it was judged, what is open and late, and whether the pipeline keeps up.", [
        stat("今日举报 Reports (24h)", f"sum(increase({ACCEPTED}[24h])) or vector(0)"),
        stat("在办 Open cases", "sum(netreport_cases_open) or vector(0)"),
        stat("临期 Due soon", "sum(netreport_cases_due_soon) or vector(0)", red_above=1, description="Past the reminder time (催办)"),
        stat("超期 Overdue", f"sum({OVERDUE}) or vector(0)", red_above=1),
        stat("督办 Escalated", "sum(netreport_cases_escalated) or vector(0)", red_above=1),
        stat("24h 办结 Closed", 'sum(netreport_cases_closed_recent{window="24h"}) or vector(0)'),
        pie("举报渠道 Reports by channel (24h)", f"sum by (channel) (increase({ACCEPTED}[24h]))", "{{channel}}"),
        bars("举报类型 Reports by category (24h, as judged)", f"sum by (category) (increase({VALID}[24h]))", "{{category}}"),
        bars("分级 Severity (24h)", f"sum by (severity) (increase({VALID}[24h]))", "{{severity}}"),
        series("举报量 Reports per hour by channel", Q(f"sum by (channel) (rate({ACCEPTED}[5m])) * 3600", "{{channel}}")),
        series("转办时效 Report to dispatch", *_quantiles("netreport_time_to_dispatch_seconds"), unit="s"),
        stat("按期办结率 Closed on time (30d)", f"sum({ON_TIME_30D.split(' / ')[0]}) / sum(netreport_cases_closed_recent{{window=\"30d\"}})",
             unit="percentunit", width=6),
        stat("谣言预警 Rumor alerts (24h)", "sum(increase(netreport_rumor_alerts_total[24h]))", red_above=1, width=6),
        stat("服务在线 Services up", 'sum(up{system="netreport"})', width=6,
             description="Out of four: intake, triage, dispatch, rumor"),
        stat("死信 Dead letters held", "sum(max by (topic) (netreport_dlq_depth_messages))", red_above=1, width=6),
        # 值班: who is on the shift now (checked in or not), the pages waiting, the oldest one's age.
        bars("值班 On duty now (by role, checked in)", "sum by (role, checked_in) (netreport_duty_on_shift)",
             "{{role}} {{checked_in}}", width=6, description="A角, B角, 带班领导 of the shift on duty",
             no_value="未排班 nobody rostered"),
        stat("待确认呼叫 Pages unacknowledged", "sum(netreport_duty_pages_unacknowledged)", red_above=1, width=6),
        stat("最久未确认 Oldest unacknowledged page", "max(netreport_duty_page_oldest_unacknowledged_seconds)", unit="s",
             red_above=900, width=6),
        series("呼叫 Pages by step (per hour)",
               Q("sum by (step) (rate(netreport_duty_page_steps_total[5m])) * 3600", "{{step}}"), width=6,
               no_value="无呼叫 no pages yet"),
    ], tags=["overview"])


def departments() -> dict[str, Any]:
    return dashboard("netreport-departments", "承办部门 Department backlog & deadlines",
                     "Per handling department: open, overdue, due soon, under 督办, closed and on time.", [
        table("部门台账 Backlog by department", {
            "在办 open": "sum by (department) (netreport_cases_open)",
            "超期 overdue": f"sum by (department) {OVERDUE}",
            "临期 due soon": "sum by (department) (netreport_cases_due_soon)",
            "督办 escalated": "sum by (department) (netreport_cases_escalated)",
            "24h 办结 closed": 'sum by (department) (netreport_cases_closed_recent{window="24h"})',
            "30d 按期率 on time": ON_TIME_30D,
        }, by="department"),
        bars("在办最多 Most open cases", "topk(15, sum by (department) (netreport_cases_open))", "{{department}}", width=12),
        series("超期 Overdue by department", Q(f"sum by (department) {OVERDUE}", "{{department}}")),
        series("办结时长 Time to close by severity", *_quantiles("netreport_time_to_close_seconds", "severity", "1h"), unit="s"),
        series("催办/督办 Case events per hour", Q("sum by (kind) (increase(netreport_case_events_total[1h]))", "{{kind}}")),
        series("转办 Cases dispatched per hour by severity",
               Q("sum by (severity) (increase(netreport_cases_dispatched_total[1h]))", "{{severity}}")),
        series("督办升级 Escalations (24h)",
               Q("sum by (department, to_department) (increase(netreport_case_escalations_total[24h]))",
                 "{{department}} → {{to_department}}"), no_value="0"),
    ], tags=["departments"], refresh="1m")


def rumor() -> dict[str, Any]:
    deliveries = "netreport_rebuttal_deliveries_total"
    return dashboard("netreport-rumor", "谣言与媒体矩阵 Rumor & media matrix",
                     "Rumor claims and alerts (谣言预警), and rebuttal fan-out to every media-matrix channel.", [
        stat("待核实 Claims open", "sum(netreport_claims_open)", width=6),
        stat("谣言预警 Alerts (24h)", "sum(increase(netreport_rumor_alerts_total[24h]))", red_above=1, width=6),
        stat("投递失败 Deliveries to DLQ (24h)", "sum(increase(netreport_rebuttal_delivery_dead_letters_total[24h])) or vector(0)",
             red_above=1, width=6, description="Refused by the channel or out of retries: in media.<channel>.dlq"),
        stat("辟谣投递 Delivered (24h)", f'sum(increase({deliveries}{{outcome="delivered"}}[24h])) or vector(0)', width=6),
        series("谣言线索 Rumor reports by outcome", Q("sum by (outcome) (increase(netreport_rumor_reports_total[1h]))", "{{outcome}}")),
        series("预警 Alerts per hour", Q("sum(increase(netreport_rumor_alerts_total[1h]))", "alerts")),
        series("渠道投递 Deliveries per channel (1h)",
               Q(f"sum by (channel, outcome) (increase({deliveries}[1h]))", "{{channel}} {{outcome}}"), width=16, no_value="0"),
        bars("渠道失败率 Failed attempts per channel (1h)",
             f'(sum by (channel) (increase({deliveries}{{outcome=~"attempt_failed|failed"}}[1h]))'
             f" or sum by (channel) (increase({deliveries}[1h])) * 0)"  # 0 for a channel with deliveries and no failure
             f" / sum by (channel) (increase({deliveries}[1h]))", "{{channel}}", unit="percentunit", no_value="0"),
        series("全网发布时长 Publish to every channel acknowledged",
               Q("histogram_quantile(0.95, sum by (le, action) (rate(netreport_rebuttal_fanout_seconds_bucket[1h])))",
                 "p95 {{action}}"), unit="s", width=12, no_value="no publication in the last hour"),
        series("死信 Deliveries to DLQ by channel",
               Q("sum by (channel, failure) (increase(netreport_rebuttal_delivery_dead_letters_total[1h]))",
                 "{{channel}} {{failure}}"), width=12, no_value="0"),
    ], tags=["rumor"])


def pipeline() -> dict[str, Any]:
    http = "netreport_http_requests_total"
    return dashboard("netreport-pipeline", "管道健康 Pipeline health",
                     "Lag, dead letters, errors, latency and process health of the four services.", [
        stat("服务在线 Up", 'up{system="netreport"}', width=6),
        series("消费积压 Consumer lag", Q("max by (group, topic) (netreport_consumer_lag_messages)", "{{group}} {{topic}}"), width=18),
        series("死信队列 DLQ depth", Q("max by (topic) (netreport_dlq_depth_messages)", "{{topic}}.dlq")),
        series("死信 Dead letters (1h)",
               Q("sum by (topic, error_type) (increase(netreport_dead_letters_total[1h]))", "{{topic}} {{error_type}}"),
               no_value="0"),
        series("消费结果 Messages consumed by outcome",
               Q("sum by (service, outcome) (rate(netreport_messages_consumed_total[5m]))", "{{service}} {{outcome}}"), unit="ops"),
        series("发件箱 Outbox backlog", Q("max by (service) (netreport_outbox_backlog)", "{{service}}")),
        series("HTTP requests", Q(f"sum by (service, status) (rate({http}[5m]))", "{{service}} {{status}}"), unit="reqps"),
        series("HTTP 5xx share",
               Q(f'(sum by (service) (rate({http}{{status=~"5.."}}[5m])) or sum by (service) (rate({http}[5m])) * 0)'
                 f" / sum by (service) (rate({http}[5m]))", "{{service}}"), unit="percentunit"),
        series("HTTP latency p95",
               Q("histogram_quantile(0.95, sum by (le, service) (rate(netreport_http_request_duration_seconds_bucket[5m])))",
                 "{{service}}"), unit="s"),
        series("转办时效 Report to dispatch", *_quantiles("netreport_time_to_dispatch_seconds"), unit="s"),
        series("偏移读取失败 Lag probe failures (1h)",
               Q('sum by (service) (increase(netreport_lag_probes_total{outcome="failed"}[1h])'
                 ' or increase(netreport_lag_probes_total{outcome="ok"}[1h]) * 0)', "{{service}}")),
        series("内存 Resident memory", Q('process_resident_memory_bytes{system="netreport"}', "{{job}}"), unit="bytes"),
        series("CPU", Q('rate(process_cpu_seconds_total{system="netreport"}[5m])', "{{job}}"), unit="percentunit"),
    ], tags=["pipeline"], refresh="15s")


DASHBOARDS = {"overview": overview, "departments": departments, "rumor": rumor, "pipeline": pipeline}


def render() -> dict[str, str]:
    return {f"netreport-{name}.json": json.dumps(make(), ensure_ascii=False, indent=2) + "\n" for name, make in DASHBOARDS.items()}


def main() -> None:
    OUT.mkdir(exist_ok=True)
    for filename, text in render().items():
        (OUT / filename).write_text(text, encoding="utf-8")
        sys.stdout.write(f"wrote {OUT / filename}\n")


if __name__ == "__main__":
    main()
