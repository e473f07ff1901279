from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssistantConfig(AppConfig):
    name = "assistant"
    verbose_name = _("AI helpers")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from assistant.models import AIHelperSettings
        from core.signals import bump_content_generation_on_change

        # The lesson page offers the helpers by these settings, and signed-in lesson pages are kept whole.
        bump_content_generation_on_change(AIHelperSettings)
