"""The spreadsheets of the staff import: the template to fill in (CSV and .xlsx) and the one-time sheet
of new accounts' initial passwords. Column headers are Chinese, like the question import's template;
the import also accepts English ones (see accounts/staff_import.py)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from accounts.passwords import initial_password_display
from accounts.staff_import import MAX_ROWS, Credential
from core.spreadsheets import xlsx_cell

TEMPLATE_HEADERS = ("姓名", "手机号", "组织", "岗位", "用户名", "邮箱")
_EXAMPLES = (
    ("张伟", "13800000001", "渝中区/解放碑街道/民生路社区", "网格员", "", ""),
    ("李娜", "138 0000 0002", "渝中区/解放碑街道/民生路社区", "社区工作者", "lina", "lina@example.com"),
    ("王强", "138 0000 0003", "重庆市/渝中区/七星岗街道/通远门社区", "志愿者", "", ""),
)
_INSTRUCTIONS = (
    ("姓名", "必填。最多 50 个字。"),
    (
        "手机号",
        "必填。11 位手机号，可带空格、短横线或 +86。手机号用来识别人员：已有账号的手机号会更新该账号"
        "（姓名、组织、岗位、邮箱），不会重复创建。",
    ),
    (
        "组织",
        "必填。从区（或从市）往下写完整路径，用“/”分隔，如“渝中区/解放碑街道/民生路社区”。"
        "可用的路径见“组织路径”工作表；只能导入到您负责的组织及其下级。",
    ),
    ("岗位", "可选。须与系统中的岗位名称一致（见“岗位”工作表）。更新已有账号时留空表示不修改。"),
    ("用户名", "可选。新账号的登录名，只能包含字母、数字和 @ . + - _；留空则用手机号作用户名。"),
    ("邮箱", "可选。更新已有账号时留空表示不修改。"),
    (
        "注意",
        f"第 1 行是表头，请勿修改；每行一人，一次最多 {MAX_ROWS} 人。示例行请删除后再导入。"
        "导入前会先预览每一行的结果；只要有一行有错误，就不会导入任何数据。",
    ),
    (
        "初始密码",
        "每个新账号都有各自的随机初始密码，导入完成后可下载一次。首次登录时必须修改密码。",
    ),
)


def template_csv() -> bytes:
    """The import template as CSV, UTF-8 with a BOM so that Excel shows the Chinese correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(TEMPLATE_HEADERS)
    writer.writerows(_EXAMPLES)
    return buffer.getvalue().encode("utf-8-sig")


def template_xlsx(*, unit_paths: Sequence[str] = (), position_names: Sequence[str] = ()) -> bytes:
    """The import template as .xlsx: the staff sheet first, then 填写说明, and the unit paths and
    positions the importer may use."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "员工"
    sheet.append(TEMPLATE_HEADERS)
    for example in _EXAMPLES:
        sheet.append(example)
    _style_header(sheet, Font, PatternFill)
    for column, width in zip("ABCDEF", (10, 16, 40, 14, 16, 24), strict=True):
        sheet.column_dimensions[column].width = width
    # Text, so that Excel keeps mobile numbers as typed instead of turning them into 1.38E+10.
    for column in ("B", "E"):
        sheet.column_dimensions[column].number_format = "@"

    notes = workbook.create_sheet("填写说明")
    notes.append(("列", "说明"))
    for row in _INSTRUCTIONS:
        notes.append(row)
    _style_header(notes, Font, PatternFill)
    notes.column_dimensions["A"].width = 12
    notes.column_dimensions["B"].width = 100

    for title, values in (("组织路径", unit_paths), ("岗位", position_names)):
        extra = workbook.create_sheet(title)
        extra.append((title,))
        for value in values:  # names people typed: a "=…" position stays text
            extra.append((xlsx_cell(extra, value),))
        _style_header(extra, Font, PatternFill)
        extra.column_dimensions["A"].width = 60

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def credentials_xlsx(credentials: Sequence[Credential]) -> bytes:
    """The new accounts' initial passwords, to hand to each person privately. Names, usernames and
    unit paths come from the uploaded file and the tree: text that starts like a formula is written
    as text (core.spreadsheets)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "初始密码"
    sheet.append(("姓名", "手机号", "用户名", "初始密码", "组织"))
    for credential in credentials:
        sheet.append(
            [
                xlsx_cell(sheet, value)
                for value in (
                    credential.name,
                    credential.mobile,
                    credential.username,
                    initial_password_display(credential.password),
                    credential.unit_path,
                )
            ]
        )
    _style_header(sheet, Font, PatternFill)
    for column, width in zip("ABCDE", (10, 16, 18, 20, 40), strict=True):
        sheet.column_dimensions[column].width = width
    notes = workbook.create_sheet("说明")
    for line in (
        "请把初始密码单独交给本人（当面或私信），不要发到群里。",
        "每个人首次登录（用手机号或用户名）后必须设置自己的新密码，初始密码随即失效。",
        "初始密码分成三组便于朗读和输入；输入时空格可有可无。",
        "此文件只能下载一次；交接完成后请删除。",
    ):
        notes.append((line,))
    notes.column_dimensions["A"].width = 80
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _style_header(sheet, font_cls, fill_cls) -> None:
    bold, fill = font_cls(bold=True), fill_cls("solid", fgColor="DDEBF7")
    for cell in sheet[1]:
        cell.font = bold
        cell.fill = fill
    sheet.freeze_panes = "A2"
