"""Grammar shapes: seeded titles and sentences where a name or a bracketed landline sits next to function words.

`关于{name}反映...的处理结果`, `对于{surname}女士的诉求`, `由于{surname}先生未提供...`, `针对{name}投诉的...`,
`向/给/跟/与/和{surname}先生...`, `消费者（{landline with its area code in brackets}）...`, names from Faker zh_CN.
The name is the record's complainant (a known value), as in a real title. Measured by `measure.damage`: a scrubbed
text must keep every character that is not personal (关/于/对/由/针/向/给/跟/与/和, brackets, punctuation).
"""

from __future__ import annotations

import random

from faker import Faker

from kspages.model import PrivateValue

from .measure import Builder, Case

PROBLEMS = ["商品质量问题", "虚假宣传", "退款难", "发货延迟", "售后服务差", "价格欺诈", "直播间诱导消费", "外卖异物"]
AREAS = ["010", "021", "022", "023", "020", "024", "025", "027", "028", "029", "0571", "0755", "0371", "0531"]

# Slots: {name} full name, {given} given name, {honorific} surname + 先生/女士, {landline}; {problem} is plain text.
SHAPES = [
    "关于{name}反映{problem}的处理结果",
    "关于{honorific}反映{problem}的处理结果",
    "关于{name}投诉{problem}一事的答复",
    "对于{honorific}的诉求，商家同意退款。",
    "对于{name}的投诉，平台已介入。",
    "由于{honorific}未提供购买凭证，平台暂时无法核实。",
    "由于{name}已撤回投诉，本案办结。",
    "针对{name}投诉的{problem}，商家已整改。",
    "针对{honorific}反映的问题，平台约谈了商家。",
    "向{honorific}说明了处理规则。",
    "给{honorific}寄送了书面答复。",
    "跟{honorific}确认了退款金额。",
    "与{honorific}协商一致，商家赔偿200元。",
    "和{honorific}沟通后，商家同意换货。",
    "向{name}发送了受理通知。",
    "与{given}电话沟通，其表示满意。",
    "经与{honorific}核实，情况属实。",
    "消费者（{landline}）反映{problem}。",
    "消费者（座机{landline}）表示白天有人。",
    "联系电话：{landline}（工作日）。",
    "{honorific}（{landline}）要求退一赔三。",
    "【{honorific}】反映{problem}，已受理。",
    "“{honorific}”称商家拒绝退款。",
]


def _landline(rng: random.Random) -> str:
    area = rng.choice(AREAS)
    local = str(rng.randint(2, 8)) + "".join(rng.choice("0123456789") for _ in range(7 if len(area) == 3 else 6))
    cut = len(local) // 2
    return rng.choice([f"({area}) {local[:cut]} {local[cut:]}", f"（{area}）{local}", f"({area}){local}",
                       f"（{area}）{local[:cut]}-{local[cut:]}"])


def grammar_cases(count: int, seed: int) -> list[Case]:
    """`count` sentences cycling through SHAPES, each with a fresh Faker zh_CN complainant."""
    rng = random.Random(seed)
    fake = Faker("zh_CN")
    fake.seed_instance(seed)
    cases: list[Case] = []
    for i in range(count):
        shape = SHAPES[i % len(SHAPES)]
        surname, given = fake.last_name(), fake.first_name()
        if len(given) < 2:
            given += fake.first_name()[0]
        name = surname + given
        landline = _landline(rng)
        gender = rng.choice(["男", "女"])
        values = {"name": (name, "name"), "given": (given, "name"),
                  "honorific": (surname + ("先生" if gender == "男" else "女士"), "person"),
                  "landline": (landline, "landline"), "problem": (rng.choice(PROBLEMS), "")}
        b = Builder()
        rest = shape
        while "{" in rest:
            head, _, tail = rest.partition("{")
            slot, _, rest = tail.partition("}")
            b.text(head)
            text, kind = values[slot]
            if kind:
                b.span(text, kind, True, f"{kind}/{shape}")
            else:
                b.text(text)
        b.text(rest)
        known = [PrivateValue("complainant.name", name, 1), PrivateValue("complainant.gender", gender, 2),
                 PrivateValue("complainant.landline", landline, 3)]
        cases.append(b.case(known))
    return cases
