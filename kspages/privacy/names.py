"""Bare person names in running text ("致电王芳核实"), found by a word segmenter that ships its dictionary (jieba).

No pattern can know a name that no role word or honorific introduces. jieba's segmenter cuts a sentence into words
from its dictionary of about 350,000 words and joins what it does not know with a hidden Markov model; a Chinese
person name is usually such an unknown word, or a dictionary word tagged `nr`. A candidate must also start with a
common surname and must not be a brand, a shop or a phrase of the site's own text. What this finds is *unsure*:
`privacy.unsure` decides whether it is hidden, kept or an error, and `kspages check` lists it either way.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

from .lexicon import SURNAMES, dictionary, surname_at, tag, tagged

_CJK_RUN = re.compile("[\u4e00-\u9fff]{2,}")
# Brands and chains that begin with a surname; a record's own merchant and the site's words are protected too.
BRANDS = ("王老吉", "李宁", "金龙鱼", "康师傅", "张小泉", "马应龙", "王守义", "李锦记", "周黑鸭", "杨国福", "周大福",
          "周生生", "周六福", "谢瑞麟", "陈李济", "胡庆余堂", "钱大妈", "张亮", "杨铭宇", "刘一手", "黄飞红", "王小卤",
          "钟薛高", "钟书阁", "薛记", "卫龙", "白象", "安踏", "安慕希", "蒙牛", "雷士", "方太", "华为", "华帝", "万家乐",
          "苏泊尔", "鲁花", "丁家宜", "孔府家", "康佳", "老干妈", "乔丹", "贵人鸟", "李渡", "郎酒", "汪氏", "陶华碧",
          "百雀羚", "韩束", "温碧泉", "柏瑞美", "毛戈平", "孙悟空", "包大人", "程序员", "高德", "马蜂窝", "范思哲",
          "宁德时代", "万达", "万科", "王府井", "钱江", "江小白", "冯氏", "邓禄普", "杜蕾斯", "袁记", "熊猫", "龙井",
          "黄山", "黄河", "长江", "石家庄", "武汉", "常州", "金华", "丽水", "连云港", "汤臣倍健", "林清轩", "卡姿兰")
# A word right after a name that makes it a brand or shop, not a person.
_BRAND_AFTER = re.compile("(?:店|牌|旗舰|官方|专营|专卖|品牌|集团|公司|食品|家纺|服饰|电器|直营|连锁|超市|药房|号店|系列|酒|茶|"
                          "鸭|鸡|面|粉|饼|糕|堂|记|氏)")
# A shop or a product a few words on (赵一鸣零食店, 李子柒螺蛳粉, 孙二娘麻辣烫店): the name is its brand.
SHOP_WORDS = re.compile(r"[^，。；！？,.;!?\s]{0,4}?(?:店|门店|馆|铺|坊|超市|餐厅|饭店|酒家|诊所|医院|眼科|口腔|药房|药店|"
                        "工作室|旗舰|官方|专营|专卖|品牌|集团|公司|有限|工厂|厂家|螺蛳粉|麻辣烫|零食|火锅|烧烤|奶茶|凉茶|"
                        "靓汤|卤味|炒货|酱|牌)")
_SURNAME_CHARS = frozenset(SURNAMES)
_SURNAME_CHAR = re.compile(f"[{SURNAMES}]")
# Dictionary words tagged as person names that are this common are ordinary words (高明, 毛巾) or celebrities.
_RARE = 20
_COMMON = 500
# Characters that end words, hardly ever a given name: 安全法, 江西省, 王府井站; and shops: 何氏, 沈记, 王家.
_NOT_NAME_END = frozenset("法省市县区路街店厂局院部站所队处科室费款价额单号证卡码税率网群圈馆园场库业界类型式性化氏记家")
# Dictionary "names" that are words here.
NOT_NAMES = frozenset({"江浙沪", "王者", "高铁", "金额", "安全", "包邮"})


def _is_name(word: str, freq: dict[str, int]) -> bool:
    surname = surname_at(word, 0)
    if not surname or not 1 <= len(word) - surname <= 2 or not _plausible(word):
        return False
    known = freq.get(word) or 0
    # jieba tags some everyday words `nr` (毛巾, 荣耀): a two-character dictionary word counts only if it is rare;
    # three-character ones tagged `nr` are mostly full names (李秀英, 王建国).
    return known == 0 or (known < _RARE or len(word) == 3 and known < _COMMON) and tag(word) == "nr"


def _plausible(word: str) -> bool:
    return word[-1] not in _NOT_NAME_END and word not in NOT_NAMES


def _proposes(word: str, following: str, freq: dict[str, int]) -> bool:
    """Whether a word the segmenter cut is worth tagging: a possible name, a surname cut off before a two-character
    word that can be a given name (潘 + 红霞), or an unknown word holding a surname after a preposition (由田甜)."""
    if _is_name(word, freq):
        return True
    if len(word) == 1:
        return word in _SURNAME_CHARS and len(following) == 2 and following[-1] not in _NOT_NAME_END
    return 3 <= len(word) <= 4 and not freq.get(word) and any(c in _SURNAME_CHARS for c in word[1:])


@functools.lru_cache(maxsize=1 << 16)
def _clause_proposes(clause: str) -> bool:
    """Whether the segmenter proposes a possible name in a clause (remembered: notes repeat their clauses)."""
    jieba, freq = dictionary()
    cut = list(jieba.cut(clause))
    return any(_proposes(word, following, freq) for word, following in zip(cut, [*cut[1:], ""], strict=True))


def find(text: str, protected: tuple[str, ...] = (),
         taken: list[tuple[int, int]] | None = None) -> Iterator[tuple[int, int]]:
    """Spans of `text` that read as a person's name; `protected` words (brands, the merchant) are never one, and
    spans in `taken` (already found by other means) are not looked at again."""
    masked = text
    if taken:
        chars = list(text)
        for a, b in taken:
            chars[a:b] = " " * (b - a)
        masked = "".join(chars)
    guarded: list[tuple[int, int]] | None = None
    for run in _CJK_RUN.finditer(masked):
        if not _SURNAME_CHAR.search(run[0]):
            continue
        # Segmenting is cheap; tagging (an HMM over the clause) only runs where segmenting proposed a name.
        if not _clause_proposes(run[0]):
            continue
        freq = dictionary()[1]
        if guarded is None:
            guarded = brands_in(text, protected)
        at = run.start()
        words = [(pair.word, pair.flag) for pair in tagged(run[0])]
        for i, (word, flag) in enumerate(words):
            start, end = at, at + len(word)
            at = end
            if len(word) == 1 and flag == "nr" and word in _SURNAME_CHARS and i + 1 < len(words) and \
                    1 <= len(words[i + 1][0]) <= 2 and words[i + 1][1] in ("nr", "n", "nz", "a", "ns"):
                # The tagger cut a surname from a given name that is also a word: 潘 + 红霞, 吴 + 海波.
                word, end = word + words[i + 1][0], end + len(words[i + 1][0])
            elif flag != "nr" or not _is_name(word, freq):
                continue
            if not _plausible(word):
                continue
            if _BRAND_AFTER.match(text, end) or SHOP_WORDS.match(text, end):
                continue
            if any(a < end and start < b for a, b in guarded):
                continue
            yield start, end


_BRANDS = re.compile("|".join(sorted(map(re.escape, BRANDS), key=len, reverse=True)))


def brands_in(text: str, protected: tuple[str, ...] = ()) -> list[tuple[int, int]]:
    """Where brands, shops and the protected words stand in `text`: no person is found across them."""
    found = [(m.start(), m.end()) for m in _BRANDS.finditer(text)]
    for word in protected:
        at = text.find(word) if word else -1
        while at >= 0:
            found.append((at, at + len(word)))
            at = text.find(word, at + 1)
    return found
