"""Pattern detectors: tricky positives each detector must find, and look-alikes it must leave alone."""

from __future__ import annotations

import pytest

from kspages.privacy import Scrubber
from kspages.privacy.detect import valid_id15, valid_id18


def kinds(text: str) -> list[tuple[str, str]]:
    """(kind, original text) of every replacement the pattern layer makes (no known values)."""
    return [(h.kind, h.original) for h in Scrubber().scrub(text).hits]


@pytest.mark.parametrize("text, kind, found", [
    ("电话13812345678。", "mobile", "13812345678"),
    ("电话 138 1234 5678 转", "mobile", "138 1234 5678"),
    ("手机：+86-138-1234-5678", "mobile", "+86-138-1234-5678"),
    ("号码 008613812345678", "mobile", "008613812345678"),
    ("电话１３８１２３４５６７８", "mobile", "１３８１２３４５６７８"),
    ("号码是一三八一二三四五六七八", "mobile", "一三八一二三四五六七八"),
    ("尾号是 138****5678 的用户", "mobile", "138****5678"),
    ("虚拟运营商 17012345678 和 16612345678", "mobile", "17012345678"),
    ("座机 0755-83456789", "landline", "0755-83456789"),
    ("电话(010)62345678", "landline", "(010)62345678"),
    ("家里座机 6234 5678", "landline", "6234 5678"),
    ("身份证 11010519491231002X", "id_card", "11010519491231002X"),
    ("证件 110105 19491231 002x 已核验", "id_card", "110105 19491231 002x"),
    ("身份证号码：110105491231002", "id_card", "110105491231002"),
    ("身份证号 110105********002X", "id_card", "110105********002X"),
    ("银行卡 6222 0202 0000 0000 000", "bank_card", "6222 0202 0000 0000 000"),
    ("退款到卡号6217000010001234567", "bank_card", "6217000010001234567"),
    ("邮箱 zhang.san88@qq.com", "email", "zhang.san88@qq.com"),
    ("发到 zhangsan艾特163点com", "email", "zhangsan艾特163点com"),
    ("mail: li (at) example [dot] org", "email", "li (at) example [dot] org"),
    ("加我扣扣：12345678", "qq", "12345678"),
    ("QQ群号 987654321", "qq", "987654321"),
    ("微信号: zhang_san88", "wechat", "zhang_san88"),
    ("加V信 wxid_abcdefgh123", "wechat", "wxid_abcdefgh123"),
    ("vx：lily2024", "wechat", "lily2024"),
    ("车牌粤B12345", "plate", "粤B12345"),
    ("新能源车 沪AD12345", "plate", "沪AD12345"),
    ("登录 IP 223.5.5.5", "ip", "223.5.5.5"),
    ("IPv6 2409:8a00:1:2::1 登录", "ip", "2409:8a00:1:2::1"),
    ("寄到广东省深圳市南山区科技园路88号3栋501室", "address", "南山区科技园路88号3栋501室"),
    ("住在苏州市昆山市翠苑小区29栋", "address", "昆山市翠苑小区29栋"),
    ("订单号：6912345678901234567", "order", "6912345678901234567"),
    ("快递单号 SF1234567890123", "tracking", "SF1234567890123"),
    ("JDV012345678901 的包裹", "tracking", "JDV012345678901"),
    ("张女士表示满意", "person", "张女士"),
    ("亢先生反映", "person", "亢先生"),
    ("投诉人：冀桂兰，电话", "person", "冀桂兰"),
    ("客服王小姐称会处理", "staff", "客服王小姐"),
    ("店主老李拒绝退款", "merchant", "店主老李"),
])
def test_detector_finds(text: str, kind: str, found: str) -> None:
    assert (kind, found) in kinds(text)


@pytest.mark.parametrize("text", [
    "商品标价¥199.00，实付 1380.00 元",
    "订单 2026-03-14 20:15:33 下单",
    "时间戳 1764134400000",
    "流水号 913812345678 不是手机号",  # 12 digits: a longer run is not cut into a phone
    "品牌热线 400-820-8820，或 800 810 8888",
    "全国 12315 热线，银行 95588",
    "投诉编号 KS-4QGJ-5S13-0 可查询",
    "统一社会信用代码 91110000600037341L",
    "李宁旗舰店的运动鞋，王老吉凉茶，康师傅方便面",
    "这位女士和老先生都反映了",
    "5号电池，口红 3号色",
    "路由器信号差",
    "版本 v2.3.1.0 无法举报",
    "生产日期 20260301，条码 6901234567892",
    "身份证明材料已提交",
    "客服回复已处理",
    "微信支付退款，vx 联系商家",
    "南山区市场监管局已受理",
    "商品 SKU 100023456789",
    "请投诉人补充直播截图，投诉人未在期限内补充材料。",
    "投诉人向平台反映后，收件人签收时发现破损，联系人变更请告知。",
    "投诉人表示同意，买家确认收货。",
])
def test_detectors_leave_alone(text: str) -> None:
    assert kinds(text) == []


def test_id_validation_checks_check_digit_date_and_area() -> None:
    assert valid_id18("11010519491231002X")
    assert not valid_id18("110105194912310021")  # wrong check digit
    assert not valid_id18("11010519491331002X")  # month 13
    assert not valid_id18("99010519491231002X")  # no province 99
    assert valid_id15("110105491231002") and not valid_id15("110105491331002")


def test_a_bank_card_without_context_or_luhn_is_not_a_bank_card() -> None:
    assert ("bank_card", "6222020200000000000") not in kinds("编号 6222020200000000000")
    # ...but a run that long is still personal: it is hidden as a number of unknown kind.
    assert kinds("编号 6222020200000000000") == [("number", "6222020200000000000")]


def test_overlapping_detections_merge_so_nothing_is_left_half_visible() -> None:
    out = Scrubber().scrub("收货人：王小明，地址：北京市朝阳区建国路88号")
    assert out.text == "收货人：消费者，地址：北京市〔地址〕"
