from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Site")

    def ready(self):
        from core import checks, security, signals, spreadsheets, upstream_i18n  # noqa: F401 (checks registers itself)

        signals.connect()
        from core import learner_state

        learner_state.install_on_open_connections()
        learner_state.connect_user_signal()
        spreadsheets.wagtail_exporter_escape()
        security.avatar_uploads_limit()
        upstream_i18n.relabel_image_blocks()
        upstream_i18n.label_link_choosers()
        upstream_i18n.label_admin_sign_in()
