"""Question import benchmark: a 2 MB GIFT file (~28,000 questions) and a 1,000-row Excel file, timed from
the bytes to the preview page a trainer sees.

    make bench-import        # = .venv/bin/python -m tests.bench.imports

Runs in process with the test settings (SQLite in memory, local-memory cache; DATABASE_URL / REDIS_URL
for PostgreSQL and Redis), in a throwaway test database. Each figure is the median of ROUNDS runs.
What it times, per file:

- decode: bytes to text (core.tabular.text_decode; GIFT only);
- parse: the format's parser as the import calls it (it stops at question MAX_QUESTIONS + 1);
- full parse: the same parser with no cap, where the parser takes a ``limit`` (28,000 questions);
- upload: the admin's upload POST (parse once, stage the rows in the cache) — what the trainer waits for;
- preview: the preview page GET (first page, and the last page), rendered from the stage.
"""

from __future__ import annotations

import inspect
import io
import os
import statistics
import sys
import time

ROUNDS = int(os.environ.get("BENCH_IMPORT_ROUNDS", "3"))
GIFT_BYTES = 2 * 1024 * 1024
EXCEL_ROWS = 1000


def gift_file(limit: int = GIFT_BYTES) -> tuple[bytes, int]:
    """Simple true/false and single-choice questions, as many as fit in `limit` bytes."""
    parts: list[bytes] = []
    size = count = 0
    while True:
        if count % 2:
            text = f"::Q{count}:: 第 {count} 题：扫码后要核对成功页面吗？{{T}}\n\n"
        else:
            text = f"::Q{count}:: 第 {count} 题：通知发在哪里？{{=公告栏 ~业主群 ~不发}}\n\n"
        part = text.encode()
        if size + len(part) > limit:
            return b"".join(parts), count
        parts.append(part)
        size += len(part)
        count += 1


def excel_file(rows: int = EXCEL_ROWS) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("题目")
    sheet.append(["题型", "分类", "题目", "选项A", "选项B", "选项C", "答案", "解析"])
    for n in range(rows):
        sheet.append(
            [
                "单选",
                "数字工具/扫码",
                f"第 {n} 题：访客进门扫哪个码？",
                "登记码",
                "付款码",
                "微信",
                "A",
                "解析",
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def median_seconds(function, rounds: int = ROUNDS) -> tuple[float, object]:
    times, result = [], None
    for _ in range(rounds):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment, teardown_test_environment
    from django.urls import reverse

    from core.tabular import text_decode
    from quizzes.formats import gift, spreadsheet

    gift_data, gift_count = gift_file()
    xlsx_data = excel_file()
    rows: list[tuple[str, str, float, str]] = []

    def record(file: str, step: str, seconds: float, note: str = "") -> None:
        rows.append((file, step, seconds, note))

    gift_label = f"GIFT {len(gift_data) / 2**20:.2f} MB, {gift_count:,} questions"
    xlsx_label = f"Excel {len(xlsx_data) / 1e3:.0f} KB, {EXCEL_ROWS:,} rows"
    seconds, _ = median_seconds(lambda: text_decode(gift_data))
    record(gift_label, "decode", seconds)
    seconds, result = median_seconds(lambda: gift.parse(gift_data))
    record(gift_label, "parse (as imported)", seconds, f"{len(result.questions):,} questions read")
    if "limit" in inspect.signature(gift.parse).parameters:
        seconds, result = median_seconds(lambda: gift.parse(gift_data, limit=10**6))
        record(gift_label, "full parse (no cap)", seconds, f"{len(result.questions):,} questions read")
    else:
        record(gift_label, "full parse (no cap)", seconds, "the parser has no cap yet: same as above")
    seconds, result = median_seconds(lambda: spreadsheet.parse(xlsx_data, "bank.xlsx"))
    record(xlsx_label, "parse", seconds, f"{len(result.questions):,} questions read")

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from tests.factories import make_user

        client = Client()
        client.force_login(make_user("bench-importer", is_superuser=True, is_staff=True))
        for label, name, data in ((gift_label, "bank.gift", gift_data), (xlsx_label, "bank.xlsx", xlsx_data)):
            locations = []

            def upload(name=name, data=data, locations=locations):
                response = client.post(
                    reverse("quizzes_admin:import"),
                    {"file": SimpleUploadedFile(name, data), "file_format": "auto"},
                )
                assert response.status_code == 302, response.status_code
                locations.append(response["Location"])

            seconds, _ = median_seconds(upload)
            record(label, "upload → staged", seconds)
            preview = locations[-1]
            seconds, page = median_seconds(lambda preview=preview: client.get(preview))
            assert page.status_code == 200
            summary = page.context["staged"].summary
            record(label, "preview page 1", seconds, f"{summary['questions']:,} questions staged")
            last = page.context["rows"].paginator.num_pages if "rows" in page.context else 1
            seconds, page = median_seconds(
                lambda preview=preview, last=last: client.get(f"{preview}?p={last}")
            )
            assert page.status_code == 200
            record(label, f"preview page {last}", seconds)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()

    database = connection.vendor
    print(f"Question import benchmark ({database}, median of {ROUNDS}, Python {sys.version.split()[0]})")
    print()
    print("| file | step | seconds | |")
    print("|---|---|---:|---|")
    for file, step, seconds, note in rows:
        print(f"| {file} | {step} | {seconds:.3f} | {note} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
