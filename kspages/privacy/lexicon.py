"""The words kspages needs to know to tell a name from a word: surnames, honorifics, and a dictionary (jieba's).

jieba ships a dictionary of about 350,000 words with their frequencies and part-of-speech tags; it is loaded once
per process, and only when a text holds a possible name.
"""

from __future__ import annotations

import functools
import logging
from typing import Any

SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任"
            "沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫阎段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔"
            "向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单"
            "季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦"
            "戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟"
            "邝和")
COMPOUND_SURNAMES = ("欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒",
                     "夏侯", "令狐", "端木", "独孤", "南宫", "西门", "轩辕", "呼延")
# The Hundred Family Surnames (百家姓), for names right after a role word, where a rarer surname (郜, 逄, 阚, 闾丘)
# is still a surname; elsewhere only the common ones above start a name.
ALL_SURNAMES = "".join(sorted(set(SURNAMES) | set(
    "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜戚谢邹喻柏水窦章云苏潘葛奚范彭郎鲁韦昌马苗凤花方"
    "俞任袁柳酆鲍史唐费廉岑薛雷贺倪汤滕殷罗毕郝邬安常乐于时傅皮卞齐康伍余元卜顾孟平黄和穆萧尹姚邵湛汪祁毛禹狄米贝明臧"
    "计伏成戴谈宋茅庞熊纪舒屈项祝董梁杜阮蓝闵席季麻强贾路娄危江童颜郭梅盛林刁钟徐邱骆高夏蔡田樊胡凌霍虞万支柯昝管卢莫"
    "经房裘缪干解应宗丁宣贲邓郁单杭洪包诸左石崔吉钮龚程嵇邢滑裴陆荣翁荀羊於惠甄曲家封芮羿储靳汲邴糜松井段富巫乌焦巴弓"
    "牧隗山谷车侯宓蓬全郗班仰秋仲伊宫宁仇栾暴甘钭厉戎祖武符刘景詹束龙叶幸司韶郜黎蓟薄印宿白怀蒲邰从鄂索咸籍赖卓蔺屠蒙"
    "池乔阴郁胥能苍双闻莘党翟谭贡劳逄姬申扶堵冉宰郦雍却璩桑桂濮牛寿通边扈燕冀郏浦尚农温别庄晏柴瞿阎充慕连茹习宦艾鱼容"
    "向古易慎戈廖庾终暨居衡步都耿满弘匡国文寇广禄阙东欧殳沃利蔚越夔隆师巩厍聂晁勾敖融冷訾辛阚那简饶空曾毋沙乜养鞠须丰"
    "巢关蒯相查后荆红游竺权逯盖益桓公闫覃佘邝")))
ALL_COMPOUND_SURNAMES = ("万俟", "司马", "上官", "欧阳", "夏侯", "诸葛", "闻人", "东方", "赫连", "皇甫", "尉迟", "公羊",
                         "澹台", "公冶", "宗政", "濮阳", "淳于", "单于", "太叔", "申屠", "公孙", "仲孙", "轩辕", "令狐",
                         "钟离", "宇文", "长孙", "慕容", "鲜于", "闾丘", "司徒", "司空", "亓官", "司寇", "子车", "颛孙",
                         "端木", "巫马", "公西", "漆雕", "乐正", "壤驷", "公良", "拓跋", "夹谷", "宰父", "谷梁", "段干",
                         "百里", "东郭", "南门", "呼延", "羊舌", "微生", "梁丘", "左丘", "东门", "西门", "南宫", "第五",
                         "独孤")
HONORIFICS = ("先生", "女士", "小姐", "老师", "阿姨", "大爷", "大妈", "同学")


@functools.cache
def _jieba() -> tuple[Any, dict[str, int]]:
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba, jieba.dt.FREQ


@functools.cache
def _posseg() -> tuple[Any, dict[str, str]]:
    import jieba.posseg  # reads the part-of-speech table (about a second): only where a name needs telling apart

    _jieba()
    return jieba.posseg, jieba.posseg.dt.word_tag_tab


def dictionary() -> tuple[Any, dict[str, int]]:
    """jieba and its word frequencies (0 for a prefix that is no word)."""
    return _jieba()


def tag(word: str) -> str | None:
    """The part of speech jieba's dictionary gives a word (`nr`: a person's name), if any."""
    return _posseg()[1].get(word)


def tagged(text: str) -> Any:
    """The words of `text` with their part of speech, as jieba's tagger cuts them."""
    return _posseg()[0].cut(text)


def binds_left(text: str, i: int) -> bool:
    """Whether text[i] makes a common word with the character before it (当时, 提高, 对方): then it is no surname."""
    return i > 0 and (dictionary()[1].get(text[i - 1:i + 1]) or 0) >= 100


def is_word(text: str) -> bool:
    """Whether `text` is a common dictionary word that is not a person's name (应当, 高兴, 方面)."""
    return (dictionary()[1].get(text) or 0) >= 100 and tag(text) != "nr"


def surname_at(text: str, i: int, rare_too: bool = False) -> int:
    """Length of the surname starting at text[i] (2 for a compound one), or 0; `rare_too` takes the 百家姓 as well."""
    if text[i:i + 2] in (ALL_COMPOUND_SURNAMES if rare_too else COMPOUND_SURNAMES):
        return 2
    return 1 if i < len(text) and text[i] in (ALL_SURNAMES if rare_too else SURNAMES) else 0


# Characters a given name does not hold: particles, prepositions, verbs of saying (客服的回复, 快递员王芳称).
GIVEN_STOP = frozenset("的了是在和与及向对给跟把被为让请找叫称说问等将由据经于这那老")
# Where the segmenter's words decide a name's end, the characters that follow a name rather than end it: the same,
# and adverbs and more verbs of answering; 老 can end a name there (张老).
_NOT_GIVEN = GIVEN_STOP - {"老"} | frozenset("答讲表也都就还又已未不没并而")


def name_end(text: str, start: int) -> int:
    """Where a name that starts at `start` ends, as the segmenter cuts the words after it (2 to 4 characters)."""
    jieba, freq = dictionary()
    surname = surname_at(text, start, rare_too=True) or 1
    words = list(jieba.cut(text[start:start + 8]))
    first = len(words[0]) if words else 0
    if first == surname + 1 and len(words) > 2 and words[1][0] not in _NOT_GIVEN and not is_word(words[0]) and (
            len(words[1]) == 1 and len(words[2]) >= 2 or len(words[1]) == 2 and words[1][1] in _NOT_GIVEN
            and not freq.get(words[1])):
        return start + surname + 2  # the last character cut off the name: 贲鹊 + 杏答复, 魏友 + 博称
    if surname + 1 <= first <= surname + 2:
        return start + first
    if first > surname + 2:
        return start + surname + 2  # glued to the verb after it (余小红称): the given name is at most two
    if first == surname and len(words) > 2 and len(words[1]) == 1 == len(words[2]) and \
            words[1] not in _NOT_GIVEN and words[2] not in _NOT_GIVEN:
        return start + surname + 2  # characters the dictionary does not know one by one (沈 + 姞 + 琪)
    if first == surname and len(words) > 1 and len(words[1]) <= 2:
        return start + surname + len(words[1])
    return start + surname + 1
