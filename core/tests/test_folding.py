from core.folding import fold, fold_find


def test_fold_makes_width_and_case_variants_equal():
    assert {fold(s) for s in ("AI", "ai", "Ai", "ＡＩ", "ａｉ")} == {"ai"}
    assert fold("１２３４５") == "12345"
    assert fold("微信群") == "微信群"


def test_fold_find_maps_back_to_the_original_text():
    text = "先请ＡＩ助手检查"
    assert fold_find(text, "ai助手") == 2
    assert fold_find(text, "wechat") == -1
    assert fold_find(text, "") == -1
