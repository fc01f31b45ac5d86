"""Start a record: a fresh number, today's date, and a commented skeleton staff fill in."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from . import numbers
from .build import RECORDS
from .model import CODES

_TEMPLATE = """\
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
# notice:                         # 处理结果公示，经审核后将 publish 改为 true
#   publish: false
#   date: {received}
#   title: 关于{merchant}投诉的处理结果
#   body: |
#     （公示正文，发布前会自动隐去个人信息）
"""


def _codes(kind: str) -> str:
    return " | ".join(f"{code} {label}" for code, label in CODES[kind].items())


def new_record(root: Path, category: str, channel: str, merchant: str, today: dt.date) -> Path:
    """Write a new record file and return its path; never overwrites an existing file."""
    number = numbers.generate()
    path = root / RECORDS / f"{today.year}" / f"{number}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    text = _TEMPLATE.format(number=number, received=today.isoformat(), category=category, channel=channel,
                            merchant=merchant or '""', category_codes=_codes("category"),
                            channel_codes=_codes("channel"), status_codes=_codes("status"))
    with path.open("x", encoding="utf-8") as fh:  # 'x': fail rather than overwrite
        fh.write(text)
    return path
