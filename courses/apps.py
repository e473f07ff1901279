from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = _("Courses")

    def ready(self):
        from core.signals import bump_content_generation_on_change
        from courses.models import Topic

        # Topics are shown on course cards and the catalogue, which live in the content cache.
        bump_content_generation_on_change(Topic)
