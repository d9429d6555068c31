"""Synthetic reports for the benchmark: varied texts over every category, most about a
target of their own (a new case each), some about a target seen before (they join its
case), a few rumors (the rumor desk clusters them) and a few empty ones (invalid)."""
from __future__ import annotations

import random
from typing import Any

PLACES = ["南宁市青秀区", "南宁市西乡塘区", "南宁市江南区", "南宁市兴宁区", "南宁市良庆区", "南宁市邕宁区",
          "南宁市武鸣区", "南宁市横州市", "南宁市宾阳县", "柳州市城中区", None]
TEMPLATES: list[tuple[str, str]] = [
    ("gambling", "有人在{app}群里天天发博彩网站链接，充值{n}送{n}，拉人下注，已经有{k}个人输了钱。"),
    ("fraud", "{app}上有人冒充客服说快递丢了要理赔，让我下载会议软件共享屏幕，骗走了{n}元。"),
    ("fraud", "{app}上的刷单返利群，先返了几十块，后来让垫付{n}元就联系不上了，群里还有{k}个人被骗。"),
    ("pornography", "{app}直播间晚上有主播做低俗色情表演，还引导观众加私人号看付费视频，链接发在评论区。"),
    ("vulgar", "这个{app}主播直播骂了{k}十分钟脏话，满嘴低俗段子，小孩也能看到，请管一管。"),
    ("infringement", "{app}上有个账号把我拍的{k}个原创视频搬运过去去掉水印发布，还挂了商品链接卖货。"),
    ("terror_violence", "{app}上有人发血腥暴力视频，画面里有人被砍伤，还配文宣扬暴力，已经转发了{n}次。"),
    ("other", "{app}上有个账号长期发布虚假招聘信息，收取{n}元报名费后把人拉黑，请核查。"),
    ("rumor", "网上传言{place}明天开始停水{k}天，说是水厂出了事故，配图是外地的，很多人在{app}群里转发。"),
]
APPS = ["微信", "抖音", "快手", "微博", "小红书", "QQ", "今日头条", "B站"]


def report(rng: random.Random, serial: int, seen_targets: list[str]) -> dict[str, Any]:
    """One report body for POST /api/v1/reports."""
    if rng.random() < 0.03:
        return {"text": "测试测试" if rng.random() < 0.5 else "。。。", "location": None}
    category, template = rng.choice(TEMPLATES)
    place = rng.choice(PLACES)
    text = template.format(app=rng.choice(APPS), n=rng.randint(100, 90000), k=rng.randint(2, 30),
                           place=(place or "南宁市").removeprefix("南宁市") or "南宁")
    if seen_targets and rng.random() < 0.15:
        url = rng.choice(seen_targets)  # another report about a target already reported: one case
    else:
        url = f"https://{rng.choice(['v.douyin.com', 'weibo.com', 'www.kuaishou.com', 'mp.weixin.qq.com'])}/b{serial}x{rng.randrange(10**9)}"
        seen_targets.append(url)
        if len(seen_targets) > 500:
            seen_targets.pop(0)
    body: dict[str, Any] = {"text": f"{text}（编号{serial}）", "category_hint": category if rng.random() < 0.6 else None,
                            "target_urls": [url], "target_platform": rng.choice(APPS), "location": place}
    if rng.random() < 0.3:
        body["contact"] = {"phone": f"139{rng.randrange(10**8):08d}"}
    return body


def reports(count: int, seed: int) -> list[dict[str, Any]]:
    rng, seen = random.Random(seed), []  # type: ignore[var-annotated]
    return [report(rng, seed * 1_000_000 + i, seen) for i in range(count)]
