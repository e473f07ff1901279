"""Cache invalidation only: any change to what learners see bumps the content generation."""

from django.db.models.signals import post_delete, post_save
from wagtail.images import get_image_model
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from core import content_cache


def _bump(**_kwargs):
    content_cache.bump()


def connect() -> None:
    page_published.connect(_bump, dispatch_uid="content-cache-published")
    page_unpublished.connect(_bump, dispatch_uid="content-cache-unpublished")
    post_page_move.connect(_bump, dispatch_uid="content-cache-moved")
    post_delete.connect(_bump, sender=Page, dispatch_uid="content-cache-page-deleted")
    for model in (Site, PageViewRestriction, get_image_model()):
        name = model._meta.label_lower
        post_save.connect(_bump, sender=model, dispatch_uid=f"content-cache-{name}-saved")
        post_delete.connect(_bump, sender=model, dispatch_uid=f"content-cache-{name}-deleted")
    from core.models import SiteSettings
    from courses.models import Topic

    for model in (SiteSettings, Topic):
        name = model._meta.label_lower
        post_save.connect(_bump, sender=model, dispatch_uid=f"content-cache-{name}-saved")
        post_delete.connect(_bump, sender=model, dispatch_uid=f"content-cache-{name}-deleted")
