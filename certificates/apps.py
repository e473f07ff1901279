from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    name = "certificates"
    verbose_name = _("Certificates")

    def ready(self):
        from wagtail.permissions import register_permission_policy

        from certificates.models import Certificate
        from certificates.permissions import CertificatePermissionPolicy

        register_permission_policy(Certificate, CertificatePermissionPolicy(Certificate))
