"""Hand-written staff notes and a hand-written negative set: evaluation only, never tuning material.

HELD OUT. These texts were written by hand the way a consumer-complaint team writes YAML history notes and notice
titles and bodies. Do not copy them into code, tests, fixtures or docs elsewhere, and do not tune the scrubber on them:
`python -m benchmarks.privacy.evaluate` prints only counts for this set, never its sentences. Add new notes rather
than editing the ones that fail.

Every personal span is annotated (substring, kind, own?) and located in code (`gold_by_substring` raises when an
annotation does not occur in its text). "Own" spans are values of the note's record (passed to the Scrubber as known
values, as in a build); the others belong to third parties (couriers, shop staff, other buyers) and only patterns can
find them.
"""

from __future__ import annotations

import random
import re

from kspages import numbers
from kspages.model import PrivateValue

from .measure import Case, gold_by_substring, name_words

OWN, THIRD = True, False  # the complainant's own value / a third party's

# The records the notes belong to, with values as staff type them into a record.
RECORDS: dict[str, dict[str, str]] = {
    "A": {"complainant.name": "孟庆华", "complainant.gender": "男", "complainant.phone": "13911872046",
          "complainant.address": "北京市东城区东四十条106号2单元301室", "order.id": "4382019937465021886",
          "order.tracking": "SF1402938475612"},
    "B": {"complainant.name": "李秀英", "complainant.gender": "女", "complainant.phone": "15867234519",
          "complainant.landline": "0571-86729034", "complainant.address": "浙江省杭州市西湖区文一西路998号海创园5幢1203室",
          "complainant.email": "lixiuying1987@163.com"},
    "C": {"complainant.name": "赵建国", "complainant.gender": "男", "complainant.phone": "18620937461",
          "complainant.address": "广东省深圳市福田区华强北街道振华路52号华强广场A座1708",
          "complainant.wechat": "zjg_8866", "complainant.id_number": "440304198107153219"},
    "D": {"complainant.name": "王丽娟", "complainant.gender": "女", "complainant.phone": "13761502984",
          "complainant.address": "上海市黄浦区云南中路171弄8号601室", "complainant.qq": "28473615",
          "complainant.bank_card": "6222021001116245702"},
    "E": {"complainant.name": "陈志强", "complainant.gender": "男", "complainant.phone": "17709283145",
          "complainant.landline": "(028) 8554 3107", "complainant.address": "四川省成都市武侯区洗面桥横街8号3栋2单元402",
          "order.id": "260314887102936"},
    "F": {"complainant.name": "周晓梅", "complainant.gender": "女", "complainant.phone": "19931476208",
          "complainant.address": "湖北省武汉市江汉区交通巷12号", "complainant.email": "xiaomei.zhou@qq.com"},
    "G": {"complainant.name": "欧阳文博", "complainant.gender": "男", "complainant.phone": "+86 150-93827164",
          "complainant.address": "河南省郑州市金水区纬五路21号院3号楼1单元", "complainant.id_number": "110101197603044520"},
    "H": {"complainant.name": "刘芳", "complainant.gender": "女", "complainant.phone": "18811093375",
          "complainant.address": "北京市西城区西四北三条27号", "order.tracking": "YT7719283746510"},
}

Span = tuple[str, str, bool]

NOTES: list[tuple[str, str, list[Span]]] = [
    # --- calls with the complainant ---
    ("A", "电话联系孟先生，称已于周一将商品寄回，等待商家退款。", [("孟先生", "person", OWN)]),
    ("A", "孟庆华来电补充：收到的羽绒服含绒量标签与页面不符。", [("孟庆华", "name", OWN)]),
    ("A", "已致电庆华核实，商品吊牌已剪，但未穿着。", [("庆华", "name", OWN)]),
    ("A", "回访消费者，电话139 1187 2046无人接听，已发短信。", [("139 1187 2046", "mobile", OWN)]),
    ("A", "消费者要求将退款打回原支付账户，订单号4382019937465021886。", [("4382019937465021886", "order", OWN)]),
    ("A", "顺丰单号SF1402938475612显示已退回商家仓库。", [("SF1402938475612", "tracking", OWN)]),
    ("A", "消费者地址为东四十条106号2单元301室，快递员称敲门无人。", [("东四十条106号2单元301室", "address", OWN)]),
    ("A", "关于孟庆华反映羽绒服含绒量不符的处理结果", [("孟庆华", "name", OWN)]),
    ("A", "孟先生同意换货，商家承诺48小时内发出。", [("孟先生", "person", OWN)]),
    ("A", "与消费者孟庆华电话沟通（13911872046），其表示接受部分退款。",
     [("孟庆华", "name", OWN), ("13911872046", "mobile", OWN)]),
    ("A", "快递员吴桂兰称送货时消费者不在家，放在了门卫室。", [("吴桂兰", "name", THIRD)]),
    ("A", "商家客服许文静答复：已登记，三个工作日内处理。", [("许文静", "name", THIRD)]),
    ("A", "对于孟先生提出的三倍赔偿要求，商家不予认可。", [("孟先生", "person", OWN)]),
    ("A", "针对孟庆华投诉的虚假宣传问题，平台已下架相关商品。", [("孟庆华", "name", OWN)]),
    ("A", "商家退货地址：北京市朝阳区酒仙桥路14号院2号楼，收件人马晓东。",
     [("朝阳区酒仙桥路14号院2号楼", "address", THIRD), ("马晓东", "name", THIRD)]),
    ("B", "李女士来电，称收到的保温杯有异味。", [("李女士", "person", OWN)]),
    ("B", "已电话回访李秀英，其对处理结果表示满意。", [("李秀英", "name", OWN)]),
    ("B", "秀英说家里座机0571-86729034白天没人，请打手机。", [("秀英", "name", OWN), ("0571-86729034", "landline", OWN)]),
    ("B", "消费者手机158-6723-4519，已加入回访名单。", [("158-6723-4519", "mobile", OWN)]),
    ("B", "材料已发至lixiuying1987@163.com，请消费者查收。", [("lixiuying1987@163.com", "email", OWN)]),
    ("B", "消费者邮箱 lixiuying1987艾特163.com 收不到平台通知，改为短信。", [("lixiuying1987艾特163.com", "email", OWN)]),
    ("B", "收货地址西湖区文一西路998号海创园5幢1203室，驿站代收。", [("西湖区文一西路998号海创园5幢1203室", "address", OWN)]),
    ("B", "对于李女士的诉求，商家同意退货退款。", [("李女士", "person", OWN)]),
    ("B", "关于李秀英投诉保温杯异味问题的处理结果", [("李秀英", "name", OWN)]),
    ("B", "店长郭婷婷电话回复：同批次商品已送检。", [("郭婷婷", "name", THIRD)]),
    ("B", "商家客服电话（0571）8802 3316无人接听。", [("（0571）8802 3316", "landline", THIRD)]),
    ("B", "消费者称客服罗海燕私下让她加微信luohaiyan_88退款。", [("罗海燕", "name", THIRD), ("luohaiyan_88", "wechat", THIRD)]),
    ("B", "由于李女士未在期限内补充照片，本投诉暂缓处理。", [("李女士", "person", OWN)]),
    ("B", "与李秀英约定周三下午再次电话沟通。", [("李秀英", "name", OWN)]),
    ("B", "座机（0571）86729034已接通，消费者确认已收到退款。", [("（0571）86729034", "landline", OWN)]),
    ("C", "赵先生反映，手机贴膜后屏幕出现气泡，商家拒绝售后。", [("赵先生", "person", OWN)]),
    ("C", "致电赵建国，告知平台已介入。", [("赵建国", "name", OWN)]),
    ("C", "建国称商家客服态度恶劣，要求道歉。", [("建国", "name", OWN)]),
    ("C", "消费者电话186 2093 7461，微信同号。", [("186 2093 7461", "mobile", OWN)]),
    ("C", "消费者微信号zjg_8866，商家曾私下添加。", [("zjg_8866", "wechat", OWN)]),
    ("C", "消费者身份证号440304198107153219被商家写在发货单上。", [("440304198107153219", "id_card", OWN)]),
    ("C", "送货地址振华路52号华强广场A座1708，前台代收。", [("振华路52号华强广场A座1708", "address", OWN)]),
    ("C", "店员唐俊杰在门店承认贴膜工艺有问题。", [("唐俊杰", "name", THIRD)]),
    ("C", "向赵先生说明了平台规则，他表示理解。", [("赵先生", "person", OWN)]),
    ("C", "给赵建国发送了处理意见书。", [("赵建国", "name", OWN)]),
    ("C", "跟赵先生确认了退款金额为89元。", [("赵先生", "person", OWN)]),
    ("C", "经办人谢丽华，已将材料转交市场监管部门。", [("谢丽华", "name", THIRD)]),
    ("C", "门店店长冯磊电话13602871945，称可以上门更换。", [("冯磊", "name", THIRD), ("13602871945", "mobile", THIRD)]),
    ("C", "商家在面单上写了消费者的证件号 440304 19810715 3219。", [("440304 19810715 3219", "id_card", OWN)]),
    ("C", "针对赵建国反映的问题，商家已整改。", [("赵建国", "name", OWN)]),
    ("D", "王女士称直播间买的面霜是假货。", [("王女士", "person", OWN)]),
    ("D", "王丽娟补充提交了购买截图和物流记录。", [("王丽娟", "name", OWN)]),
    ("D", "与丽娟电话沟通，她希望全额退款。", [("丽娟", "name", OWN)]),
    ("D", "消费者手机 137 6150 2984（工作日晚上可打）。", [("137 6150 2984", "mobile", OWN)]),
    ("D", "消费者QQ 28473615，商家客服曾通过QQ联系。", [("28473615", "qq", OWN)]),
    ("D", "退款请打到消费者银行卡6222 0210 0111 6245 702。", [("6222 0210 0111 6245 702", "bank_card", OWN)]),
    ("D", "消费者住云南中路171弄8号601室，快递被放在楼下。", [("云南中路171弄8号601室", "address", OWN)]),
    ("D", "主播林小雨在直播中称面霜为专柜正品。", [("林小雨", "name", THIRD)]),
    ("D", "主播助理韩雪表示会向品牌方核实。", [("韩雪", "name", THIRD)]),
    ("D", "另一位买家彭宇航也反映了同样的问题。", [("彭宇航", "name", THIRD)]),
    ("D", "关于王女士反映面霜疑似假货的处理结果", [("王女士", "person", OWN)]),
    ("D", "和王女士沟通后，商家同意退一赔三。", [("王女士", "person", OWN)]),
    ("D", "商家收款人邓小琴，银行卡号6217002873001498262，疑似私人账户。",
     [("邓小琴", "name", THIRD), ("6217002873001498262", "bank_card", THIRD)]),
    ("D", "与王丽娟核对了订单金额和付款截图。", [("王丽娟", "name", OWN)]),
    ("D", "对于王丽娟要求公开道歉一事，商家未回应。", [("王丽娟", "name", OWN)]),
    ("E", "陈先生反映空调安装后漏水，安装师傅不再上门。", [("陈先生", "person", OWN)]),
    ("E", "回访陈志强，空调已重新安装。", [("陈志强", "name", OWN)]),
    ("E", "志强说安装师傅多收了120元材料费。", [("志强", "name", OWN)]),
    ("E", "消费者座机(028) 8554 3107，手机177 0928 3145。", [("(028) 8554 3107", "landline", OWN), ("177 0928 3145", "mobile", OWN)]),
    ("E", "家里电话028-85543107晚上有人。", [("028-85543107", "landline", OWN)]),
    ("E", "订单号260314887102936，安装费已退。", [("260314887102936", "order", OWN)]),
    ("E", "安装地址武侯区洗面桥横街8号3栋2单元402。", [("武侯区洗面桥横街8号3栋2单元402", "address", OWN)]),
    ("E", "安装师傅袁春生，电话18982013764，称材料费是公司规定。",
     [("袁春生", "name", THIRD), ("18982013764", "mobile", THIRD)]),
    ("E", "售后主管蒋丽丽答复会退还多收的费用。", [("蒋丽丽", "name", THIRD)]),
    ("E", "由于陈先生已收到退款，本投诉办结。", [("陈先生", "person", OWN)]),
    ("E", "与陈志强沟通时，其提出还要赔偿地板损失。", [("陈志强", "name", OWN)]),
    ("E", "给陈先生寄送了书面答复。", [("陈先生", "person", OWN)]),
    ("E", "消费者（座机（028）85543107）表示周末在家。", [("（028）85543107", "landline", OWN)]),
    ("E", "安装师傅蔡宏伟称漏水是因为墙体问题。", [("蔡宏伟", "name", THIRD)]),
    ("E", "消费者电话17709283145已核实。", [("17709283145", "mobile", OWN)]),
    ("F", "周女士投诉外卖里吃出异物。", [("周女士", "person", OWN)]),
    ("F", "电话联系周晓梅，其已就医，保留了病历。", [("周晓梅", "name", OWN)]),
    ("F", "晓梅要求商家承担医药费。", [("晓梅", "name", OWN)]),
    ("F", "消费者电话 199-3147-6208。", [("199-3147-6208", "mobile", OWN)]),
    ("F", "消费者邮箱 xiaomei.zhou@qq.com，已发送受理回执。", [("xiaomei.zhou@qq.com", "email", OWN)]),
    ("F", "外卖送到江汉区交通巷12号，骑手未等消费者下楼。", [("江汉区交通巷12号", "address", OWN)]),
    ("F", "骑手潘美玲称餐品是商家封好的。", [("潘美玲", "name", THIRD)]),
    ("F", "配送员田志刚电话15527493016，已联系站点。", [("田志刚", "name", THIRD), ("15527493016", "mobile", THIRD)]),
    ("F", "店长董晓燕说后厨已整改。", [("董晓燕", "name", THIRD)]),
    ("F", "店铺地址：汉口江汉路118号，现场检查时正在营业。", [("江汉路118号", "address", THIRD)]),
    ("F", "关于周晓梅反映外卖异物问题的处理结果", [("周晓梅", "name", OWN)]),
    ("F", "对于周女士的医药费诉求，商家同意承担一半。", [("周女士", "person", OWN)]),
    ("F", "与周女士协商一致，商家赔偿500元。", [("周女士", "person", OWN)]),
    ("F", "同一家店的顾客于海洋也吃出了异物。", [("于海洋", "name", THIRD)]),
    ("F", "周晓梅（19931476208）称会继续向市场监管部门反映。", [("周晓梅", "name", OWN), ("19931476208", "mobile", OWN)]),
    ("G", "欧阳先生反映网购的电动车电池续航不足一半。", [("欧阳先生", "person", OWN)]),
    ("G", "致电欧阳文博，告知商家已同意检测。", [("欧阳文博", "name", OWN)]),
    ("G", "文博说电池是上个月才换的。", [("文博", "name", OWN)]),
    ("G", "消费者电话150 9382 7164。", [("150 9382 7164", "mobile", OWN)]),
    ("G", "消费者留的号码是+86 150-93827164，打过去是本人。", [("+86 150-93827164", "mobile", OWN)]),
    ("G", "身份证号110101197603044520，用于办理退货登记。", [("110101197603044520", "id_card", OWN)]),
    ("G", "取件地址为金水区纬五路21号院3号楼1单元。", [("金水区纬五路21号院3号楼1单元", "address", OWN)]),
    ("G", "维修点师傅苏晓红检测后认为电池容量不足。", [("苏晓红", "name", THIRD)]),
    ("G", "维修点电话（0371）6593 2281，消费者可以预约。", [("（0371）6593 2281", "landline", THIRD)]),
    ("G", "商家物流联系人程伟，电话13838291605。", [("程伟", "name", THIRD), ("13838291605", "mobile", THIRD)]),
    ("G", "针对欧阳先生的诉求，商家提出免费更换电池。", [("欧阳先生", "person", OWN)]),
    ("G", "与欧阳文博确认了更换时间。", [("欧阳文博", "name", OWN)]),
    ("G", "关于欧阳文博反映电动车电池问题的处理结果", [("欧阳文博", "name", OWN)]),
    ("G", "由于欧阳先生拒绝检测，商家暂不退款。", [("欧阳先生", "person", OWN)]),
    ("G", "检测站站长丁桂芳出具了检测报告。", [("丁桂芳", "name", THIRD)]),
    ("H", "刘女士反映在线课程无法退费。", [("刘女士", "person", OWN)]),
    ("H", "电话联系刘芳，其表示已经上了两节课。", [("刘芳", "name", OWN)]),
    ("H", "消费者手机188 1109 3375，白天可接。", [("188 1109 3375", "mobile", OWN)]),
    ("H", "资料快递单号YT7719283746510，已签收。", [("YT7719283746510", "tracking", OWN)]),
    ("H", "课程合同寄到西城区西四北三条27号。", [("西城区西四北三条27号", "address", OWN)]),
    ("H", "课程顾问魏子豪承诺七天内可以全额退。", [("魏子豪", "name", THIRD)]),
    ("H", "机构负责人曹敏电话回复只能退一半。", [("曹敏", "name", THIRD)]),
    ("H", "对于刘女士的退费诉求，机构同意按未上课时退费。", [("刘女士", "person", OWN)]),
    ("H", "向刘芳说明了合同中关于退费的条款。", [("刘芳", "name", OWN)]),
    ("H", "与刘女士核对后，退费金额为2360元。", [("刘女士", "person", OWN)]),
    ("H", "关于刘芳反映课程退费问题的处理结果", [("刘芳", "name", OWN)]),
    ("H", "机构地址：海淀区中关村大街27号1102室，已上门核实。", [("海淀区中关村大街27号1102室", "address", THIRD)]),
    ("H", "机构财务宋建华称退款已经提交。", [("宋建华", "name", THIRD)]),
    ("H", "联系人：何志明（机构法务），电话010-62738815。", [("何志明", "name", THIRD), ("010-62738815", "landline", THIRD)]),
    ("H", "课程顾问的邮箱weizihao@edu-example.cn，消费者已去信。", [("weizihao@edu-example.cn", "email", THIRD)]),
    # --- couriers, receivers and other people, any record ---
    ("A", "快递员张师傅说包裹放在了小区快递柜。", [("张师傅", "person", THIRD)]),
    ("B", "收件人：杨帆，并非消费者本人，消费者称不认识此人。", [("杨帆", "name", THIRD)]),
    ("C", "快递员的车牌粤B·D72615，消费者拍到了照片。", [("粤B·D72615", "plate", THIRD)]),
    ("D", "另一位买家的手机 135 2018 6647 也被商家泄露。", [("135 2018 6647", "mobile", THIRD)]),
    ("E", "配送员何师傅称货物在运输途中受潮。", [("何师傅", "person", THIRD)]),
    ("F", "骑手小陈说商家出餐慢。", [("小陈", "person", THIRD)]),
    ("G", "商家退货仓库在管城区航海东路1368号，收件人田师傅。", [("管城区航海东路1368号", "address", THIRD), ("田师傅", "person", THIRD)]),
    ("H", "经办人：程伟。", [("程伟", "name", THIRD)]),
    ("A", "联系人赵丽华（商家售后），手机13522718036。", [("赵丽华", "name", THIRD), ("13522718036", "mobile", THIRD)]),
    ("B", "收件人王建军的地址是拱墅区莫干山路100弄5号，与消费者无关。",
     [("王建军", "name", THIRD), ("拱墅区莫干山路100弄5号", "address", THIRD)]),
    ("C", "商家让消费者把钱转给张国栋，卡号4367420938172649。", [("张国栋", "name", THIRD), ("4367420938172649", "bank_card", THIRD)]),
    ("D", "商家发来的发票上有开票员马丽的名字。", [("马丽", "name", THIRD)]),
    ("E", "物流站点负责人胡建新说会赔偿。", [("胡建新", "name", THIRD)]),
    ("F", "骑手车牌鄂A·2Q736，消费者已截图。", [("鄂A·2Q736", "plate", THIRD)]),
    ("G", "商家发来一个身份证号320106198502277312，说是法人的，要求消费者核对。", [("320106198502277312", "id_card", THIRD)]),
    ("H", "机构老师李静私下加了消费者微信，微信号lijing_teacher。", [("李静", "name", THIRD), ("lijing_teacher", "wechat", THIRD)]),
]

NEGATIVES: list[str] = [
    # shops, brands and products, surnames included
    "消费者在王老吉官方旗舰店购买凉茶两箱。", "李宁官方旗舰店答复可以换码。", "张小泉剪刀刀刃有缺口，商家同意换货。",
    "周黑鸭鸭脖包装漏气，门店已退款。", "良品铺子坚果礼盒临近保质期。", "三只松鼠的坚果里有霉变颗粒。",
    "海底捞外卖的锅底少送了一份。", "在老凤祥专柜买的手镯重量不足。", "周大生门店拒绝开具发票。",
    "在杨国福麻辣烫点的外卖送错了。", "张亮麻辣烫退款已到账。", "陈克明面条整箱受潮。", "李子柒螺蛳粉缺少料包。",
    "王小卤虎皮凤爪的包装被挤破了。", "在钟薛高旗舰店买的雪糕化了。", "马应龙药膏的包装已拆封。",
    "刘一手火锅底料过期了。", "黄天鹅鸡蛋有破损，商家补发了一盒。", "在孙二娘麻辣烫店消费后腹泻。",
    "宋河酒业的白酒瓶盖松动。", "吴裕泰茶叶的克重不足。", "钱大妈门店的猪肉有异味。",
    "何氏眼科的配镜费用比宣传的高。", "曹操出行的司机绕路，多收了车费。", "赵一鸣零食店的饮料过期了。",
    "孔府家酒的礼盒有破损。", "沈记靓汤的外卖洒了。", "韩束面膜的批号与官网查询不一致。", "杨铭宇黄焖鸡外卖迟到一小时。",
    "谢馥春鸭蛋粉的外包装有划痕。", "在胡姬花旗舰店买的花生油漏了。", "童年时光儿童钙片的说明书缺页。",
    "商家称王守义十三香已经停产该规格。", "小米之家门店同意七天无理由退货。", "华为授权体验店称需要寄修。",
    "格力空调的安装费按照价目表收取。", "老干妈辣酱收到时瓶子破了。", "在百草味买的肉脯发霉了。",
    # places: province, city, district only
    "商家注册地在广东省深圳市南山区。", "消费者在杭州市西湖区的门店消费。", "店铺位于四川省成都市，实际发货地为义乌市。",
    "北京市东城区市场监管局已受理该投诉。", "武汉市江汉区的门店已停业整顿。", "郑州市金水区有三家同名店铺。",
    "上海市黄浦区消保委介入调解。", "商家称只发江浙沪地区。", "包裹在广州转运中心滞留三天。", "天津市和平区的专柜已撤柜。",
    "发货地显示为福建省泉州市晋江市。", "消费者所在的区县不在配送范围内。",
    # the site's own guide wording
    "如何投诉：先保留好订单截图、聊天记录和付款凭证。", "投诉前建议先与商家协商，协商不成再向平台投诉。",
    "投诉受理后，我们会在七个工作日内联系您。", "请勿在投诉描述中填写身份证号、银行卡号等个人信息。",
    "本通知已隐去个人信息。", "处理结果公示期为十五天。", "如对处理结果有异议，可向当地市场监管部门申诉。",
    "消费者可以拨打12315热线反映问题。", "也可以通过全国12315平台在线投诉。", "12345政务服务便民热线可以转办。",
    "关于商品质量问题的处理结果", "关于虚假宣传投诉的处理结果", "对于超过售后期限的投诉，本站仅作记录。",
    "针对直播间虚假宣传的投诉，平台已约谈商家。", "由于商家未在期限内回复，本投诉转交监管部门。",
    "向商家发送了整改通知。", "给商家的回复期限为五个工作日。", "跟进情况将在本页更新。", "与商家协商不成的，可以申请调解。",
    "消费者与商家达成和解。", "投诉人撤回了投诉。", "投诉人表示认可处理结果。", "收件人签收时应当场验货。",
    "联系人信息已按规定隐去。", "经办人已完成回访。", "快递员应当按约定送货上门。", "客服人员已记录消费者的诉求。",
    "商家客服答复会尽快处理。", "店长表示会加强员工培训。", "主播在直播中的承诺属于商家的宣传内容。",
    "骑手超时送达，平台已对商家处罚。", "配送员称已联系不上消费者。", "其他买家也反映过同样的问题。",
    # law citations
    "依据《消费者权益保护法》第二十五条，网购商品享有七日无理由退货。", "根据消费者权益保护法第五十五条，经营者存在欺诈的应当退一赔三。",
    "《电子商务法》第二十条规定，经营者应当按照承诺提供商品。", "依照民法典第一百八十八条，诉讼时效期间为三年。",
    "《产品质量法》第四十条规定了修理、更换、退货的责任。", "《食品安全法》第一百四十八条规定了十倍赔偿。",
    "根据《网络购买商品七日无理由退货暂行办法》第八条，该商品不适用无理由退货。", "《价格法》第十四条禁止价格欺诈。",
    "《广告法》第二十八条规定了虚假广告的情形。", "依据《侵害消费者权益行为处罚办法》第十三条处理。",
    "《个人信息保护法》第十条规定任何组织不得非法买卖个人信息。", "按照《消费者权益保护法》第二十四条，可以要求退货。",
    # amounts, dates, counts
    "商品标价199元，实际扣款259元，差价60元。", "退款1,299.00元已原路退回。", "运费12元由商家承担。",
    "商家赔偿消费者500元。", "2026年3月14日下单，3月20日收到货。", "二〇二六年五月一日前完成整改。", "下单时间为2026-04-02 21:13。",
    "平台在第15天作出处理决定。", "商品评分4.8分，好评率98%。", "直播间在线人数一万二千人。", "商品下有三条评论提到漏液。",
    "一共买了三件，退了两件。", "商家共有五条差评未回复。", "消费者等了七天才收到回复。", "处理期限为十个工作日。",
    "第三期分期金额433元。", "满300减50的优惠券没有生效。", "商品重1.5千克，标注2千克。", "快递于18:30送达驿站。",
    "本月共受理投诉一百二十件。", "退货期限为签收后七天。", "第二次回访时商家已退款。", "三号楼下的快递柜已满。",
    "买了两条裤子，一条尺码不对。", "直播间抽奖的十个名额没有公示。", "平台规则第12条规定了发货时限。",
    # hotlines and service numbers
    "品牌客服热线400-820-8820，工作时间9:00-18:00。", "可拨打800-810-8888咨询售后。", "95188客服电话一直占线。",
    "拨打12315后被转接到当地市场监管局。", "商家的400电话无人接听。", "95105105是该航空公司的客服电话。",
    # models, codes
    "型号XR-2000的吸尘器功率只有宣传的一半。", "iPhone 15 Pro 256GB的价格写着5999元。", "显卡型号RTX4090，实际发货RTX4060。",
    "5号电池一板12节，实际只有10节。", "口红3号色和直播间展示的颜色差别很大。", "版本v2.3.1的应用无法提交举报。",
    "批号B2026031401的产品存在质量问题。", "路由器说明书写覆盖200平方米。", "商品货号A1023已下架。",
    # people words that are not names
    "这位女士说商品有划痕。", "各位女士先生，请保留好聊天记录。", "老先生反映助听器音量太小。", "消费者本人到店办理了退货。",
    "一位老师反映网课无法回放。", "店里的师傅说要加收上门费。", "小朋友玩具的零件太小有误吞风险。",
    "王者荣耀的点券充值未到账。", "高达模型缺少零件。", "阿迪达斯跑鞋鞋底开胶。", "白象方便面的调料包漏了。",
    "金龙鱼食用油的生产日期模糊。", "安踏专卖店不给换码。", "向日葵牌毛巾掉色严重。",
    "商品描述写着纯棉，实际含涤纶。", "消费者反映商家发错了颜色。", "商家承认发货时漏放了赠品。",
]

# Templates for the generated part of the negatives (complaint numbers made by kspages.numbers).
NUMBERED = ["投诉编号{complaint}已办结。", "查询编号{complaint}的进度，显示已受理。", "请凭投诉编号 {complaint} 查询处理结果。"]


def record(key: str) -> tuple[PrivateValue, ...]:
    return tuple(PrivateValue(f, v, i + 1) for i, (f, v) in enumerate(RECORDS[key].items()))


def _words(key: str) -> dict[str, tuple[str, ...]]:
    """Own names leak in any of their forms: a note writing 孟先生 leaks if 孟庆华 or 庆华 is left anywhere."""
    name = RECORDS[key]["complainant.name"]
    surname = name[:2] if name.startswith("欧阳") else name[0]
    words = name_words(name, surname, name[len(surname):])
    return {s: words for s in {name, name[len(surname):]}}


def staff_notes() -> list[Case]:
    """The hand-written notes as cases (own names leak in any form of the name)."""
    cases: list[Case] = []
    for key, text, spans in NOTES:
        words = _words(key)
        gold = gold_by_substring(text, spans, {s: words[s] for s, _, own in spans if own and s in words})
        cases.append(Case(text, record(key), gold))
    return cases


def negatives(seed: int = 7) -> list[str]:
    """The hand-written negatives and a few with valid complaint numbers: nothing personal in any of them."""
    rng = random.Random(seed)
    numbered = [re.sub(r"\{complaint\}", numbers.generate(rng), t) for t in NUMBERED for _ in range(3)]
    return [*NEGATIVES, *numbered]
