"""The demo restored for later tests is the demo that was loaded (tests/demo_snapshot.py)."""

import pytest
from django.db import connection

from accounts.models import User
from courses.models import CoursePage
from tests import demo_snapshot

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def row_counts() -> dict[str, int]:
    counts = {}
    with connection.cursor() as cursor:
        for table in demo_snapshot._table_names():
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            counts[table] = cursor.fetchone()[0]
    return counts


def test_a_restored_demo_has_every_row_new_ids_and_its_search_index():
    demo_snapshot.load_demo("--with-accounts")
    assert ("--with-accounts",) in demo_snapshot._snapshots  # a test started from the migrated database
    loaded = row_counts()
    found = list(CoursePage.objects.live().search("AI"))
    assert found
    assert loaded["wagtailcore_page"] > 50

    demo_snapshot._restore(demo_snapshot._snapshots[("--with-accounts",)])

    assert row_counts() == loaded
    newest = User.objects.order_by("-pk").first()
    assert User.objects.create_user(username="after-restore").pk > newest.pk  # sequences moved on
    assert list(CoursePage.objects.live().search("AI")) == found
