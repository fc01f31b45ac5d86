"""A synthetic zh-CN corpus of complaint text with gold spans of personal data, and a corpus of negatives.

Seeded (Faker `zh_CN` plus providers for what Faker lacks), so every run measures the same text. Sentence templates
are split in two: the scrubber was tuned on TUNING only; HELD_OUT is text it never saw while being written.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from faker import Faker
from stdnum import luhn
from stdnum.cn import ric

from kspages import numbers

AREA_CODES = ["010", "020", "021", "022", "023", "024", "025", "027", "028", "029", "0311", "0371", "0431", "0451",
              "0471", "0531", "0551", "0571", "0591", "0731", "0755", "0757", "0769", "0851", "0871", "0898"]
MOBILE_PREFIXES = ["130", "131", "132", "133", "135", "136", "137", "138", "139", "145", "147", "150", "151", "152",
                   "155", "156", "157", "158", "159", "162", "165", "166", "167", "170", "171", "173", "175", "176",
                   "177", "178", "180", "181", "183", "185", "186", "187", "188", "189", "190", "191", "193", "195",
                   "196", "197", "198", "199"]
ID_AREAS = ["110105", "310104", "440305", "440106", "320106", "330106", "420111", "510107", "610113", "500103",
            "370102", "410105", "430104", "350102", "210102", "120101", "130102", "140105", "220102", "230103",
            "340104", "360102", "450103", "460106", "520102", "530102", "620102", "630102", "640104", "650102"]
PLATE_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
CN_DIGITS = "零一二三四五六七八九"
CITIES = [("广东省", "深圳市", ["南山区", "福田区", "宝安区", "龙岗区"]), ("广东省", "广州市", ["天河区", "越秀区", "海珠区"]),
          ("浙江省", "杭州市", ["西湖区", "余杭区", "滨江区"]), ("江苏省", "南京市", ["鼓楼区", "玄武区", "江宁区"]),
          ("四川省", "成都市", ["武侯区", "锦江区", "高新区"]), ("湖北省", "武汉市", ["洪山区", "江汉区", "武昌区"]),
          ("", "北京市", ["朝阳区", "海淀区", "丰台区"]), ("", "上海市", ["浦东新区", "徐汇区", "闵行区"]),
          ("山东省", "青岛市", ["市南区", "崂山区"]), ("河南省", "郑州市", ["金水区", "二七区"]),
          ("福建省", "厦门市", ["思明区", "湖里区"]), ("江苏省", "苏州市", ["昆山市", "吴江区", "常熟市"]),
          ("云南省", "大理白族自治州", ["大理市", "宾川县"])]
ROADS = ["科技园路", "中山路", "解放大道", "人民路", "建设街", "和平路", "文三路", "长江路", "延安西路", "幸福大街", "学院路",
         "滨河东路", "光明巷", "新华街"]
COMPOUNDS = ["阳光花园", "锦绣家园", "碧桂园", "万科城", "翠苑小区", "金色公寓", "世纪大厦", "东湖新村", "华润公馆", "龙湖山庄"]
CARRIERS = [("SF", 12), ("YT", 13), ("JDV", 12), ("JT", 13), ("ZTO", 12), ("YD", 13)]


@dataclass(frozen=True)
class Piece:
    """A generated value: the text written, its kind, and the part of it that is personal (kept prefix excluded)."""

    text: str
    kind: str
    private: str  # the personal part as written; the rest of `text` (a province and city) may stay
    value: str = ""  # the value as a record would store it ("" when a record would not hold it)


@dataclass
class Sample:
    """One sentence, with gold spans (start, end, kind) of its personal data."""

    text: str
    spans: list[tuple[int, int, str]] = field(default_factory=list)
    values: list[Piece] = field(default_factory=list)


class Providers:
    """Value generators for every kind of personal data, in the forms people write them."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.fake = Faker("zh_CN")
        self.fake.seed_instance(seed)

    def _choice(self, items: list[str] | str) -> str:
        return self.rng.choice(items)

    def _digits(self, n: int) -> str:
        return "".join(self._choice("0123456789") for _ in range(n))

    def mobile_digits(self) -> str:
        return self._choice(MOBILE_PREFIXES) + self._digits(8)

    def mobile(self) -> Piece:
        d = self.mobile_digits()
        form = self.rng.randrange(8)
        text = [d, f"{d[:3]} {d[3:7]} {d[7:]}", f"{d[:3]}-{d[3:7]}-{d[7:]}", f"+86 {d}", f"+86-{d[:3]}-{d[3:7]}-{d[7:]}",
                d.translate(str.maketrans("0123456789", "０１２３４５６７８９")), "".join(CN_DIGITS[int(c)] for c in d),
                f"{d[:3]}****{d[7:]}"][form]
        return Piece(text, "mobile", text, d)

    def landline(self) -> Piece:
        area = self._choice(AREA_CODES)
        local = self._choice("2345678") + self._digits(7 if len(area) == 3 else self.rng.choice([6, 7]))
        text = self._choice([f"{area}-{local}", f"({area}){local}", f"{area} {local[:4]} {local[4:]}", f"{area}{local}"])
        return Piece(text, "landline", text, area + local)

    def id18(self) -> str:
        day = self.fake.date_of_birth(minimum_age=18, maximum_age=80).strftime("%Y%m%d")
        body = self._choice(ID_AREAS) + day + self._digits(3)
        return body + ric.calc_check_digit(body + "0")  # stdnum wants a placeholder where the check digit goes

    def id_card(self) -> Piece:
        d = self.id18()
        text = self._choice([d, d, f"{d[:6]} {d[6:14]} {d[14:]}", d.lower()])
        return Piece(text, "id_card", text, d)

    def id15(self) -> Piece:
        day = self.fake.date_of_birth(minimum_age=45, maximum_age=80).strftime("%y%m%d")
        text = self._choice(ID_AREAS) + day + self._digits(3)
        return Piece(text, "id_card", text, text)

    def bank_card(self) -> Piece:
        prefix = self._choice(["622202", "621700", "622848", "623668", "436742", "622588", "518710", "625965"])
        body = prefix + self._digits(self.rng.choice([9, 12]))
        d = body + luhn.calc_check_digit(body)
        text = self._choice([d, " ".join(d[i:i + 4] for i in range(0, len(d), 4))])
        return Piece(text, "bank_card", text, d)

    def email(self) -> Piece:
        user = self.fake.user_name() + self._choice(["", self._digits(2), self._digits(4)])
        domain = self._choice(["qq.com", "163.com", "126.com", "sina.com", "gmail.com", "foxmail.com", "yeah.net"])
        name, tld = domain.split(".")
        text = self._choice([f"{user}@{domain}", f"{user}＠{domain}", f"{user}艾特{domain}", f"{user}(at){domain}",
                             f"{user}#{domain}", f"{user}艾特{name}点{tld}", f"{user} at {name} dot {tld}"])
        return Piece(text, "email", text, f"{user}@{domain}")

    def qq(self) -> Piece:
        text = self._choice("123456789") + self._digits(self.rng.randint(5, 9))
        return Piece(text, "qq", text, text)

    def wechat(self) -> Piece:
        text = self._choice([
            "wxid_" + "".join(self._choice("abcdefghijkmnpqrstuvwxyz0123456789") for _ in range(14)),
            (self.fake.user_name() + self._digits(self.rng.randint(1, 4))).ljust(6, "8"),
            self.fake.user_name() + "_" + self._digits(2),
            self.mobile_digits()])
        return Piece(text, "wechat", text, text)

    def plate(self) -> Piece:
        p, letter = self._choice(PLATE_PROVINCES), self._choice(PLATE_LETTERS)
        if self.rng.random() < 0.4:  # new energy: 6 characters
            serial = self._choice(["D", "F"]) + self._choice(PLATE_LETTERS + "0123456789") + self._digits(4)
        else:
            serial = "".join(self._choice(PLATE_LETTERS[:8] + "0123456789") for _ in range(2)) + self._digits(3)
        text = self._choice([f"{p}{letter}{serial}", f"{p}{letter}·{serial}", f"{p}{letter} {serial}"])
        return Piece(text, "plate", text, text)

    def ip(self) -> Piece:
        text = self.fake.ipv4() if self.rng.random() < 0.7 else self.fake.ipv6()
        return Piece(text, "ip", text, text)

    def address(self) -> Piece:
        province, city, districts = self.rng.choice(CITIES)
        district = self._choice(districts)
        street = self._choice([f"{self._choice(ROADS)}{self.rng.randint(1, 999)}号",
                               f"{self._choice(ROADS)}{self.rng.randint(1, 300)}号{self._choice(COMPOUNDS)}",
                               f"{self._choice(COMPOUNDS)}{self.rng.randint(1, 30)}栋"])
        unit = self._choice(["", f"{self.rng.randint(1, 6)}单元{self.rng.randint(101, 2504)}室",
                             f"{self.rng.randint(101, 3208)}室", f"{self.rng.randint(1, 20)}号楼{self.rng.randint(101, 1802)}"])
        town = self._choice(["", "", "粤海街道", "城关镇"]) if province == "广东省" else ""
        head = self._choice([province + city, city, ""])
        private = district + town + street + unit
        return Piece(head + private, "address", private, province + city + private)

    def order(self) -> Piece:
        text = self._choice(["6" + self._digits(18), "4" + self._digits(18), "2603" + self._digits(11),
                             "DY" + self._digits(17)])
        return Piece(text, "order", text, text)

    def tracking(self) -> Piece:
        prefix, n = self.rng.choice(CARRIERS)
        text = self._choice([prefix + self._digits(n), "7" + self._digits(13), "YT" + self._digits(13)])
        return Piece(text, "tracking", text, text)

    def name(self) -> Piece:
        text = self.fake.name()
        return Piece(text, "name", text, text)

    def honorific(self) -> Piece:
        text = self.fake.last_name() + self._choice(["先生", "女士", "小姐"])
        return Piece(text, "person", text)


Template = str  # slots: {mobile}, {landline}, {id_card}, {id15}, {bank_card}, {email}, {qq}, {wechat}, {plate}, ...

TUNING: list[Template] = [
    "消费者反映，商家客服多次拨打其手机{mobile}推销。",
    "联系电话：{mobile}，工作日可拨打。",
    "请尽快回电{mobile}，谢谢。",
    "我的电话是{mobile}，座机{landline}。",
    "商家把我的身份证号{id_card}写在了快递面单上。",
    "身份证：{id_card}，要求核实身份。",
    "老证件号码{id15}无法通过平台验证。",
    "退款请打到银行卡{bank_card}。",
    "我的借记卡卡号 {bank_card} 被商家要求提供。",
    "请发邮件到{email}，我会补充截图。",
    "可以发到我邮箱 {email} 吗？",
    "加我QQ{qq}详聊。",
    "QQ号：{qq}，客服让我加的。",
    "客服让我加微信号{wechat}私下退款。",
    "商家要求加vx：{wechat}，说能便宜。",
    "送货车辆{plate}没有按时到达。",
    "快递员开的是{plate}，把包裹放在门口。",
    "登录时提示异常，IP为{ip}。",
    "收货地址{address}，包裹被放错了。",
    "我住在{address}，商家说地址超出配送范围。",
    "订单号：{order}，申请退款被拒。",
    "订单编号{order}的商品与描述不符。",
    "快递单号{tracking}一直没有更新。",
    "运单号：{tracking}，显示已签收但我没收到。",
    "{honorific}表示商品与直播间描述不符。",
    "客服{honorific}称会在三天内处理。",
    "联系人：{name}，电话{mobile}。",
    "本人{name}，购买后发现是假货。",
    "收件人：{name}，地址：{address}。",
    "座机号码{landline}，晚上有人接。",
]

HELD_OUT: list[Template] = [
    "主播在直播时说可以打{mobile}咨询，打过去是个人手机。",
    "我({mobile})已经提交了截图。",
    "消费者手机尾号不要公开，完整号码为{mobile}。",
    "办公电话{landline}，转前台。",
    "她提供了公民身份号码{id_card}用于实名。",
    "证件号{id15}已于十年前换发。",
    "商家索要信用卡号{bank_card}和验证码，涉嫌诈骗。",
    "汇款账号：{bank_card}（工商银行）。",
    "有问题请联系 {email}。",
    "邮箱地址为{email}，已发送凭证。",
    "扣扣{qq}，请商家加我。",
    "商家的QQ群号{qq}里全是托。",
    "对方微信：{wechat}，已拉黑。",
    "加V信{wechat}可以返现，这是诱导站外交易。",
    "车牌号为{plate}的货车把商品压坏了。",
    "外卖骑手车牌{plate}，态度很差。",
    "平台记录的登录地址为{ip}。",
    "请把换货寄到{address}。",
    "家庭住址：{address}，请不要公开。",
    "我家在{address}，快递说找不到。",
    "投诉涉及订单{order}，金额199元。",
    "单号{order}显示交易成功，实际未发货。",
    "物流单号：{tracking}，请核实。",
    "快递号{tracking}被商家填错了。",
    "{honorific}的投诉已受理。",
    "店主{honorific}拒绝退款。",
    "投诉人：{name}，2026年3月下单。",
    "我叫{name}，在直播间买了一双鞋。",
    "收货人{name}，手机{mobile}，地址{address}。",
    "工作人员已致电{name}核实情况。",
    "电话：{mobile}/{landline}（均可）",
    "手机号{mobile}微信同号。",
    "客户（{name}，{mobile}）要求三倍赔偿。",
    "ID:{id_card}，请核对。",
    "email：{email}；qq：{qq}",
    "送货地址是{address}附近的快递柜。",
    "车牌{plate}的司机没有送货上门。",
    "订单：{order}、{order}两笔都没发货。",
    "运单{tracking}（中通）停在中转站。",
    "wx {wechat} 是商家私下给的。",
    "{honorific}和{honorific}都投诉了同一家店。",
]

NEGATIVES: list[str] = [
    "商品标价¥199.00，实际支付259元，差价60元。",
    "2026年3月14日下单，3月20日收到货。",
    "下单时间 2026-03-14 20:15:33，支付时间 2026-03-14 20:16:02。",
    "系统时间戳 1764134400000 显示订单已关闭。",
    "商品编码 SKU 100023456789，规格 500g×2 袋。",
    "品牌客服热线 400-820-8820，工作时间 9:00-18:00。",
    "可拨打 800-810-8888 或全国12315热线反映。",
    "投诉编号 {complaint}，可在本站查询进度。",
    "企业统一社会信用代码 {credit}。",
    "李宁旗舰店的运动鞋鞋底开胶。",
    "购买的王老吉凉茶临近保质期。",
    "周大福金饰克重与标注不符，少了 0.35 克。",
    "张小泉剪刀是在直播间买的，刀刃有缺口。",
    "马应龙药膏的包装被拆过。",
    "康师傅方便面整箱过期。",
    "老干妈辣酱收到时瓶子破了。",
    "iPhone 15 Pro 256GB 的价格写着 5999 元，结算时变成 6999 元。",
    "型号 XR-2000 的吸尘器功率只有宣传的一半。",
    "优惠券满 300 减 50，结算时没有生效。",
    "退款 128.50 元已于 3 个工作日内原路退回。",
    "平台规定 48 小时内发货，商家拖了 7 天。",
    "商品评分 4.8 分，好评率 98%。",
    "客服回复：您的问题已记录，请耐心等待。",
    "根据《消费者权益保护法》第五十五条，可要求退一赔三。",
    "直播间在线人数 12000 人，主播称库存只剩 100 件。",
    "版本 v2.3.1.0 的应用无法提交举报。",
    "平台在第 15 天作出处理决定。",
    "同款商品在另一家店卖 89.9 元。",
    "快递于 18:30 送达，驿站编号 3-2-1045。",
    "请在 7 日内补充证据，逾期视为放弃。",
    "华为 Mate 60 手机壳尺寸不符。",
    "小米 14 充电器功率标注 120W，实测 65W。",
    "一共买了三件，退了两件，还有一件未处理。",
    "商家称二〇二六年三月已经发货。",
    "订单金额 1,299.00 元，运费 12 元。",
    "第 3 期分期金额 433 元。",
    "营业执照注册号与店铺信息一致。",
    "商家保证金 20000 元已被冻结 15 天。",
    "电话回访满意度为 5 分。",
    "门店地址在商场三楼，具体以页面为准。",
    "南山区市场监管局已经受理了线下投诉。",
    "生产日期 20260301，保质期 18 个月。",
    "批号 B2026031401 的产品存在质量问题。",
    "条形码 6901234567892 与包装不符。",
    "商品重 1.5kg，标注 2kg。",
    "主播承诺的赠品价值 99 元，实际未发。",
    "平台 95188 客服电话无人接听。",
    "商家客服工号未显示。",
    "请在订单详情页点击“投诉商家”。",
    "12345 政务热线也可以反映。",
    "商品标价{price}元，到手价{price}元。",
    "{date} 提交举报，{date} 收到处理结果。",
    "支付流水时间戳 {ts}。",
    "商品 ID {sku}，同款链接已失效。",
    "包装条码 {ean} 查不到生产企业。",
    "商家售后电话 {hotline}，一直占线。",
    "编号 {complaint} 的投诉已经办结。",
    "代码为 {credit} 的企业不是本店的经营者。",
    "这位女士说商品有划痕，老先生也反映了同样的问题。",
    "各位女士先生，请保留好聊天记录。",
    "路由器信号很差，说明书写的覆盖 200 平方米。",
    "5号电池一板 12 节，实际只有 10 节。",
    "口红 3号色和直播间展示的颜色差别很大。",
    "商场 A 区 3 排的专柜已经撤了。",
    "主播说世纪大厦店周年庆全场五折。",
    "街舞鞋穿了两次就开胶了。",
    "显卡型号 RTX4090，实际发货 RTX4060。",
    "第 {int} 号直播间的抽奖没有公示结果。",
    "商品库存 {int} 件，已售 {int} 件。",
    "平台规则第 {int} 条规定了七天无理由退货。",
    "客服说已经记录，请等待 {int} 个工作日。",
    "商家回复：亲，已经给您补发了哦。",
    "2026 款新品到手价 1,099 元，比预售贵了 100 元。",
    "我在抖音商城买的李宁跑鞋，鞋码 42 码。",
    "王老吉和加多宝都是凉茶品牌。",
    "张小泉旗舰店的客服态度很好。",
    "平台已对商家处以 {int} 元违约金。",
    "订单状态显示“已完成”，但货还没到。",
    "运费险理赔 {price} 元已到账。",
    "请投诉人补充直播截图，投诉人未在期限内补充材料。",
    "投诉人向平台反映后，商家主动联系协商。",
    "收件人签收时发现外包装破损。",
    "联系人变更后请及时告知平台。",
    "投诉人表示认可处理结果，买家已确认收货。",
]


def fill(template: Template, p: Providers) -> Sample:
    """Fill the slots of a template with fresh values and record gold spans."""
    sample = Sample("")
    pos = 0
    out: list[str] = []
    for match in re.finditer(r"\{(\w+)\}", template):
        out.append(template[pos:match.start()])
        piece: Piece = getattr(p, match[1])()
        start = sum(len(s) for s in out)
        out.append(piece.text)
        private_start = start + len(piece.text) - len(piece.private)
        sample.spans.append((private_start, start + len(piece.text), piece.kind))
        sample.values.append(piece)
        pos = match.end()
    out.append(template[pos:])
    sample.text = "".join(out)
    return sample


def positives(templates: list[Template], per_template: int, seed: int) -> list[Sample]:
    """`per_template` filled samples of each template."""
    p = Providers(seed)
    return [fill(t, p) for t in templates for _ in range(per_template)]


def negatives(per_template: int, seed: int) -> list[str]:
    """Sentences with nothing personal in them that the public needs kept."""
    rng = random.Random(seed)
    from stdnum.cn import uscc

    def credit() -> str:
        body = "91" + "".join(rng.choice("0123456789") for _ in range(6)) + "".join(
            rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(9))
        return body + uscc.calc_check_digit(body)

    def ean() -> str:
        body = "69" + "".join(rng.choice("0123456789") for _ in range(10))
        return body + str((10 - sum(int(c) * (3 if i % 2 else 1) for i, c in enumerate(body)) % 10) % 10)

    make: dict[str, Callable[[], str]] = {
        "complaint": lambda: numbers.generate(rng), "credit": credit, "ean": ean,
        "price": lambda: f"{rng.randint(1, 9999)}.{rng.randint(0, 99):02d}",
        "date": lambda: f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        "ts": lambda: str(rng.randint(1_700_000_000_000, 1_800_000_000_000)),
        "sku": lambda: str(rng.randint(10**11, 10**12 - 1)),
        "hotline": lambda: rng.choice(["400", "800"]) + f"-{rng.randint(100, 999)}-{rng.randint(1000, 9999)}",
        "int": lambda: str(rng.randint(1, 5000)),
    }
    return [re.sub(r"\{(\w+)\}", lambda m: make[m[1]](), t) for t in NEGATIVES for _ in range(per_template)]
