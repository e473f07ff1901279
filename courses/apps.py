from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = _("Courses")

    def ready(self):
        from django.db.models.signals import post_delete, post_save
        from wagtail.documents import get_document_model

        from core.signals import bump_content_generation_on_change
        from courses import checks  # noqa: F401  (registers them)
        from courses.models import Topic, VideoConversion

        # Topics are shown on course cards and the catalogue, which live in the content cache.
        bump_content_generation_on_change(Topic)
        # A video's versions (or its failure) change what its lessons show.
        bump_content_generation_on_change(VideoConversion)
        # Wagtail saves documents in its own views with no hook after them: a saved video document
        # (new or with its file replaced) asks for its phone versions here.
        post_save.connect(_document_saved, sender=get_document_model(), dispatch_uid="courses-video-saved")
        post_delete.connect(_conversion_deleted, sender=VideoConversion, dispatch_uid="courses-video-deleted")


def _document_saved(sender, instance, raw=False, update_fields=None, **kwargs):
    from courses.services import video_conversion_request

    if raw or (update_fields and "file" not in update_fields):
        return
    video_conversion_request(document=instance)


def _conversion_deleted(sender, instance, **kwargs):
    from django.db import transaction

    files = [(f.storage, f.name) for f in instance.version_files]
    transaction.on_commit(lambda: [storage.delete(name) for storage, name in files], robust=True)
