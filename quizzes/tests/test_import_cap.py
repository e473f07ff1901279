"""The question cap while parsing: a file with more than MAX_QUESTIONS questions stops at the next one,
and the preview shows where (line) and why, first thing, for every format."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from quizzes import importing
from quizzes.formats import MAX_QUESTIONS
from quizzes.models import Question
from quizzes.questiondata import QuestionData
from tests.factories import make_user

pytestmark = pytest.mark.django_db

EXTRA = 200


def aiken_bank(count: int) -> bytes:
    item = "第 {n} 题：访客需要登记吗？\nA. 需要\nB. 不需要\nANSWER: A\n\n"
    return "".join(item.format(n=n) for n in range(count)).encode()


def gift_bank(count: int) -> bytes:
    return "".join(f"第 {n} 题：访客需要登记吗？{{T}}\n\n" for n in range(count)).encode()


def csv_bank(count: int) -> bytes:
    rows = "".join(f"判断,第 {n} 题：访客需要登记吗？,对\r\n" for n in range(count))
    return ("题型,题目,答案\r\n" + rows).encode("utf-8-sig")


@pytest.mark.parametrize(
    ("name", "source", "stop_line"),
    [
        ("题库.txt", aiken_bank(MAX_QUESTIONS + EXTRA), MAX_QUESTIONS * 5 + 1),
        ("题库.gift", gift_bank(MAX_QUESTIONS + EXTRA), MAX_QUESTIONS * 2 + 1),
        ("题库.csv", csv_bank(MAX_QUESTIONS + EXTRA), MAX_QUESTIONS + 2),
    ],
)
def test_the_cap_is_the_previews_error_with_its_line(client, name, source, stop_line):
    client.force_login(make_user("trainer-boss", is_superuser=True, is_staff=True))
    response = client.post(
        reverse("quizzes_admin:import"), {"file": SimpleUploadedFile(name, source), "file_format": "auto"}
    )
    assert response.status_code == 302, response.content.decode()[:300]
    page = client.get(response["Location"])
    staged = page.context["staged"]
    assert staged.summary["questions"] == MAX_QUESTIONS
    assert staged.summary["stopped_at"] == stop_line
    assert page.context["can_import"] is False
    html = page.content.decode()
    assert f"第 {stop_line} 行：文件中的题目超过 {MAX_QUESTIONS} 道" in html
    assert 'id="import-stopped"' in html
    client.post(response["Location"])
    assert not Question.objects.exists()


def test_a_parser_that_reads_on_is_cut_at_the_cap_by_the_import(monkeypatch):
    from quizzes.questiondata import ParseResult, QuestionKind

    questions = [
        QuestionData(kind=QuestionKind.TRUE_FALSE, text=f"Q{n}", true_answer=True, source_line=n + 1)
        for n in range(MAX_QUESTIONS + 3)
    ]
    monkeypatch.setattr(importing, "import_parse", lambda *a, **k: ParseResult(questions=questions))
    upload = importing.Upload(name="x.gift", data=b"", options={"file_format": "gift"})
    rows = importing.QUESTION_IMPORT.parse(upload)
    assert len([row for row in rows if isinstance(row, QuestionData)]) == MAX_QUESTIONS
    assert rows[-1].line == MAX_QUESTIONS + 1 and "超过" in rows[-1].message


def test_exactly_the_cap_imports(client):
    client.force_login(make_user("trainer-boss", is_superuser=True, is_staff=True))
    response = client.post(
        reverse("quizzes_admin:import"),
        {"file": SimpleUploadedFile("题库.csv", csv_bank(MAX_QUESTIONS)), "file_format": "auto"},
    )
    page = client.get(response["Location"])
    assert page.context["staged"].summary["stopped_at"] == 0
    assert page.context["can_import"] is True
