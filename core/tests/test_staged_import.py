"""The staged-import pipeline (core.staged_import), driven by a kind made here of nothing but a parser, a
row form and a save: the same machinery the staff and question imports run on."""

import ast
import csv
import io
from pathlib import Path

import pytest
from django import forms
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError

from core import staged_import
from core.staged_import import (
    FileRefused,
    ImportKind,
    StagedImportAlreadyDone,
    StagedImportBlocked,
    StagedImportNotFound,
    StagedImportRefused,
    Upload,
    records_parse,
    staged_import_confirm,
    staged_import_create,
    staged_import_get,
    staged_import_held,
    staged_import_hold,
    staged_import_page,
    staged_import_result,
    staged_import_take,
)
from tests.factories import make_user

pytestmark = pytest.mark.django_db


class GroupRowForm(forms.Form):
    """A made-up third kind: user groups, one per row, with a size that must be even."""

    name = forms.CharField(max_length=150, error_messages={"required": "组名缺失"})
    size = forms.IntegerField(required=False)

    def __init__(self, *args, taken, **kwargs):
        super().__init__(*args, **kwargs)
        self.taken = taken

    def clean_name(self):
        name = self.cleaned_data["name"]
        if name in self.taken:
            raise ValidationError("已有这个组", code="taken")
        return name

    def clean_size(self):
        size = self.cleaned_data["size"]
        if size is not None and size % 2:
            raise ValidationError("人数须为偶数", code="odd")
        return size


class GroupImport(ImportKind):
    key = "tests.groups"
    row_form_class = GroupRowForm
    row_error_codes = {("name", "required"): "missing_name"}
    page_size = 10

    def __init__(self):
        self.parsed = 0
        self.planned = 0

    def parse(self, upload):
        self.parsed += 1
        return records_parse(
            upload, aliases={"组名": "name", "人数": "size"}, required={"name": "组名"}, max_rows=500
        )

    def row_form_kwargs(self, *, actor, options):
        self.planned += 1
        return {"taken": set(Group.objects.values_list("name", flat=True))}

    def save_row(self, row, *, actor, staged):
        if row.values["name"] == "爆炸":
            raise RuntimeError("disk full")
        return Group.objects.create(name=row.values["name"])


def csv_upload(rows, name="groups.csv", header=("组名", "人数")):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return Upload(name=name, data=buffer.getvalue().encode("utf-8-sig"))


@pytest.fixture
def kind():
    return GroupImport()


@pytest.fixture(autouse=True)
def _no_groups():
    Group.objects.all().delete()  # the project's own groups (Trainers, Managers…) are not this test's


@pytest.fixture
def owner():
    return make_user("owner")


def stage(kind, owner, rows, **kwargs):
    return staged_import_create(kind=kind, upload=csv_upload(rows, **kwargs), actor=owner)


# -- a parser and a row form are a whole import ------------------------------------------------------


def test_every_row_gets_its_outcome_from_the_row_form(kind, owner):
    Group.objects.create(name="已有")
    staged = stage(kind, owner, [["甲", "2"], ["", "4"], ["已有", "3"], ["乙", ""]])
    assert (staged.row_count, staged.error_count, staged.counts) == (4, 2, {"create": 2, "error": 2})
    assert not staged.can_import and staged.filename == "groups.csv"
    rows = list(staged_import_page(staged, 1))
    assert [(row.line, row.outcome) for row in rows] == [
        (2, "create"),
        (3, "error"),
        (4, "error"),
        (5, "create"),
    ]
    assert rows[0].values == {"name": "甲", "size": 2}
    assert [(e.code, e.message) for e in rows[1].errors] == [("missing_name", "组名缺失")]
    assert {e.code for e in rows[2].errors} == {"taken", "odd"}
    assert [row.line for row in staged_import_page(staged, 1, errors_only=True)] == [3, 4]


def test_a_clean_file_is_confirmed_all_at_once(kind, owner):
    staged = stage(kind, owner, [["甲", "2"], ["乙", ""]])
    assert staged.can_import
    created = staged_import_confirm(kind=kind, token=staged.token, actor=owner)
    assert [group.name for group in created] == ["甲", "乙"]
    assert staged_import_result(kind=kind, token=staged.token, actor=owner) == {
        "owner_id": owner.pk,
        "filename": "groups.csv",
        "count": 2,
    }


def test_an_unusable_file_is_refused_before_anything_is_staged(kind, owner):
    with pytest.raises(FileRefused) as refused:
        stage(kind, owner, [["甲"]], header=("名字",))
    assert refused.value.messages and kind.planned == 0


# -- the preview reads the staged plan, never the file -------------------------------------------------


def test_pages_are_read_from_the_stage_without_parsing_again(kind, owner, django_assert_max_num_queries):
    rows = [[f"组{n}", "3" if n % 7 == 0 else "2"] for n in range(25)]
    staged = stage(kind, owner, rows)
    assert (kind.parsed, kind.planned) == (1, 1)

    with django_assert_max_num_queries(0):
        again = staged_import_get(kind=kind, token=staged.token, actor=owner)
        pages = [staged_import_page(again, number) for number in (1, 2, 3)]
    assert [len(page) for page in pages] == [10, 10, 5] and pages[0].paginator.num_pages == 3
    assert [row.line for page in pages for row in page] == list(range(2, 27))
    assert staged_import_page(again, 99).number == 3 and staged_import_page(again, "x").number == 1
    errors = staged_import_page(again, 1, errors_only=True)
    assert [row.line for row in errors] == [2, 9, 16, 23] and errors.paginator.num_pages == 1
    assert (kind.parsed, kind.planned) == (1, 1)  # no page parsed or planned the file again


# -- bound to the uploader, expiring -----------------------------------------------------------------


def test_a_staged_import_is_its_uploaders_only(kind, owner):
    staged = stage(kind, owner, [["甲", "2"]])
    other = make_user("other")
    for call in (staged_import_get, staged_import_confirm):
        with pytest.raises(StagedImportNotFound):
            call(kind=kind, token=staged.token, actor=other)
    for token in ("", "../../etc", "x" * 43, staged.token + "x"):
        with pytest.raises(StagedImportNotFound):
            staged_import_get(kind=kind, token=token, actor=owner)

    class OtherKind(GroupImport):
        key = "tests.other"

    with pytest.raises(StagedImportNotFound):  # a token means nothing to another kind
        staged_import_get(kind=OtherKind(), token=staged.token, actor=owner)
    assert not Group.objects.exists()


def test_a_staged_import_expires(kind, owner, monkeypatch):
    staged = stage(kind, owner, [["甲", "2"]])
    later = staged.expires_at + 1
    monkeypatch.setattr(staged_import, "_now", lambda: later)
    for call in (staged_import_get, staged_import_confirm):
        with pytest.raises(StagedImportNotFound):
            call(kind=kind, token=staged.token, actor=owner)
    assert not Group.objects.exists()


# -- confirmed once, all or nothing ------------------------------------------------------------------


def test_a_second_confirmation_imports_nothing(kind, owner):
    staged = stage(kind, owner, [["甲", "2"]])
    staged_import_confirm(kind=kind, token=staged.token, actor=owner)
    for call in (staged_import_confirm, staged_import_get):
        with pytest.raises(StagedImportAlreadyDone) as done:
            call(kind=kind, token=staged.token, actor=owner)
        assert done.value.result["count"] == 1
    assert Group.objects.count() == 1


def test_a_confirmation_while_another_runs_imports_nothing(kind, owner):
    staged = stage(kind, owner, [["甲", "2"]])
    staged_import._cache().add(
        staged_import._key(kind, staged.token, "claim"), owner.pk
    )  # the first, running
    with pytest.raises(StagedImportAlreadyDone) as done:
        staged_import_confirm(kind=kind, token=staged.token, actor=owner)
    assert done.value.result is None and not Group.objects.exists()


def test_a_file_with_errors_cannot_be_confirmed(kind, owner):
    staged = stage(kind, owner, [["甲", "2"], ["乙", "1"]])
    with pytest.raises(StagedImportBlocked) as blocked:
        staged_import_confirm(kind=kind, token=staged.token, actor=owner)
    assert blocked.value.staged == staged and not Group.objects.exists()


def test_a_failure_while_saving_saves_nothing_and_may_be_retried(kind, owner):
    staged = stage(kind, owner, [["甲", "2"], ["爆炸", "2"]])
    with pytest.raises(RuntimeError):
        staged_import_confirm(kind=kind, token=staged.token, actor=owner)
    assert not Group.objects.exists()
    with pytest.raises(RuntimeError):  # the claim was released: not "already done"
        staged_import_confirm(kind=kind, token=staged.token, actor=owner)


def test_rows_that_fail_their_check_at_confirmation_replace_the_preview(kind, owner):
    staged = stage(kind, owner, [["甲", "2"], ["乙", "2"]])
    Group.objects.create(name="乙")  # taken between the preview and the confirmation
    with pytest.raises(StagedImportRefused) as refused:
        staged_import_confirm(kind=kind, token=staged.token, actor=owner)
    now = refused.value.staged
    assert (now.token, now.error_count, now.can_import) == (staged.token, 1, False)
    assert staged_import_get(kind=kind, token=staged.token, actor=owner) == now
    (row,) = staged_import_page(now, 1, errors_only=True)
    assert (row.line, [e.code for e in row.errors]) == (3, ["taken"])
    assert list(Group.objects.values_list("name", flat=True)) == ["乙"]
    with pytest.raises(StagedImportBlocked):
        staged_import_confirm(kind=kind, token=staged.token, actor=owner)


# -- handing something over once ----------------------------------------------------------------------


def test_what_is_held_is_taken_once_by_its_owner_only(kind, owner):
    staged = stage(kind, owner, [["甲", "2"]])
    staged_import_hold(kind=kind, token=staged.token, actor=owner, name="secret", value=["pw"], seconds=60)
    other = make_user("other")
    assert not staged_import_held(kind=kind, token=staged.token, actor=other, name="secret")
    assert staged_import_take(kind=kind, token=staged.token, actor=other, name="secret") is None
    assert staged_import_held(kind=kind, token=staged.token, actor=owner, name="secret")
    assert staged_import_take(kind=kind, token=staged.token, actor=owner, name="secret") == ["pw"]
    assert staged_import_take(kind=kind, token=staged.token, actor=owner, name="secret") is None
    assert not staged_import_held(kind=kind, token=staged.token, actor=owner, name="secret")


# -- core stays below the apps ------------------------------------------------------------------------

PROJECT_APPS = {
    "accounts",
    "assignments",
    "certificates",
    "courses",
    "demo",
    "notifications",
    "progress",
    "quizzes",
}
PROJECT_APPS |= {"reports", "config", "tests"}


@pytest.mark.parametrize("module", ["staged_import.py", "staged_import_views.py", "tabular.py"])
def test_the_shared_import_modules_import_no_project_app(module):
    tree = ast.parse((Path(__file__).parents[1] / module).read_text())
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    assert not {name.split(".")[0] for name in imported} & PROJECT_APPS
