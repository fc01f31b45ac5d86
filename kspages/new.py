"""Start things: a record with a fresh number and a commented skeleton, or a whole new site."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from . import numbers
from .codes import CODES
from .layout import GUIDE, RECORDS, SETTINGS, TEMPLATES
from .layout import SCHEMA as SCHEMA_FILE
from .schema import schema_json

_PACKAGE = Path(__file__).resolve().parent
# In an installed wheel the theme and the bundled guide sit inside the package; in a source checkout (and an
# editable install) they are the repository's own templates/ and content/.
THEME = next((p for p in (_PACKAGE / "theme", _PACKAGE.parent / TEMPLATES) if p.is_dir()), _PACKAGE / "theme")
BUNDLED = next((p for p in (_PACKAGE / "bundled", _PACKAGE.parent / "content") if p.is_dir()), _PACKAGE / "bundled")

_TEMPLATE = """\
# yaml-language-server: $schema=../../../{schema}
# 投诉记录。标有【公开】的字段会出现在网站上；标有【不公开】的字段永远不会发布。
number: {number}            # 【公开】投诉编号，勿改
received: {received}               # 【公开】收到投诉的日期
category: {category}     # 【公开】{category_codes}
channel: {channel}           # 【公开】{channel_codes}
merchant: {merchant}                 # 【公开】被投诉的店铺名称
status: pending                   # 【公开】{status_codes}
history:                          # 【公开】处理经过，按日期先后排列；最后一条的状态须与 status 一致
  - {{date: {received}, status: pending}}
complainant:                      # 【不公开】投诉人信息
  name: ""
  phone: ""
order:                            # 【不公开】订单信息
  id: ""
description: |                    # 【不公开】投诉人的陈述
  （在此填写）
# merchant_reply:                 # 【公开】商家回应（可选），发布前会自动隐去个人信息
#   date: {received}               # 商家回应的日期，不早于 received
#   text: |
#     （照录商家的说明）
# feedback:                       # 【公开】投诉人评价（可选），仅在 resolved、rejected 或 withdrawn 之后填写
#   rating: satisfied             # {rating_codes}
#   comment: （投诉人的原话，可不填；发布前会自动隐去个人信息）
#   date: {received}               # 可不填；不早于处理经过最后一步的日期
# notice:                         # 处理结果公示，经审核后将 publish 改为 true
#   publish: false
#   date: {received}
#   title: 关于{merchant}投诉的处理结果
#   body: |
#     （公示正文，发布前会自动隐去个人信息）
"""

_SAMPLE = """\
# yaml-language-server: $schema=../../../{schema}
# 示例记录（虚构）：可以照着它填写，也可以删除。
number: {number}
received: {received}
category: false_advertising
channel: in_app_report
merchant: 示例旗舰店
status: resolved
outcome: refund
history:
  - {{date: {received}, status: pending}}
  - {{date: {second}, status: in_progress, note: 已转交商家核实}}
  - {{date: {decided}, status: resolved, note: 商家已退款}}
merchant_reply:
  date: {second}
  text: 宣传用语有误，已向这位消费者致歉并办理退款，直播话术已更正。
feedback:
  rating: satisfied
  comment: 退款很快。
complainant:
  name: 张三
  phone: "13800000000"
order:
  id: "260300000000001"
  product: 保温杯
  amount: 99
description: |
  直播间说是真空保温杯，收到后发现不保温。
notice:
  publish: true
  date: {decided}
  title: 关于示例旗舰店虚假宣传投诉的处理结果
  body: |
    经核查，示例旗舰店在直播中对“保温杯”的保温性能宣传与实际不符。

    **处理结果**：商家已为消费者办理退款。
"""


def _codes(kind: str) -> str:
    return " | ".join(f"{code} {label}" for code, label in CODES[kind].items())


def write_schema(root: Path) -> Path:
    """Keep the site's copy of the editor schema current; return its path."""
    path = root / SCHEMA_FILE
    text = schema_json()
    if not path.is_file() or path.read_text("utf-8") != text:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
    return path


def new_record(root: Path, category: str, channel: str, merchant: str, today: dt.date) -> Path:
    """Write a new record file and return its path; never overwrites an existing file."""
    number = numbers.generate()
    path = root / RECORDS / f"{today.year}" / f"{number}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    text = _TEMPLATE.format(schema=SCHEMA_FILE, number=number, received=today.isoformat(), category=category,
                            channel=channel, merchant=merchant or '""', category_codes=_codes("category"),
                            channel_codes=_codes("channel"), status_codes=_codes("status"),
                            rating_codes=_codes("rating"))
    with path.open("x", encoding="utf-8") as fh:  # 'x': fail rather than overwrite
        fh.write(text)
    write_schema(root)
    return path


class SiteExists(Exception):
    """`kspages init` was pointed at a folder that already holds files."""


def init_site(root: Path, today: dt.date) -> list[Path]:
    """Start a site in an empty (or new) folder: settings, the bundled guide, a sample record, the theme."""
    if root.exists() and any(root.iterdir()):
        raise SiteExists(str(root))
    root.mkdir(parents=True, exist_ok=True)
    shutil.copytree(THEME, root / TEMPLATES, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    (root / GUIDE).mkdir(parents=True)
    shutil.copy2(BUNDLED / "site.yaml", root / SETTINGS)
    for page in sorted((BUNDLED / "guide").glob("*.md")):
        shutil.copy2(page, root / GUIDE / page.name)
    number = numbers.generate()
    sample = root / RECORDS / f"{today.year}" / f"{number}.yaml"
    sample.parent.mkdir(parents=True)
    start = today - dt.timedelta(days=10)
    sample.write_text(_SAMPLE.format(schema=SCHEMA_FILE, number=number, received=start.isoformat(),
                                     second=(start + dt.timedelta(days=1)).isoformat(),
                                     decided=(start + dt.timedelta(days=6)).isoformat()), "utf-8")
    (root / ".gitignore").write_text("/output/\n/.output.staging-*/\n/.kspages-cache/\n", "utf-8")
    write_schema(root)
    return sorted(p for p in root.rglob("*") if p.is_file())
