"""Pattern detectors: personal data of anyone, found by validated patterns on a normalised view of the text.

Every detector returns spans in view coordinates. A regex proposes, a validator disposes: check digits (python-stdnum),
real dates, area and issuer prefixes, and context words decide what is personal. Things the public needs (complaint
numbers, business hotlines, 12315, company credit codes) are found too, and cancel the pattern spans inside them.
"""

from __future__ import annotations

import datetime as dt
import functools
import ipaddress
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from stdnum import luhn
from stdnum.cn import ric, uscc

from .. import numbers
from .lexicon import (
    ALL_COMPOUND_SURNAMES,
    ALL_SURNAMES,
    COMPOUND_SURNAMES,
    GIVEN_STOP,
    HONORIFICS,
    SURNAMES,
    binds_left,
    dictionary,
    is_word,
    name_end,
    surname_at,
    tag,
)
from .view import SEPARATORS, View

S = f"[{re.escape(SEPARATORS)}]?"  # at most one separator between two digits
_CJK = "\u4e00-\u9fff"
_SURNAME = f"(?:{'|'.join(COMPOUND_SURNAMES)}|[{SURNAMES}])"
# Province-level codes, the first two digits of an ID number.
_PROVINCES = frozenset({"11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
                        "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64",
                        "65", "71", "81", "82", "83"})
# Any 1[3-9] segment: operators open new ones (140, 169...) faster than a list of them can follow.
_MOBILE_PREFIXES = re.compile(r"^1[3-9]")
_CARD_PREFIXES = re.compile(r"^(?:62|4|5[1-5]|2[2-7]|3[47]|35|60|65|9[0-9])")


@dataclass(frozen=True)
class Span:
    """A stretch of the normalised view that holds personal data of one kind."""

    start: int
    end: int
    kind: str
    context: bool = False  # found after a keyword (QQ, 身份证...): what follows is that kind, whatever it looks like
    unsure: bool = False  # looked like personal data, but could be a word (a name found by the segmenter)


def _digits(text: str) -> str:
    return re.sub(r"[^0-9Xx]", "", text).upper()


def _real_date(year: int, month: int, day: int) -> bool:
    # A fixed upper bound, not today: the same text must scrub the same way on any day.
    try:
        return dt.date(1900, 1, 1) <= dt.date(year, month, day) <= dt.date(2099, 12, 31)
    except ValueError:
        return False


def valid_id18(digits: str) -> bool:
    """An 18-digit resident ID: province code, real birth date, ISO 7064 MOD 11-2 check digit."""
    return (len(digits) == 18 and digits[:17].isdigit() and digits[:2] in _PROVINCES
            and _real_date(int(digits[6:10]), int(digits[10:12]), int(digits[12:14]))
            and ric.calc_check_digit(digits) == digits[17])  # stdnum takes the number with its check digit


def valid_id15(digits: str) -> bool:
    """A 15-digit (pre-1999) resident ID: province code and a real 19yy birth date."""
    return (len(digits) == 15 and digits.isdigit() and digits[:2] in _PROVINCES
            and _real_date(1900 + int(digits[6:8]), int(digits[8:10]), int(digits[10:12])))


Finder = Callable[[View], Iterable[Span]]
FINDERS: list[tuple[str, Finder]] = []
# What a text must hold for a detector to have a chance: most short notes have no digit, and skipping a dozen
# regex scans over them halves the time the scrubber takes.
_NEEDS: dict[str, re.Pattern[str]] = {}
# The fewest digits (ASCII, in the view) any match of a detector's regexes holds, read off those regexes (keep the
# two in step): a note with a date or an amount in it has too few for a phone, ID or card number, and those regex
# scans are skipped.
_MIN_DIGITS: dict[str, int] = {}
_DIGIT = re.compile(r"[0-9]")
_ALNUM = re.compile(r"[0-9a-z]", re.I)
_NOT_DIGITS = re.compile(r"[^0-9]+")


def finder(name: str, needs: re.Pattern[str] | None = None, digits: int = 0) -> Callable[[Finder], Finder]:
    """Register a detector under the kind it reports (most kinds) or its own name (people)."""
    def register(fn: Finder) -> Finder:
        FINDERS.append((name, fn))
        if needs is not None:
            _NEEDS[name] = needs
        if digits:
            _MIN_DIGITS[name] = digits
        return fn
    return register


def _group_spans(regex: re.Pattern[str], text: str, kind: str, group: str | int = 0,
                 valid: Callable[[re.Match[str]], bool] | None = None, context: bool = False) -> list[Span]:
    # A list, not a generator: most scans find nothing, and a generator costs more to start than such a scan.
    return [Span(m.start(group), m.end(group), kind, context) for m in regex.finditer(text)
            if valid is None or valid(m)]


_MOBILE = re.compile(rf"(?<![0-9])(?:(?:\+|00){S}86{S}|86{S}(?=1)|0(?=1[3-9]))?(1(?:{S}[0-9]){{10}})(?![0-9])")
_MASKED_MOBILE = re.compile(r"(?<![0-9])1[3-9][0-9]{1,5}[*xX]{3,8}[0-9]{2,4}(?![0-9])")


@finder("mobile", _DIGIT, digits=5)  # 138****5678
def _mobile(v: View) -> Iterator[Span]:
    yield from _group_spans(_MOBILE, v.text, "mobile", 0, lambda m: bool(_MOBILE_PREFIXES.match(_digits(m[1]))))
    # "138****5678" is still personal information (PIPL): a partial mask is not anonymisation.
    yield from _group_spans(_MASKED_MOBILE, v.text, "mobile", 0, lambda m: len(m[0]) == 11)


# A landline: trunk zero, bracketed area code or country code in front of the area code (0906-..., (021) ...,
# +86 906-..., 0086 21 ...), then the local number; an extension may follow.
_AREA = r"(?:10|2[0-9]|[3-9][0-9]{2})"
_LANDLINE = re.compile(rf"(?<![0-9])(?:(?:\+|00){S}86{S}\(?[0-9]{{2,4}}\)?|\(0?{_AREA}\)|0{_AREA}){S}{S}"
                       rf"[2-8](?:{S}[0-9]){{6,7}}(?:{S}(?:转|ext\.?)?{S}[0-9]{{1,5}})?(?![0-9])", re.I)
_LANDLINE_CONTEXT = re.compile(rf"(?:座机|固话|固定电话|家里电话|办公电话|tel)\s*[:：]?\s*(?:是|为)?\s*"
                               rf"([2-8](?:{S}[0-9]){{6,7}})(?![0-9])", re.I)


# After 电话/手机/致电/拨打..., a number of 7 to 13 digits is a phone, whatever its area code looks like: people
# mistype area codes and drop the trunk zero. Not a context span: a business hotline (400-...) still stays.
_PHONE_CONTEXT = re.compile(r"(?:电话|手机|联系方式|致电|拨打|来电|打电话|回电|座机|号码|tel|phone)(?:号码|号)?\s*[:：]?\s*(?:是|为)?\s*"
                            r"(\+?\(?[0-9](?:[ \-()]{0,2}[0-9]){6,12})(?![0-9])", re.I)


@finder("landline", _DIGIT, digits=7)  # a local number after 电话
def _landline(v: View) -> Iterator[Span]:
    yield from _group_spans(_LANDLINE, v.text, "landline")
    yield from _group_spans(_LANDLINE_CONTEXT, v.text, "landline", 1, context=True)
    yield from _group_spans(_PHONE_CONTEXT, v.text, "landline", 1)


_ID_CONTEXT = r"(?:身份证|证件|公民身份号码|身份号码|id)(?:号码|号)?\s*[:：]?\s*(?:是|为)?\s*"
_ID18 = re.compile(rf"(?<![0-9a-z])[1-9](?:{S}[0-9]){{16}}{S}[0-9x](?![0-9a-z])", re.I)
_ID_AFTER_CONTEXT = re.compile(rf"{_ID_CONTEXT}([0-9]{{6}}[0-9*]{{6,8}}[0-9*]{{2,3}}[0-9x*]?)(?![0-9a-z])", re.I)
_MASKED_ID = re.compile(r"(?<![0-9a-z])[1-9][0-9]{2,5}\*{6,12}[0-9]{2,3}[0-9x](?![0-9a-z])", re.I)


@finder("id_card", _DIGIT, digits=5)  # a masked ID with an X check digit
def _id_card(v: View) -> Iterator[Span]:
    yield from _group_spans(_ID18, v.text, "id_card", 0, lambda m: valid_id18(_digits(m[0])))
    # After a context word any 15- or 18-character number is an ID number, even mistyped or partly masked.
    yield from _group_spans(_ID_AFTER_CONTEXT, v.text, "id_card", 1, lambda m: len(m[1]) in (15, 18), True)
    yield from _group_spans(_MASKED_ID, v.text, "id_card", 0, lambda m: len(m[0]) in (15, 18))


_CARD = re.compile(rf"(?<![0-9a-z])[2-9](?:{S}[0-9]){{14,18}}(?![0-9a-z])", re.I)
_CARD_CONTEXT = re.compile(r"(?:卡号|银行卡|储蓄卡|信用卡|借记卡|银行账号|银行帐号|账号|帐号|卡尾号|打款|转账|汇款|收款|退款到|"
                           r"退到|银联|card|开户)", re.I)


@finder("bank_card", _DIGIT, digits=15)
def _bank_card(v: View) -> Iterator[Span]:
    for match in _CARD.finditer(v.text):
        digits = _digits(match[0])
        # The nearest context word decides whether anything stands between it and the number.
        contexts = list(_CARD_CONTEXT.finditer(v.text, max(0, match.start() - 16), match.start()))
        context = contexts[-1] if contexts else None
        if context and (16 <= len(digits) <= 19 and luhn.is_valid(digits) and _CARD_PREFIXES.match(digits)
                        or v.text[context.end():match.start()].strip(" :：是为") == ""):
            yield Span(match.start(), match.end(), "bank_card")


_EMAIL = re.compile(r"(?<![a-z0-9._%+\-])[a-z0-9][a-z0-9._%+\-]*\s*(?:@|艾特|\(at\)|\[at\]|\{at\}|（at）| at |#)\s*"
                    r"[a-z0-9\-]+(?:\s*(?:\.|点|\(dot\)|\[dot\]| dot )\s*[a-z0-9\-]+)*"
                    r"\s*(?:\.|点|\(dot\)|\[dot\]| dot )\s*(?:com|cn|net|org|edu|gov|cc|io|me|top|vip|info|co|hk|tw)"
                    r"(?![a-z])", re.I)


@finder("email", _ALNUM)
def _email(v: View) -> Iterator[Span]:
    yield from _group_spans(_EMAIL, v.text, "email")


_QQ = re.compile(r"(?:(?<![a-z0-9])qq|扣扣|企鹅号|(?<![a-z0-9])q号)群?(?:号码|号)?\s*[:：]?\s*(?:是|为)?\s*([1-9][0-9]{4,10})(?![0-9])",
                 re.I)


@finder("qq", _DIGIT, digits=5)
def _qq(v: View) -> Iterator[Span]:
    yield from _group_spans(_QQ, v.text, "qq", 1, context=True)


_WECHAT = re.compile(r"(?P<kw>微信号|微信|薇信|威信|徽信|v信|(?<![a-z0-9])(?:weixin|wechat|vx|wx|v)|加v|\+v)"
                     r"(?P<id>号|id)?\s*(?P<colon>[:：]|是|为)?\s*"
                     r"(?P<v>wxid_[a-z0-9]{6,20}|1[3-9][0-9]{9}|[a-z][-_a-z0-9]{5,19})(?![-_a-z0-9])", re.I)


@finder("wechat", _ALNUM)
def _wechat(v: View) -> Iterator[Span]:
    def valid(m: re.Match[str]) -> bool:
        # "微信 transfer" is English, not an ID: letters alone count only after "微信号:" or similar.
        explicit = m["id"] or m["colon"] or m["kw"].endswith("号")
        return bool(explicit or not m["v"].isalpha()) and (m["kw"].lower() != "v" or bool(m["colon"]))
    yield from _group_spans(_WECHAT, v.text, "wechat", "v", valid, True)


_PLATE = re.compile(r"(?<![a-z0-9])[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][·• ]?[A-HJ-NP-Z][·• ]?"
                    r"(?:[DF][A-HJ-NP-Z0-9][0-9]{4}|[0-9]{5}[DF]|[A-HJ-NP-Z0-9]{4}[A-HJ-NP-Z0-9挂学警])(?![a-z0-9])",
                    re.I)


@finder("plate", _DIGIT)
def _plate(v: View) -> Iterator[Span]:
    # A plate has a digit in its serial; "粤BABCDE" is not one.
    yield from _group_spans(_PLATE, v.text, "plate", 0, lambda m: any(c.isdigit() for c in m[0]))


_IPV4 = re.compile(r"(?<![0-9.])(?:[0-9]{1,3}\.){3}[0-9]{1,3}(?![0-9.])")
_IPV6 = re.compile(r"(?<![0-9a-f:])(?:[0-9a-f]{0,4}:){2,7}[0-9a-f]{0,4}(?![0-9a-f:])", re.I)
_VERSION = re.compile(r"(?:v|版本|version)\s*$", re.I)


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


@finder("ip", _DIGIT)
def _ip(v: View) -> Iterator[Span]:
    # An address has three dots or at least two colons: counting them is cheaper than either scan.
    if v.text.count(".") >= 3:
        yield from _group_spans(_IPV4, v.text, "ip", 0,
                                lambda m: _is_ip(m[0]) and not _VERSION.search(v.text[max(0, m.start() - 8):m.start()]))
    if v.text.count(":") >= 2:
        yield from _group_spans(_IPV6, v.text, "ip", 0, lambda m: len(m[0]) >= 6 and _is_ip(m[0]))


# Addresses: a run of place components; the province and city at its head stay, the rest (district down) goes.
_NAME = f"(?:(?![在住到寄于是的了我你他她送至往从给把被请将址说])[{_CJK}0-9a-z])"
_PROVINCE_SUFFIX = ("省", "自治区")
_CITY_SUFFIX = ("市", "自治州", "地区", "盟")
_DISTRICT_SUFFIX = ("区", "县", "旗", "市")
_STREET_SUFFIX = ("街道|镇|乡|村|大街|路|街|大道|巷|弄|胡同|小区|花园|公寓|大厦|广场|新村|家园|苑|社区|大院|宿舍|工业园|产业园|园区|"
                  "公馆|名苑|华府|山庄|城|园|里|坊|湾|条|道")
_UNIT_SUFFIX = "号楼|号院|号|栋|幢|座|单元|层|楼|室|户|房|弄|巷|组|条"
# A bare road suffix continues a name that already ended on a suffix: 科技园 + 路. A district suffix right after a
# name that ended on a street suffix belongs to it: 东城 + 区.
_COMPONENT = (f"(?:{_NAME}{{1,8}}?(?:省|自治区|自治州|地区|盟|市|区|县|旗|{_STREET_SUFFIX})(?:区|县)?|"
              f"[0-9a-z一二三四五六七八九十]{{1,6}}(?:-[0-9]{{1,4}})?(?:{_UNIT_SUFFIX})|大街|大道|路|街|巷|弄|胡同)")
# Every component ends on one of these characters (the last of its suffix), at most 12 characters after its start
# (8 of a name and a 3-character suffix, or 6 digits, "-" and 4 more and a 2-character unit). The address scan is
# the dearest of all: the lookahead below spares it the starts with no such character near, and a text with fewer
# than two of them holds no address at all. Neither changes what is found.
_ENDS = "".join(sorted({s[-1] for s in (
    "省|自治区|自治州|地区|盟|市|区|县|旗|大街|大道|路|街|巷|弄|胡同|" + _STREET_SUFFIX + "|" + _UNIT_SUFFIX).split("|")}))
_COMPONENT_END = re.compile(f"[{_ENDS}]")
# Components, then trailing room numbers written without a unit ("3号楼501", "7-1203").
_ADDRESS = re.compile(f"(?=[^{_ENDS}]{{0,12}}[{_ENDS}])(?:{_COMPONENT}){{2,}}(?:-?[0-9]{{1,5}}(?:室|房|号)?(?![0-9]))?",
                      re.I)
_ONE_COMPONENT = re.compile(_COMPONENT, re.I)
_STREET = re.compile(f"(?:{_STREET_SUFFIX}|{_UNIT_SUFFIX})$")


# 条 and 道 end street names (东四十条, 和平路三条, 人民道) and ordinary words (渠道, 第二十五条, 三条评论): they make an
# address only before a house number.
_WEAK_STREET = ("条", "道")
_NOT_STREET = ("渠道", "频道", "通道", "知道", "味道", "报道", "轨道", "管道", "跑道", "车道", "赛道", "隧道", "航道", "难道",
               "一道", "顺道", "公道", "微道", "条条")
_NUMBERED = re.compile("^[0-9a-z一二三四五六七八九十]", re.I)


def _street_level(parts: list[str]) -> bool:
    """Whether address components reach a street: a named street or compound, or two numbered units (3栋501室)."""
    numbered = 0
    for i, part in enumerate(parts):
        if _NUMBERED.match(part):
            numbered += bool(_STREET.search(part))
        elif part.endswith(_WEAK_STREET) and not part.endswith(("大道", "街道")):
            if "第" not in part and not part.endswith(_NOT_STREET) and any(p.endswith("号") for p in parts[i + 1:]):
                return True
        elif _STREET.search(part) and len(part) >= 2:
            return True  # a bare 路 after 这条/几条 is a way, not a street: 这条路走不通
        elif part in ("路", "街", "巷", "弄") and i > 0 and parts[i - 1].endswith(("盟", "区", "县", "市", "旗")) and \
                any(_NUMBERED.match(p) for p in parts[i + 1:]):
            return True  # a street named after a place, read apart from its suffix: 兴安盟 + 街 + 3座
    return numbered >= 2


def address_parts(text: str) -> list[str]:
    """The place components of an address (市, 区, 路, 号, 室...), in order."""
    return [m[0] for m in _ONE_COMPONENT.finditer(text)]


@finder("address")
def _address(v: View) -> Iterator[Span]:
    if len(_COMPONENT_END.findall(v.text)) < 2:
        return
    for match in _ADDRESS.finditer(v.text):
        parts = [v.text[m.start():m.end()] for m in _ONE_COMPONENT.finditer(v.text, match.start(), match.end())]
        # Keep one province and one city, the city only when a district follows it: "昆山市翠苑小区" names a
        # county-level city whose streets are private, "苏州市昆山市" keeps 苏州市.
        start, i = match.start(), 0
        if parts and parts[0].endswith(_PROVINCE_SUFFIX):
            start, i = start + len(parts[0]), 1
        if (len(parts) > i + 1 and parts[i].endswith(_CITY_SUFFIX) and parts[i + 1].endswith(_DISTRICT_SUFFIX)
                and not parts[i + 1].endswith(("小区", "园区", "社区"))):
            start, i = start + len(parts[i]), i + 1
        if _street_level(parts[i:]) and start < match.end():
            yield Span(start, match.end(), "address")


_ORDER = re.compile(r"(?P<kw>订单编号|订单号码|订单号|订单|单号|运单号|运单|快递单号|快递号|快递单|物流单号|物流号|包裹号|tracking|order)"
                    r"\s*(?:no\.?|id|#)?\s*(?:[:：#]|是|为)?\s*"
                    r"(?P<v>[a-z]{0,4}[0-9][0-9a-z\-]{5,30})(?![0-9a-z])", re.I)
_CARRIER = re.compile(r"(?<![0-9a-z])(?:SF|YT|JDV?|JT|ZTO|YD|STO|EMS|DPK|YZ)[0-9]{10,15}(?![0-9a-z])", re.I)
_DATELIKE = re.compile(r"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}$")
_TRACKING_WORDS = ("运", "快递", "物流", "包裹", "tracking")


@finder("order", _DIGIT)
def _order(v: View) -> Iterator[Span]:
    for match in _ORDER.finditer(v.text):
        value = match["v"]
        if _DATELIKE.match(value) or numbers.check(value).verdict == "ok":
            continue
        tracking = any(w in match["kw"].lower() for w in _TRACKING_WORDS)
        yield Span(match.start("v"), match.end("v"), "tracking" if tracking else "order", True)
    yield from _group_spans(_CARRIER, v.text, "tracking")


# A long bare digit run is an order, tracking, card or account number: nothing public is that long. Timestamps in
# milliseconds have 13 digits and stay.
# A short letter prefix ("DY", "JD") does not make it public.
_LONG_NUMBER = re.compile(r"(?<![0-9a-z])[a-z]{0,4}[0-9](?:[0-9]|[ \-](?=[0-9])){14,}(?![0-9a-z])", re.I)


@finder("number", _DIGIT, digits=11)  # the letters in front may be x, which _digits counts
def _long_number(v: View) -> Iterator[Span]:
    yield from _group_spans(_LONG_NUMBER, v.text, "number", 0, lambda m: len(_digits(m[0])) >= 15)


_ROLE_WORDS = {"客服人员": "staff", "客服": "staff", "工作人员": "staff", "专员": "staff", "快递员": "staff",
               "骑手": "staff", "店主": "merchant", "店长": "merchant", "老板": "merchant", "掌柜": "merchant",
               "商家": "merchant", "卖家": "merchant"}
# Role words a bare name follows ("快递员陈玉梅称", "经办人赵丽娟"): the role word stays, the name goes.
NAME_ROLES = ("快递员", "快递小哥", "配送员", "送货员", "派送员", "骑手", "司机", "客服人员", "客服专员", "客服", "售后人员",
               "售后", "店员", "店长", "店主", "主播", "助播", "经办人", "联系人", "收件人", "收货人", "寄件人", "工作人员",
               "业务员", "专员", "经理", "主管", "老板", "掌柜", "导购", "销售", "员工", "同事", "邻居", "朋友", "家属",
               "买家", "卖家", "网友", "律师", "调解员", "执法人员", "代理人", "派件员", "揽件员", "签收人", "负责人",
               "法定代表人", "法人", "丈夫", "妻子", "女儿", "儿子", "父亲", "母亲", "亲属", "室友", "同学")
# Before 先生/女士 any character is taken for a surname (there are hundreds) except these, which make ordinary
# words: 这位先生, 老先生, 各位女士.
_NOT_SURNAME = "位老的名个一两这是为和与及给向对请称该此其各男女好小大新本原前后贵您你我他她们士生姐"
# Words that end just before a person and are not part of the name: 关于孟先生, 对于李女士, 由于王先生.
_FUNCTION_WORDS = ("关于", "对于", "由于", "针对", "至于", "鉴于", "基于", "对", "向", "给", "跟", "与", "和", "同", "及",
                   "为", "被", "把", "让", "叫", "请", "找", "据", "经", "由", "将", "问", "替", "帮", "陪", "等")
# A surname that is also one of those words (于, 和, 向, 常...) starts a name only if no shorter name fits.
_AMBIGUOUS = frozenset("于和向对为同与及把被让叫请找据经由将问替帮陪等跟给")
_HONORIFIC = re.compile("|".join(HONORIFICS))
_NICKNAME = re.compile(f"(?P<role>{'|'.join(_ROLE_WORDS)})(?P<name>[小老阿]{_SURNAME})")
_ROLE_BEFORE = re.compile(f"(?:{'|'.join(sorted(_ROLE_WORDS, key=len, reverse=True))})$")
_ANY_SURNAME = f"(?:{'|'.join(ALL_COMPOUND_SURNAMES)}|[{ALL_SURNAMES}])"
_ROLES = "|".join(sorted(NAME_ROLES, key=len, reverse=True))
_NAME_THEN_BRACKET = re.compile(f"(?<![{_CJK}]){_SURNAME}[{_CJK}]{{1,2}}(?=[(（](?:{_ROLES})[)）])")
_ROLE_NAME = re.compile(f"(?P<role>{_ROLES})"
                        f"(?:是|叫|名叫|为|[:：])?\\s*(?P<name>{_ANY_SURNAME}[{_CJK}]{{1,2}})")
# A name written given name first, as forms with two name fields export it: 经办人昕欣 梁, 骑手玉朵 娄未按时送达.
_GIVEN_FIRST = re.compile(f"(?P<role>{_ROLES})(?:是|叫|为|[:：])?\\s*(?P<name>[{_CJK}]{{1,2}} {_ANY_SURNAME})")
_ROLE_THEN = re.compile(f"(?:{_ROLES})(?:是|叫|为|[:：])?\\s*(?=[{_CJK}])")
# After a word that introduces a name, two or three characters are a name whatever the surname; after a weaker one
# ("本人", "用户") only when it starts with a common surname.
_NAMED = re.compile(f"(?:(?P<strong>姓名|联系人|收件人|收货人|投诉人|举报人|我叫|名叫|户名|持卡人)|"
                    f"(?:本人|买家|消费者|用户))\\s*(?P<sep>[:：]|是|为)?\\s*"
                    f"(?P<name>[{_CJK}]{{2,3}})")
_SURNAME_AT_START = re.compile(_SURNAME)
_CJK_CHARS = re.compile(f"[{_CJK}]+")
# Characters that end a name in running text ("本人王明电话..." is 王明, not 王明电).
_AFTER_NAME = set("电手联的在是于说称表反投购买已了和与及向从到地先女小")
# Characters of the verbs and words that follow 投诉人/收件人 in a sentence ("请投诉人补充截图", "投诉人向平台反映",
# "投诉人未在期限内"): a name does not hold them, so without a colon such a run is no name.
_NOT_IN_NAME = set("补充表示提供反映联系要求申请已经没有未称说的了在是于和与及向从到把被给对等也都还就再并因所可应需将无不自本"
                   "方台商家客服店铺签收货件材料证据截图期限内外重新核实回复确认同意表明声称认为希望")


@functools.lru_cache(maxsize=1 << 14)
def _given_name_at(text: str) -> int:
    """How long a given name standing alone at the start of `text` (right after a role word) is, or 0: the word the
    segmenter cuts there, if it is two characters the dictionary does not know as an ordinary word (remembered:
    role words are followed by the same few words again and again)."""
    if not text or surname_at(text, 0, rare_too=True):
        return 0  # a surname: the role-name rule has looked at it
    words = list(dictionary()[0].cut(text[:6]))
    word = words[0] if words else ""
    if len(word) == 1 and len(words) > 1 and len(words[1]) == 1 and not dictionary()[1].get(word + words[1]):
        word += words[1]  # two characters the dictionary knows only one by one: 收件人昕 + 雨
    elif len(word) == 3 and word[2] in GIVEN_STOP:
        word = word[:2]  # glued to the word after it: 骑手思恩未按时送达
    if len(word) != 2 or not _CJK_CHARS.fullmatch(word) or any(c in GIVEN_STOP or c in _NOT_IN_NAME for c in word):
        return 0
    if dictionary()[1].get(word) and not (tag(word) or "").startswith("nr"):
        return 0  # 客服回复, 客服工号, 司机绕路: words of the dictionary that are not names
    if len(text) > 2 and _CJK_CHARS.match(text, 2) and not (
            text[2] in GIVEN_STOP or text[2] in _NOT_IN_NAME or is_word(text[2:4])):
        return 0
    return 2


def _after_function_word(text: str, s: int) -> bool:
    return any(text.endswith(w, 0, s) for w in _FUNCTION_WORDS)


def honorific_name(text: str, h: int) -> int | None:
    """Where the name before the honorific at `h` starts: 孟先生, 孟德华先生, 欧阳娜娜女士, never 关于孟先生."""
    best: int | None = None
    if h >= 1 and _CJK_CHARS.fullmatch(text, h - 1, h) and text[h - 1] not in _NOT_SURNAME:
        best = h - 1
    for size in (2, 3, 4):
        s = h - size
        if s < 0 or not _CJK_CHARS.fullmatch(text, s, h):
            break
        surname = surname_at(text, s)
        if not surname or size - surname > 2 or size - surname < 1 and surname == 1:
            continue
        if any(c in GIVEN_STOP for c in text[s + surname:h]):
            continue
        if any(text.startswith(w, s) and len(w) > 1 for w in _FUNCTION_WORDS) or any(
                text.endswith(w, 0, s + 1) and len(w) > 1 for w in _FUNCTION_WORDS):
            continue  # 关于孟先生: 关于 is a word, 关 no surname here
        if text[s] in _AMBIGUOUS and best is not None and not _after_function_word(text, s):
            continue  # 和李女士: "and Ms Li"; but 与和平女士, 向于伟先生: after a preposition it is a surname
        if binds_left(text, s) and not _after_function_word(text, s):
            continue  # 当时王先生: 时 belongs to 当时 (but 针对方平女士: 对 belongs to 针对)
        best = s
    return best


# Titles a name goes before like an honorific: 王经理, 王芳经理, 张师傅. The name goes, the title stays.
_TITLE = re.compile("经理|店长|主管|师傅|律师|医生|护士|老板|掌柜")


@finder("person")
def _person(v: View) -> Iterator[Span]:
    text = v.text
    for match in _TITLE.finditer(text):
        start = honorific_name(text, match.start())
        if start is not None and surname_at(text, start) and (
                match.start() - start == 1 or not is_word(text[start:match.start()])):
            yield Span(start, match.start(), "named")
    for match in _HONORIFIC.finditer(text):
        start = honorific_name(text, match.start())
        if start is None:
            continue
        role = _ROLE_BEFORE.search(text, max(0, start - 4), start)
        kind = _ROLE_WORDS[role[0]] if role else "person"
        yield Span(role.start() if role else start, match.end(), kind)
    for match in _NICKNAME.finditer(text):
        yield Span(match.start(), match.end(), _ROLE_WORDS[match["role"]])
    for match in _NAME_THEN_BRACKET.finditer(text):
        yield Span(match.start(), match.end(), "named")  # 蒋涛（店主）: the bracketed role stays
    for match in _ROLE_NAME.finditer(text):
        start = match.start("name")
        if text[start + 1] in GIVEN_STOP or text.startswith(HONORIFICS, start + 1) or text[start] in _AMBIGUOUS:
            continue  # 客服的回复; 客服张先生 is found above; 售后和投诉: 和 is "and" there
        end = name_end(text, start)
        while end - start > 2 and text[end - 1] in GIVEN_STOP:
            end -= 1
        if is_word(text[start:end]):
            continue  # 快递员应当...: 应 is a surname, 应当 a word
        yield Span(start, end, "named")
    for match in _GIVEN_FIRST.finditer(text):
        start, end = match.span("name")
        if end < len(text) and _CJK_CHARS.match(text, end) and not (
                text[end] in GIVEN_STOP or text[end] in _NOT_IN_NAME or is_word(text[end:end + 2])):
            continue  # 客服小李 王 ...: the "surname" begins a word that goes on
        yield Span(start, end, "named")
    for match in _ROLE_THEN.finditer(text):
        # A given name alone after a role word (配送员知芸说, 经办人淑珍，). Unsure: privacy.unsure decides.
        start = match.end()
        size = _given_name_at(text[start:start + 8])
        if size:
            yield Span(start, start + size, "named", unsure=True)
    for match in _NAMED.finditer(text):
        start, end = match.start("name"), match.end("name")
        if not (match["strong"] and match["sep"]) and not _SURNAME_AT_START.match(text, start):
            continue  # only "投诉人：冀桂兰" may name someone whose surname is not a common one
        if not match["sep"] and any(c in _NOT_IN_NAME for c in text[start + 1:end]):
            continue
        while end - start > 2 and text[end - 1] in _AFTER_NAME:
            end -= 1
        if text[end - 1] in _AFTER_NAME or text[start] in _AFTER_NAME:
            continue
        if not match["strong"] and not match["sep"]:
            # Without a colon the words after 消费者 are read as the segmenter cuts them: 消费者王芳退款 names 王芳,
            # 消费者全额退款 names nobody (全 is a surname, 全额 a word).
            end = min(end, name_end(text, start))
            if is_word(text[start:end]) or is_word(text[start:start + 2]):
                continue
        yield Span(start, end, "person")


# What stays public even when a detector proposes it.
# With the KS prefix or its dashes only: a bare 9-character run could be the middle of a phone number.
_COMPLAINT_NUMBER = re.compile(r"(?<![0-9a-z])(?:ks[-\s]?[0-9a-z]{4}[-\s]?[0-9a-z]{4}[-\s]?[0-9a-z]|"
                               r"[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z])(?![0-9a-z])", re.I)
_HOTLINE = re.compile(rf"(?<![0-9a-z])(?:[48]00{S}[0-9]{{3}}{S}[0-9]{{4}}|95[0-9]{{3}}|1[0-2][0-9]{{3}})(?![0-9a-z])", re.I)
_CREDIT_CODE = re.compile(r"(?<![0-9a-z])[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}(?![0-9a-z])")


def public_spans(v: View) -> list[tuple[int, int]]:
    """Spans that must stay: complaint numbers, business hotlines and service numbers, company credit codes."""
    found = [(m.start(), m.end()) for m in _COMPLAINT_NUMBER.finditer(v.text)
             if numbers.check(m[0]).verdict == "ok"]
    found += [(m.start(), m.end()) for m in _HOTLINE.finditer(v.text)]
    found += [(m.start(), m.end()) for m in _CREDIT_CODE.finditer(v.text)
              if uscc.is_valid(m[0]) and not valid_id18(m[0])]
    return found


def detect(v: View, only: frozenset[str] | None = None) -> list[Span]:
    """Every pattern span in the view (from the `only` detectors, if given), minus those overlapping something public."""
    text = v.text
    digits = len(_NOT_DIGITS.sub("", text))
    keep: list[tuple[int, int]] | None = None  # looked for only once something is found: most texts hold nothing
    spans: list[Span] = []
    present = {_DIGIT: digits > 0, _ALNUM: digits > 0 or bool(_ALNUM.search(text))}
    for name, fn in FINDERS:
        if only is not None and name not in only or name in _NEEDS and not present[_NEEDS[name]] \
                or digits < _MIN_DIGITS.get(name, 0):
            continue
        for span in fn(v):
            # Only a detection inside something public goes: "晋Y 95635" is a plate even though 95635 could be a
            # bank's hotline; and "QQ 4004697210" is a QQ number however much it looks like a hotline.
            if span.context:
                spans.append(span)
                continue
            if keep is None:
                keep = public_spans(v) if digits else []
            if not any(a <= span.start and span.end <= b for a, b in keep):
                spans.append(span)
    return spans
