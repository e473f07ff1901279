"""A city-sized dataset for the report benchmark (`manage.py generate_city`).

重庆市 > districts > streets > communities, staff spread over the communities, courses with lessons,
assignments to the whole city, to some districts, streets or positions, and the progress history the
reports aggregate: enrolments with a realistic mix of statuses (better in some districts and for
older assignments, overdue where a due date has passed), item progress for everyone who started,
course completions, and the assignment members.

Rows are written the way a bulk load should be: the organisation tree with its materialised paths
computed here (one insert, not 2,000 ``add_child`` calls), people and history with PostgreSQL
``COPY`` (or ``executemany`` on SQLite, for the tests), one course at a time so memory stays small.
Only the 20 courses and their lessons go through Wagtail's page API. The same seed gives the same
dataset.

Everything generated can be found again (and ``reset`` removes it): the city's root unit has the code
``ROOT_CODE``, staff usernames start with ``STAFF_PREFIX``, the managers have the usernames in
``MANAGERS`` and course slugs start with ``COURSE_SLUG_PREFIX``.
"""

from __future__ import annotations

import datetime
import itertools
import json
import random
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction
from django.db.models import Q
from django.db.models.functions import Cast
from wagtail.models import ModelLogEntry

from accounts.models import OrgUnit, Position, User
from accounts.passwords import initial_password
from accounts.staff_import import IMPORT_LOG_ACTION
from assignments.models import Assignment, AssignmentMember
from core.models import HomePage
from courses.models import CourseIndexPage, CoursePage, LessonPage
from progress.models import CourseCompletion, Enrolment, ItemProgress
from progress.services import OVERRIDE_LOG_ACTION

ROOT_NAME = "重庆市"
ROOT_CODE = "500000"
STAFF_PREFIX = "cq"
COURSE_SLUG_PREFIX = "city-course-"
MANAGERS_GROUP = "Managers"
CITY_ADMIN = "city_admin"
DISTRICT_MANAGER = "district_manager"
STREET_MANAGER = "street_manager"
MANAGERS = (CITY_ADMIN, DISTRICT_MANAGER, STREET_MANAGER)


def _words(text: str) -> list[str]:
    return text.split()


# Chongqing's districts with their administrative codes; more than 26 are numbered.
DISTRICTS = [
    ("渝中区", "500103"),
    ("江北区", "500105"),
    ("南岸区", "500108"),
    ("九龙坡区", "500107"),
    ("沙坪坝区", "500106"),
    ("大渡口区", "500104"),
    ("渝北区", "500112"),
    ("巴南区", "500113"),
    ("北碚区", "500109"),
    ("万州区", "500101"),
    ("涪陵区", "500102"),
    ("黔江区", "500114"),
    ("长寿区", "500115"),
    ("江津区", "500116"),
    ("合川区", "500117"),
    ("永川区", "500118"),
    ("南川区", "500119"),
    ("綦江区", "500110"),
    ("大足区", "500111"),
    ("璧山区", "500120"),
    ("铜梁区", "500151"),
    ("潼南区", "500152"),
    ("荣昌区", "500153"),
    ("开州区", "500154"),
    ("梁平区", "500155"),
    ("武隆区", "500156"),
]

PLACE_WORDS = _words(
    "解放碑 七星岗 观音桥 石桥铺 杨家坪 南坪 磁器口 龙头寺 大石坝 华岩 化龙桥 歌乐山 童家桥 井口 天星桥 "
    "渝州 中梁山 石坪桥 黄桷坪 谢家湾 铜元局 花园路 弹子石 龙门浩 鸡冠石 人和 回兴 双凤桥 龙溪 鸳鸯 "
    "大竹林 礼嘉 悦来 木耳 宝圣湖 双龙湖 鱼洞 李家沱 龙洲湾 花溪 南泉 界石 天生 朝阳 北温泉 东阳 "
    "龙凤桥 歇马 澄江 蔡家岗 金山 白沙 德感 几江 鼎山 双福 圣泉 珞璜 南彭 新桥 和平 胜利 建设 人民 "
    "民主 红岩 长江 嘉陵 桂花 松林 枫林 青杠 金竹 石门 白鹤 凤鸣 翠云 玉带 望江 临江 滨江 东湖 南山"
)
COMMUNITY_SUFFIXES = _words("路 街 苑 湾 坪 桥 园 村 坝 湖 山 林 坡 岭 门 院")

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
    "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴"
    "莫孔向汤冉"
)
GIVEN_CHARS = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国文辉玲红燕萍鹏飞宇浩然子涵欣怡梓轩思雨"
    "俊晨博文雪梅海燕春燕小红志强志明晓东晓燕德华永红淑珍玉兰秀珍丹丹婷婷佳琪雨欣"
)
MOBILE_PREFIXES = _words(
    "130 131 132 133 135 136 137 138 139 150 151 152 153 155 156 157 158 159 "
    "166 173 175 176 177 178 180 181 182 183 185 186 187 188 189 191 198 199"
)

# Same names as the demo positions (demo.people), with how many staff hold each.
POSITION_SHARES = [
    ("社区工作者", 0.34),
    ("网格员", 0.30),
    ("物业人员", 0.10),
    ("志愿者", 0.15),
    ("楼栋长", 0.09),
    ("业委会成员", 0.02),
]

COURSE_TITLES = [
    "社区网格化管理基础",
    "扫码登记与人口信息采集",
    "居民矛盾纠纷调解",
    "消防安全巡查要点",
    "独居老人走访关怀",
    "防汛与地质灾害应急处置",
    "反电信诈骗宣传进社区",
    "生活垃圾分类指导",
    "社区志愿服务组织",
    "政策宣讲与群众沟通",
    "居民议事会组织实务",
    "特殊困难群体帮扶",
    "食品安全常识",
    "燃气安全入户检查",
    "流动人口服务管理",
    "退役军人服务保障",
    "社区健康教育与疫苗接种宣传",
    "未成年人保护",
    "数据安全与个人信息保护",
    "社区文明创建",
]
LESSON_TITLES = ["为什么要做", "准备工作", "上门与沟通", "操作步骤", "常见问题", "记录与上报", "案例分析"]

# How each course is assigned, by its position in the list; repeats for more than 20 courses.
# city: the whole city; overlap: the whole city (optional, no due date) and again to some districts
# (mandatory, dated); days: N days after joining; positions: whole city, some positions only;
# districts / streets: part of the tree; self: not assigned, some staff join it themselves.
PLAN = [
    "city",
    "districts",
    "city",
    "positions",
    "overlap",
    "city",
    "days",
    "streets",
    "self",
    "city",
    "city",
    "city",
    "city",
    "city",
    "city",
    "city",
    "city",
    "city",
    "city",
    "city",
]


@dataclass
class Options:
    staff: int = 100_000
    districts: int = 20
    streets_per_district: int = 10
    communities_per_street: int = 10
    courses: int = 20
    seed: int = 1
    password: str = ""


@dataclass
class Result:
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    managers: list[tuple[str, str, str]] = field(default_factory=list)


# --- writing rows ---------------------------------------------------------------------------------


def _table(model, fields: Sequence[str]) -> tuple[str, list[str]]:
    qn = connection.ops.quote_name
    columns = [model._meta.get_field(name).column for name in fields]
    return qn(model._meta.db_table), [qn(column) for column in columns]


_FROZEN: set[str] = set()  # tables emptied in this transaction: COPY can write their rows frozen


def insert_rows(model, fields: Sequence[str], rows: Iterable[tuple]) -> int:
    """Insert plain tuples into ``model``'s table: COPY on PostgreSQL, executemany elsewhere.

    Datetimes are given as naive UTC text ('2026-01-02 03:04:05'): Django keeps SQLite in UTC and
    sets the PostgreSQL session's time zone to UTC."""
    table, columns = _table(model, fields)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            freeze = " WITH (FREEZE)" if model._meta.db_table in _FROZEN else ""
            sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN{freeze}"
            with cursor.cursor.copy(sql) as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
        else:
            placeholders = ", ".join(["%s"] * len(columns))
            sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})"  # noqa: S608 - names from the models
            for batch in _batches(rows, 5000):
                cursor.executemany(sql, batch)
                count += len(batch)
    return count


@contextmanager
def bulk_load(models: Sequence) -> Iterator[None]:
    """Load millions of rows into ``models``' tables the way PostgreSQL likes (inside a transaction).

    Their secondary indexes, unique and foreign-key constraints are dropped first and recreated
    exactly as they were (``pg_get_indexdef`` / ``pg_get_constraintdef``) once the rows are in: one
    sorted index build and one join per constraint instead of millions of index insertions and
    trigger checks. A table that is empty and referenced by no other table is truncated in the same
    transaction, so that COPY can write its rows already frozen and VACUUM has little left to do. All
    of it is transactional: if anything fails, the schema is as it was. Elsewhere, does nothing."""
    if connection.vendor != "postgresql":
        yield
        return
    qn = connection.ops.quote_name
    saved = []
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        # Run the deferred checks of the rows written so far (people, units): a table with pending
        # trigger events cannot be altered, and dropping a foreign key alters the table it points at.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for model in models:
            table = model._meta.db_table
            cursor.execute(
                "SELECT conname, pg_get_constraintdef(oid), contype FROM pg_constraint "
                "WHERE conrelid = %s::regclass AND contype IN ('u', 'f') ORDER BY contype DESC, conname",
                [table],
            )
            constraints = cursor.fetchall()
            cursor.execute(
                "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
                "WHERE i.indrelid = %s::regclass AND NOT i.indisprimary AND NOT EXISTS ("
                "  SELECT 1 FROM pg_constraint c"
                "  WHERE c.conrelid = i.indrelid AND c.conindid = i.indexrelid)",
                [table],
            )
            indexes = cursor.fetchall()
            for name, _definition, _kind in constraints:
                cursor.execute(f"ALTER TABLE {qn(table)} DROP CONSTRAINT {qn(name)}")
            for name, _definition in indexes:
                cursor.execute(f"DROP INDEX {name}")
            cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {qn(table)})")  # noqa: S608 - a model's table
            empty = not cursor.fetchone()[0]
            cursor.execute(
                "SELECT EXISTS (SELECT 1 FROM pg_constraint"
                " WHERE confrelid = %s::regclass AND contype = 'f')",
                [table],
            )
            referenced = cursor.fetchone()[0]
            if empty and not referenced:
                cursor.execute(f"TRUNCATE {qn(table)}")
                _FROZEN.add(table)
            saved.append((table, constraints, indexes))
    try:
        yield
    finally:
        _FROZEN.clear()
    with connection.cursor() as cursor:
        for table, constraints, indexes in saved:
            for _name, definition in indexes:
                cursor.execute(definition)
            for name, definition, _kind in constraints:  # unique first, then foreign keys
                cursor.execute(f"ALTER TABLE {qn(table)} ADD CONSTRAINT {qn(name)} {definition}")


def _batches(rows: Iterable[tuple], size: int):
    iterator = iter(rows)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


_EPOCH = datetime.datetime(1970, 1, 1)
_DAY_TEXT: dict[int, str] = {}


def _ts(seconds: float) -> str:
    """'YYYY-MM-DD HH:MM:SS' (UTC) for a Unix time: millions of these are written, so days are cached."""
    day, rest = divmod(int(seconds), 86_400)
    text = _DAY_TEXT.get(day)
    if text is None:
        text = _DAY_TEXT[day] = (_EPOCH + datetime.timedelta(days=day)).strftime("%Y-%m-%d")
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{text} {hours:02d}:{minutes:02d}:{secs:02d}"


def _day(seconds: float) -> datetime.date:
    return (_EPOCH + datetime.timedelta(seconds=int(seconds))).date()


DAY = 86_400.0


# --- detection and reset --------------------------------------------------------------------------


def generated_users():
    return User.objects.filter(Q(username__startswith=STAFF_PREFIX) | Q(username__in=MANAGERS))


def generated_present() -> bool:
    return (
        OrgUnit.objects.filter(depth=1, code=ROOT_CODE).exists()
        or generated_users().exists()
        or CoursePage.objects.filter(slug__startswith=COURSE_SLUG_PREFIX).exists()
    )


@transaction.atomic
def reset(log: Callable[[str], None] = print) -> None:
    """Remove everything a previous run generated (and history that points at it)."""

    started = time.monotonic()
    user_ids = generated_users().values("pk")
    course_ids = list(
        CoursePage.objects.filter(slug__startswith=COURSE_SLUG_PREFIX).values_list("pk", flat=True)
    )
    for model in (AssignmentMember, ItemProgress, CourseCompletion, Enrolment):
        deleted = model.objects.filter(Q(learner__in=user_ids) | Q(course_id__in=course_ids))._raw_delete(
            connection.alias
        )
        log(f"  reset: {deleted:,} rows of {model._meta.db_table}")
    Assignment.objects.filter(course_id__in=course_ids).delete()
    _reset_audit_log()
    generated_users().delete()
    for course in CoursePage.objects.filter(pk__in=course_ids):
        course.delete()
    for root in OrgUnit.objects.filter(depth=1, code=ROOT_CODE):
        Assignment.units.through.objects.filter(orgunit__path__startswith=root.path).delete()
        OrgUnit.objects.filter(path__startswith=root.path).delete()
    log(f"  reset done in {time.monotonic() - started:.1f} s")


def _reset_audit_log() -> None:
    """The entries `CityGenerator.audit_log` wrote: about the generated people and units, or made by
    the generated managers."""

    types = ContentType.objects.get_for_models(User, OrgUnit, for_concrete_models=False)
    as_text = {"id_text": Cast("pk", output_field=models.CharField())}
    users = generated_users().annotate(**as_text).values("id_text")
    units = OrgUnit.objects.filter(depth=1, code=ROOT_CODE).values_list("path", flat=True)
    unit_ids = (
        OrgUnit.objects.filter(
            Q.create([("path__startswith", path) for path in units], connector=Q.OR)
            if units
            else Q(pk__in=[])
        )
        .annotate(**as_text)
        .values("id_text")
    )
    ModelLogEntry.objects.filter(
        Q(user__in=generated_users().filter(username__in=MANAGERS))
        | Q(content_type=types[User], object_id__in=users)
        | Q(content_type=types[OrgUnit], object_id__in=unit_ids)
    )._raw_delete(connection.alias)


# --- the generator --------------------------------------------------------------------------------


class CityGenerator:
    def __init__(self, options: Options, log: Callable[[str], None] = print):
        self.o = options
        self.rng = random.Random(options.seed)  # made-up data, repeatable by seed
        self.log = log
        self.started = time.monotonic()
        self.now = time.time()
        self.result = Result()

    def step(self, message: str) -> None:
        self.log(f"[{time.monotonic() - self.started:6.1f} s] {message}")

    def run(self) -> Result:
        with transaction.atomic():
            self.tree()
            self.positions()
            self.people()
            self.courses()
            self.assignments()
            self.history()
            self.audit_log()
        self.vacuum()
        self.result.seconds = time.monotonic() - self.started
        self.step(f"done in {self.result.seconds:.1f} s")
        return self.result

    # The organisation tree ------------------------------------------------------------------------

    def _unique_names(self, count: int, make: Callable[[], str], suffix: str) -> list[str]:
        names: set[str] = set()
        attempts = 0
        while len(names) < count:
            attempts += 1
            name = make() if attempts < count * 20 else f"第{len(names) + 1}{suffix}"
            names.add(name)
        return sorted(names)

    def tree(self) -> None:
        rng, o = self.rng, self.o
        root = OrgUnit.add_root(name=ROOT_NAME, level=OrgUnit.Level.CITY, code=ROOT_CODE)
        districts = DISTRICTS[: o.districts] + [
            (f"第{n}区", f"5002{n:02d}") for n in range(len(DISTRICTS) + 1, o.districts + 1)
        ]
        rows = []  # (path, depth, numchild, name, level, code)
        communities: list[tuple[str, int, int]] = []  # (path, district index, street index)
        streets: list[tuple[str, int]] = []
        districts = sorted(districts)  # siblings in name order, as treebeard keeps them (node_order_by)
        for d, (district_name, district_code) in enumerate(districts):
            district_path = OrgUnit._get_path(root.path, 2, d + 1)
            rows.append((district_path, 2, o.streets_per_district, district_name, "district", district_code))
            street_names = self._unique_names(
                o.streets_per_district, lambda: rng.choice(PLACE_WORDS) + "街道", "街道"
            )
            for s, street_name in enumerate(street_names):
                street_path = OrgUnit._get_path(district_path, 3, s + 1)
                street_code = f"{district_code}{s + 1:03d}"
                street_index = len(streets)
                streets.append((street_path, d))
                rows.append((street_path, 3, o.communities_per_street, street_name, "street", street_code))
                community_names = self._unique_names(
                    o.communities_per_street,
                    lambda: rng.choice(PLACE_WORDS) + rng.choice(COMMUNITY_SUFFIXES) + "社区",
                    "社区",
                )
                for c, community_name in enumerate(community_names):
                    path = OrgUnit._get_path(street_path, 4, c + 1)
                    rows.append((path, 4, 0, community_name, "community", f"{street_code}{c + 1:03d}"))
                    communities.append((path, d, street_index))
        insert_rows(OrgUnit, ["path", "depth", "numchild", "name", "level", "code"], rows)
        OrgUnit.objects.filter(pk=root.pk).update(numchild=len(districts))
        ids = dict(OrgUnit.objects.filter(path__startswith=root.path).values_list("path", "id"))
        problems = OrgUnit.find_problems(parent=OrgUnit.objects.get(pk=root.pk))
        if any(problems):
            raise RuntimeError(f"organisation tree is not valid: {problems}")
        self.root_id = root.pk
        self.district_ids = [ids[row[0]] for row in rows if row[1] == 2]
        self.street_ids = [ids[path] for path, _d in streets]
        self.street_district = [d for _path, d in streets]
        self.communities = [(ids[path], d, s) for path, d, s in communities]
        self.result.counts["organisation units"] = len(ids)
        self.step(
            f"organisation tree: 1 city, {len(districts)} districts, {len(streets)} streets, "
            f"{len(communities):,} communities (paths checked)"
        )

    def positions(self) -> None:
        self.position_ids = []
        for order, (name, _share) in enumerate(POSITION_SHARES):
            position, _created = Position.objects.get_or_create(name=name, defaults={"sort_order": order})
            self.position_ids.append(position.pk)
        self.position_weights = [share for _name, share in POSITION_SHARES]

    # People ---------------------------------------------------------------------------------------

    def people(self) -> None:
        rng, o = self.rng, self.o
        password_hash = make_password(o.password)
        # Communities differ in size (20–80 staff at city scale) and every district in how well its
        # staff keep up with training.
        sizes = [rng.uniform(0.4, 1.6) for _ in self.communities]
        self.district_factor = [rng.uniform(0.65, 1.15) for _ in self.district_ids]
        community_factor = [rng.uniform(0.8, 1.15) for _ in self.communities]
        places = rng.choices(range(len(self.communities)), weights=sizes, k=o.staff)
        positions = rng.choices(range(len(self.position_ids)), weights=self.position_weights, k=o.staff)
        numbers = rng.sample(range(10**8), o.staff)
        # (joined, community index, position index, engagement)
        self.staff: list[tuple[float, int, int, float]] = []
        rows = []
        for i in range(o.staff):
            community = places[i]
            # Most staff have been there for years; a tenth joined in the last four months.
            age_days = rng.uniform(0, 120) if rng.random() < 0.1 else rng.uniform(120, 3 * 365)
            joined = self.now - age_days * DAY - rng.uniform(0, DAY)
            engagement = rng.uniform(0.45, 1.35) * community_factor[community]
            self.staff.append((joined, community, positions[i], engagement))
            name = rng.choice(SURNAMES) + "".join(rng.choices(GIVEN_CHARS, k=rng.choice((1, 2, 2))))
            mobile = None if rng.random() < 0.05 else f"{rng.choice(MOBILE_PREFIXES)}{numbers[i]:08d}"
            rows.append(
                (
                    f"{STAFF_PREFIX}{i + 1:06d}",
                    password_hash,
                    name,
                    mobile,
                    self.communities[community][0],
                    self.position_ids[positions[i]],
                    _ts(joined),
                )
            )
        fields = ["username", "password", "name", "mobile", "org_unit", "position", "date_joined"]
        defaults = {
            "first_name": "",
            "last_name": "",
            "email": "",
            "is_superuser": False,
            "is_staff": False,
            "is_active": True,
            "must_change_password": False,
        }
        insert_rows(User, fields + list(defaults), (row + tuple(defaults.values()) for row in rows))
        ids = dict(User.objects.filter(username__startswith=STAFF_PREFIX).values_list("username", "id"))
        self.staff_ids = [ids[row[0]] for row in rows]
        self.staff_names = [row[2] for row in rows]
        del rows

        managers = Group.objects.get_or_create(name=MANAGERS_GROUP)[0]
        first_district = self.district_ids[0]
        first_street = self.street_ids[0]
        units = OrgUnit.objects.in_bulk([self.root_id, first_district, first_street])
        self.manager_ids = {}
        for username, unit_id, role in (
            (CITY_ADMIN, self.root_id, "city admin"),
            (DISTRICT_MANAGER, first_district, "district manager"),
            (STREET_MANAGER, first_street, "street manager"),
        ):
            user = User.objects.create_user(
                username=username,
                password=o.password,
                name=f"{units[unit_id].name}培训管理员",
                managed_unit=units[unit_id],
            )
            user.groups.add(managers)
            self.manager_ids[username] = user.pk
            self.result.managers.append((role, username, units[unit_id].name))
        self.result.counts["staff"] = len(self.staff_ids)
        self.step(f"people: {len(self.staff_ids):,} staff, 3 managers")

    # Courses --------------------------------------------------------------------------------------

    def courses(self) -> None:
        rng = self.rng
        home = HomePage.objects.filter(depth=2).first()
        if home is None:
            raise RuntimeError("No home page: run `manage.py migrate` first.")
        index = CourseIndexPage.objects.child_of(home).filter(slug="courses").first()
        if index is None:
            index = CourseIndexPage(title="全部课程", slug="courses")
            home.add_child(instance=index)
            index.save_revision().publish()
        self.course_ids: list[int] = []
        self.course_items: list[list[int]] = []
        for n in range(self.o.courses):
            title = COURSE_TITLES[n % len(COURSE_TITLES)]
            if n >= len(COURSE_TITLES):
                title += f"（{n // len(COURSE_TITLES) + 1}）"
            course = CoursePage(
                title=title,
                slug=f"{COURSE_SLUG_PREFIX}{n + 1:02d}",
                summary=f"{title}：一线工作人员必备的实务课程。",
                estimated_minutes=30,
            )
            index.add_child(instance=course)
            course.save_revision().publish()
            items = []
            for number, lesson_title in enumerate(LESSON_TITLES[: rng.randint(4, 6)], start=1):
                lesson = LessonPage(
                    title=f"第{number}课 {lesson_title}",
                    slug=f"lesson-{number}",
                    estimated_minutes=rng.choice((5, 8, 10)),
                    body=[{"type": "paragraph", "value": f"<p>{title}：{lesson_title}。</p>"}],
                )
                course.add_child(instance=lesson)
                lesson.save_revision().publish()
                items.append(lesson.pk)
            self.course_ids.append(course.pk)
            self.course_items.append(items)
        lessons = sum(map(len, self.course_items))
        self.result.counts["courses"] = len(self.course_ids)
        self.result.counts["lessons"] = lessons
        self.step(f"courses: {len(self.course_ids)} with {lessons} lessons (Wagtail pages, published)")

    # Assignments ----------------------------------------------------------------------------------

    def assignments(self) -> None:
        """One or two assignments per course; each remembers which staff it covers as a test."""

        rng = self.rng
        D = len(self.district_ids)
        self.plans: list[list[dict]] = []  # per course: [{assignment, covers(i), due(i)}]
        created_total = 0
        for n, course_id in enumerate(self.course_ids):
            kind = PLAN[n % len(PLAN)]
            # Assigned 10–240 days ago; due one to three months later, so older ones are past due.
            age = rng.uniform(10, 240)
            created = self.now - age * DAY
            due = _day(created + rng.choice((30, 45, 60, 90)) * DAY)
            specs = []
            if kind == "city":
                specs.append({"units": [self.root_id], "due_mode": "date", "due_date": due})
            elif kind == "districts":
                chosen = sorted(rng.sample(range(D), max(1, round(D * 0.6))))
                specs.append(
                    {"units": [self.district_ids[d] for d in chosen], "due_mode": "date", "due_date": due}
                )
            elif kind == "streets":
                chosen = sorted(rng.sample(range(len(self.street_ids)), max(1, len(self.street_ids) // 7)))
                specs.append(
                    {"units": [self.street_ids[s] for s in chosen], "due_mode": "date", "due_date": due}
                )
            elif kind == "positions":
                specs.append(
                    {"units": [self.root_id], "positions": [0, 1, 4], "due_mode": "date", "due_date": due}
                )
            elif kind == "days":
                specs.append({"units": [self.root_id], "due_mode": "days", "due_days": 30})
            elif kind == "overlap":
                specs.append({"units": [self.root_id], "due_mode": "none", "mandatory": False})
                chosen = sorted(rng.sample(range(D), max(1, D // 4)))
                specs.append(
                    {"units": [self.district_ids[d] for d in chosen], "due_mode": "date", "due_date": due}
                )
            plans = []
            for spec in specs:
                assignment = Assignment.objects.create(
                    course_id=course_id,
                    due_mode=spec["due_mode"],
                    due_date=spec.get("due_date"),
                    due_days=spec.get("due_days"),
                    mandatory=spec.get("mandatory", True),
                    created_by_id=self.manager_ids[CITY_ADMIN],
                    note="请按时完成学习。",
                )
                Assignment.objects.filter(pk=assignment.pk).update(
                    created_at=datetime.datetime.fromtimestamp(created, tz=datetime.UTC)
                )
                assignment.units.set(spec["units"])
                position_set = set(spec.get("positions", []))
                if position_set:
                    assignment.positions.set([self.position_ids[p] for p in position_set])
                plans.append(
                    {
                        "id": assignment.pk,
                        "created": created,
                        "mandatory": assignment.mandatory,
                        "due_mode": assignment.due_mode,
                        "due_date": assignment.due_date,
                        "due_days": assignment.due_days,
                        "units": set(spec["units"]),
                        "positions": position_set,
                    }
                )
                created_total += 1
            self.plans.append(plans)
        self.result.counts["assignments"] = created_total
        self.step(f"assignments: {created_total} for {len(self.course_ids)} courses")

    def _covers(self, plan: dict, community: int, position: int) -> bool:
        community_id, district, street = self.communities[community]
        units = plan["units"]
        in_unit = (
            self.root_id in units
            or self.district_ids[district] in units
            or self.street_ids[street] in units
            or community_id in units
        )
        return in_unit and (not plan["positions"] or position in plan["positions"])

    def _due(self, plan: dict, joined: float) -> datetime.date | None:
        if plan["due_mode"] == "date":
            return plan["due_date"]
        if plan["due_mode"] == "days":
            return _day(max(joined, plan["created"])) + datetime.timedelta(days=plan["due_days"])
        return None

    # History --------------------------------------------------------------------------------------

    def history(self) -> None:
        tables = {
            "enrolments": (
                Enrolment,
                [
                    "learner",
                    "course",
                    "status",
                    "completed_at",
                    "org_unit",
                    "position",
                    "assigned",
                    "due_on",
                    "mandatory",
                    "enrolled_at",
                    "last_item",
                    "last_seen_at",
                    "source",
                ],
            ),
            "item progress": (
                ItemProgress,
                ["learner", "item", "course", "first_seen_at", "last_seen_at", "completed_at"],
            ),
            "course completions": (
                CourseCompletion,
                ["learner", "course", "completed_at", "rule", "items_required", "recorded_by", "reason"],
            ),
            "assignment members": (
                AssignmentMember,
                ["assignment", "learner", "course", "due_on", "mandatory", "matched_at"],
            ),
        }
        totals = dict.fromkeys(tables, 0)
        statuses = dict.fromkeys(("not_started", "in_progress", "completed"), 0)
        self.overrides: list[tuple[int, int, str, int]] = []  # (learner, course, completed at, by whom)
        overdue = 0
        with bulk_load([model for model, _fields in tables.values()]):
            for n, course_id in enumerate(self.course_ids):
                rows = {name: [] for name in tables}
                overdue += self._course_history(n, course_id, *rows.values())
                for row in rows["enrolments"]:
                    statuses[row[2]] += 1
                self.overrides += [
                    (row[0], course_id, row[2], row[5])
                    for row in rows["course completions"]
                    if row[5] is not None
                ]
                for name, (model, fields) in tables.items():
                    totals[name] += insert_rows(model, fields, rows[name])
                self.step(
                    f"course {n + 1}/{len(self.course_ids)} ({PLAN[n % len(PLAN)]}): "
                    + ", ".join(f"{len(found):,} {name}" for name, found in rows.items())
                )
                del rows
        self.step("history: indexes and constraints in place")
        self.result.counts.update(totals)
        self.result.counts.update(
            {f"enrolments {key.replace('_', ' ')}": value for key, value in statuses.items()}
        )
        self.result.counts["enrolments overdue"] = overdue

    def _course_history(self, n, course_id, enrolments, items, completions, members) -> int:
        rng, now = self.rng, self.now
        plans = self.plans[n]
        lessons = self.course_items[n]
        today = _day(now)
        overdue = 0
        # A manager marks complete only inside their part of the tree: the first district's manager
        # there, the city admin elsewhere.
        override_by = (self.manager_ids[DISTRICT_MANAGER], self.manager_ids[CITY_ADMIN])
        for i, (joined, community, position, engagement) in enumerate(self.staff):
            learner = self.staff_ids[i]
            covering = [plan for plan in plans if self._covers(plan, community, position)]
            if covering:
                matched = max(joined, min(plan["created"] for plan in covering))
                dues = [self._due(plan, joined) for plan in covering]
                dues = [due for due in dues if due is not None]
                due_on = min(dues) if dues else None
                mandatory = any(plan["mandatory"] for plan in covering)
                for plan, due in zip(covering, (self._due(plan, joined) for plan in covering), strict=True):
                    members.append(
                        (
                            plan["id"],
                            learner,
                            course_id,
                            due,
                            plan["mandatory"],
                            _ts(max(joined, plan["created"])),
                        )
                    )
                source = "assigned"
                # Older assignments have had time; optional ones are done less.
                days = (now - matched) / DAY
                drive = min(1.0, days / 90) * (1.0 if mandatory else 0.55)
            elif rng.random() < 0.08:  # joined an unassigned course of their own accord
                matched = max(joined, now - rng.uniform(5, 200) * DAY)
                due_on, mandatory, source = None, False, "self"
                drive = 0.75
            else:
                continue
            community_id, district, _street = self.communities[community]
            p_done = min(0.97, 0.8 * drive * engagement * self.district_factor[district])
            p_started = min(0.9, 0.35 + 0.3 * drive)
            roll = rng.random()
            enrolled_at = _ts(matched)
            if roll < p_done:
                status = "completed"
                done = len(lessons)
            elif roll < p_done + (1 - p_done) * p_started:
                status = "in_progress"
                done = rng.randrange(len(lessons))
            else:
                status = "not_started"
                done = 0
            completed_at = last_item = last_seen = None
            if status != "not_started":
                span = max(now - matched, 3600)
                first_seen = matched + span * rng.random() ** 2  # most begin soon after being assigned
                seen = first_seen
                override = status == "completed" and rng.random() < 0.02  # trained offline
                if override:
                    done = rng.randrange(len(lessons))
                for k in range(min(len(lessons), done + 1)):
                    finished = k < done
                    if not finished and rng.random() < 0.4:
                        break  # stopped between lessons
                    item_seen = seen
                    seen = min(now, seen + rng.expovariate(1 / (1.5 * DAY)))
                    items.append(
                        (
                            learner,
                            lessons[k],
                            course_id,
                            _ts(item_seen),
                            _ts(seen),
                            _ts(seen) if finished else None,
                        )
                    )
                    last_item, last_seen = lessons[k], seen
                if status == "completed":
                    seen = min(now, seen + rng.uniform(0, 3 * DAY)) if override else seen
                    completed_at = _ts(seen)
                    completions.append(
                        (
                            learner,
                            course_id,
                            completed_at,
                            "manager_override" if override else "all_required_items",
                            len(lessons),
                            override_by[district != 0] if override else None,
                            "线下集中培训已完成" if override else "",
                        )
                    )
                elif last_item is None:  # opened the course's first lesson, nothing finished
                    items.append((learner, lessons[0], course_id, _ts(first_seen), _ts(first_seen), None))
                    last_item, last_seen = lessons[0], first_seen
            if status != "completed" and due_on is not None and due_on < today:
                overdue += 1
            enrolments.append(
                (
                    learner,
                    course_id,
                    status,
                    completed_at,
                    community_id,
                    self.position_ids[position],
                    source == "assigned",
                    due_on,
                    mandatory,
                    enrolled_at,
                    last_item,
                    _ts(last_seen) if last_seen is not None else None,
                    source,
                )
            )
        return overdue

    # Site history ---------------------------------------------------------------------------------

    def audit_log(self) -> None:
        """What running the city leaves in Wagtail's audit log, which the site history report reads:
        every organisation unit created, every account brought in by a staff import (one entry per
        person, as accounts.staff_import writes them: the first district's staff by its manager, the
        rest by the city admin, a district at a time at launch and a few people a day since), and every
        course a manager marked complete. About 120,000 entries at city scale."""

        rng = self.rng
        types = ContentType.objects.get_for_models(User, OrgUnit, for_concrete_models=False)
        city, district = self.manager_ids[CITY_ADMIN], self.manager_ids[DISTRICT_MANAGER]
        launched = self.now - 330 * DAY
        fields = ["content_type", "object_id", "label", "action", "data", "timestamp", "uuid", "user"]
        defaults = {"content_changed": True, "deleted": False}
        rows = []
        at_launch = _ts(launched - 2 * DAY)
        created_units = str(uuid.UUID(int=rng.getrandbits(128)))
        for unit_id, name in OrgUnit.objects.filter(pk__in=self._unit_ids()).values_list("pk", "name"):
            rows.append(
                (
                    types[OrgUnit].pk,
                    str(unit_id),
                    name,
                    "wagtail.create",
                    "{}",
                    at_launch,
                    created_units,
                    city,
                )
            )
        batches: dict[tuple[int, int], str] = {}  # (district, day) → the import's id
        for i, (joined, community, _position, _engagement) in enumerate(self.staff):
            d = self.communities[community][1]
            when = max(joined, launched) + rng.uniform(0, 8 * 3600)
            batch = batches.setdefault((d, int(when // DAY)), str(uuid.UUID(int=rng.getrandbits(128))))
            data = {"source": f"staff-{d + 1:02d}.xlsx", "row": i + 2, "outcome": "created", "fields": []}
            rows.append(
                (
                    types[User].pk,
                    str(self.staff_ids[i]),
                    self.staff_names[i],
                    IMPORT_LOG_ACTION,
                    json.dumps(data, ensure_ascii=False),
                    _ts(when),
                    batch,
                    district if d == 0 else city,
                )
            )
        titles = dict(CoursePage.objects.filter(pk__in=self.course_ids).values_list("pk", "title"))
        names = dict(zip(self.staff_ids, self.staff_names, strict=True))
        for learner, course_id, completed_at, by in self.overrides:
            data = {"course": course_id, "course_title": titles[course_id], "reason": "线下集中培训已完成"}
            rows.append(
                (
                    types[User].pk,
                    str(learner),
                    names[learner],
                    OVERRIDE_LOG_ACTION,
                    json.dumps(data, ensure_ascii=False),
                    completed_at,
                    str(uuid.UUID(int=rng.getrandbits(128))),
                    by,
                )
            )
        rows.sort(key=lambda row: row[5])  # written as they happened
        count = insert_rows(
            ModelLogEntry, fields + list(defaults), (row + tuple(defaults.values()) for row in rows)
        )
        self.result.counts["audit log entries"] = count
        self.step(f"site history: {count:,} audit log entries")

    def _unit_ids(self) -> list[int]:
        return [self.root_id, *self.district_ids, *self.street_ids, *(c[0] for c in self.communities)]

    # Finish ---------------------------------------------------------------------------------------

    def vacuum(self) -> None:
        if connection.in_atomic_block:  # inside a test's transaction
            return
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for model in (OrgUnit, User, Enrolment, ItemProgress, CourseCompletion, AssignmentMember):
                    cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
                # Whatever else changed (e.g. summary tables kept by triggers), table by table: on the
                # shared development server a database-wide ANALYZE took minutes (waiting, not working)
                # where every table alone takes under a second.
                cursor.execute(
                    "SELECT relid::regclass::text FROM pg_stat_user_tables WHERE n_mod_since_analyze > 0"
                )
                for (table,) in cursor.fetchall():
                    cursor.execute(f"ANALYZE {table}")
            self.step("VACUUM ANALYZE")


def default_password() -> str:
    return initial_password()


def generate(options: Options, log: Callable[[str], None] = print) -> Result:
    if not options.password:
        options.password = default_password()
    return CityGenerator(options, log).run()
