"""No more joins than an invitation allows, under parallel requests on PostgreSQL (threads released
together). SQLite serialises all writes, so these skip there."""

import pytest

from accounts import invitations
from accounts.models import Invitation, JoinRequest, User
from tests.concurrency import needs_postgres, race  # noqa: F401 (a fixture)
from tests.factories import make_org_tree, make_position, make_user

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("needs_postgres"),
]

THREADS = 10


@pytest.fixture
def invitation_of():
    units = make_org_tree()
    manager = make_user("m", groups=["Managers"], managed_unit=units["解放碑街道"])
    position = make_position("志愿者")

    def make(**fields):
        return invitations.invitation_create(
            org_unit=units["A社区"], position=position, actor=manager, **fields
        )

    return make


@pytest.mark.parametrize("needs_approval", [False, True])
def test_parallel_joins_never_pass_max_uses(invitation_of, needs_approval):
    invitation = invitation_of(max_uses=3, needs_approval=needs_approval)
    results, errors = race(
        lambda i: invitations.join_submit(invitation=invitation, name=f"人{i}", mobile=f"1380013800{i}"),
        THREADS,
    )
    assert len([result for result in results if result is not None]) == 3
    assert len(errors) == THREADS - 3
    assert all(isinstance(error, invitations.JoinRefused) for error in errors), errors
    invitation.refresh_from_db()
    assert invitation.uses == 3
    assert JoinRequest.objects.filter(invitation=invitation).count() == 3
    assert User.objects.filter(org_unit=invitation.org_unit).count() == (0 if needs_approval else 3)


def test_parallel_joins_with_one_number_make_one_account(invitation_of):
    invitation = invitation_of()
    _results, errors = race(
        lambda i: invitations.join_submit(invitation=invitation, name="同一人", mobile="13800138000"),
        THREADS,
    )
    assert User.objects.filter(mobile="13800138000").count() == 1
    assert all(isinstance(error, invitations.MobileTaken) for error in errors), errors
    assert Invitation.objects.get(pk=invitation.pk).uses == 1
