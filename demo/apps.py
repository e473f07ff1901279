from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """Demo content and generated data: `manage.py load_demo` and `manage.py generate_city`.

    No models: everything it writes goes through the other apps' models and services."""

    name = "demo"
    verbose_name = _("Demo content")
