from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScormConfig(AppConfig):
    name = "scorm"
    verbose_name = _("SCORM packages")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from scorm import checks  # noqa: F401 (registers itself)
