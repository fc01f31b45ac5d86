"""An independent-generator corpus: personal data made by fake-data libraries written by other people, in their own
default formats, then written into sentences the way people rewrite them.

The record's values are what Faker `zh_CN` and mimesis (locale zh) return, untouched: Faker's `phone_number()`
(11-digit mobiles), `ssn()`, `address()` ("<province><city><district><street>X座 <postcode>"), `email()`,
`name()`, `credit_card_number()`, `license_plate()` ("渝W-25899"), `user_name()`; mimesis' `Person.phone_number()`
(its zh mask "+86 ###-########": a 3-digit area code, or a mobile prefix, and 8 digits), `Person.email()`,
`Person.full_name()` (given name, a space, surname: "菲婷 卫"), `Person.username()`, `Address.address()`
("陈家湾胡同276号", "大集六条799号") and `Payment.credit_card_number()` ("4582 1417 7763 1706"). They are passed to the
Scrubber as the record's known values, as a build would.

The sentences write them verbatim and in common human rewritings (`phone_forms`, `name_forms`, `address_forms`...):
digits regrouped 3-4-4, spaces or dashes, country code dropped or added, trunk 0 added or dropped, brackets around
the area code, full-width digits, the given name alone, surname + 先生/女士, an address without its province, city
or district. Every span is gold with its form, so the report says which rewriting leaked.

Third parties (couriers, shop staff, other buyers) get values from the same libraries and are not known values: they
measure the patterns.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from faker import Faker
from mimesis import Address, Locale, Payment, Person

from kspages.model import PrivateValue

from .measure import Builder, Case, name_words

FULL_WIDTH = str.maketrans("0123456789-", "０１２３４５６７８９－")
CN_DIGITS = "零一二三四五六七八九"
Form = tuple[str, str, str]  # (form name, text, kind)


@dataclass(frozen=True)
class Identity:
    """One person's values as the library returned them, plus what the rewritings need."""

    source: str  # faker / mimesis
    name: str  # stored as returned ("李红霞", "菲婷 卫")
    surname: str
    given: str
    phone: str
    email: str
    address: str  # stored as returned
    street: str  # the street part of it (road and number)
    region: tuple[str, ...]  # province, city, district as returned ("" when the library has none)
    card: str
    user: str
    ssn: str = ""
    plate: str = ""

    def known(self) -> tuple[PrivateValue, ...]:
        values = [("complainant.name", self.name), ("complainant.phone", self.phone),
                  ("complainant.email", self.email), ("complainant.address", self.address),
                  ("complainant.bank_card", self.card), ("complainant.wechat", self.user),
                  ("complainant.id_number", self.ssn), ("complainant.plate", self.plate)]
        return tuple(PrivateValue(f, v, i + 1) for i, (f, v) in enumerate(values) if v)


class Libraries:
    """Seeded Faker zh_CN and mimesis zh generators."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.fake = Faker("zh_CN")
        self.fake.seed_instance(seed)
        self.person = Person(Locale.ZH, seed=seed)
        self.place = Address(Locale.ZH, seed=seed)
        self.pay = Payment(seed=seed)
        address = self.fake.provider("faker.providers.address")
        person = self.fake.provider("faker.providers.person")
        self._districts = sorted(getattr(address, "districts", ()), key=len, reverse=True)
        self._surnames = {str(s) for s in getattr(person, "last_names", ())}

    def _faker_address(self) -> tuple[str, str, tuple[str, ...]]:
        text = self.fake.address()
        head = text.split(" ")[0]
        for d in self._districts:
            m = re.match(r"(.+?(?:省|市|自治区|特别行政区))(.+?[市县])(" + re.escape(d) + r"区?)(.+)$", head)
            if m:
                return text, m[4], (m[1], m[2], m[3])
        return text, head, ()

    def faker(self) -> Identity:
        name = self.fake.name()
        surname = name[:2] if name[:2] in self._surnames and len(name) > 2 else name[0]
        address, street, region = self._faker_address()
        return Identity("faker", name, surname, name[len(surname):], self.fake.phone_number(), self.fake.email(),
                        address, street, region, self.fake.credit_card_number(), self.fake.user_name(),
                        self.fake.ssn(), self.fake.license_plate())

    def mimesis(self) -> Identity:
        name = self.person.full_name()
        given, _, surname = name.partition(" ")
        street = self.place.address()
        region = (self.place.state(), self.place.city(), "")
        return Identity("mimesis", name, surname, given, self.person.phone_number(), self.person.email(), street,
                        street, region, self.pay.credit_card_number(), self.person.username())

    def identity(self) -> Identity:
        return self.faker() if self.rng.random() < 0.5 else self.mimesis()


# --- rewritings ---------------------------------------------------------------------------------------------------


def national(phone: str) -> str:
    """The national number of a stored phone: digits without +86."""
    digits = re.sub(r"\D", "", phone)
    return digits[2:] if phone.strip().startswith("+86") and len(digits) > 11 else digits


def phone_kind(phone: str) -> str:
    n = national(phone)
    return "mobile" if len(n) == 11 and re.match(r"1[3-9]", n) else "landline"


def phone_forms(phone: str) -> list[Form]:
    """A stored phone, verbatim and as people rewrite it."""
    n = national(phone)
    kind = phone_kind(phone)
    forms: list[tuple[str, str]] = [("verbatim", phone)]
    if kind == "mobile":
        forms += [("plain", n), ("3-4-4 spaces", f"{n[:3]} {n[3:7]} {n[7:]}"), ("3-4-4 dashes", f"{n[:3]}-{n[3:7]}-{n[7:]}"),
                  ("+86", f"+86 {n}"), ("+86 3-8", f"+86 {n[:3]}-{n[3:]}"), ("0086", f"0086{n}"),
                  ("full-width", n.translate(FULL_WIDTH)), ("Chinese numerals", "".join(CN_DIGITS[int(c)] for c in n)),
                  ("trunk 0 added", "0" + n)]
    else:
        area, local = n[:-8], n[-8:]
        forms += [("trunk 0, dash", f"0{area}-{local}"), ("trunk 0, 4-4", f"0{area} {local[:4]} {local[4:]}"),
                  ("(0area)", f"(0{area}){local}"), ("（0area）4-4", f"（0{area}）{local[:4]}-{local[4:]}"),
                  ("3-4-4 no trunk", f"{n[:3]} {n[3:7]} {n[7:]}"), ("plain no trunk", n),
                  ("trunk 0, 3-4-5", f"0{n[:2]} {n[2:6]} {n[6:]}"), ("+86 spaced", f"+86 {area} {local[:4]} {local[4:]}"),
                  ("0086", f"0086-{area}-{local}"), ("local part only", f"{local[:4]}-{local[4:]}"),
                  ("full-width", f"0{area}-{local}".translate(FULL_WIDTH))]
    return [(f"{kind}/{name}", text, kind) for name, text in forms]


def name_forms(p: Identity) -> list[Form]:
    forms: list[Form] = [("name/verbatim", p.name, "name"), ("name/natural order", p.surname + p.given, "name"),
                         ("person/surname+先生", p.surname + "先生", "person"),
                         ("person/surname+女士", p.surname + "女士", "person")]
    if len(p.given) >= 2:
        forms.append(("name/given name alone", p.given, "name"))
    return forms


def address_forms(p: Identity) -> list[Form]:
    province, city, district = (p.region + ("", "", ""))[:3]
    forms: list[tuple[str, str]] = [("verbatim", p.address)]
    if p.source == "faker":
        head = p.address.split(" ")[0]
        forms += [("no postcode", head), ("no province", city + district + p.street),
                  ("street only", p.street), ("street + unit", f"{p.street}3单元502室")]
    else:
        forms += [("with city", city + p.street), ("with province and city", province + city + p.street),
                  ("with unit", f"{p.street}2单元1101室")]
    return [(f"address/{name}", text, "address") for name, text in forms]


def email_forms(email: str) -> list[Form]:
    user, _, domain = email.partition("@")
    name, _, tld = domain.rpartition(".")
    return [("email/verbatim", email, "email"), ("email/full-width ＠", f"{user}＠{domain}", "email"),
            ("email/艾特", f"{user}艾特{domain}", "email"), ("email/ at dot ", f"{user} at {name} dot {tld}", "email")]


def card_forms(card: str) -> list[Form]:
    d = re.sub(r"\D", "", card)
    return [("bank_card/verbatim", card, "bank_card"), ("bank_card/compact", d, "bank_card"),
            ("bank_card/groups of 4", " ".join(d[i:i + 4] for i in range(0, len(d), 4)), "bank_card"),
            ("bank_card/dashes", "-".join(d[i:i + 4] for i in range(0, len(d), 4)), "bank_card")]


def id_forms(ssn: str) -> list[Form]:
    return [("id_card/verbatim", ssn, "id_card"), ("id_card/6-8-4", f"{ssn[:6]} {ssn[6:14]} {ssn[14:]}", "id_card"),
            ("id_card/full-width", ssn.translate(FULL_WIDTH), "id_card")]


def plate_forms(plate: str) -> list[Form]:
    compact = plate.replace("-", "")
    return [("plate/verbatim", plate, "plate"), ("plate/compact", compact, "plate"),
            ("plate/spaced", f"{compact[:2]} {compact[2:]}", "plate"), ("plate/middle dot", f"{compact[:2]}·{compact[2:]}",
                                                                          "plate")]


# --- sentences ----------------------------------------------------------------------------------------------------

# {x} slots: the complainant's own values (known to the scrubber). Slots t_x: a third party's (not known).
OWN_TEMPLATES = [
    "消费者电话 {phone}，工作日可联系。",
    "已回拨消费者{phone}，无人接听，稍后再联系。",
    "联系方式：{phone}（本人）。",
    "消费者留的号码是{phone}，说白天上班不方便接。",
    "{name}来电称商品收到时外包装已破损。",
    "与{name}电话沟通，其同意商家提出的退款方案。",
    "经核实，{name}反映的情况属实。",
    "{name}补充了聊天记录截图。",
    "收货地址：{address}，快递显示已签收。",
    "消费者住在{address}，商家称该地址不在配送范围。",
    "商家把货发到了{address}以外的地方。",
    "退款请退回银行卡{card}（本人账户）。",
    "消费者提供的收款卡号为 {card}。",
    "邮箱{email}已收到平台的受理通知。",
    "请将处理结果发送至{email}。",
    "消费者的微信号{user}，商家曾主动添加。",
    "身份证号{ssn}用于实名核验。",
    "消费者称其身份证{ssn}被商家印在了面单上。",
    "消费者车辆{plate}在门店保养后出现异响。",
    "{name}（电话{phone}）要求退一赔三。",
    "联系人：{name}，电话 {phone}，地址 {address}。",
    "已电话联系{name}，其表示同意调解方案。",
    "{name}称商家客服多次挂断电话。",
    "回访电话：{phone}（消费者本人）。",
    "消费者要求商家把换货寄到{address}。",
    "消费者邮箱：{email}，请勿公开。",
    "商家已把钱退到消费者的卡{card}上。",
]
THIRD_TEMPLATES = [
    "快递员{t_name}称包裹已放在驿站。",
    "配送员{t_name}说当天送不到。",
    "骑手{t_name}未按约定时间送达，外卖已经凉了。",
    "店长{t_name}答复可以换货。",
    "客服{t_name}承诺三个工作日内处理。",
    "经办人{t_name}，已电话回访。",
    "收件人{t_name}并非消费者本人。",
    "主播{t_person}在直播间承诺假一赔十。",
    "快递员{t_person}的电话是{t_phone}。",
    "商家售后手机{t_phone}，一直无人接听。",
    "另一位买家（电话{t_phone}）也反映了同样的问题。",
    "商家发货地址为{t_address}。",
    "退货寄到{t_address}，收件人是店员。",
    "商家要求把钱转到卡号{t_card}的个人账户。",
    "店主让消费者把照片发到{t_email}。",
    "骑手车牌{t_plate}，送餐途中把饭撒了。",
    "商家提供的收款人身份证号为{t_ssn}，与营业执照不符。",
    "商家让消费者联系店长{t_name}，电话{t_phone}。",
    "收件人{t_name}，地址{t_address}，与消费者无关。",
    "另一位买家的邮箱{t_email}也收到了诈骗邮件。",
    "快递员{t_person}说包裹放在了门卫室。",
    "联系人：{t_name}（商家售后）。",
]


def _pick(rng: random.Random, forms: list[Form]) -> Form:
    return rng.choice(forms)


def _slot(slot: str, own: Identity, third: Identity, rng: random.Random) -> tuple[Form, bool, tuple[str, ...]]:
    """The form chosen for a slot, whether it is the complainant's own, and its leak markers beyond the default."""
    is_own = not slot.startswith("t_")
    p = own if is_own else third
    key = slot.removeprefix("t_")
    pickers: dict[str, Callable[[], list[Form]]] = {
        "phone": lambda: phone_forms(p.phone), "name": lambda: [f for f in name_forms(p) if f[2] == "name"],
        "person": lambda: [f for f in name_forms(p) if f[2] == "person"], "address": lambda: address_forms(p),
        "email": lambda: email_forms(p.email), "card": lambda: card_forms(p.card),
        "user": lambda: [("wechat/verbatim", p.user, "wechat")], "ssn": lambda: id_forms(p.ssn),
        "plate": lambda: plate_forms(p.plate)}
    # the complainant's name is written in every form, honorifics included
    form = _pick(rng, name_forms(p) if key == "name" and is_own else pickers[key]())
    words: tuple[str, ...] = ()
    if form[2] == "name":
        words = name_words(p.name, p.surname, p.given) if is_own else ()
    elif form[2] == "address":
        words = (p.street,)
    return form, is_own, words


def independent(records: int, seed: int, per_record: int = 4) -> list[Case]:
    """`records` identities, each written into `per_record` sentences (own values) and one third-party sentence.
    Faker-only kinds (ID number, plate) are used only with Faker identities."""
    lib = Libraries(seed)
    rng = random.Random(seed + 1)
    cases: list[Case] = []
    for _ in range(records):
        own = lib.identity()
        third = lib.faker() if rng.random() < 0.6 else lib.mimesis()
        if not third.ssn:
            third = replace(third, ssn=lib.fake.ssn(), plate=lib.fake.license_plate())
        usable = [t for t in OWN_TEMPLATES if own.ssn or not re.search(r"\{(ssn|plate)\}", t)]
        for template in [*rng.sample(usable, per_record), rng.choice(THIRD_TEMPLATES)]:
            b = Builder()
            pos = 0
            for m in re.finditer(r"\{(\w+)\}", template):
                b.text(template[pos:m.start()])
                (form, text, kind), is_own, words = _slot(m[1], own, third, rng)
                b.span(text, kind, is_own, form, words)
                pos = m.end()
            b.text(template[pos:])
            cases.append(b.case(own.known()))
    return cases


# --- the cases named in issue 12 ------------------------------------------------------------------------------------


def issue_cases() -> list[Case]:
    """The failures reported in issue 12, item 6, as cases (tuning material: the fix is written against them)."""
    cases: list[Case] = []

    def own(phone: str, field: str, before: str, written: str, after: str, kind: str = "landline") -> None:
        b = Builder().text(before).span(written, kind, True, f"{kind}/issue 12").text(after)
        cases.append(b.case([PrivateValue(field, phone, 1)]))

    own("+86 906-78818607", "complainant.phone", "消费者电话 ", "906 7881 8607", "，已回访。")
    own("+86 906-57268270", "complainant.phone", "联系电话", "090 6572 68270", "。")
    for written in ("2189136476", "+86 2189136476", "218 9136 476"):
        own("(021) 8913 6476", "complainant.phone", "消费者座机", written, "，晚上有人接。")
    for phone in ("16910553196", "14051675562"):
        cases.append(Builder().text("快递员的手机").span(phone, "mobile", False, "mobile/issue 12").text("打不通。")
                     .case())
    cases.append(Builder().text("商家电话").span("+86 133-72279949", "mobile", False, "mobile/issue 12 +86 3-8")
                 .text("。").case())
    for road in ("东四十条106号", "和平路三条155号"):
        cases.append(Builder().text("商家退货地址为北京市东城区").span(road, "address", False, "address/issue 12").text("。")
                     .case())
    cases.append(Builder().text("快递员").span("陈玉梅", "name", False, "name/issue 12").text("称已送达。").case())
    cases.append(Builder().text("经办人").span("赵丽娟", "name", False, "name/issue 12").case())
    return cases
