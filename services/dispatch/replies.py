"""What the reporter is told (回复), in words a citizen can act on.

Pure. The closing reply is a statement of reasons in the manner of the EU Digital Services
Act, Art. 17: the facts found, the measure taken, who took it, on which rule and law, and
how to contest it. Reporters see no other reporter's data and no department's internals.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from libs.common.vocabulary import CATEGORY_ZH, SEVERITY_ZH, ZONE_ZH

TZ = ZoneInfo("Asia/Shanghai")
REVIEW_DAYS = 15  # how long a reporter has to ask for a review (复核) of the outcome

# The main legal basis per category and zone, as cited to the reporter. Laws in force, named
# by title and article as the public reads them; an operator edits the wording here.
LAW_BY_CATEGORY: dict[str, str] = {
    "terror_violence": "《中华人民共和国反恐怖主义法》《中华人民共和国网络安全法》第十二条",
    "fraud": "《中华人民共和国反电信网络诈骗法》",
    "pornography": "《中华人民共和国网络安全法》第十二条、《网络信息内容生态治理规定》第六条",
    "vulgar": "《网络信息内容生态治理规定》第七条",
    "gambling": "《中华人民共和国网络安全法》第十二条、《中华人民共和国治安管理处罚法》",
    "infringement": "《中华人民共和国民法典》人格权编、《网络信息内容生态治理规定》",
    "rumor": "《中华人民共和国网络安全法》第十二条、《中华人民共和国治安管理处罚法》",
    "other": "《网络信息内容生态治理规定》",
}
LAW_BY_ZONE: dict[str, str] = {
    "minors": "《中华人民共和国未成年人保护法》",
    "cyberbullying": "《网络暴力信息治理规定》",
    "enterprise_infringement": "《优化营商环境条例》",
    "algorithm": "《互联网信息服务算法推荐管理规定》",
}


def _day(moment: datetime | None) -> str:
    return moment.astimezone(TZ).strftime("%Y年%m月%d日") if moment else ""


def _subject(case: dict[str, Any]) -> str:
    zone = f"（{ZONE_ZH[case['zone']]}）" if case.get("zone") else ""
    return f"{CATEGORY_ZH[case['category']]}类{zone}"


# Triage's severity rules in the reporter's words; model scores and matched terms stay internal.
RULE_ZH: dict[str, str] = {
    "severity.zone_at_least": "所涉专区从重定级", "severity.raise_zone": "所涉专区从重定级",
    "severity.zone_difficult": "需专业研判", "severity.low_confidence": "需专业研判",
    "severity.conflicting_signals": "需专业研判", "severity.volume": "短时间内多人举报",
    "intake.imminent_danger": "涉及人身安全或正在发生的违法犯罪",
}


def findings(case: dict[str, Any]) -> list[str]:
    """The severity rules that fired, worded for the reporter (others: the generic rule)."""
    said = [RULE_ZH.get(r.get("rule", ""), "") for r in case.get("reasons", [])]
    said += ["涉及正在发生的突发事件或重大威胁" for r in case.get("reasons", [])
             if r.get("rule", "").startswith("severity.") and r["rule"] not in RULE_ZH and r["rule"] != "severity.base"]
    return list(dict.fromkeys(s for s in said if s))


def _basis(case: dict[str, Any]) -> str:
    laws = [LAW_BY_CATEGORY[case["category"]]]
    if case.get("zone") in LAW_BY_ZONE:
        laws.append(LAW_BY_ZONE[case["zone"]])
    found = "；".join(findings(case))
    judged = f"经研判属{_subject(case)}线索、{SEVERITY_ZH[case['severity']]}等级"
    return f"{judged}{'（' + found + '）' if found else ''}，依据{'、'.join(laws)}及本中心分级处置规则转办"


def closed(case: dict[str, Any], report: dict[str, Any], *, result: str, handler: str,
           removed: bool, closed_at: datetime, rechecked: bool = False) -> str:
    """办结回复: facts, measure, who, basis, redress."""
    tracking = f"（受理编号{report['tracking_no']}）" if report.get("tracking_no") else ""
    measure = "删除（下架）被举报内容" if removed else "依法依规处置"
    measure += "，本中心将在一段时间后复查该内容是否确已删除" if rechecked else ""
    return (
        f"您于{_day(report.get('submitted_at'))}提交的举报{tracking}已于{_day(closed_at)}办结。"
        f"一、查明情况及处理结果：{result.rstrip('。')}。"
        f"二、处理措施：{measure}。"
        f"三、承办单位：{handler}。"
        f"四、处理依据：{_basis(case)}。"
        f"五、如对处理结果有异议，可自收到本答复之日起{REVIEW_DAYS}日内凭受理编号申请复核，"
        f"或就新的情况再次举报。感谢您的监督。"
    )


def dispatched(case: dict[str, Any]) -> str:
    handler = case.get("department_name") or "承办单位"
    return f"您的举报已研判为{_subject(case)}线索（{SEVERITY_ZH[case['severity']]}），已转交{handler}办理。"


def reopened(case: dict[str, Any], handler: str) -> str:
    return (f"经本中心复查，您举报的内容在处置后仍可访问，案件已重新转交{handler}办理，"
            f"办理结果将再次答复您。")


def transferred(to_city: str, center: str | None) -> str:
    return f"您的举报涉及{to_city}，已移交{center or to_city + '网信部门'}依法处理。"
