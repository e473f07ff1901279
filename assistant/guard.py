"""The personal-data guard: a learner's question is checked before anything is sent, and refused when it
holds what the data-protection course says never to paste into an AI assistant — ID card numbers, mobile
numbers, addresses, health information about a person.

Pure functions, no I/O: ``personal_data_findings(text)`` lists what was found; ``personal_data_refusal``
turns that into the explanation the learner reads.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext, gettext_lazy

ID_CARD = "id_card"
MOBILE = "mobile"
ADDRESS = "address"
HEALTH = "health"

LABELS = {
    ID_CARD: gettext_lazy("an ID card number"),
    MOBILE: gettext_lazy("a mobile number"),
    ADDRESS: gettext_lazy("a home address"),
    HEALTH: gettext_lazy("someone's health information"),
}

# ISO 7064 MOD 11-2, as GB 11643 uses it for the 18th character of a resident ID number.
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"

_ID18 = re.compile(r"(?<![0-9])[1-9]\d{16}[0-9Xx](?![0-9A-Za-z])")
_ID15 = re.compile(r"(?<![0-9])[1-9]\d{14}(?![0-9])")
# 138 1234 5678, 138-1234-5678, +86 13812345678
_MOBILE = re.compile(r"(?<![0-9])(?:\+?86[\s-]?)?1[3-9]\d(?:[\s-]?\d){8}(?![0-9])")

_NUMBER = r"[0-9一二三四五六七八九十百零两〇]+"
# A whole number, not "第一单元" (a course's unit one) nor the tail of a longer number.
_START = r"(?<![第0-9一二三四五六七八九十百零两〇])"
_ADDRESS = re.compile(
    "|".join(
        (
            rf"{_START}{_NUMBER}\s*号楼",
            rf"{_START}{_NUMBER}\s*(?:栋|幢|座)\s*{_NUMBER}",
            rf"{_START}{_NUMBER}\s*单元",
            r"[0-9]{2,4}\s*(?:室|房|号房)",
            rf"门牌号?\s*[:：是为]?\s*{_NUMBER}",
            rf"[\u4e00-\u9fff](?:路|街|巷|弄|胡同|大道)\s*{_NUMBER}\s*号",
            rf"{_NUMBER}\s*-\s*{_NUMBER}\s*-\s*[0-9]{{3,4}}(?![0-9])",  # 3-2-501
        )
    )
)

# A reading of a body temperature: 37.5℃, 38度, 体温 37.8
_TEMPERATURE = re.compile(r"(?:3[4-9]|4[0-2])(?:\.\d)?\s*(?:℃|°C?|度)|体温\s*[:：是为]?\s*(?:3[4-9]|4[0-2])")
_HEALTH_WORDS = r"(?:阳性|确诊|核酸(?:异常|阳)|发烧|发热|感染了|住院|隔离)"
_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
# Someone in particular: a kinship or courtesy word, he/she, or a surname with a name or a title.
_PERSON = (
    rf"(?:他|她|[{_SURNAMES}]?(?:阿姨|大爷|大妈|大娘|大叔|奶奶|爷爷|先生|女士|小姐|师傅)|老人家|邻居|老公|老婆|"
    r"丈夫|妻子|儿子|女儿|孩子|家属|患者|病人|"
    rf"[老小][{_SURNAMES}]|[{_SURNAMES}](?:某|某某|[\u4e00-\u9fff]{{1,2}}(?=的|{_HEALTH_WORDS}|今天|昨天)))"
)
_HEALTH_PERSON = re.compile(
    rf"{_PERSON}[^。！？!?\n]{{0,12}}?{_HEALTH_WORDS}|{_HEALTH_WORDS}[^。！？!?\n]{{0,3}}的{_PERSON}"
)


@dataclass(frozen=True)
class Finding:
    kind: str
    text: str


def id_card_check_digit(first17: str) -> str:
    return _ID_CHECK[sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def is_id_card_number(number: str) -> bool:
    """An 18-character resident ID number whose last character is its check digit, or a 15-digit old one
    with a plausible birth date."""
    number = number.upper()
    if len(number) == 18 and number[:17].isdigit():
        return id_card_check_digit(number[:17]) == number[17] and _plausible_date(number[10:14])
    if len(number) == 15 and number.isdigit():
        return _plausible_date(number[8:12])
    return False


def _plausible_date(month_day: str) -> bool:
    month, day = int(month_day[:2]), int(month_day[2:])
    return 1 <= month <= 12 and 1 <= day <= 31


def personal_data_findings(text: str) -> list[Finding]:
    """Everything in ``text`` that must not be sent, in the order of the kinds (ID card, mobile, address,
    health)."""
    text = unicodedata.normalize("NFKC", text or "")
    findings: list[Finding] = []
    ids = [m for m in _ID18.finditer(text) if is_id_card_number(m.group())]
    ids += [m for m in _ID15.finditer(text) if is_id_card_number(m.group())]
    findings += [Finding(ID_CARD, m.group()) for m in ids]
    inside_ids = [range(m.start(), m.end()) for m in ids]
    for m in _MOBILE.finditer(text):
        if not any(m.start() in span for span in inside_ids):
            findings.append(Finding(MOBILE, m.group()))
    numbers = inside_ids + [range(m.start(), m.end()) for m in _MOBILE.finditer(text)]
    findings += [
        Finding(ADDRESS, m.group())
        for m in _ADDRESS.finditer(text)
        if not any(m.start() in span for span in numbers)  # 138-1234-5678 is not a flat 3-2-501
    ]
    findings += [Finding(HEALTH, m.group()) for m in _TEMPERATURE.finditer(text)]
    findings += [Finding(HEALTH, m.group()) for m in _HEALTH_PERSON.finditer(text)]
    return findings


def personal_data_refusal(text: str) -> str | None:
    """The explanation for refusing ``text`` (naming what was found), or None when it may be sent."""
    kinds = []
    for finding in personal_data_findings(text):
        if finding.kind not in kinds:
            kinds.append(finding.kind)
    if not kinds:
        return None
    found = gettext(", ").join(str(LABELS[kind]) for kind in kinds)
    return gettext(
        "To protect residents' data, your question was not sent. It contains %(found)s. Never paste "
        "anyone's personal information into an AI helper: remove it and ask again."
    ) % {"found": found}
