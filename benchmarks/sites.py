"""Synthetic sites for tests and benchmarks: records full of personal data in many written forms."""

from __future__ import annotations

import datetime as dt
import random
import shutil
from collections.abc import Iterator
from pathlib import Path

import yaml

from kspages import numbers

from .privacy.corpus import Providers

REPO = Path(__file__).resolve().parent.parent
SHOP_KINDS = ("数码", "服饰", "美妆", "食品", "家居", "母婴", "运动")  # 7 x 97 merchants, like a real spread


def bundled_copy(root: Path) -> Path:
    """A copy of the bundled site (content and templates) at `root`."""
    shutil.copytree(REPO / "content", root / "content")
    shutil.copytree(REPO / "templates", root / "templates")
    return root


def synthetic_records(root: Path, count: int, seed: int, published: int = 3) -> list[str]:
    """Write `count` records full of personal data (in notes and notices, in many forms); return every value.

    `published` of every 4 records have a dated, approved notice; the others are drafts (no date).
    """
    return [value for values in write_records(root, count, seed, published) for value in values]


def write_records(root: Path, count: int, seed: int, published: int = 3, months: int = 1) -> Iterator[list[str]]:
    """Write the records of `synthetic_records` one at a time, yielding each one's private values once it is on disk.

    Nothing is kept between records, so a caller that drops the values (`corpus`) writes a million records in the
    memory of one. A number drawn twice (expected about once in a million records) is drawn again instead of
    overwriting the earlier file; smaller corpora come out exactly as before. With `months` above 1, each record's
    dates move back by up to that many 30-day months, evenly (its notice is then dated that much before 2026-03-06).
    """
    rng, p = random.Random(seed), Providers(seed)
    for i in range(count):
        back = dt.timedelta(days=(i * 11) % (months * 30)) if months > 1 else dt.timedelta(0)

        def day(text: str, back: dt.timedelta = back) -> str:
            return (dt.date.fromisoformat(text) - back).isoformat()

        folder = root / f"content/records/{day('2026-03-01')[:4]}"
        folder.mkdir(parents=True, exist_ok=True)
        name, phone, ident = p.fake.name(), p.mobile_digits(), p.id18()
        address, email = p.address(), p.email()
        order, tracking, wechat = p.order().text, p.tracking().text, p.wechat().text
        values = [name, phone, ident, address.private, email.value, order, tracking, wechat]
        surname = name[0]
        body = (f"经核查，{name}（{surname}女士，电话 {phone[:3]} {phone[3:7]} {phone[7:]}，身份证 {ident}）反映的订单 {order} "
                f"属实。快递单号{tracking}，寄回地址{address.text}。联系邮箱 {email.value}，微信号：{wechat}。"
                f"另一位消费者的手机 {p.mobile().text} 也已核实。")
        public = i % 4 >= 4 - published
        notice: dict[str, object] = {"publish": public, "title": f"关于{name}投诉的处理结果", "body": body}
        if public:
            notice["date"] = day("2026-03-06")  # the rest are drafts: no date
        number = numbers.generate(rng)
        while any((folder.parent / year / f"{number}.yaml").exists() for year in ("2024", "2025", "2026")):
            number = numbers.generate(rng)
        data = {
            "number": number, "received": day("2026-03-01"), "category": "false_advertising",
            "channel": "in_app_report", "merchant": f"测试{SHOP_KINDS[i % len(SHOP_KINDS)]}{i % 97:02d}号店",
            "status": "resolved", "outcome": "refund",
            "history": [{"date": day("2026-03-01"), "status": "pending"},
                        {"date": day("2026-03-02"), "status": "in_progress", "note": f"已致电+86 {phone}联系{name}"},
                        {"date": day("2026-03-05"), "status": "resolved", "note": f"{surname}先生确认收到退款"}],
            "complainant": {"name": name, "phone": phone, "id_number": ident, "address": address.value,
                            "email": email.value, "wechat": wechat},
            "order": {"id": order, "tracking": tracking, "product": "保温杯", "amount": 199},
            "description": f"本人{name}，电话{phone}。",
            "notice": notice,
        }
        (folder / f"{number}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
        yield values


GUIDE_PAGES = 50


CORPUS_MONTHS = 24


def corpus(root: Path, records: int, seed: int = 21, months: int = CORPUS_MONTHS) -> Path:
    """The benchmark site: the bundled guide padded to 50 pages, and `records` records, half with a notice,
    published evenly over `months` months up to 2026-03-06 (a real site's notices span years, not a day)."""
    bundled_copy(root)
    guide = sorted((root / "content/guide").glob("*.md"))
    text = "\n\n".join(p.read_text("utf-8").split("---", 2)[2] for p in guide)
    for i in range(len(guide), GUIDE_PAGES):
        (root / f"content/guide/{i + 10:02d}-extra-{i}.md").write_text(
            f"---\ntitle: 补充说明 {i}\norder: {i + 100}\n---\n{text[: 3000]}\n", "utf-8")
    for _ in write_records(root, records, seed=seed, published=2, months=months):
        pass  # streamed: at 1M records the values alone would be ~8M strings
    return root
