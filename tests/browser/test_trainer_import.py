"""A trainer at a desktop: sign in to the admin → Question tools → Import questions → upload a GIFT
file → the preview lists its questions → import → the question bank lists them."""

import pytest
from playwright.sync_api import expect

from quizzes.models import Question
from tests.demo_snapshot import load_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

GIFT_FILE = """$CATEGORY: 浏览器测试/物业服务

::报修登记::居民报修楼道灯，应先做什么？{
    =在系统里登记报修单
    ~让居民自己买灯泡
    ~等下次巡查再说
}

::垃圾分类::厨余垃圾应投放到绿色垃圾桶。{T}

社区服务热线是{=12345}。
"""
TEXTS = ("居民报修楼道灯，应先做什么？", "厨余垃圾应投放到绿色垃圾桶。", "社区服务热线是＿＿。")


@pytest.fixture
def demo(transactional_db):
    load_demo("--with-accounts")


def test_trainer_imports_a_gift_file(desktop, demo, tmp_path):
    page = desktop.page
    source = tmp_path / "物业服务.gift"
    source.write_text(GIFT_FILE, encoding="utf-8")
    before = Question.objects.count()

    desktop.goto("/admin/")
    page.get_by_label("用户名").fill("trainer")
    # Wagtail's login form leaves the password field's label untranslated ("Password").
    page.locator("input[name=password]").fill("demo-trainer-2026")
    desktop.screenshot("1-sign-in", full_page=False)
    page.get_by_role("button", name="登录").click()

    page.get_by_role("button", name="题库工具").click()
    page.get_by_role("link", name="导入题目").click()
    expect(page.locator("h1")).to_contain_text("导入题目")
    page.locator("input[name=file]").set_input_files(source)
    desktop.screenshot("2-upload", full_page=False)
    page.get_by_role("button", name="上传并检查").click()

    questions = page.locator("#import-questions tbody tr")
    expect(questions).to_have_count(3)
    for row, text in zip(questions.all(), TEXTS, strict=True):
        expect(row).to_contain_text(text)
    expect(questions.nth(0)).to_contain_text("✓ A. 在系统里登记报修单")
    expect(page.locator("#import-errors")).to_have_count(0)
    assert Question.objects.count() == before  # nothing is saved by the preview
    desktop.screenshot("3-preview")

    page.get_by_role("button", name="导入并发布 3 道题").click()
    expect(page.get_by_text("已导入并发布 3 道题。")).to_be_visible()
    listing = page.locator("#listing-results")
    for text in ("报修登记", "垃圾分类", "社区服务热线是＿＿。"):
        expect(listing.get_by_role("link", name=text)).to_be_visible()
    desktop.screenshot("4-question-bank", full_page=False)
    imported = Question.objects.filter(category__name="浏览器测试/物业服务")
    assert sorted(imported.values_list("text", flat=True)) == sorted(TEXTS)
    assert all(imported.values_list("live", flat=True))
