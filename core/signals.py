"""Cache invalidation only: any change to what learners see bumps the content generation."""

from django.db.models import Model
from django.db.models.signals import post_delete, post_save
from wagtail.images import get_image_model
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from core import content_cache


def _bump(**_kwargs):
    content_cache.bump()


def bump_content_generation_on_change(model: type[Model]) -> None:
    """Saving or deleting a row of ``model`` bumps the content generation. For models outside the
    page tree that published pages show (settings, images, topics): each app calls this for its own
    models from its ``AppConfig.ready``, so core never has to import them. Idempotent."""
    name = model._meta.label_lower
    post_save.connect(_bump, sender=model, dispatch_uid=f"content-cache-{name}-saved")
    post_delete.connect(_bump, sender=model, dispatch_uid=f"content-cache-{name}-deleted")


def connect() -> None:
    from core.models import SiteSettings

    page_published.connect(_bump, dispatch_uid="content-cache-published")
    page_unpublished.connect(_bump, dispatch_uid="content-cache-unpublished")
    post_page_move.connect(_bump, dispatch_uid="content-cache-moved")
    post_delete.connect(_bump, sender=Page, dispatch_uid="content-cache-page-deleted")
    for model in (Site, PageViewRestriction, get_image_model(), SiteSettings):
        bump_content_generation_on_change(model)
