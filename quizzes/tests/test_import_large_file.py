"""A file at the 2 MB upload limit (11,000 GIFT questions) is read once, at upload; its preview pages come
from the stage, so paging through it never parses it again and never ties up a worker."""

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.factories import make_user

pytestmark = pytest.mark.django_db

QUESTIONS = 11_000
PAGE_SECONDS = 1.0  # issue 13's bound for a preview page; it measures 35–110 ms on the two-core machine


def gift(count: int) -> bytes:
    return "\n\n".join(
        f"::Q{i}:: 访客扫码登记第{i}题，哪一个是正确做法？ "
        "{=请访客扫码并核对成功页面 ~让访客口头报姓名 ~不登记直接放行 ~只登记车牌}"
        for i in range(count)
    ).encode()


def test_a_two_megabyte_file_is_parsed_once_and_paged_from_the_stage(client, django_assert_max_num_queries):
    client.force_login(make_user("trainer-boss", is_superuser=True, is_staff=True))
    data = gift(QUESTIONS)
    assert 1.8e6 < len(data) <= 2 * 1024 * 1024

    started = time.perf_counter()
    response = client.post(
        reverse("quizzes_admin:import"),
        {"file": SimpleUploadedFile("bank.gift", data), "file_format": "auto"},
    )
    upload_seconds = time.perf_counter() - started
    assert response.status_code == 302, response.content.decode()[:500]
    preview = response["Location"]

    for query in ("", "?page=2", "?page=110"):
        started = time.perf_counter()
        with django_assert_max_num_queries(30):
            page = client.get(preview + query)
        seconds = time.perf_counter() - started
        assert page.status_code == 200
        assert seconds <= PAGE_SECONDS, f"preview page{query or ' 1'} took {seconds:.2f} s"
    print(f"upload and parse: {upload_seconds:.2f} s; preview pages within {PAGE_SECONDS} s")
