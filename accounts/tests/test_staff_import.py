"""Bulk staff import: reading files, the dry run, the all-or-nothing import, the admin screens and the
one-time hand-over of initial passwords."""

import csv
import io
import re

import pytest
from django.contrib.auth.hashers import check_password
from django.contrib.auth.models import Permission
from django.contrib.messages import SUCCESS, WARNING
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from wagtail.log_actions import registry as log_registry
from wagtail.models import ModelLogEntry

from accounts import passwords as password_rules
from accounts import staff_import
from accounts.backends import UsernameOrMobileBackend
from accounts.models import OrgUnit, User
from accounts.staff_import import (
    IMPORT_LOG_ACTION,
    Outcome,
    StaffImportNotAllowed,
    StaffImportRefused,
    StaffRow,
    mobile_normalise,
    staff_file_read,
    staff_import_plan,
)
from accounts.staff_import_sheets import TEMPLATE_HEADERS, template_csv
from tests.factories import make_org_tree, make_position, make_user

HEADER = ["姓名", "手机号", "组织", "岗位"]
LOGIN = "/accounts/login/"
UPLOAD = "/admin/staff-import/"


def csv_bytes(rows, header=HEADER, encoding="utf-8-sig"):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows, header=HEADER):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def read(rows, header=HEADER, **kwargs):
    result = staff_file_read(csv_bytes(rows, header=header, **kwargs), "staff.csv")
    assert result.ok, result.errors
    return result.rows


def outcomes(plan):
    return [(row.line, row.outcome) for row in plan.rows]


def error_codes(plan):
    return {(line, error.code) for line, error in plan.errors}


# -- reading files (no database) -------------------------------------------------------------------


def test_reads_chinese_headers_from_a_utf8_bom_csv():
    rows = read([["张三", "139 1234 5678", "渝中区/解放碑街道/A社区", "网格员"]])
    assert rows == [
        StaffRow(
            line=2, name="张三", mobile="139 1234 5678", org_path="渝中区/解放碑街道/A社区", position="网格员"
        )
    ]


def test_reads_english_headers_in_any_order_and_skips_notes_and_blank_rows():
    header = ["Mobile", "Notes", "Name", "Organisation path", "Position", "Username", "E-mail"]
    rows = read(
        [
            [
                "13912345678",
                "new",
                "Zhang San",
                "渝中区/解放碑街道/A社区",
                "网格员",
                "zhangsan",
                "z@example.com",
            ],
            ["", "only a note", "", "", "", "", ""],
            [],
            ["13912345679", "", "Li Si", "渝中区", "", "", ""],
        ],
        header=header,
    )
    assert [(row.line, row.name, row.username, row.email) for row in rows] == [
        (2, "Zhang San", "zhangsan", "z@example.com"),
        (5, "Li Si", "", ""),
    ]


def test_header_aliases_ignore_notes_case_and_width():
    header = ["员工姓名", "手机号码（必填）", "所属单位", "职务", "登录名", "电子邮箱"]
    (row,) = read([["张三", "13912345678", "渝中区", "网格员", "zs", "z@example.com"]], header=header)
    assert (row.name, row.mobile, row.org_path, row.position, row.username, row.email) == (
        "张三", "13912345678", "渝中区", "网格员", "zs", "z@example.com",
    )  # fmt: skip


def test_reads_a_gbk_csv_saved_by_chinese_excel():
    (row,) = read([["张三", "13912345678", "渝中区/解放碑街道", "社区工作者"]], encoding="gbk")
    assert (row.name, row.org_path, row.position) == ("张三", "渝中区/解放碑街道", "社区工作者")


def test_reads_an_xlsx_with_numbers_typed_as_numbers():
    data = xlsx_bytes([["张三", 13912345678, "渝中区/解放碑街道/A社区", "网格员"], [None] * 4])
    result = staff_file_read(data, "staff.xlsx")
    assert result.ok and [(r.line, r.mobile) for r in result.rows] == [(2, "13912345678")]


@pytest.mark.parametrize(
    ("filename", "data"),
    [
        ("staff.csv", b""),
        ("staff.csv", csv_bytes([])),
        ("staff.csv", csv_bytes([["张三", "13912345678"]], header=["姓名", "手机号"])),  # no 组织
        ("staff.csv", csv_bytes([["a", "b", "13912345678", "c"]], header=["姓名", "name", "手机号", "组织"])),
        ("staff.csv", b"\n\n"),
        ("staff.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100),
        ("staff.xlsx", b"just text"),
        ("staff.xlsx", b"PK\x03\x04 broken zip"),
        ("staff.csv", b"x" * (staff_import.MAX_BYTES + 1)),
    ],
)
def test_unusable_files_are_refused_as_a_whole(filename, data):
    result = staff_file_read(data, filename)
    assert not result.ok and result.errors and not result.rows


def test_more_than_the_row_limit_is_refused(monkeypatch):
    monkeypatch.setattr(staff_import, "MAX_ROWS", 3)
    row = ["张三", "13912345678", "渝中区", ""]
    assert staff_file_read(csv_bytes([row] * 3), "staff.csv").ok
    assert not staff_file_read(csv_bytes([row] * 4), "staff.csv").ok


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("13912345678", "13912345678"),
        ("139 1234 5678", "13912345678"),
        ("139-1234-5678", "13912345678"),
        ("+86 139 1234 5678", "13912345678"),
        ("0086-13912345678", "13912345678"),
        ("8613912345678", "13912345678"),
        ("１３９１２３４５６７８", "13912345678"),
        ("12912345678", None),  # 12x is not a mobile prefix
        ("1391234567", None),
        ("139123456789", None),
        ("1.39123E+10", None),
        ("", None),
    ],
)
def test_mobile_numbers_are_normalised(typed, expected):
    assert mobile_normalise(typed) == expected


@hypothesis_settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=400), extension=st.sampled_from(["csv", "xlsx", "xls", "txt", ""]))
def test_reading_never_raises(data, extension):
    result = staff_file_read(data, f"staff.{extension}")
    assert result.ok == (not result.errors)


def test_the_csv_template_has_a_bom_chinese_headers_and_reads_back():
    content = template_csv()
    assert content.startswith(b"\xef\xbb\xbf")
    assert next(csv.reader(io.StringIO(content.decode("utf-8-sig")))) == list(TEMPLATE_HEADERS)
    assert len(staff_file_read(content, "template.csv").rows) == 3


# -- planning (the dry run) ------------------------------------------------------------------------


@pytest.fixture
def units(db):
    return make_org_tree()


@pytest.fixture
def positions(db):
    return {name: make_position(name) for name in ("网格员", "社区工作者")}


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("root", "root@example.com", "a-Strong-pass-2026")


def make_manager(unit, username="manager", *, can_add_users=True):
    if can_add_users:
        return make_user(username, managed_unit=unit, groups=["Managers"])
    user = make_user(username, managed_unit=unit)
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    return User.objects.get(pk=user.pk)


@pytest.fixture
def manager(units):
    return make_manager(units["解放碑街道"])


def rows_of(*values, start=2):
    fields = ("name", "mobile", "org_path", "position", "username", "email")
    return [StaffRow(start + i, **dict(zip(fields, row, strict=False))) for i, row in enumerate(values)]


@pytest.mark.django_db
def test_every_kind_of_error_is_reported_on_its_own_row(units, positions, superuser):
    make_user("zhangwei")
    plan = staff_import_plan(
        rows=rows_of(
            ("", "13900000002", "渝中区/解放碑街道/A社区"),  # 2
            ("李四", "12345", "渝中区/解放碑街道/A社区"),  # 3
            ("王五", "13900000004", "渝中区/解放碑街道/A社区"),  # 4
            ("赵六", "139 0000 0004", "渝中区/解放碑街道/A社区"),  # 5: same number as row 4
            ("孙七", "13900000006", "渝中区/解放碑街道/不存在社区"),  # 6
            ("周八", "13900000007", "渝中区/解放碑街道/A社区", "队长"),  # 7
            ("吴九", "13900000008", "渝中区/解放碑街道/A社区", "", "", "not-an-email"),  # 8
            ("郑十", "13900000009", "渝中区/解放碑街道/A社区", "", "has space"),  # 9
            ("示例", "13800000001", "渝中区/解放碑街道/A社区"),  # 10: the template's example
            ("钱一", "13900000011", ""),  # 11
            ("陈二", "", "渝中区/解放碑街道/A社区"),  # 12
            ("张伟", "13900000013", "渝中区/解放碑街道/A社区", "", "ZhangWei"),  # 13: username taken
            ("林三", "13900000014", "渝中区/解放碑街道/A社区", "", "lin"),  # 14
            ("林四", "13900000015", "渝中区/解放碑街道/A社区", "", "LIN"),  # 15: same username as 14
            ("长" * 51, "13900000016", "渝中区/解放碑街道/A社区"),  # 16
        ),
        actor=superuser,
    )
    assert error_codes(plan) == {
        (2, "missing_name"),
        (3, "bad_mobile"),
        (5, "duplicate_mobile"),
        (6, "unknown_unit"),
        (7, "unknown_position"),
        (8, "bad_email"),
        (9, "bad_username"),
        (10, "example_row"),
        (11, "missing_unit"),
        (12, "missing_mobile"),
        (13, "username_taken"),
        (15, "duplicate_username"),
        (16, "bad_name"),
    }
    assert outcomes(plan)[2] == (4, Outcome.CREATE)
    assert not plan.ok and not plan.can_import
    unknown = next(error for line, error in plan.errors if line == 6)
    assert "不存在社区" in unknown.message and "渝中区/解放碑街道" in unknown.message


@pytest.mark.django_db
def test_the_mobile_number_is_the_default_username_and_must_be_free(units, superuser):
    make_user("13900000001")  # a username that happens to be this number, on another account
    plan = staff_import_plan(rows=rows_of(("张三", "13900000001", "渝中区")), actor=superuser)
    assert error_codes(plan) == {(2, "username_taken")}
    plan = staff_import_plan(rows=rows_of(("张三", "13900000001", "渝中区", "", "zhangsan")), actor=superuser)
    assert plan.ok and plan.rows[0].username == "zhangsan"


@pytest.mark.django_db
def test_unit_paths_are_matched_by_names_from_the_top_down(units, superuser):
    plan = staff_import_plan(
        rows=rows_of(
            ("甲", "13900000001", "渝中区/解放碑街道/A社区"),
            ("乙", "13900000002", " 重庆市 / 渝中区 ／ 解放碑街道 / A社区 "),
            ("丙", "13900000003", "渝中区>七星岗街道>C社区"),
            ("丁", "13900000004", "渝中区"),
            ("戊", "13900000005", "解放碑街道/A社区"),  # must start at the district or the city
        ),
        actor=superuser,
    )
    assert [row.unit for row in plan.rows[:4]] == [
        units["A社区"],
        units["A社区"],
        units["C社区"],
        units["渝中区"],
    ]
    assert plan.rows[0].unit_path == "重庆市/渝中区/解放碑街道/A社区"
    assert error_codes(plan) == {(6, "unknown_unit")}


@pytest.mark.django_db
def test_a_path_that_fits_two_units_is_ambiguous(units, superuser):
    other_city = OrgUnit.add_root(name="成都市", level="city")
    district = other_city.add_child(name="渝中区", level="district")
    district.add_child(name="解放碑街道", level="street")
    plan = staff_import_plan(
        rows=rows_of(
            ("甲", "13900000001", "渝中区/解放碑街道"), ("乙", "13900000002", "重庆市/渝中区/解放碑街道")
        ),
        actor=superuser,
    )
    assert error_codes(plan) == {(2, "ambiguous_unit")}
    assert plan.rows[1].unit == units["解放碑街道"]


@pytest.mark.django_db
def test_positions_match_ignoring_spaces_and_width(units, positions, superuser):
    plan = staff_import_plan(rows=rows_of(("甲", "13900000001", "渝中区", " 网格 员 ")), actor=superuser)
    assert plan.rows[0].position == positions["网格员"]


@pytest.mark.django_db
def test_a_known_mobile_number_updates_that_account(units, positions, superuser):
    moved = make_user("moved", name="旧名", mobile="13900000001", org_unit=units["A社区"])
    same = make_user(
        "same", name="李四", mobile="13900000002", org_unit=units["B社区"], position=positions["网格员"]
    )
    plan = staff_import_plan(
        rows=rows_of(
            ("新名", "+86 139 0000 0001", "渝中区/七星岗街道/C社区", "社区工作者"),
            ("李四", "13900000002", "渝中区/解放碑街道/B社区", ""),  # blank position: keep it
            ("王五", "13900000003", "渝中区/解放碑街道/B社区", "", "", ""),
        ),
        actor=superuser,
    )
    assert outcomes(plan) == [(2, Outcome.UPDATE), (3, Outcome.UNCHANGED), (4, Outcome.CREATE)]
    assert plan.rows[0].user == moved and plan.rows[1].user == same
    assert [(c.field, c.old, c.new) for c in plan.rows[0].changes] == [
        ("name", "旧名", "新名"),
        ("org_unit", "重庆市/渝中区/解放碑街道/A社区", "重庆市/渝中区/七星岗街道/C社区"),
        ("position", "", "社区工作者"),
    ]
    assert plan.counts == {"create": 1, "update": 1, "unchanged": 1, "error": 0} and plan.can_import


@pytest.mark.django_db
def test_an_import_cannot_rename_an_account(units, superuser):
    make_user("zhangsan", mobile="13900000001")
    plan = staff_import_plan(rows=rows_of(("张三", "13900000001", "渝中区", "", "other")), actor=superuser)
    assert error_codes(plan) == {(2, "username_mismatch")}
    plan = staff_import_plan(rows=rows_of(("张三", "13900000001", "渝中区", "", "ZhangSan")), actor=superuser)
    assert plan.ok


@pytest.mark.django_db
def test_the_dry_run_saves_nothing_and_its_queries_do_not_grow_with_the_rows(units, positions, superuser):
    make_user("existing", mobile="13900000000", org_unit=units["A社区"])
    users, logs = User.objects.count(), ModelLogEntry.objects.count()

    def plan_queries(count):
        rows = rows_of(
            *[(f"人{n}", f"139000{n:05d}", "渝中区/解放碑街道/A社区", "网格员") for n in range(count)]
        )
        with CaptureQueriesContext(connection) as context:
            plan = staff_import_plan(rows=rows, actor=superuser)
        assert plan.ok
        return len(context.captured_queries)

    assert plan_queries(3) == plan_queries(60) <= 5
    assert (User.objects.count(), ModelLogEntry.objects.count()) == (users, logs)


@pytest.mark.django_db
def test_a_manager_imports_only_into_their_own_part_of_the_tree(units, manager):
    make_user("elsewhere", mobile="13900000003", org_unit=units["C社区"])
    User.objects.create_superuser("boss", "boss@example.com", "a-Strong-pass-2026", mobile="13900000004")
    make_user("mine", mobile="13900000005", org_unit=units["B社区"])
    plan = staff_import_plan(
        rows=rows_of(
            ("甲", "13900000001", "渝中区/解放碑街道/A社区"),
            ("乙", "13900000002", "渝中区/七星岗街道/C社区"),  # another street
            ("丙", "13900000003", "渝中区/解放碑街道/A社区"),  # someone from another street
            ("丁", "13900000004", "渝中区/解放碑街道/A社区"),  # a superuser's number
            ("戊", "13900000005", "渝中区/解放碑街道/A社区"),  # moved within the street
            ("己", "13900000006", "渝中区"),  # above the manager's unit
        ),
        actor=manager,
    )
    assert error_codes(plan) == {
        (3, "unit_out_of_scope"),
        (4, "user_out_of_scope"),
        (5, "user_out_of_scope"),
        (7, "unit_out_of_scope"),
    }
    assert outcomes(plan)[0] == (2, Outcome.CREATE) and outcomes(plan)[4] == (6, Outcome.UPDATE)


@pytest.mark.django_db
def test_a_manager_of_the_city_imports_anywhere_but_never_touches_a_superuser(units):
    city_manager = make_manager(units["重庆市"], "city")
    make_user("elsewhere", mobile="13900000002", org_unit=units["C社区"])
    User.objects.create_superuser("boss", "boss@example.com", "a-Strong-pass-2026", mobile="13900000003")
    plan = staff_import_plan(
        rows=rows_of(
            ("甲", "13900000001", "渝中区/七星岗街道/C社区"),
            ("乙", "13900000002", "渝中区/解放碑街道/A社区"),
            ("丙", "13900000003", "渝中区/解放碑街道/A社区"),
        ),
        actor=city_manager,
    )
    assert outcomes(plan)[:2] == [(2, Outcome.CREATE), (3, Outcome.UPDATE)]
    assert error_codes(plan) == {(4, "user_out_of_scope")}


@pytest.mark.django_db
def test_importers_need_the_permission_to_add_users_and_a_unit(units):
    rows = rows_of(("甲", "13900000001", "渝中区/解放碑街道/A社区"))
    for actor in (
        make_manager(None, "no-unit"),
        make_manager(units["解放碑街道"], "no-permission", can_add_users=False),
        make_user("learner", org_unit=units["A社区"]),
    ):
        with pytest.raises(StaffImportNotAllowed):
            staff_import_plan(rows=rows, actor=actor)
        with pytest.raises(StaffImportNotAllowed):
            staff_import.staff_import(rows=rows, actor=actor)
    assert not User.objects.filter(mobile="13900000001").exists()


# -- importing -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_import_creates_and_updates_and_logs_each_account(units, positions, manager):
    existing = make_user("existing", name="旧名", mobile="13900000009", org_unit=units["A社区"])
    result = staff_import.staff_import(
        rows=rows_of(
            ("张三", "13900000001", "渝中区/解放碑街道/A社区", "网格员"),
            ("李四", "13900000002", "渝中区/解放碑街道/B社区", "", "lisi", "LiSi@Example.COM"),
            ("新名", "13900000009", "渝中区/解放碑街道/B社区"),
        ),
        actor=manager,
        source="员工.xlsx",
    )
    assert (len(result.created), len(result.updated), result.unchanged) == (2, 1, 0)
    zhang = User.objects.get(mobile="13900000001")
    assert (zhang.username, zhang.name, zhang.org_unit, zhang.position) == (
        "13900000001", "张三", units["A社区"], positions["网格员"],
    )  # fmt: skip
    li = User.objects.get(username="lisi")
    assert li.email == "LiSi@example.com" and li.position is None
    assert zhang.must_change_password and li.must_change_password and zhang.is_active
    existing.refresh_from_db()
    assert (existing.name, existing.org_unit, existing.must_change_password) == (
        "新名",
        units["B社区"],
        False,
    )

    entries = ModelLogEntry.objects.filter(action=IMPORT_LOG_ACTION).order_by("pk")
    assert [
        (entry.object_id, entry.user_id, entry.data["outcome"], entry.data["row"]) for entry in entries
    ] == [
        (str(zhang.pk), manager.pk, "create", 2),
        (str(li.pk), manager.pk, "create", 3),
        (str(existing.pk), manager.pk, "update", 4),
    ]
    assert entries[2].data["fields"] == ["name", "org_unit"] and entries[0].data["source"] == "员工.xlsx"
    assert len({entry.uuid for entry in entries}) == 1  # one import, one action in the history
    assert log_registry.action_exists(IMPORT_LOG_ACTION)
    assert "员工.xlsx" in log_registry.get_formatter(entries[0]).format_message(entries[0])


@pytest.mark.django_db
def test_updated_accounts_drop_out_of_the_signed_in_user_cache(
    units, superuser, django_capture_on_commit_callbacks
):
    user = make_user("existing", name="旧名", mobile="13900000009", org_unit=units["A社区"])
    backend = UsernameOrMobileBackend()
    assert backend.get_user(user.pk).name == "旧名"  # cached for the next requests
    with django_capture_on_commit_callbacks(execute=True):
        staff_import.staff_import(rows=rows_of(("新名", "13900000009", "渝中区")), actor=superuser)
    assert backend.get_user(user.pk).name == "新名"


@pytest.mark.django_db
def test_new_accounts_get_their_own_password_and_no_default_one(client, units, superuser):
    result = staff_import.staff_import(
        rows=rows_of(*[(f"人{n}", f"1390000000{n}", "渝中区") for n in range(1, 4)]), actor=superuser
    )
    passwords = [credential.password for credential in result.credentials]
    assert len(set(passwords)) == 3
    assert all(
        len(p) == password_rules.INITIAL_PASSWORD_LENGTH
        and set(p) <= set(password_rules.INITIAL_PASSWORD_ALPHABET)
        for p in passwords
    )
    for user, credential in zip(result.created, result.credentials, strict=True):
        user = User.objects.get(pk=user.pk)
        assert user.check_password(credential.password) and user.must_change_password
        guesses = ["123456", "12345678", "password", user.mobile, user.username, "a-Strong-pass-2026"]
        guesses += [password for password in passwords if password != credential.password]
        assert not any(user.check_password(guess) for guess in guesses)


@pytest.mark.django_db
def test_an_error_anywhere_saves_nothing(units, superuser):
    make_user("existing", name="旧名", mobile="13900000009", org_unit=units["A社区"])
    users = User.objects.count()
    with pytest.raises(StaffImportRefused) as refused:
        staff_import.staff_import(
            rows=rows_of(
                ("张三", "13900000001", "渝中区"),
                ("新名", "13900000009", "渝中区/七星岗街道/C社区"),
                ("坏行", "13900000003", "渝中区/没有这个街道"),
            ),
            actor=superuser,
        )
    assert error_codes(refused.value.plan) == {(4, "unknown_unit")}
    assert User.objects.count() == users
    assert User.objects.get(mobile="13900000009").name == "旧名"
    assert not ModelLogEntry.objects.filter(action=IMPORT_LOG_ACTION).exists()


@pytest.mark.django_db
def test_a_failure_while_saving_rolls_the_whole_import_back(monkeypatch, units, superuser):
    make_user("existing", name="旧名", mobile="13900000009", org_unit=units["A社区"])

    def fail(*args, **kwargs):
        raise RuntimeError("disk full")  # after the accounts are written, before the audit log is

    monkeypatch.setattr(staff_import, "_log_import", fail)
    with pytest.raises(RuntimeError):
        staff_import.staff_import(
            rows=rows_of(("甲", "13900000001", "渝中区"), ("新名", "13900000009", "渝中区")), actor=superuser
        )
    assert not User.objects.filter(mobile="13900000001").exists()
    assert User.objects.get(mobile="13900000009").name == "旧名"


@pytest.mark.django_db
def test_temporary_passwords_are_hashed_cheaply_then_at_full_strength_at_first_sign_in(
    client, settings, units
):
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    actor = User.objects.create_superuser("root", "root@example.com", "a-Strong-pass-2026")
    result = staff_import.staff_import(rows=rows_of(("甲", "13900000001", "渝中区")), actor=actor)
    user = User.objects.get(mobile="13900000001")
    assert user.password.startswith(f"pbkdf2_sha256${staff_import.TEMPORARY_PASSWORD_ITERATIONS}$")
    assert check_password(result.credentials[0].password, user.password)
    response = client.post(LOGIN, {"username": "13900000001", "password": result.credentials[0].password})
    assert response.status_code == 302
    user.refresh_from_db()
    assert not user.password.startswith(f"pbkdf2_sha256${staff_import.TEMPORARY_PASSWORD_ITERATIONS}$")


# -- the admin screens -----------------------------------------------------------------------------


def upload(client, data, name="staff.csv"):
    return client.post(UPLOAD, {"file": SimpleUploadedFile(name, data)})


def page_messages(response):
    return [(message.level, str(message)) for message in response.context["messages"]]


@pytest.fixture
def manager_client(manager):
    client = Client()
    client.force_login(manager)
    return client


@pytest.mark.django_db
def test_anonymous_visitors_and_learners_cannot_reach_the_import(client, units):
    make_user("learner", password="a-Strong-pass-2026", org_unit=units["A社区"])
    urls = [UPLOAD, f"{UPLOAD}template.csv", f"{UPLOAD}{'x' * 43}/", f"{UPLOAD}{'x' * 43}/done/"]
    for url in urls:
        assert client.get(url).status_code == 302  # to the admin sign-in
    client.post(LOGIN, {"username": "learner", "password": "a-Strong-pass-2026"})
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert upload(client, csv_bytes([["甲", "13900000001", "渝中区"]])).status_code == 302
    assert not User.objects.filter(mobile="13900000001").exists()


@pytest.mark.django_db
def test_admin_users_without_the_permission_or_a_unit_are_refused(units):
    for user in (
        make_manager(units["解放碑街道"], "no-permission", can_add_users=False),
        make_manager(None, "no-unit"),
    ):
        client = Client()
        client.force_login(user)
        for response in (client.get(UPLOAD), client.get(f"{UPLOAD}template.xlsx"), upload(client, b"x")):
            assert response.status_code == 403
            assert 'id="forbidden-message"' in response.content.decode()


@pytest.mark.django_db
def test_the_menu_item_shows_only_to_those_who_may_add_users(units, manager_client):
    assert UPLOAD in manager_client.get(reverse("wagtailadmin_home")).content.decode()
    client = Client()
    client.force_login(make_manager(units["解放碑街道"], "viewer", can_add_users=False))
    assert UPLOAD not in client.get(reverse("wagtailadmin_home")).content.decode()


@pytest.mark.django_db
def test_the_excel_template_explains_itself_and_lists_the_managers_units(units, positions, manager_client):
    response = manager_client.get(f"{UPLOAD}template.xlsx")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["员工", "填写说明", "组织路径", "岗位"]
    assert [cell.value for cell in workbook["员工"][1]] == list(TEMPLATE_HEADERS)
    paths = [row[0] for row in workbook["组织路径"].iter_rows(min_row=2, values_only=True)]
    assert paths == [
        "重庆市/渝中区/解放碑街道",
        "重庆市/渝中区/解放碑街道/A社区",
        "重庆市/渝中区/解放碑街道/B社区",
    ]
    csv_response = manager_client.get(f"{UPLOAD}template.csv")
    assert csv_response.content.startswith(b"\xef\xbb\xbf")
    # Uploaded as it is, the template's example rows are caught instead of becoming three accounts.
    staff_file = staff_file_read(response.content, "template.xlsx")
    assert staff_file.ok and len(staff_file.rows) == 3
    assert manager_client.get(f"{UPLOAD}template.pdf").status_code == 404


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("staff.pdf", b"%PDF-1.4"),
        ("staff", b"a,b"),
        ("staff.csv", b""),
        ("staff.csv", csv_bytes([])),
        ("staff.csv", csv_bytes([["张三"]], header=["姓名"])),
        ("staff.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100),
        ("staff.xlsx", b"PK\x03\x04 not really"),
        ("staff.csv", b"a" * (staff_import.MAX_BYTES + 1)),
        ("staff.csv", csv_bytes([["张三", "13900000001", "渝中区"]] * 4)),  # more than MAX_ROWS (3 here)
    ],
)
@pytest.mark.django_db
def test_bad_files_get_a_form_error_never_a_500(monkeypatch, manager_client, name, data):
    monkeypatch.setattr(staff_import, "MAX_ROWS", 3)
    response = upload(manager_client, data, name)
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert 'class="error-message"' in response.content.decode()


@pytest.mark.django_db
def test_upload_preview_confirm_once_and_download_the_passwords_once(
    units, positions, manager, manager_client
):
    make_user("existing", name="旧名", mobile="13900000009", org_unit=units["A社区"])
    data = xlsx_bytes(
        [
            ["张三", 13900000001, "渝中区/解放碑街道/A社区", "网格员"],
            ["李四", "139 0000 0002", "重庆市/渝中区/解放碑街道/B社区", "社区工作者"],
            ["新名", "13900000009", "渝中区/解放碑街道/A社区", ""],
        ]
    )
    response = upload(manager_client, data, "员工.xlsx")
    assert response.status_code == 302
    preview_url = response["Location"]
    users = User.objects.count()

    html = manager_client.get(preview_url).content.decode()
    assert html.count('data-outcome="create"') == 2 and html.count('data-outcome="update"') == 1
    assert 'id="staff-import-confirm"' in html
    assert User.objects.count() == users  # the preview is a dry run

    response = manager_client.post(preview_url, follow=True)
    result_url = response.redirect_chain[-1][0]
    assert result_url.endswith("/done/") and [level for level, _text in page_messages(response)] == [SUCCESS]
    assert User.objects.count() == users + 2
    assert User.objects.get(mobile="13900000009").name == "新名"
    logged = ModelLogEntry.objects.filter(action=IMPORT_LOG_ACTION).count()
    assert logged == 3

    # A second confirmation (double click, back button, another tab) imports nothing and says so.
    again = manager_client.post(preview_url, follow=True)
    assert again.redirect_chain[-1][0] == result_url
    assert [level for level, _text in page_messages(again)] == [WARNING]
    assert (User.objects.count(), ModelLogEntry.objects.filter(action=IMPORT_LOG_ACTION).count()) == (
        users + 2,
        logged,
    )

    html = manager_client.get(result_url).content.decode()
    assert 'id="staff-import-credentials"' in html
    credentials_url = f"{result_url.removesuffix('done/')}initial-passwords/"
    assert manager_client.get(credentials_url).status_code == 405  # downloading removes them: POST only

    # Nobody else can take them, not even a superuser.
    other = Client()
    other.force_login(User.objects.create_superuser("root", "root@example.com", "a-Strong-pass-2026"))
    assert "attachment" not in other.post(credentials_url).get("Content-Disposition", "")
    assert other.get(result_url).status_code == 302

    response = manager_client.post(credentials_url)
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    sheet = load_workbook(io.BytesIO(response.content))["初始密码"]
    rows = list(sheet.iter_rows(min_row=1, values_only=True))
    assert rows[0] == ("姓名", "手机号", "用户名", "初始密码", "组织")
    by_mobile = {row[1]: row for row in rows[1:]}
    assert set(by_mobile) == {"13900000001", "13900000002"}
    assert by_mobile["13900000001"][4] == "重庆市/渝中区/解放碑街道/A社区"

    second = manager_client.post(credentials_url)
    assert "attachment" not in second.get("Content-Disposition", "")
    assert 'id="staff-import-credentials-gone"' in manager_client.get(result_url).content.decode()

    # The new staff sign in with their own password and must choose a new one first.
    learner = Client()
    response = learner.post(LOGIN, {"username": "13900000002", "password": by_mobile["13900000002"][3]})
    assert response.status_code == 302
    response = learner.get(reverse("progress:my_learning"))
    assert response.status_code == 302 and response["Location"].startswith(
        reverse("accounts:password_change")
    )


@pytest.mark.django_db
def test_a_file_with_errors_cannot_be_confirmed(units, manager_client):
    data = csv_bytes(
        [["张三", "13900000001", "渝中区/解放碑街道/A社区"], ["李四", "123", "渝中区/七星岗街道"]]
    )
    preview_url = upload(manager_client, data)["Location"]
    html = manager_client.get(preview_url).content.decode()
    assert 'id="staff-import-confirm"' not in html
    assert 'data-row="3" data-code="bad_mobile"' in html
    assert 'data-row="3" data-code="unit_out_of_scope"' in html
    response = manager_client.post(preview_url)
    assert response.status_code == 200 and 'id="staff-import-errors"' in response.content.decode()
    assert not User.objects.filter(mobile="13900000001").exists()


@pytest.mark.django_db
def test_the_file_is_checked_again_when_confirming(units, manager_client):
    preview_url = upload(manager_client, csv_bytes([["张三", "13900000001", "渝中区/解放碑街道/A社区"]]))[
        "Location"
    ]
    assert 'id="staff-import-confirm"' in manager_client.get(preview_url).content.decode()
    make_user("13900000001")  # someone took the username in the meantime
    response = manager_client.post(preview_url)
    assert response.status_code == 200 and 'data-code="username_taken"' in response.content.decode()
    assert not User.objects.filter(mobile="13900000001").exists()


@pytest.mark.django_db
def test_an_upload_belongs_to_its_importer(units, manager_client):
    preview_url = upload(manager_client, csv_bytes([["张三", "13900000001", "渝中区/解放碑街道/A社区"]]))[
        "Location"
    ]
    other = Client()
    other.force_login(make_manager(units["解放碑街道"], "colleague"))
    assert other.get(preview_url)["Location"] == UPLOAD
    assert other.post(preview_url)["Location"] == UPLOAD
    assert not User.objects.filter(mobile="13900000001").exists()
    assert manager_client.get(f"{UPLOAD}not-a-token/")["Location"] == UPLOAD


@pytest.mark.django_db
def test_imported_and_moved_staff_get_the_courses_assigned_to_their_units(
    units, superuser, django_capture_on_commit_callbacks
):
    from assignments.services import assignment_create
    from progress.models import Enrolment
    from tests.factories import make_course

    course = make_course()
    assignment_create(course=course, units=[units["A社区"]], due_mode="none", mandatory=True, actor=superuser)
    moved = make_user("moved", name="李四", mobile="13912345678", org_unit=units["C社区"])
    assert not Enrolment.objects.filter(learner=moved).exists()
    with django_capture_on_commit_callbacks(execute=True):
        staff_import.staff_import(
            rows=rows_of(
                ("王五", "13912340000", "渝中区/解放碑街道/A社区"),
                ("李四", "13912345678", "渝中区/解放碑街道/A社区"),
            ),
            actor=superuser,
        )
    assigned = Enrolment.objects.filter(course_id=course.pk, assigned=True)
    assert set(assigned.values_list("learner__name", flat=True)) == {"王五", "李四"}


@pytest.mark.django_db
def test_the_preview_pages_through_a_large_file_read_and_checked_once(monkeypatch, units, manager_client):
    calls = {"read": 0, "plan": 0}

    def counting(name, function):
        def wrapper(*args, **kwargs):
            calls[name] += 1
            return function(*args, **kwargs)

        return wrapper

    monkeypatch.setattr(staff_import, "staff_file_read", counting("read", staff_import.staff_file_read))
    monkeypatch.setattr(staff_import, "staff_import_plan", counting("plan", staff_import.staff_import_plan))
    rows = [[f"人{n}", f"1390000{n:04d}", "渝中区/解放碑街道/A社区"] for n in range(249)]
    rows.append(["坏行", "123", "渝中区/解放碑街道/A社区"])
    preview_url = upload(manager_client, csv_bytes(rows))["Location"]

    pages = [manager_client.get(preview_url, {"p": number}).content.decode() for number in (1, 2, 3)]
    assert [html.count("data-outcome=") for html in pages] == [100, 100, 50]
    assert (
        'data-row="2" data-outcome="create"' in pages[0] and 'data-row="251" data-outcome="error"' in pages[2]
    )
    assert all('data-row="251" data-code="bad_mobile"' in html for html in pages)  # the errors, on every page
    counts = re.search(r'id="staff-import-counts">(.*?)</p>', pages[2], re.S).group(1)
    assert re.findall(r"\d+", counts) == ["250", "249", "0", "0", "1"]  # read; new, update, unchanged, errors
    assert 'href="?p=2#staff-import-rows-heading"' in pages[0] and 'aria-current="page">3<' in pages[2]
    assert calls == {"read": 1, "plan": 1}
    assert not User.objects.filter(mobile__startswith="1390000").exists()
