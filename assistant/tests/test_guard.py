"""The personal-data guard (assistant.guard): a table of questions that must be refused, naming what was
found, and a table of questions about the lessons that must pass."""

import pytest

from assistant.guard import (
    ADDRESS,
    HEALTH,
    ID_CARD,
    MOBILE,
    id_card_check_digit,
    is_id_card_number,
    personal_data_findings,
    personal_data_refusal,
)

REFUSED = [
    ("我的身份证是11010519491231002X，能帮我登记吗", {ID_CARD}),
    ("11010519491231002x 这个号码对吗", {ID_CARD}),
    ("居民身份证号 440524188001010014 怎么核验", {ID_CARD}),
    ("老身份证 110105491231002 还能用吗", {ID_CARD}),
    ("１１０１０５１９４９１２３１００２Ｘ", {ID_CARD}),  # full-width digits
    ("住户电话13812345678打不通", {MOBILE}),
    ("他的手机是 138 1234 5678", {MOBILE}),
    ("联系 138-1234-5678 王阿姨", {MOBILE}),
    ("+86 15912345678 收不到短信验证码", {MOBILE}),
    ("3号楼2单元501室的老人没有登记", {ADDRESS}),
    ("解放路12号的住户怎么处理", {ADDRESS}),
    ("门牌号是15的那家", {ADDRESS}),
    ("住在3-2-501", {ADDRESS}),
    ("七栋三单元有人没扫码", {ADDRESS}),
    ("这位居民体温37.8℃，要上报吗", {HEALTH}),
    ("测得 38.5 度怎么办", {HEALTH}),
    ("体温 37.6 算发烧吗", {HEALTH}),
    ("张三核酸阳性怎么办", {HEALTH}),
    ("王阿姨确诊了，要通知谁", {HEALTH}),
    ("她发烧了要上报吗", {HEALTH}),
    ("老李阳性，家里人怎么办", {HEALTH}),
    ("确诊的李大爷住哪里", {HEALTH}),
    ("5号楼的张某核酸阳性，电话13912345678", {ADDRESS, HEALTH, MOBILE}),
]

PASSED = [
    "扫码登记怎么操作？",
    "身份证要怎么核验？",
    "手机号码要不要登记？",
    "门牌号怎么填写？",
    "核酸检测点在哪里设置？",
    "阳性结果要怎么上报？",
    "确诊病例的处理流程是什么？",
    "一天要测几次体温？",
    "110105194912310021 是什么",  # 18 digits, wrong check digit
    "第3步怎么做",
    "第一单元的练习在哪里",
    "2026年12月7日之前要完成吗",
    "订单号12345678901查不到",  # 11 digits, not a mobile prefix
    "张贴通知要注意什么",
    "老师说阳性结果要上报，怎么报？",
    "小区有10栋楼，要多少人值守？",
    "What does the QR code registration do?",
    "",
]


@pytest.mark.parametrize(("text", "kinds"), REFUSED)
def test_refused(text, kinds):
    assert {finding.kind for finding in personal_data_findings(text)} == kinds
    assert personal_data_refusal(text)


@pytest.mark.parametrize("text", PASSED)
def test_passed(text):
    assert personal_data_findings(text) == []
    assert personal_data_refusal(text) is None


def test_the_check_digit_is_iso_7064_mod_11_2():
    assert id_card_check_digit("11010519491231002") == "X"
    assert id_card_check_digit("44052418800101001") == "4"
    assert is_id_card_number("11010519491231002X")
    assert not is_id_card_number("110105194912310021")
    assert not is_id_card_number("110105194913310028")  # month 13


def test_the_explanation_names_what_was_found(in_english):
    message = personal_data_refusal("手机13812345678，身份证11010519491231002X")
    assert "an ID card number" in message and "a mobile number" in message
    assert "not sent" in message
