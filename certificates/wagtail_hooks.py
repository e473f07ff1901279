"""Wagtail hooks of the certificates app: only registration. The screens live in admin_views.py."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.log_actions import LogFormatter

from certificates import services
from certificates.admin_views import CertificateViewSet
from certificates.personal_data import certificate_personal_data
from certificates.selectors import certificate_of_completion
from certificates.services import RETRAIN_LOG_ACTION, REVOKE_LOG_ACTION
from progress.selectors import COURSE_COMPLETE_CONTEXT_HOOK
from progress.services import COURSE_COMPLETED_HOOK


@hooks.register("register_admin_viewset")
def register_certificate_viewset():
    return CertificateViewSet("certificates_admin")


@hooks.register(COURSE_COMPLETED_HOOK)
def issue_certificate_for_completion(completion):
    """Every course completion gets a certificate, however it was recorded (the completion rule or a
    manager's override), once the completion is committed."""
    services.certificate_issue_on_commit(completion=completion)


@hooks.register(COURSE_COMPLETE_CONTEXT_HOOK)
def add_certificate_to_completion_moment(request, completion, context):
    """The "course complete" moment links the certificate. It is issued once the completion commits,
    so the very next page normally finds it; until then (or if issuing failed and waits for
    ``issue_missing_certificates``) the moment says it is being prepared."""
    certificate = certificate_of_completion(completion=completion)
    context["certificate"] = (
        certificate if certificate is not None and certificate.revoked_at is None else None
    )
    context["certificate_pending"] = certificate is None


@hooks.register("register_log_actions")
def register_certificate_log_actions(actions):
    actions.register_action(
        RETRAIN_LOG_ACTION,
        _("Re-assign for re-training"),
        _("Course re-assigned before the certificate expires"),
    )

    @actions.register_action(REVOKE_LOG_ACTION)
    class RevokeCertificate(LogFormatter):
        label = _("Revoke certificate")

        def format_message(self, log_entry):
            return _("Certificate revoked: %(reason)s") % {"reason": log_entry.data.get("reason", "")}


@hooks.register("register_personal_data")
def add_certificates_to_personal_data(user):
    """A section of the person's own data download (progress.exports)."""
    return certificate_personal_data(user)
