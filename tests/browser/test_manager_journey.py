"""A district manager at a desktop: sign in to the admin → Assignments → assign a course to a street
with a due date → the completion dashboard → drill down to the street and its community → download the
Excel export, which holds what the screen shows. Then a learner of that street, on a phone, finds the
course under "Assigned to you" with its due date."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import OrgUnit, User
from assignments.models import Assignment
from demo.people import DEMO_LEARNER_UNIT
from reports.tests.conftest import xlsx_rows
from tests.browser.conftest import PHONE, PhonePage, _recorded_page
from tests.demo_snapshot import load_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

COURSE = "流调追踪：电话流调与轨迹录入"  # a demo course the demo learner has not joined
MANAGER_PASSWORD = "district-manager-2026"
DASHBOARD_HEADER = ["课程", "组织", "已指派", "未开始", "学习中", "已完成", "已逾期", "完成率"]


@pytest.fixture
def demo(transactional_db):
    load_demo("--with-accounts")
    community = OrgUnit.objects.get(name=DEMO_LEARNER_UNIT)
    street = community.get_parent()
    district = street.get_parent()
    assert street.level == "street" and district.level == "district"
    manager = User(
        username="yuzhong-manager",
        name="渝中区培训管理员",
        org_unit=district,
        managed_unit=district,
        is_staff=True,
        must_change_password=False,
    )
    manager.set_password(MANAGER_PASSWORD)
    manager.save()
    manager.groups.add(Group.objects.get(name="Managers"))
    return {"community": community, "street": street, "district": district, "manager": manager}


@pytest.fixture
def learner_phone(browser, live_server, request):
    yield from _recorded_page(browser, live_server, request, PHONE)


def table_rows(table) -> list[list[str]]:
    """Each body row's cells as the screen shows them, without the chart column."""
    rows = []
    for row in table.locator("tbody tr").all():
        cells = [cell.inner_text().strip() for cell in row.locator("th, td").all()]
        rows.append(cells[:-1])
    return rows


def test_district_manager_assigns_reports_and_exports(
    desktop: PhonePage, learner_phone: PhonePage, demo, tmp_path
):
    page = desktop.page
    street, community, district = demo["street"], demo["community"], demo["district"]
    due = timezone.localdate() + datetime.timedelta(days=10)

    # Sign in.
    desktop.goto("/admin/")
    page.get_by_label("用户名").fill("yuzhong-manager")
    page.locator("input[name=password]").fill(MANAGER_PASSWORD)
    desktop.screenshot("1-sign-in", full_page=False)
    page.get_by_role("button", name="登录").click()

    # Assign the course to the street.
    page.get_by_role("link", name="课程指派").click()
    expect(page.locator("h1")).to_contain_text("课程指派")
    page.get_by_role("link", name="指派课程").first.click()
    expect(page.locator("h1")).to_contain_text("指派课程")
    # The manager is offered their own district and what lies below it, nothing else.
    # Units are a tree of checkboxes: ticked with the keyboard here (Tab to it, Space), no Ctrl-click.
    unit_boxes = page.locator(".unit-tree input[name=units]")
    expect(unit_boxes).to_have_count(district.get_descendant_count() + 1)
    page.locator("select[name=course]").select_option(label=COURSE)
    street_box = page.locator(f".unit-tree input[name=units][value='{street.pk}']")
    street_box.focus()
    page.keyboard.press("Space")
    expect(street_box).to_be_checked()
    page.locator("input[name=mandatory]").check()
    page.get_by_label("固定日期").check()
    # Type the date, then pick it in Wagtail's date picker, which closes it.
    page.locator("input[name=due_date]").fill(due.isoformat())
    picker = page.locator(".xdsoft_datetimepicker:visible")
    picker.locator(
        f"td.xdsoft_date[data-year='{due.year}'][data-month='{due.month - 1}'][data-date='{due.day}']"
    ).click()
    expect(picker).to_have_count(0)
    expect(page.locator("input[name=due_date]")).to_have_value(due.isoformat())
    # Not a full-page shot: resizing the window makes Wagtail's date picker open again.
    desktop.screenshot("2-assign-form", full_page=False)
    page.get_by_role("button", name="指派", exact=True).click()

    assignment = Assignment.objects.get(course__title=COURSE)
    covered = User.objects.filter(is_active=True, org_unit__path__startswith=street.path).count()
    assert covered >= 1
    assert assignment.members.count() == covered
    assert assignment.due_date == due and assignment.mandatory
    assert list(assignment.units.all()) == [street]
    expect(page.get_by_text(f"“{COURSE}”已指派：共 {covered} 人。")).to_be_visible()
    listing = page.locator("#listing-results")
    expect(listing).to_contain_text(COURSE)
    expect(listing).to_contain_text(due.isoformat())
    desktop.screenshot("3-assigned", full_page=False)

    # The completion dashboard starts at the manager's district: a row per street.
    page.get_by_role("button", name="培训报表").click()
    page.get_by_role("link", name="完成情况").click()
    expect(page.locator("h1")).to_contain_text("完成情况")
    expect(page.locator(".report-trail [aria-current=page]")).to_have_text(district.name)
    section = page.locator("section.report-course").filter(has=page.get_by_role("heading", name=COURSE))
    expect(section).to_have_count(1)
    table = section.locator("table")
    district_rows = table_rows(table)
    labels = [row[0] for row in district_rows]
    assert street.name in labels and labels[-1] == "合计"
    street_row = district_rows[labels.index(street.name)]
    assert street_row[1] == str(covered)  # assigned
    desktop.screenshot("4-dashboard")

    # Drill down to the street: a row per community.
    table.get_by_role("link", name=street.name, exact=True).click()
    expect(page.locator(".report-trail [aria-current=page]")).to_have_text(street.name)
    table = (
        page.locator("section.report-course")
        .filter(has=page.get_by_role("heading", name=COURSE))
        .locator("table")
    )
    street_rows = table_rows(table)
    labels = [row[0] for row in street_rows]
    assert community.name in labels and labels[-1] == "合计"
    assert street_rows[-1][1] == str(covered)
    # Every course assigned in the street (the demo's own assignments too), as the export lists them.
    screen_rows = [
        [section.locator(".report-course__title").inner_text().strip(), *row]
        for section in page.locator("section.report-course").all()
        for row in table_rows(section.locator("table"))
    ]
    assert [row[1:] for row in screen_rows if row[0] == COURSE] == street_rows
    screen_header = [cell.inner_text().strip() for cell in table.locator("thead th").all()][:-1]
    assert ["课程", *screen_header] == DASHBOARD_HEADER
    desktop.screenshot("5-drill-down-street")

    # The Excel download holds exactly what the screen shows.
    page.get_by_role("button", name="动作").click()
    download_link = page.get_by_role("link", name="下载 XLSX")
    desktop.screenshot("6-export-menu", full_page=False)
    with page.expect_download() as download_info:
        download_link.click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    rows = xlsx_rows(saved.read_bytes())  # percentages are numbers there, read back as the screen shows them
    assert rows[0] == DASHBOARD_HEADER
    assert rows[1:] == screen_rows

    # Once more: the community has no units below it, so it opens the list of its people.
    table.get_by_role("link", name=community.name, exact=True).click()
    expect(page.locator("h1")).to_contain_text("人员")
    learner = User.objects.get(username="learner")
    people = page.locator("#listing-results")
    learner_row = people.locator("tbody tr").filter(has_text=learner.name).filter(has_text=COURSE)
    expect(learner_row).to_have_count(1)
    expect(learner_row).to_contain_text(due.isoformat())
    desktop.screenshot("7-people")

    # The learner of that street sees the course, assigned, with its due date.
    phone = learner_phone.page
    learner_phone.goto("/accounts/login/")
    phone.get_by_label("用户名或手机号").fill("13800000001")
    phone.get_by_label("密码", exact=True).fill("demo-learner-2026")
    phone.get_by_role("button", name="登录").click()
    expect(phone.locator("h1")).to_have_text("我的学习")
    assigned = phone.locator("section", has=phone.get_by_role("heading", name="指派给你的课程"))
    item = assigned.locator(".learning-item", has=phone.get_by_role("heading", name=COURSE))
    expect(item).to_have_count(1)
    expect(item.locator(".due__date")).to_have_text(f"{due.isoformat()} 截止")
    expect(item.locator(".due__left")).to_have_text("还剩 10 天")
    expect(item.locator(".badge--mandatory")).to_be_visible()
    item.scroll_into_view_if_needed()
    learner_phone.screenshot("8-my-learning")
