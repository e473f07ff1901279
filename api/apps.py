from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = _("REST API")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from api import policies, schema  # noqa: F401  (schema: the token scheme of the OpenAPI schema)

        policies.register()
