"""The question bank's admin screens: import (upload → preview → confirm), import templates, GIFT export
of a category, per-question statistics, and who may use them."""

import dataclasses
import io
import random
import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook
from wagtail.models import ModelLogEntry
from wagtail.users.models import UserProfile

from quizzes import importing, services
from quizzes.formats import gift, moodlexml, spreadsheet
from quizzes.models import Question, QuestionCategory
from quizzes.questiondata import QuestionData
from quizzes.tests.factories import make_staff
from tests.factories import make_course, make_org_tree, make_question, make_quiz, make_user, option

pytestmark = pytest.mark.django_db

IMPORT_URL = reverse("quizzes_admin:import")
BANK_URL = reverse("wagtailsnippets_quizzes_question:list")

GIFT_FILE = """// 社区工作人员培训题库
$CATEGORY: $course$/top/数字工具/扫码登记

::扫码登记::访客进入小区时，应扫描哪个二维码？{
    =门口张贴的登记码#对，登记码直接写入登记表。
    ~访客自己的付款码
    ~工作人员的微信
    ####登记码由街道统一生成。
}

::登记信息::登记表需要填写哪些信息？{
    ~%50%姓名
    ~%50%电话
    ~%-100%银行卡号
}

访客可以不登记直接进入小区。{F}

政务服务便民热线的号码是{=12345 =12345热线}。
"""

AIKEN_FILE = """1. 访客扫码登记时，需要出示什么？
A. 身份证
B. 健康码
C. 付款码
ANSWER: A

居民反映楼道灯坏了，应先做什么？
A) 登记并报修
B) 让居民自己修
答案：A
解析：先登记，便于跟踪处理。
"""

CSV_FILE = (
    "题型,分类,题目,选项A,选项B,选项C,答案,解析\r\n"
    "单选,网格管理,网格员每天应巡查几次？,一次,两次,三次,B,早晚各一次。\r\n"
    "判断,网格管理,发现安全隐患应立即上报。,,,,对,\r\n"
    "填空,,社区服务热线是＿＿。,,,,12345,\r\n"
).encode("utf-8-sig")


@pytest.fixture
def trainer():
    return make_user("trainer", groups=["Trainers"])


@pytest.fixture
def trainer_client(client, trainer):
    client.force_login(trainer)
    return client


def post_upload(client, name, content, **fields):
    data = {"file": SimpleUploadedFile(name, content), "file_format": "auto", **fields}
    return client.post(IMPORT_URL, data)


def upload_for_preview(client, name, content, **fields):
    """Upload a file; returns the preview URL it redirects to."""
    response = post_upload(client, name, content, **fields)
    assert response.status_code == 302, response.content.decode()[:2000]
    match = re.fullmatch(r"/admin/question-bank/import/([\w-]+)/", response["Location"])
    assert match, response["Location"]
    return response["Location"]


def form_errors(response) -> str:
    """The upload form came back with an error on the file; returns the page as rendered (in the admin's
    language: the form's messages are lazy, so they are read from the page, not the context)."""
    assert response.status_code == 200
    assert "file" in response.context["form"].errors
    assert "quizzes/admin/import.html" in [t.name for t in response.templates]
    return " ".join(re.findall(r'<p class="error-message">(.*?)</p>', response.content.decode(), re.S))


def preview_questions(response) -> list[str]:
    """The preview table's rows as text, one string per question."""
    html = response.content.decode()
    table = re.search(r'<table class="listing" id="import-questions">(.*?)</table>', html, re.S)
    assert table, "no question table in the preview"
    rows = re.findall(r"<tr>(.*?)</tr>", table.group(1).split("<tbody>")[1], re.S)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip() for row in rows]


def import_log_count() -> int:
    return ModelLogEntry.objects.filter(action=importing.IMPORT_LOG_ACTION).count()


# -- GIFT, the whole way -----------------------------------------------------------------------------


def test_gift_upload_previews_then_imports_once(trainer_client, trainer):
    preview_url = upload_for_preview(trainer_client, "培训题库.gift", GIFT_FILE.encode())

    response = trainer_client.get(preview_url)
    assert response.status_code == 200
    rows = preview_questions(response)
    assert len(rows) == 4
    assert "单选题" in rows[0] and "访客进入小区时，应扫描哪个二维码？" in rows[0]
    assert "✓ A. 门口张贴的登记码" in rows[0] and "✗ B. 访客自己的付款码" in rows[0]
    assert "数字工具/扫码登记" in rows[0]
    assert "多选题" in rows[1] and "✓ A. 姓名" in rows[1] and "✗ C. 银行卡号" in rows[1]
    assert "判断题" in rows[2] and "错误" in rows[2]
    assert "填空题" in rows[3] and "12345 | 12345热线" in rows[3]
    assert response.context["can_import"] is True
    assert "导入并发布 4 道题" in response.content.decode()
    assert not Question.objects.exists() and not QuestionCategory.objects.exists()
    assert import_log_count() == 0

    response = trainer_client.post(preview_url)
    assert response.status_code == 302 and response["Location"] == BANK_URL
    questions = list(Question.objects.order_by("pk"))
    assert [q.kind for q in questions] == ["single", "multiple", "true_false", "fill_blank"]
    assert all(q.live and q.live_revision_id for q in questions)
    category = QuestionCategory.objects.get()
    assert category.name == "数字工具/扫码登记"
    assert {q.category_id for q in questions} == {category.pk}
    assert questions[0].title == "扫码登记" and questions[3].text == "政务服务便民热线的号码是＿＿。"
    entries = ModelLogEntry.objects.filter(action=importing.IMPORT_LOG_ACTION)
    assert entries.count() == 4 and {e.user_id for e in entries} == {trainer.pk}
    assert entries.first().data["source"] == "培训题库.gift"

    listing = trainer_client.get(BANK_URL).content.decode()
    assert "已导入并发布 4 道题。" in listing and "访客可以不登记直接进入小区。" in listing
    assert len(re.findall(r'class="w-status w-status--primary">\s*在用', listing)) == 4  # live, not "True"

    # A double click, a replayed request or a second tab: nothing more is imported.
    again = trainer_client.post(preview_url, follow=True)
    assert again.redirect_chain == [(BANK_URL, 302)]
    assert "这个文件已经导入过了，没有重复导入。" in again.content.decode()
    assert Question.objects.count() == 4 and import_log_count() == 4
    assert trainer_client.get(preview_url).status_code == 302


# -- the other formats -------------------------------------------------------------------------------


def confirm(client, preview_url):
    response = client.post(preview_url)
    assert response.status_code == 302 and response["Location"] == BANK_URL, response.content.decode()[:2000]


def test_aiken_txt_imports_single_choice_questions_into_the_chosen_category(trainer_client):
    category = QuestionCategory.objects.create(name="物业服务")
    preview_url = upload_for_preview(
        trainer_client, "aiken.txt", AIKEN_FILE.encode(), default_category=category.pk
    )
    response = trainer_client.get(preview_url)
    rows = preview_questions(response)
    assert response.context["staged"].options["file_format"] == importing.FORMAT_AIKEN
    assert len(rows) == 2 and all("单选题" in row and "物业服务" in row for row in rows)
    assert "✓ A. 身份证" in rows[0] and "✗ B. 健康码" in rows[0]
    assert "✓ A. 登记并报修" in rows[1]
    assert not Question.objects.exists()

    confirm(trainer_client, preview_url)
    questions = list(Question.objects.order_by("pk"))
    assert [q.text for q in questions] == [
        "访客扫码登记时，需要出示什么？",
        "居民反映楼道灯坏了，应先做什么？",
    ]
    assert {(q.kind, q.category_id, q.live) for q in questions} == {("single", category.pk, True)}
    assert questions[1].explanation == "先登记，便于跟踪处理。"
    assert QuestionCategory.objects.count() == 1 and import_log_count() == 2


def test_csv_imports(trainer_client):
    preview_url = upload_for_preview(trainer_client, "题目.csv", CSV_FILE)
    rows = preview_questions(trainer_client.get(preview_url))
    assert len(rows) == 3
    assert "单选题" in rows[0] and "✓ B. 两次" in rows[0] and "网格管理" in rows[0]
    assert "判断题" in rows[1] and "正确" in rows[1]
    assert "填空题" in rows[2] and "12345" in rows[2]

    confirm(trainer_client, preview_url)
    assert list(Question.objects.order_by("pk").values_list("kind", "category__name")) == [
        ("single", "网格管理"),
        ("true_false", "网格管理"),
        ("fill_blank", None),
    ]
    assert Question.objects.get(kind="true_false").true_answer is True
    assert import_log_count() == 3


def xlsx_bytes(rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_xlsx_imports(trainer_client):
    content = xlsx_bytes(
        [
            ("题型", "分类", "标题", "题目", "选项A", "选项B", "选项C", "答案", "部分得分"),
            ("多选", "安全/消防", "灭火器", "灭火器检查哪些项目？", "压力表", "有效期", "颜色", "A,B", "是"),
            ("排序", "安全/消防", "", "发现火情后按顺序：", "报警", "疏散", "初期扑救", "", "否"),
        ]
    )
    preview_url = upload_for_preview(trainer_client, "消防题.xlsx", content)
    rows = preview_questions(trainer_client.get(preview_url))
    assert len(rows) == 2
    assert "多选题" in rows[0] and "✓ A. 压力表" in rows[0] and "✗ C. 颜色" in rows[0]
    assert "排序题" in rows[1] and "1. 报警" in rows[1] and "3. 初期扑救" in rows[1]

    confirm(trainer_client, preview_url)
    multiple, ordering = Question.objects.order_by("pk")
    assert multiple.partial_credit is True and multiple.title == "灭火器"
    assert [step.value for step in ordering.steps] == ["报警", "疏散", "初期扑救"]
    assert multiple.category.name == ordering.category.name == "安全/消防"


# -- files that cannot be imported ------------------------------------------------------------------

BROKEN_GIFT = """::好题::访客扫码后看到什么？{=登记成功 ~付款码}

坏题没有右花括号{=对 ~错

没有对的选项{~甲 ~乙}
"""


def test_a_malformed_file_shows_line_numbered_errors_and_cannot_be_imported(trainer_client):
    preview_url = upload_for_preview(trainer_client, "坏文件.gift", BROKEN_GIFT.encode())
    response = trainer_client.get(preview_url)
    html = response.content.decode()
    assert response.context["can_import"] is False
    errors = list(response.context["errors"])
    assert [e.line for e in errors] == [3, 5]
    table = re.search(r'id="import-errors">(.*?)</table>', html, re.S).group(1)
    assert "<td>3</td>" in table and "<td>5</td>" in table and "右花括号" in table and "正确答案" in table
    assert "导入并发布" not in html
    assert re.search(r'<button type="submit" class="button" disabled', html)
    assert "文件有错误" in html  # the explanation of why nothing can be imported

    # Posting anyway (a crafted request) imports nothing and shows the errors again.
    refused = trainer_client.post(preview_url)
    assert refused.status_code == 200 and refused.context["can_import"] is False
    assert not Question.objects.exists() and not QuestionCategory.objects.exists()
    assert import_log_count() == 0


def test_questions_the_bank_refuses_are_listed_and_nothing_is_saved(trainer_client, monkeypatch):
    # Valid GIFT that the bank's own checks refuse when saving (a rule the parser does not know).
    from django.core.exceptions import ValidationError

    original = Question.clean

    def refuse_visitors(question):
        original(question)
        if question.text.startswith("访客"):
            raise ValidationError("题库拒绝了这道题")

    monkeypatch.setattr(Question, "clean", refuse_visitors)
    source = "访客必须登记。{T#不对，必须登记。#对。}\n\n另一题。{T}\n"
    preview_url = upload_for_preview(trainer_client, "长解析.gift", source.encode())
    assert trainer_client.get(preview_url).context["can_import"] is True

    response = trainer_client.post(preview_url)
    assert response.status_code == 200
    assert response.context["can_import"] is False
    save_errors = re.search(r'id="save-errors">(.*?)</ul>', response.content.decode(), re.S).group(1)
    assert "第 1 行" in save_errors
    assert not Question.objects.exists() and import_log_count() == 0


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("截图.png", PNG, "不能导入“.png”类型的文件"),
        ("题目.docx", b"PK\x03\x04" + b"\x00" * 64, "不能导入“.docx”类型的文件"),
        ("题目", b"abc", "不能导入“题目”类型的文件"),
        ("空文件.gift", b"", "文件是空的。"),
        ("太大.gift", b"a" * (importing.MAX_BYTES + 1), "文件太大（2.1 MB），上限是 2 MB"),
    ],
)
def test_files_that_cannot_be_read_get_a_chinese_form_error(trainer_client, name, content, message):
    response = post_upload(trainer_client, name, content)
    assert message in form_errors(response)
    assert "上传并检查" in response.content.decode()  # the form is shown again
    assert not response.context["form"].is_valid()
    assert not Question.objects.exists()


def test_no_file_gets_a_form_error(trainer_client):
    response = trainer_client.post(IMPORT_URL, {"file_format": "auto"})
    assert "请选择要导入的文件。" in form_errors(response)


def test_form_errors_follow_the_admin_language(trainer_client, trainer):
    UserProfile.objects.create(user=trainer, preferred_language="en")
    response = post_upload(trainer_client, "screenshot.png", PNG)
    assert "Files of type “.png” cannot be imported." in form_errors(response)
    response = post_upload(trainer_client, "empty.txt", b"")
    assert "The file is empty." in form_errors(response)


def test_the_preview_follows_the_admin_language(trainer_client, trainer):
    UserProfile.objects.create(user=trainer, preferred_language="en")
    response = trainer_client.get(upload_for_preview(trainer_client, "a.gift", GIFT_FILE.encode()))
    html = response.content.decode()
    # The labels are worked out as the page is drawn, in the viewer's language.
    kinds = ["Single choice", "Multiple choice", "True or false", "Fill in the blank"]
    assert all(kind in row for kind, row in zip(kinds, preview_questions(response), strict=True))
    assert "Import and publish 4 questions" in html and "单选题" not in html


def test_a_binary_file_with_a_text_extension_is_refused_on_the_preview(trainer_client):
    preview_url = upload_for_preview(trainer_client, "截图.txt", PNG)
    response = trainer_client.get(preview_url)
    assert response.context["can_import"] is False
    assert "这不是文本文件（看起来是 PNG 文件）" in response.content.decode()
    trainer_client.post(preview_url)
    assert not Question.objects.exists()


def test_an_unknown_or_expired_token_goes_back_to_the_upload_form(trainer_client):
    for token in ("x" * 43, "not-a-token"):
        response = trainer_client.get(reverse("quizzes_admin:import_preview", args=[token]))
        assert response.status_code == 302 and response["Location"] == IMPORT_URL
        assert trainer_client.post(reverse("quizzes_admin:import_preview", args=[token])).status_code == 302
    assert not Question.objects.exists()


def test_a_long_file_is_read_once_and_previewed_a_page_at_a_time(trainer_client, monkeypatch):
    parsed = []
    parse = importing.import_parse
    monkeypatch.setattr(
        importing, "import_parse", lambda *args, **kwargs: parsed.append(1) or parse(*args, **kwargs)
    )
    source = "\n".join(f"第 {n} 题：访客需要登记吗？{{T}}\n" for n in range(1, 151)).encode()
    preview_url = upload_for_preview(trainer_client, "长题库.gift", source)

    first, second = (trainer_client.get(preview_url, {"p": number}) for number in (1, 2))
    assert [len(preview_questions(page)) for page in (first, second)] == [100, 50]
    assert preview_questions(second)[0].startswith("101 ") and "第 150 题" in preview_questions(second)[-1]
    assert "导入并发布 150 道题" in second.content.decode() and second.context["can_import"]
    assert len(parsed) == 1
    confirm(trainer_client, preview_url)
    assert Question.objects.count() == 150 and len(parsed) == 1  # confirmed from the staged questions


# -- templates ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("file_type", "content_type"),
    [
        ("csv", "text/csv; charset=utf-8"),
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ],
)
def test_template_downloads_and_imports_its_examples(trainer_client, file_type, content_type):
    response = trainer_client.get(reverse("quizzes_admin:import_template", args=[file_type]))
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    disposition = response["Content-Disposition"]
    assert disposition.startswith(f'attachment; filename="question-import-template.{file_type}"')
    assert "filename*=UTF-8''%E9%A2%98%E7%9B%AE%E5%AF%BC%E5%85%A5%E6%A8%A1%E6%9D%BF" in disposition
    content = response.content

    if file_type == "xlsx":
        workbook = load_workbook(io.BytesIO(content), read_only=True)
        assert workbook.sheetnames[0] == "题目"
        header = next(workbook.worksheets[0].iter_rows(max_row=1, values_only=True))
    else:
        assert content.startswith(b"\xef\xbb\xbf")
        header = tuple(content.decode("utf-8-sig").splitlines()[0].split(","))
    assert tuple(header) == spreadsheet.TEMPLATE_HEADERS
    assert {"题型", "题目", "答案"} <= set(header)

    # Uploaded unchanged, its example rows (one per type) import cleanly.
    preview_url = upload_for_preview(trainer_client, f"题目导入模板.{file_type}", content)
    preview = trainer_client.get(preview_url)
    assert list(preview.context["errors"]) == []
    assert [row.kind_label for row in preview.context["rows"]] == [
        "单选题",
        "多选题",
        "判断题",
        "填空题",
        "排序题",
    ]
    confirm(trainer_client, preview_url)
    assert sorted(Question.objects.values_list("kind", flat=True)) == sorted(
        ["single", "multiple", "true_false", "fill_blank", "ordering"]
    )


def test_an_unknown_template_type_is_not_found(trainer_client):
    assert trainer_client.get(reverse("quizzes_admin:import_template", args=["pdf"])).status_code == 404


# -- GIFT export ------------------------------------------------------------------------------------


def without_lines(questions):
    return [QuestionData.from_dict(q.as_dict()) for q in questions]


def test_gift_export_reads_back_as_the_same_questions(trainer_client):
    confirm(trainer_client, upload_for_preview(trainer_client, "培训题库.gift", GIFT_FILE.encode()))
    category = QuestionCategory.objects.get(name="数字工具/扫码登记")
    sub = QuestionCategory.objects.create(name="数字工具/扫码登记/进阶")
    make_question("登记码在哪里领取？", kind="single", category=sub, title="领取")
    make_question("不在本分类。", kind="true_false", category=QuestionCategory.objects.create(name="其他"))
    make_question("草稿不导出。", kind="true_false", category=category, live=False)

    response = trainer_client.get(reverse("quizzes_admin:category_export_gift", args=[category.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    disposition = response["Content-Disposition"]
    assert f'filename="question-category-{category.pk}.gift"' in disposition
    assert "filename*=UTF-8''" in disposition and "%E6%95%B0%E5%AD%97%E5%B7%A5%E5%85%B7-" in disposition

    exported = gift.parse(response.content)
    assert exported.ok, exported.errors
    expected = [
        q.to_data() for q in Question.objects.filter(live=True, category__in=[category, sub]).order_by("pk")
    ]
    assert len(expected) == 5
    assert sorted(without_lines(exported.questions), key=repr) == sorted(without_lines(expected), key=repr)
    # What was imported comes back as it was read from the original file.
    original = gift.parse(GIFT_FILE)
    assert without_lines(exported.questions[:4]) == without_lines(original.questions)


def test_moodle_xml_export_reads_back_and_imports_again(trainer_client):
    confirm(trainer_client, upload_for_preview(trainer_client, "培训题库.gift", GIFT_FILE.encode()))
    category = QuestionCategory.objects.get(name="数字工具/扫码登记")
    response = trainer_client.get(reverse("quizzes_admin:category_export_moodlexml", args=[category.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    assert f'filename="question-category-{category.pk}.xml"' in response["Content-Disposition"]

    exported = moodlexml.parse(response.content)
    assert exported.ok, exported.errors
    expected = [q.to_data() for q in Question.objects.filter(live=True, category=category).order_by("pk")]
    assert sorted(without_lines(exported.questions), key=repr) == sorted(without_lines(expected), key=repr)
    # The .xml file is recognised on the import page as Moodle XML.
    preview = trainer_client.get(upload_for_preview(trainer_client, "导出.xml", response.content))
    assert preview.status_code == 200
    assert expected[0].text[:10] in preview.content.decode()


def test_exporting_a_missing_category_is_not_found(trainer_client):
    url = reverse("quizzes_admin:category_export_gift", args=[999999])
    assert trainer_client.get(url).status_code == 404


# -- permissions ------------------------------------------------------------------------------------


def staged_token(user) -> str:
    return importing.import_stage(
        raw=GIFT_FILE.encode(),
        filename="a.gift",
        file_format=importing.FORMAT_GIFT,
        default_category=None,
        actor=user,
    ).token


def every_url(token: str, category: QuestionCategory) -> list[tuple[str, str]]:
    return [
        ("get", IMPORT_URL),
        ("post", IMPORT_URL),
        ("get", reverse("quizzes_admin:import_preview", args=[token])),
        ("post", reverse("quizzes_admin:import_preview", args=[token])),
        ("get", reverse("quizzes_admin:import_template", args=["csv"])),
        ("get", reverse("quizzes_admin:import_template", args=["xlsx"])),
        ("get", reverse("quizzes_admin:category_export_gift", args=[category.pk])),
        ("get", reverse("quizzes_admin:statistics")),
        ("get", reverse("quizzes_admin:statistics_results")),
    ]


def test_learners_cannot_reach_any_question_tool(client, trainer):
    token = staged_token(trainer)
    category = QuestionCategory.objects.create(name="分类")
    client.force_login(make_user("learner"))
    for method, url in every_url(token, category):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("wagtailadmin_login")), url
    assert not Question.objects.exists()


def test_staff_without_question_permissions_get_the_forbidden_page(client, trainer):
    token = staged_token(trainer)
    category = QuestionCategory.objects.create(name="分类")
    client.force_login(make_staff())
    for method, url in every_url(token, category):
        response = getattr(client, method)(url)
        assert response.status_code == 403, url
        assert "你没有权限使用题库的这部分功能" in response.content.decode(), url
        assert "core/forbidden.html" in [t.name for t in response.templates], url
    assert not Question.objects.exists()


def test_viewers_may_see_statistics_and_export_but_not_import(client):
    category = QuestionCategory.objects.create(name="分类")
    client.force_login(make_staff("quizzes.view_question"))
    assert client.get(IMPORT_URL).status_code == 403
    assert client.get(reverse("quizzes_admin:import_template", args=["csv"])).status_code == 403
    assert client.get(reverse("quizzes_admin:statistics")).status_code == 200
    assert client.get(reverse("quizzes_admin:category_export_gift", args=[category.pk])).status_code == 200


def test_the_admin_menu_offers_the_tools_to_trainers_only(client, trainer):
    client.force_login(trainer)
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert IMPORT_URL in html and reverse("quizzes_admin:statistics") in html
    client.force_login(make_staff())
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert IMPORT_URL not in html and reverse("quizzes_admin:statistics") not in html


def test_another_trainer_cannot_see_or_confirm_someone_elses_upload(client, trainer):
    token = staged_token(trainer)
    url = reverse("quizzes_admin:import_preview", args=[token])
    client.force_login(make_user("trainer2", groups=["Trainers"]))
    response = client.get(url)
    assert response.status_code == 302 and response["Location"] == IMPORT_URL
    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == IMPORT_URL
    assert not Question.objects.exists()

    # The owner still can.
    client.force_login(trainer)
    confirm(client, url)
    assert Question.objects.count() == 4


# -- statistics -------------------------------------------------------------------------------------


@pytest.fixture
def graded_quiz():
    """Four learners submit; a fifth is still answering (not counted)."""
    course = make_course("统计课程")
    single = make_question(
        "访客扫码后看到什么？",
        kind="single",
        choices=[option("登记成功页面", True), option("健康码"), option("付款码")],
    )
    true_false = make_question("可以不登记直接进入。", kind="true_false", true_answer=False)
    fill_blank = make_question("访客登记用什么？", kind="fill_blank")  # accepts 二维码
    untouched = make_question("没人答过的题。", kind="true_false")
    quiz = make_quiz(course, [single, true_false, fill_blank, untouched], shuffle_options=False)
    answers = {
        single.pk: [0, 1, 1, 2, 1],
        true_false.pk: [False, False, True, None, True],
        fill_blank.pk: ["二维码", " 二维码。", "条形码", "条形码", "条形码"],
    }
    for n in range(5):
        learner = make_user(f"stats-learner-{n}")
        attempt = services.attempt_start(learner=learner, quiz=quiz, course=course, rng=random.Random(n))
        for position, entry in enumerate(attempt.questions):
            response = answers.get(entry["question_id"], [None] * 5)[n]
            if response is not None:
                services.answer_save(attempt=attempt, position=position, response=response)
        if n < 4:
            services.attempt_submit(attempt=attempt)
    return {"single": single, "true_false": true_false, "fill_blank": fill_blank, "untouched": untouched}


def test_statistics_show_answers_percent_right_and_the_most_chosen_wrong_answer(trainer_client, graded_quiz):
    response = trainer_client.get(reverse("quizzes_admin:statistics"))
    assert response.status_code == 200
    rows = {row["question_id"]: row for row in response.context["object_list"]}
    single, true_false, fill_blank = (graded_quiz[k] for k in ("single", "true_false", "fill_blank"))
    assert set(rows) == {single.pk, true_false.pk, fill_blank.pk}  # unanswered questions have no row

    assert (rows[single.pk]["answered"], rows[single.pk]["correct_count"]) == (4, 1)
    assert rows[single.pk]["correct_percent_display"] == "25%"
    assert (rows[single.pk]["wrong_answer"], rows[single.pk]["wrong_times"]) == ("健康码", 2)

    assert (rows[true_false.pk]["answered"], rows[true_false.pk]["correct_count"]) == (3, 2)
    assert rows[true_false.pk]["correct_percent_display"] == "66.7%"  # core.percent: half up, one decimal
    assert (rows[true_false.pk]["wrong_answer"], rows[true_false.pk]["wrong_times"]) == ("正确", 1)

    assert (rows[fill_blank.pk]["answered"], rows[fill_blank.pk]["correct_count"]) == (4, 2)
    assert rows[fill_blank.pk]["correct_percent_display"] == "50%"
    assert (rows[fill_blank.pk]["wrong_answer"], rows[fill_blank.pk]["wrong_times"]) == ("条形码", 2)

    # Hardest first, and the page says it in words.
    assert [row["question_id"] for row in response.context["object_list"]] == [
        single.pk,
        fill_blank.pk,
        true_false.pk,
    ]
    html = re.sub(r"\s+", " ", response.content.decode())
    assert "健康码（2 次）" in html and "条形码（2 次）" in html and "25%" in html and "66.7%" in html


def test_statistics_count_questions_not_answers(trainer_client, graded_quiz):
    from django.utils import translation

    from quizzes.admin_views import QuestionRowsPaginator

    response = trainer_client.get(reverse("quizzes_admin:statistics"))
    paginator = response.context["paginator"]
    assert isinstance(paginator, QuestionRowsPaginator) and paginator.count == 3
    with translation.override("en"):
        assert QuestionRowsPaginator(list(range(3)), 20).items_count_label == "3 questions"
        assert QuestionRowsPaginator([1], 20).items_count_label == "1 question"


def test_most_chosen_wrong_answer_of_a_multiple_choice_question_is_a_wrong_option(trainer_client):
    course = make_course("多选统计")
    multiple = make_question(
        "登记需要哪些信息？",
        kind="multiple",
        choices=[option("姓名", True), option("电话", True), option("银行卡号"), option("身份证照片")],
    )
    quiz = make_quiz(course, [multiple], shuffle_options=False)
    # Most wrong responses tick both right options plus one wrong one; 银行卡号 is the wrong option
    # chosen most (3 times), although the most frequent whole response is [姓名, 电话, 身份证照片] (2).
    responses = [[0, 1, 3], [0, 1, 3], [0, 2], [1, 2], [2], [0], [0, 1]]
    for n, response in enumerate(responses):
        attempt = services.attempt_start(
            learner=make_user(f"multi-{n}"), quiz=quiz, course=course, rng=random.Random(n)
        )
        services.answer_save(attempt=attempt, position=0, response=response)
        services.attempt_submit(attempt=attempt)
    response = trainer_client.get(reverse("quizzes_admin:statistics"))
    (row,) = response.context["object_list"]
    assert (row["answered"], row["correct_count"]) == (7, 1)
    assert (row["wrong_answer"], row["wrong_times"]) == ("银行卡号", 3)
    assert row["correct_percent_display"] == "14.3%"


def test_statistics_filter_by_category_and_export(trainer_client, graded_quiz):
    category = QuestionCategory.objects.create(name="统计")
    Question.objects.filter(pk=graded_quiz["single"].pk).update(category=category)
    response = trainer_client.get(reverse("quizzes_admin:statistics_results"), {"category": category.pk})
    assert response.status_code == 200
    assert [row["question_id"] for row in response.context["object_list"]] == [graded_quiz["single"].pk]

    export = trainer_client.get(reverse("quizzes_admin:statistics"), {"export": "xlsx"})
    assert export.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(export.streaming_content))).worksheets[0]
    values = list(sheet.iter_rows(values_only=True))
    assert len(values) == 4
    assert values[1][4:9] == (4, 1, 25, "健康码", 2)


def test_statistics_without_answers_say_so(trainer_client):
    response = trainer_client.get(reverse("quizzes_admin:statistics"))
    assert response.status_code == 200
    assert list(response.context["object_list"]) == []
    assert "还没有作答：学员交卷后这里会显示统计。" in response.content.decode()


def test_statistics_can_be_sorted(trainer_client, graded_quiz):
    url = reverse("quizzes_admin:statistics_results")
    most_right = trainer_client.get(url, {"ordering": "-correct_percent"}).context["object_list"]
    assert [row["question_id"] for row in most_right] == [
        graded_quiz["true_false"].pk,
        graded_quiz["fill_blank"].pk,
        graded_quiz["single"].pk,
    ]
    fewest_answers = trainer_client.get(url, {"ordering": "answered"}).context["object_list"]
    assert fewest_answers[0]["question_id"] == graded_quiz["true_false"].pk


# Where the four learners who submitted work: stats-learner-3 is placed nowhere.
STATISTICS_PLACES = {"stats-learner-0": "A社区", "stats-learner-1": "C社区", "stats-learner-2": "B社区"}
# role → (its own unit, the unit it manages, the learners whose answers it counts)
STATISTICS_ROLES = {
    # Question authors who manage no part of the tree: the whole city, wherever they work.
    "trainer": ("A社区", None, {0, 1, 2, 3}),
    "community_manager": ("解放碑街道", "A社区", {0}),  # the managed unit, not their own unit
    "street_manager": ("A社区", "解放碑街道", {0, 2}),
    "district_manager": ("A社区", "渝中区", {0, 1, 2}),
    "city_admin": ("A社区", "重庆市", {0, 1, 2, 3}),
}


@pytest.mark.parametrize("role", list(STATISTICS_ROLES))
def test_statistics_count_only_learners_in_the_viewers_scope(client, graded_quiz, role):
    """The same scope as the training reports (accounts.scope): the managed unit decides."""
    from quizzes.admin_views import graded_answers

    units = make_org_tree()
    learners = get_user_model().objects
    for username, unit in STATISTICS_PLACES.items():
        learners.filter(username=username).update(org_unit=units[unit])
    own, managed, expected = STATISTICS_ROLES[role]
    viewer = make_user(
        role,
        groups=["Trainers", "Managers"] if managed else ["Trainers"],
        org_unit=units[own],
        managed_unit=units[managed] if managed else None,
    )
    counted = set(
        graded_answers(viewer=viewer)
        .filter(question_id=graded_quiz["single"].pk)
        .values_list("attempt__learner__username", flat=True)
    )
    assert counted == {f"stats-learner-{n}" for n in expected}

    client.force_login(viewer)
    for url in (reverse("quizzes_admin:statistics"), reverse("quizzes_admin:statistics_results")):
        rows = {row["question_id"]: row for row in client.get(url).context["object_list"]}
        assert rows[graded_quiz["single"].pk]["answered"] == len(expected), url
    export = client.get(reverse("quizzes_admin:statistics"), {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(export.streaming_content))).worksheets[0]
    by_id = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert by_id[graded_quiz["single"].pk][4] == len(expected)


def test_statistics_are_closed_to_managers_without_the_question_bank(client, graded_quiz):
    units = make_org_tree()
    manager = make_user(
        "manager", groups=["Managers"], org_unit=units["渝中区"], managed_unit=units["渝中区"]
    )
    client.force_login(manager)
    assert client.get(reverse("quizzes_admin:statistics")).status_code == 403
    assert client.get(reverse("quizzes_admin:statistics"), {"export": "csv"}).status_code == 403


def test_graded_answers_are_none_for_people_without_scope_or_question_bank(graded_quiz):
    from quizzes.admin_views import graded_answers

    units = make_org_tree()
    learner = get_user_model().objects.get(username="stats-learner-0")
    learner.org_unit = units["A社区"]
    learner.save()
    assert not graded_answers(viewer=learner).exists()
    superuser = make_user("root", is_superuser=True, org_unit=units["A社区"])
    assert graded_answers(viewer=superuser).filter(question_id=graded_quiz["single"].pk).count() == 4


def test_the_import_page_and_the_template_notes_give_the_same_question_limit(trainer_client):
    from openpyxl import load_workbook as load

    from quizzes.formats import MAX_QUESTIONS, spreadsheet

    assert importing.MAX_IMPORT_QUESTIONS == spreadsheet.MAX_ROWS == MAX_QUESTIONS
    page = trainer_client.get(IMPORT_URL)
    assert page.context["max_questions"] == MAX_QUESTIONS
    assert f"{MAX_QUESTIONS}" in re.sub(r"[\s,]", "", page.content.decode())
    notes = load(io.BytesIO(spreadsheet.template_xlsx())).worksheets[1]
    text = " ".join(str(cell) for row in notes.iter_rows(values_only=True) for cell in row if cell)
    assert f"一次最多 {MAX_QUESTIONS} 道" in text
    assert "5000" not in text


# -- what an import maps or leaves out is shown before anything is saved -----------------------

MATCHING_AND_PICTURE = """::配对::把工具和用途配起来。{
=扫码登记 -> 登记访客
=体温登记 -> 记录体温
}

[html]<p>看图：<img src="@@PLUGINFILE@@/a.png">哪个是登记码？</p>{=登记码 ~付款码}
"""


def test_the_preview_lists_what_was_mapped_or_left_out(trainer_client):
    preview_url = upload_for_preview(trainer_client, "配对.gift", MATCHING_AND_PICTURE.encode())
    response = trainer_client.get(preview_url)
    html = response.content.decode()
    assert response.context["can_import"] is True
    assert 'id="import-notices"' in html
    notices = response.context["staged"].summary["notices"]
    assert any("图片" in message for _line, message in notices)
    assert len(notices) >= 2
    assert not Question.objects.exists()


# -- a whole Moodle question bank export, through the admin ----------------------------------------

MOODLE_EXPORTS = Path(__file__).parent / "fixtures" / "moodle_exports"


@pytest.mark.parametrize("name", ["community-bank.xml", "community-bank.gift"])
def test_a_moodle_bank_export_imports_whole_and_exports_back_the_same(trainer_client, name):
    """A bank as Moodle 4 exports it (every element Moodle writes, HTML texts, a description item and a
    matching question) comes in whole: each type as Moodle reads it, the rest named in the preview."""
    preview_url = upload_for_preview(trainer_client, name, (MOODLE_EXPORTS / name).read_bytes())
    preview = trainer_client.get(preview_url)
    assert preview.context["can_import"] is True, preview.context["errors"]
    assert any("匹配题" in message for _line, message in preview.context["staged"].summary["notices"])
    assert trainer_client.post(preview_url).status_code == 302

    kinds = sorted(Question.objects.values_list("kind", flat=True))
    assert kinds == sorted(
        ["single", "multiple", "true_false", "fill_blank", "numeric", "essay"] + ["single"] * 3
    )
    category = QuestionCategory.objects.get()
    assert category.name == "Default for 社区工作者培训/扫码登记"
    numeric = Question.objects.get(kind="numeric").to_data()
    assert [(a.text, a.weight, a.tolerance) for a in numeric.answers] == [
        ("37.3", 1.0, 0.0),
        ("37", 0.5, 0.5),
    ]
    true_false = Question.objects.get(kind="true_false").to_data()
    assert true_false.true_answer is False and [c.feedback for c in true_false.choices] == [
        "不对，都要登记。",
        "对。",
    ]

    # What the bank holds goes out and comes back as the same questions, in both formats (GIFT has no
    # place for a written answer's marking guide: Moodle's GIFT export loses it too).
    stored = sorted((q.to_data() for q in Question.objects.all()), key=lambda q: q.title)
    for module, expected in (
        (moodlexml, stored),
        (gift, [dataclasses.replace(q, marking_guide="") for q in stored]),
    ):
        again = module.parse(module.export(stored))
        assert again.errors == []
        assert sorted(again.questions, key=lambda q: q.title) == expected
