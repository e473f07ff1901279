"""Joining by invitation: a training manager prints a poster for a unit and a position, a volunteer
scans it, gives a name and a mobile number, confirms with a text-message code and is placed there.

Writes (services) and the reads they need. The invited unit and position come from the invitation
alone: nothing a joiner sends can change them. Uses are counted by one conditional UPDATE
(`_take_a_use`), so parallel joins never pass ``max_uses`` nor slip past expiry, on any database.
Every join, approval and rejection is written to the audit log on the invitation; the account a join
makes is logged as created. A new account is announced through `accounts.services.people_placed`,
so the course assignments of its unit and position apply.
"""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from accounts.models import Invitation, JoinRequest, OrgUnit, Position, User
from accounts.scope import scope_for
from accounts.services import people_placed

JOIN_LOG_ACTION = "accounts.join"
JOIN_REQUEST_LOG_ACTION = "accounts.join_request"
JOIN_APPROVE_LOG_ACTION = "accounts.join_approve"
JOIN_REJECT_LOG_ACTION = "accounts.join_reject"
DEACTIVATE_LOG_ACTION = "accounts.invitation_deactivate"


class JoinRefused(Exception):
    """The invitation takes no more joins; ``reason`` is one of "inactive", "expired", "used_up"."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class MobileTaken(Exception):
    """This number already has an account: the person signs in instead."""


class AlreadyWaiting(Exception):
    """A request from this number already waits for approval."""


# -- reads -------------------------------------------------------------------------------------------


def invitation_by_token(token: str) -> Invitation | None:
    if not token or len(token) > 64:
        return None
    return Invitation.objects.select_related("org_unit", "position").filter(token=token).first()


def invitation_refusal(invitation: Invitation, *, now: datetime.datetime | None = None) -> str | None:
    """Why the invitation takes no more joins, or None while it does."""
    now = now or timezone.now()
    if not invitation.active:
        return "inactive"
    if invitation.expires_at is not None and invitation.expires_at <= now:
        return "expired"
    if invitation.max_uses is not None and invitation.uses >= invitation.max_uses:
        return "used_up"
    return None


def invitations_in_scope(viewer, invitations: QuerySet[Invitation] | None = None) -> QuerySet[Invitation]:
    """Invitations to units in the viewer's part of the tree (no permission check: see the policy)."""
    invitations = Invitation.objects.all() if invitations is None else invitations
    return invitations.filter(scope_for(viewer).q("org_unit"))


def join_requests_decidable_by(viewer) -> QuerySet[JoinRequest]:
    """Requests waiting for approval that ``viewer`` may decide: the invitation permission and the
    invitation's unit in their part of the tree."""
    if not viewer.has_perm("accounts.change_invitation"):
        return JoinRequest.objects.none()
    return (
        JoinRequest.objects.filter(status=JoinRequest.Status.PENDING)
        .filter(scope_for(viewer).q("invitation__org_unit"))
        .select_related("invitation__org_unit", "invitation__position")
    )


def mobile_has_account(mobile: str) -> bool:
    return User.objects.filter(Q(mobile=mobile) | Q(username__iexact=mobile)).exists()


def mask_mobile(mobile: str) -> str:
    return f"{mobile[:3]}****{mobile[-4:]}" if len(mobile) == 11 else mobile


# -- the manager's side ------------------------------------------------------------------------------


@transaction.atomic
def invitation_create(
    *,
    org_unit: OrgUnit,
    position: Position,
    expires_at: datetime.datetime | None = None,
    max_uses: int | None = None,
    needs_approval: bool = False,
    actor,
) -> Invitation:
    """A new invitation to ``org_unit`` (inside ``actor``'s part of the tree, or PermissionDenied)."""
    if not actor.has_perm("accounts.add_invitation") or not scope_for(actor).contains(org_unit):
        raise PermissionDenied
    invitation = Invitation(
        token=secrets.token_urlsafe(24),
        org_unit=org_unit,
        position=position,
        expires_at=expires_at,
        max_uses=max_uses,
        needs_approval=needs_approval,
        created_by=actor,
    )
    invitation.full_clean()
    invitation.save()
    log(invitation, "wagtail.create", user=actor)
    return invitation


@transaction.atomic
def invitation_deactivate(*, invitation: Invitation, actor) -> bool:
    """Stop the invitation taking joins (its poster then says so). Requests already waiting stay to
    be decided. Returns whether it was active."""
    if not invitations_in_scope(actor).filter(pk=invitation.pk).exists():
        raise PermissionDenied
    if not Invitation.objects.filter(pk=invitation.pk, active=True).update(active=False):
        return False
    invitation.active = False
    log(invitation, DEACTIVATE_LOG_ACTION, user=actor)
    return True


# -- the joiner's side -------------------------------------------------------------------------------


@dataclass(frozen=True)
class JoinResult:
    request: JoinRequest
    user: User | None  # None while the request waits for approval


def _take_a_use(invitation: Invitation) -> None:
    """Count one join, in one statement that also checks the invitation still takes it: under any
    number of parallel requests, no more than ``max_uses`` pass and none after expiry."""
    now = timezone.now()
    taken = (
        Invitation.objects.filter(pk=invitation.pk, active=True)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .filter(Q(max_uses__isnull=True) | Q(uses__lt=F("max_uses")))
        .update(uses=F("uses") + 1)
    )
    if not taken:
        invitation.refresh_from_db()
        raise JoinRefused(invitation_refusal(invitation, now=now) or "used_up")


def _account_create(*, name: str, mobile: str, invitation: Invitation) -> User:
    """The account: no password (the person signs in with a code by text), username the number."""
    if mobile_has_account(mobile):
        raise MobileTaken
    user = User(
        username=mobile,
        name=name,
        mobile=mobile,
        org_unit_id=invitation.org_unit_id,
        position_id=invitation.position_id,
    )
    user.set_unusable_password()
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:  # made by a parallel request since the check
        raise MobileTaken from None
    people_placed(user_ids=[user.pk])  # their unit's and position's course assignments apply
    return user


@transaction.atomic
def join_submit(*, invitation: Invitation, name: str, mobile: str) -> JoinResult:
    """Join (or, when the invitation needs approval, ask to join) with a confirmed number.

    Raises `MobileTaken` (the person signs in instead), `AlreadyWaiting` or `JoinRefused`; nothing is
    written then."""
    name = name.strip()
    if mobile_has_account(mobile):
        raise MobileTaken
    _take_a_use(invitation)
    request = JoinRequest(invitation=invitation, name=name, mobile=mobile)
    request.full_clean(validate_constraints=False)
    user = None
    if invitation.needs_approval:
        try:
            with transaction.atomic():
                request.save()
        except IntegrityError:
            raise AlreadyWaiting from None
        log(
            invitation,
            JOIN_REQUEST_LOG_ACTION,
            user=None,
            data={"name": name, "mobile": mask_mobile(mobile)},
        )
    else:
        user = _account_create(name=name, mobile=mobile, invitation=invitation)
        request.status = JoinRequest.Status.APPROVED
        request.user = user
        request.decided_at = timezone.now()
        request.save()
        log(user, "wagtail.create", user=user)
        log(invitation, JOIN_LOG_ACTION, user=user, data={"name": name, "mobile": mask_mobile(mobile)})
    return JoinResult(request=request, user=user)


# -- decisions ---------------------------------------------------------------------------------------


def _text(*, mobile: str, template: str, text: str, params: dict) -> None:
    from accounts.tasks import send_text_message  # the task module imports core.sms

    transaction.on_commit(
        lambda: send_text_message.enqueue(mobile=mobile, template=template, text=text, params=params)
    )


@dataclass
class Decisions:
    approved: int = 0
    rejected: int = 0
    taken: list[str] | None = None  # names whose number got an account meanwhile (rejected)


@transaction.atomic
def join_requests_decide(
    *, requests: Iterable[JoinRequest], approve: bool, actor, sign_in_url: str
) -> Decisions:
    """Approve or reject waiting requests ``actor`` may decide (others are left alone). Approving
    makes and places the account; rejecting gives the invitation its use back. Either way the person
    is told by text once this commits. A request whose number has an account by now is rejected."""
    ids = [request.pk for request in requests]
    decided = Decisions(taken=[])
    now = timezone.now()
    rows = list(
        join_requests_decidable_by(actor).filter(pk__in=ids).select_for_update(of=("self",)).order_by("pk")
    )
    for request in rows:
        invitation = request.invitation
        place = f"{invitation.org_unit.name}（{invitation.position.name}）"
        user = None
        if approve:
            try:
                with transaction.atomic():
                    user = _account_create(name=request.name, mobile=request.mobile, invitation=invitation)
            except MobileTaken:
                decided.taken.append(request.name)
        request.decided_by, request.decided_at = actor, now
        if user is not None:
            request.status, request.user = JoinRequest.Status.APPROVED, user
            request.save(update_fields=["status", "user", "decided_by", "decided_at"])
            log(user, "wagtail.create", user=actor)
            log(
                invitation,
                JOIN_APPROVE_LOG_ACTION,
                user=actor,
                data={"name": request.name, "mobile": mask_mobile(request.mobile)},
            )
            _text(
                mobile=request.mobile,
                template="join_approved",
                text=f"【一线学堂】您加入{place}的申请已通过，请用手机号和验证码登录 {sign_in_url}",
                params={"place": place, "url": sign_in_url},
            )
            decided.approved += 1
        else:
            request.status = JoinRequest.Status.REJECTED
            request.save(update_fields=["status", "decided_by", "decided_at"])
            Invitation.objects.filter(pk=invitation.pk, uses__gt=0).update(uses=F("uses") - 1)
            log(
                invitation,
                JOIN_REJECT_LOG_ACTION,
                user=actor,
                data={"name": request.name, "mobile": mask_mobile(request.mobile)},
            )
            _text(
                mobile=request.mobile,
                template="join_rejected",
                text=f"【一线学堂】您加入{place}的申请未通过。如有疑问，请联系您所在单位的培训管理员。",
                params={"place": place},
            )
            decided.rejected += 1
    return decided


def refusal_message(reason: str) -> str:
    return {
        "inactive": _("This invitation has been withdrawn."),
        "expired": _("This invitation has expired."),
        "used_up": _("This invitation has been used as many times as allowed."),
    }.get(reason, _("This invitation cannot be used."))
