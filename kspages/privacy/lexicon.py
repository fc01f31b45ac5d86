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


def warm() -> None:
    """Load the dictionary now (before forking workers, so that they share it)."""
    _jieba()


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


def name_end(text: str, start: int) -> int:
    """Where a name that starts at `start` ends, as the segmenter cuts the words after it (2 to 4 characters)."""
    jieba = dictionary()[0]
    surname = 2 if text[start:start + 2] in COMPOUND_SURNAMES else 1
    words = list(jieba.cut(text[start:start + 8]))
    first = len(words[0]) if words else 0
    if surname + 1 <= first <= surname + 2:
        return start + first
    if first == surname and len(words) > 1 and len(words[1]) <= 2:
        return start + surname + len(words[1])
    return start + surname + 1
