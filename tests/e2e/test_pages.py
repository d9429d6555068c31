"""The pages in a real browser (Chromium, headless) on the running system: a citizen files
a report on the form, the right department sees it on its desk and handles it there, the
operator sees it in the console, and the reporter reads the reply on the tracking page; a
department cannot open another's case; a form posted without its CSRF token is refused.
Every page is photographed at desktop and phone width (tests/support/browser.py) and
checked with axe-core for serious accessibility violations."""
from __future__ import annotations

import asyncio
import contextlib
import json
import re
import subprocess
import sys
import threading
import time
from urllib.parse import urlsplit
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from services.rumor.publishing.matrix import dev_secret, load_matrix
from tests.support.auth import E2E_OPERATOR_TOKEN
from tests.support.rumor import ChannelReceiver
from tests.support.browser import ARGS, CHROMIUM, check_page

ROOT = Path(__file__).resolve().parents[2]
POLICE, MARKET = "nn-city-police", "nn-city-market"
ACCOUNTS = {  # login name: (role, department, password)
    "duty-e2e": ("operator", None, "duty-officer-password-1"),
    "admin-e2e": ("admin", None, "center-admin-password-1"),
    "police-desk": ("department", POLICE, "police-desk-password-1"),
    "market-desk": ("department", MARKET, "market-desk-password-1"),
    "duty-b-e2e": ("operator", None, "duty-officer-b-password-1"),
    "leader-e2e": ("operator", None, "duty-leader-password-1"),
}
GAMBLING = "某赌博网站在微信群和抖音评论区引流，号称百家乐稳赚不赔，要求先充值再提现，我的邻居已经被骗输了三万元。"
RESULT = "经查，涉案赌博网站服务器位于境外，已提请封堵并对组织者立案侦查"


@pytest.fixture(scope="module")
def accounts(system) -> dict[str, tuple[str, str | None, str]]:
    """Made with the admin command, as an admin would make them."""
    for name, (role, department, password) in ACCOUNTS.items():
        args = [sys.executable, "-m", "services.dispatch.accounts.create", name, "--role", role]
        if department:
            args += ["--department", department]
        done = subprocess.run(args, input=password + "\n", text=True, capture_output=True, env=system.env, cwd=ROOT,
                              timeout=60)
        assert done.returncode == 0, done.stderr
    return ACCOUNTS


@pytest.fixture(scope="module")
def browser() -> Browser:
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield b
        b.close()


def _page(browser: Browser) -> Page:
    # bypass_csp: only so that the test can inject axe-core; the pages themselves run under their CSP.
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}, bypass_csp=True)
    context.set_default_timeout(20_000)
    return context.new_page()


def _log_in(page: Page, dispatch: str, name: str, password: str) -> None:
    page.goto(f"{dispatch}/login")
    page.get_by_label("用户名").fill(name)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()


def _reload_until(page: Page, url: str, predicate, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        page.goto(url)
        if predicate(page):
            return
        assert time.monotonic() < deadline, f"{url}: not there after {timeout}s"
        time.sleep(1)


def test_a_report_filed_on_the_form_is_handled_on_its_departments_desk_and_the_reply_shows_on_the_tracking_page(
        system, accounts, browser):
    intake, dispatch = system.urls["intake"], system.urls["dispatch"]
    page = _page(browser)

    page.goto(f"{intake}/")
    expect(page.get_by_role("heading", name="我要举报")).to_be_visible()
    check_page(page, "01-report-form")

    page.get_by_role("button", name="提交举报").click()  # empty: refused, the reason next to the field
    expect(page.locator("#text-error")).to_have_text("不能为空")
    page.get_by_label("联系电话（可选）").fill("call me")
    page.get_by_role("button", name="提交举报").click()
    expect(page.locator("#contact_phone-error")).to_have_text("格式不正确")
    check_page(page, "02-report-form-errors")

    page.get_by_label("举报内容描述").fill("有人在直播中说要跳楼，现在就在楼顶")
    expect(page.locator("#danger-advice")).to_be_visible()  # the 110 advice while typing
    page.get_by_label("赌博").check()
    page.get_by_label("举报内容描述").fill(GAMBLING)
    expect(page.locator("#danger-advice")).to_be_hidden()
    page.get_by_label("被举报网址（可选）").fill("https://bet.example.com/join")
    page.get_by_label("被举报账号（可选）").fill("百家乐代理8888")
    page.get_by_label("地点（可选）").fill("南宁市青秀区新竹街道")
    page.get_by_label("所在区县、街道（乡镇）（可选）").select_option("450103001")  # the division picker
    page.get_by_label("姓名（可选）").fill("王五")
    page.get_by_label("联系电话（可选）").fill("13800001111")
    page.get_by_role("button", name="提交举报").click()
    expect(page.get_by_role("heading", name="举报已受理")).to_be_visible()
    tracking_no, token = page.locator("#tracking-no").inner_text(), page.locator("#status-token").inner_text()
    assert re.match(r"^NN-\d{8}-\d{6,}$", tracking_no) and len(token) >= 16
    check_page(page, "03-receipt")
    page.locator("#track-link").click()
    expect(page.locator("#current-status")).to_be_visible()
    check_page(page, "04-tracking")

    # The police's desk: the case arrives there (triage, then dispatch, over Kafka).
    desk = _page(browser)
    _log_in(desk, dispatch, "police-desk", accounts["police-desk"][2])
    assert desk.url.endswith("/desk")
    _reload_until(desk, f"{dispatch}/desk", lambda p: p.get_by_text(GAMBLING[:12]).count() > 0)
    check_page(desk, "05-desk-queue")
    desk.get_by_text(GAMBLING[:12]).locator("xpath=ancestor::tr//a").first.click()
    case_id = desk.url.rsplit("/", 1)[1]
    check_page(desk, "06-desk-case")
    desk.get_by_role("button", name="受理").click()
    expect(desk.locator("#done")).to_have_text("已受理该案件")
    desk.get_by_label("办理结果").fill(RESULT)
    desk.get_by_label("承办人或科室（可选）").fill("网安支队")
    desk.get_by_role("button", name="办结").click()
    expect(desk.locator("#done")).to_contain_text("已办结")
    expect(desk.locator("#case-status")).to_have_text("已办结")
    check_page(desk, "07-desk-case-closed")

    # The operator's console sees the case, its reasons, route and the department's answers.
    console = _page(browser)
    _log_in(console, dispatch, "duty-e2e", accounts["duty-e2e"][2])
    assert console.url.endswith("/console")
    console.goto(f"{dispatch}/console?status=all&department={POLICE}&category=gambling")
    expect(console.locator(f"a[href='/console/cases/{case_id}']")).to_be_visible()
    check_page(console, "08-console-list")
    console.locator(f"a[href='/console/cases/{case_id}']").click()
    expect(console.locator("#answers")).to_contain_text("立案侦查")
    expect(console.locator("#triage-reasons li").first).to_be_visible()
    # The evidence intake kept of the reported URL (fetched or not, it is on record), with the chain's check.
    _reload_until(console, f"{dispatch}/console/cases/{case_id}",
                  lambda p: p.locator("#evidence td", has_text="bet.example.com").count() > 0)
    expect(console.locator("#chain")).to_contain_text("完整")
    check_page(console, "09-console-case")
    console.goto(f"{dispatch}/console/reports")
    check_page(console, "10-console-reports")
    with console.expect_download() as download:
        console.locator("#daily-download").click()
    assert download.value.suggested_filename.startswith("netreport-daily-")
    assert console.goto(f"{dispatch}/console/audit").status == 403  # operators do not read the audit log

    admin = _page(browser)
    _log_in(admin, dispatch, "admin-e2e", accounts["admin-e2e"][2])
    admin.goto(f"{dispatch}/console/audit?case_id={case_id}")
    expect(admin.locator("#audit")).to_contain_text("case.handled")
    expect(admin.locator("#audit")).to_contain_text("police-desk")
    check_page(admin, "11-console-audit")

    # The reporter, who kept the tracking page open, reads the reply with its statement of
    # reasons: the page reloads itself while the report is in progress (nobody navigates here).
    assert tracking_no in page.url
    expect(page.locator("#current-status")).to_have_text("已办结", timeout=60_000)
    expect(page.locator("[data-refresh]")).to_have_count(0)  # settled: no more reloads
    expect(page.locator("#reply")).to_contain_text("立案侦查")
    check_page(page, "12-tracking-closed")

    # Logout ends the session: the desk asks for a login again.
    desk.get_by_role("button", name="退出登录").click()
    desk.goto(f"{dispatch}/desk")
    assert "/login" in desk.url
    check_page(desk, "13-login")


def _case_of(system, text: str, department: str, timeout: float = 90.0) -> str:
    deadline = time.monotonic() + timeout
    with httpx.Client(timeout=10, headers={"Authorization": f"Bearer {E2E_OPERATOR_TOKEN}"}) as client:
        while time.monotonic() < deadline:
            cases = client.get(f"{system.urls['dispatch']}/api/v1/cases", params={"department": department}).json()
            for case in cases:
                full = client.get(f"{system.urls['dispatch']}/api/v1/cases/{case['case_id']}").json()
                if full.get("summary", "").startswith(text[:12]):
                    return case["case_id"]
            time.sleep(1)
    raise AssertionError(f"no case for the report at {department}")


def test_a_department_cannot_open_or_answer_another_departments_case(system, accounts, browser):
    text = "QQ群里天天有人推广网络赌场，发时时彩下注二维码，拉新人充值返现，群主还教人怎么躲避封号。"
    httpx.post(f"{system.urls['intake']}/api/v1/reports",
               json={"text": text, "category_hint": "gambling", "location": "南宁市青秀区新竹街道"}).raise_for_status()
    case_id = _case_of(system, text, POLICE)
    page = _page(browser)
    dispatch = system.urls["dispatch"]
    _log_in(page, dispatch, "market-desk", accounts["market-desk"][2])
    page.goto(f"{dispatch}/desk")
    assert page.get_by_text(text[:12]).count() == 0
    csrf = page.locator("input[name=csrf_token]").first.get_attribute("value")
    response = page.goto(f"{dispatch}/desk/cases/{case_id}")
    assert response.status == 404
    check_page(page, "14-desk-other-departments-case")
    answer = page.request.post(f"{dispatch}/desk/cases/{case_id}/answer",
                               form={"csrf_token": csrf, "action": "rejected", "dispatch_no": "1", "result": "不是我们的"})
    assert answer.status == 404
    console = page.goto(f"{dispatch}/console")
    assert console.status == 403  # a department is no operator
    with httpx.Client(timeout=10, headers={"Authorization": f"Bearer {E2E_OPERATOR_TOKEN}"}) as client:
        case = client.get(f"{dispatch}/api/v1/cases/{case_id}").json()
    assert case["status"] == "dispatched" and case["department_code"] == POLICE  # nothing changed


def test_a_form_posted_without_its_csrf_token_is_refused(system, accounts, browser):
    intake, dispatch = system.urls["intake"], system.urls["dispatch"]
    bare = httpx.post(f"{intake}/", data={"text": "没有令牌的表单"})
    assert bare.status_code == 403 and "CSRF" in bare.text
    page = _page(browser)
    page.goto(f"{intake}/")
    page.evaluate("document.querySelector('input[name=csrf_token]').remove()")
    page.get_by_label("举报内容描述").fill("一个被别的网站伪造提交的表单")
    with page.expect_navigation() as nav:
        page.get_by_role("button", name="提交举报").click()
    assert nav.value.status == 403
    expect(page.get_by_role("alert")).to_contain_text("CSRF")
    check_page(page, "15-csrf-refused")

    # Logged in, the session cookie alone does not act either: a desk answer without its token.
    desk = _page(browser)
    _log_in(desk, dispatch, "police-desk", accounts["police-desk"][2])
    refused = desk.request.post(f"{dispatch}/desk/cases/case-anything/answer",
                                form={"action": "accepted", "dispatch_no": "1"})
    assert refused.status == 403
    assert httpx.post(f"{dispatch}/login", data={"name": "police-desk", "password": ACCOUNTS["police-desk"][2]}).status_code == 403


ALGORITHM = "某短视频平台的算法推荐把一家本地食品企业的假新闻推上热门，说它用地沟油，其实是竞争对手雇水军编造的，企业销量大跌。"


def test_an_operator_corrects_a_difficult_case_in_the_review_queue_which_reroutes_it_and_keeps_the_label(
        system, accounts, browser):
    """Filed in the algorithm zone (a `difficult` zone: expert review), the case waits in the
    review queue; the operator judges it enterprise infringement, which market regulation
    handles, and the correction is exported for triage's training."""
    dispatch = system.urls["dispatch"]
    httpx.post(f"{system.urls['intake']}/api/v1/reports",
               json={"text": ALGORITHM, "zone_hint": "algorithm", "location": "南宁市青秀区新竹街道"}).raise_for_status()
    page = _page(browser)
    _log_in(page, dispatch, "duty-e2e", accounts["duty-e2e"][2])
    _reload_until(page, f"{dispatch}/console/review", lambda p: p.get_by_text(ALGORITHM[:20]).count() > 0)
    row = page.get_by_text(ALGORITHM[:20]).locator("xpath=ancestor::tr")
    expect(row).to_contain_text("疑难")
    check_page(page, "20-console-review")
    row.locator("a").first.click()
    case_id = page.url.rsplit("/", 1)[1]
    page.get_by_label("类别").select_option("infringement")
    page.get_by_label("专区").select_option("enterprise_infringement")
    page.get_by_label("级别").select_option("important")
    page.get_by_role("button", name="确认复核").click()
    expect(page.locator("#reviewed")).to_contain_text("duty-e2e")
    expect(page.locator("#route")).to_contain_text("市场监督管理")
    check_page(page, "21-console-case-reviewed")

    page.goto(f"{dispatch}/console/review")  # reviewed: it leaves the queue
    assert page.get_by_text(ALGORITHM[:20]).count() == 0
    market = _page(browser)
    _log_in(market, dispatch, "market-desk", accounts["market-desk"][2])
    market.goto(f"{dispatch}/desk")
    expect(market.locator(f"a[href='/desk/cases/{case_id}']")).to_be_visible()

    exported = subprocess.run([sys.executable, "-m", "services.dispatch.corrections"], text=True, capture_output=True,
                              env=system.env, cwd=ROOT, timeout=60)
    assert exported.returncode == 0, exported.stderr
    lines = [json.loads(line) for line in exported.stdout.splitlines()]
    mine = [line for line in lines if line["text"].startswith(ALGORITHM[:20])]  # the case keeps the normalized text
    assert len(mine) == 1, lines
    assert mine[0]["label"]["category"] == "infringement" and mine[0]["label"]["zone"] == "enterprise_infringement"


WATER = ["网传南宁明天起全城停水三天，说是自来水厂被污染了，大家赶紧囤水",
         "朋友圈都在转南宁自来水厂被污染、全城停水三天的消息，让大家马上囤水，是真的吗"]


@pytest.fixture(scope="module")
def console_with_rumor(system):
    """One more dispatch instance, configured with rumor's API for the console's rumor pages
    (instances share the database and consumer groups, as when dispatch is scaled out)."""
    port = _free_port()
    env = system.env | {"DISPATCH_RUMOR_URL": system.urls["rumor"], "DISPATCH_RUMOR_TOKEN": E2E_OPERATOR_TOKEN,
                        "KAFKA_SECURITY_PROTOCOL": "SASL_PLAINTEXT", "KAFKA_SASL_USERNAME": "dispatch",
                        "KAFKA_SASL_PASSWORD": system.passwords["dispatch"], "KAFKA_CREATE_TOPICS": "false"}
    log = open(system.logs / "dispatch-console.log", "wb")
    proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "services.dispatch.app:create_app", "--factory",
                             "--host", "127.0.0.1", "--port", str(port), "--no-access-log"],
                            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            assert proc.poll() is None, (system.logs / "dispatch-console.log").read_text()[-3000:]
            try:
                if httpx.get(f"{url}/health/ready", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "the second dispatch instance did not get ready"
            time.sleep(0.5)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()


@contextlib.contextmanager
def _channels(system):
    """The media matrix's webhook channels (tests.support.rumor.ChannelReceiver) on the port the
    running rumor delivers to, in a thread of their own (the browser API here is synchronous).
    Every delivery of this test is taken here, so none is left retrying for a later test."""
    port = urlsplit(system.env["RUMOR_CHANNEL_URL_TEMPLATE"].replace("{code}", "x")).port
    receiver = ChannelReceiver(lambda code: dev_secret(system.env["NETREPORT_SECRET_KEY"], code), port=port)
    ready, stop = threading.Event(), threading.Event()

    async def serve() -> None:
        async with receiver:
            ready.set()
            while not stop.is_set():
                await asyncio.sleep(0.05)

    thread = threading.Thread(target=lambda: asyncio.run(serve()), daemon=True)
    thread.start()
    assert ready.wait(15), "the channel receiver did not start"
    try:
        yield receiver
    finally:
        stop.set()
        thread.join(15)


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_an_operator_verifies_a_rumor_and_publishes_its_rebuttal_from_the_console_and_sees_each_channel(
        system, accounts, browser, console_with_rumor):
    operator = {"Authorization": f"Bearer {E2E_OPERATOR_TOKEN}"}
    for text in WATER:
        httpx.post(f"{system.urls['intake']}/api/v1/reports",
                   json={"text": text, "category_hint": "rumor", "location": "南宁市青秀区"}).raise_for_status()
    deadline, claim = time.monotonic() + 90, None
    while claim is None:
        items = httpx.get(f"{system.urls['rumor']}/api/v1/claims", headers=operator, params={"limit": 200}).json()["items"]
        mine = [c for c in items if any("停水三天" in t for t in c["sample_texts"]) and c["report_count"] >= 2]
        claim = mine[0] if mine else None
        assert claim or time.monotonic() < deadline, "the two reports did not make one claim"
        time.sleep(0.5)

    page, console = _page(browser), console_with_rumor
    _log_in(page, console, "duty-e2e", accounts["duty-e2e"][2])
    page.goto(f"{console}/console/rumors")
    link = page.locator(f"a[href='/console/rumors/{claim['claim_id']}']")
    expect(link).to_be_visible()
    check_page(page, "16-console-rumors")
    link.click()
    check_page(page, "17-console-rumor-claim")
    page.get_by_label("虚假（谣言）").check()
    page.get_by_label("核查说明（内部记录）").fill("已向市水务局核实：供水正常")
    page.get_by_role("button", name="记录核查结论").click()
    expect(page.locator("#done")).to_have_text("核查结论已记录")
    page.get_by_label("标题").fill("“南宁全城停水三天”系谣言")
    page.get_by_label("正文").fill("近日，网传南宁全城停水三天。\n经市水务局核实，全市供水正常，水质达标。")
    page.get_by_label("发布机构").fill("南宁市水务局")
    page.get_by_label("核查的说法").fill("南宁全城停水三天")
    page.get_by_role("button", name="保存并预览").click()
    expect(page.locator("#preview")).to_contain_text("全市供水正常")
    check_page(page, "18-console-rumor-preview")
    webhooks = [c.code for c in load_matrix().channels if c.adapter == "webhook"]
    with _channels(system) as receiver:
        page.get_by_role("button", name="一键发布").click()
        expect(page.locator("#done")).to_have_text("已一键发布到媒体矩阵全部渠道")
        expect(page.locator("#claim-status")).to_contain_text("已发布")
        deadline = time.monotonic() + 90
        while not all(receiver.accepted[c] for c in webhooks):
            assert time.monotonic() < deadline, f"not every channel got the rebuttal: {dict(receiver.accepted)}"
            time.sleep(0.2)
        assert receiver.bad_signatures == 0
        _reload_until(page, f"{console}/console/rumors/{claim['claim_id']}",
                      lambda p: p.locator("#deliveries tbody tr").count() > 0
                      and p.locator("#deliveries tbody tr").count() == p.locator("#deliveries").get_by_text("已送达").count(),
                      timeout=60)
        check_page(page, "19-console-rumor-deliveries")


THREAT = "有人在本地群里发帖，说明天中午12点带着砍刀去南宁朝阳广场见人就砍，还晒出了刀的照片，很多人看到了。"


def test_the_a_on_duty_checks_in_acknowledges_a_page_for_a_major_case_and_a_swap_waits_for_the_leader(
        system, accounts, browser):
    dispatch = system.urls["dispatch"]
    # The admin plans the roster with the command: duty-e2e is A today and B tomorrow (AB角).
    planned = subprocess.run([sys.executable, "-m", "services.dispatch.duty.plan", "--staff", "duty-e2e,duty-b-e2e",
                              "--leaders", "leader-e2e", "--days", "2"], text=True, capture_output=True,
                             env=system.env, cwd=ROOT, timeout=60)
    assert planned.returncode == 0 and "planned 2 shift(s)" in planned.stdout, planned.stderr

    duty = _page(browser)
    _log_in(duty, dispatch, "duty-e2e", accounts["duty-e2e"][2])
    duty.goto(f"{dispatch}/console/duty")
    expect(duty.locator("#on-duty [data-role=a]")).to_have_text("duty-e2e")
    duty.get_by_role("button", name="到岗打卡").click()
    expect(duty.get_by_role("status").first).to_contain_text("已到岗打卡")
    check_page(duty, "14-duty")
    shift_id = duty.locator("#roster tr[data-shift]").first.get_attribute("data-shift")  # the shift on duty now

    # A major report comes in: the A on duty is paged (triage → dispatch → cases.events → duty.pages).
    with httpx.Client(timeout=10) as client:
        assert client.post(f"{system.urls['intake']}/api/v1/reports", json={"text": THREAT}).status_code == 202
    _reload_until(duty, f"{dispatch}/console/duty", lambda p: p.locator("#pages tr", has_text="重大案件").count() > 0)
    row = duty.locator("#pages tr", has_text="重大案件").first
    expect(row).to_contain_text("A角 duty-e2e")
    row.get_by_role("button", name="确认").click()
    expect(duty.get_by_role("status").first).to_contain_text("已确认呼叫")
    expect(duty.locator("#pages tr", has_text="重大案件").first).to_contain_text("已确认")

    # A swap of tomorrow's B place: asked on the roster, waiting for the leader, approved by the leader.
    tomorrow = duty.locator("#roster tr[data-shift]").nth(1)
    tomorrow.get_by_label("接班人账号").fill("admin-e2e")
    tomorrow.get_by_label("事由").fill("参加培训")
    tomorrow.get_by_role("button", name="申请调班").click()
    expect(duty.locator("#swaps")).to_contain_text("待带班领导 leader-e2e 批准")
    leader = _page(browser)
    _log_in(leader, dispatch, "leader-e2e", accounts["leader-e2e"][2])
    leader.goto(f"{dispatch}/console/duty")
    leader.locator("#swaps tr", has_text="参加培训").get_by_role("button", name="批准").click()
    expect(leader.get_by_role("status").first).to_contain_text("调班已批准")
    expect(leader.locator("#roster tr[data-shift]").nth(1)).to_contain_text("admin-e2e")

    # The volunteers' ranking, from intake's API: a volunteer who just registered is listed (name masked).
    with httpx.Client(timeout=10) as client:
        registered = client.post(f"{system.urls['intake']}/api/v1/volunteers",
                                 json={"name": "陈志愿", "region": "广西南宁市青秀区", "contact": {"phone": "13900002222"}})
        assert registered.status_code == 201, registered.text
    duty.goto(f"{dispatch}/console/volunteers")
    expect(duty.locator("#ranking")).to_contain_text("广西南宁市青秀区")
    expect(duty.locator("#ranking")).not_to_contain_text("陈志愿")  # masked
    check_page(duty, "16-volunteers")

    # The duty log of the shift, drafted live, with the outgoing A's note.
    duty.goto(f"{dispatch}/console/duty/logs/{shift_id}")
    expect(duty.locator("#summary")).to_contain_text("受理举报")
    expect(duty.locator("#log-pages")).to_contain_text("duty-e2e")
    duty.get_by_label("添加备注").fill("重大案件已确认，待公安反馈")
    duty.get_by_role("button", name="记入值班日志").click()
    expect(duty.locator("#notes")).to_contain_text("重大案件已确认，待公安反馈")
    check_page(duty, "15-duty-log")
