"""API clients: create, change, revoke, and find one by its token.

Nobody gives a client more than they hold: the creator needs the right to manage clients (site
administrators) and the client's unit must lie in the creator's own part of the tree. The client's
account (api.models says why it has one) is a training manager of that unit."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from wagtail.log_actions import log

from accounts.models import OrgUnit, User
from accounts.rights import MANAGERS_GROUP
from accounts.scope import scope_for
from api.models import STRUCTURE_PERMISSIONS, ApiClient

TOKEN_PREFIX = "fa_"  # noqa: S105  (a marker, not a secret)
REVOKE_LOG_ACTION = "api.client_revoke"
LAST_USED_EVERY_SECONDS = 60
"""``last_used_at`` is written at most once a minute per client, not on every request."""


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def _check_grant(*, actor, unit: OrgUnit, action: str, structure: bool = False) -> None:
    if not (actor.is_active and actor.has_perm(f"api.{action}_apiclient")):
        raise PermissionDenied(gettext("Only site administrators manage API clients."))
    if not scope_for(actor).contains(unit):
        raise PermissionDenied(gettext("The unit is outside the part of the organisation you manage."))
    if structure and not all(actor.has_perm(f"{app}.{codename}") for app, codename in STRUCTURE_PERMISSIONS):
        raise PermissionDenied(
            gettext("You may not change units and positions yourself, so you cannot let a client.")
        )


def _sync_structure_permissions(client: ApiClient) -> None:
    """The account holds the structure permissions exactly when the client may change the structure."""
    wanted = client.may_change_structure and client.can_write
    permissions = Permission.objects.filter(
        content_type__app_label="accounts",
        codename__in=[codename for _app, codename in STRUCTURE_PERMISSIONS],
    )
    if wanted:
        client.account.user_permissions.add(*permissions)
    else:
        client.account.user_permissions.remove(*permissions)


@transaction.atomic
def api_client_create(
    *,
    name: str,
    unit: OrgUnit,
    access: str,
    requests_per_minute: int = 120,
    may_change_structure: bool = False,
    actor,
) -> tuple[ApiClient, str]:
    """A new client and its token. The token is returned here only: it is stored as a hash."""
    _check_grant(actor=actor, unit=unit, action="add", structure=may_change_structure)
    account = User(username=f"api-{secrets.token_hex(6)}", name=name.strip()[:50], managed_unit=unit)
    account.set_unusable_password()
    account.save()
    account.groups.add(Group.objects.get(name=MANAGERS_GROUP))
    token = _new_token()
    client = ApiClient.objects.create(
        name=name.strip(),
        unit=unit,
        access=access,
        requests_per_minute=requests_per_minute,
        may_change_structure=may_change_structure,
        token_prefix=token[:10],
        token_hash=token_hash(token),
        account=account,
        created_by=actor,
    )
    _sync_structure_permissions(client)
    log(client, "wagtail.create", user=actor)
    return client, token


@transaction.atomic
def api_client_update(
    *,
    client: ApiClient,
    name: str,
    unit: OrgUnit,
    access: str,
    requests_per_minute: int,
    may_change_structure: bool = False,
    actor,
) -> ApiClient:
    _check_grant(actor=actor, unit=client.unit, action="change")
    _check_grant(actor=actor, unit=unit, action="change", structure=may_change_structure)
    client.name, client.unit, client.access = name.strip(), unit, access
    client.requests_per_minute, client.may_change_structure = requests_per_minute, may_change_structure
    client.save(update_fields=["name", "unit", "access", "requests_per_minute", "may_change_structure"])
    _sync_structure_permissions(client)
    account = client.account
    account.name, account.managed_unit = client.name[:50], unit
    account.save(update_fields=["name", "managed_unit", "updated_at"])
    log(client, "wagtail.edit", user=actor)
    return client


@transaction.atomic
def api_client_revoke(*, client: ApiClient, actor) -> ApiClient:
    """The token stops working at once; the client stays listed (and in the site history). Revoking
    twice changes nothing."""
    _check_grant(actor=actor, unit=client.unit, action="change")
    client = ApiClient.objects.select_for_update().get(pk=client.pk)
    if client.revoked_at is not None:
        return client
    client.revoked_at = timezone.now()
    client.save(update_fields=["revoked_at"])
    User.objects.filter(pk=client.account_id).update(is_active=False, updated_at=client.revoked_at)
    log(client, REVOKE_LOG_ACTION, user=actor)
    return client


def api_client_for_token(token: str) -> ApiClient | None:
    """The active client holding ``token`` (one query), or None."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 100:
        return None
    client = (
        ApiClient.objects.select_related("account", "account__managed_unit", "unit")
        .filter(token_hash=token_hash(token), revoked_at__isnull=True)
        .first()
    )
    if client is None or not client.account.is_active:
        return None
    return client


def api_client_touch(client: ApiClient) -> None:
    """Record that the client was used, at most once a minute (a cache flag spares the write)."""
    if cache.add(f"api:used:{client.pk}", 1, LAST_USED_EVERY_SECONDS):
        now = timezone.now()
        ApiClient.objects.filter(pk=client.pk).update(last_used_at=now)
        client.last_used_at = now
