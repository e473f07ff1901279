"""Every course completion gets a certificate, however it was recorded (the completion rule or a
manager's override), once the completion is committed."""

from django.db import transaction
from django.db.models.signals import post_save


def _completion_saved(sender, instance, created, raw=False, **_kwargs):
    if not created or raw:
        return
    completion_id = instance.pk

    def issue_certificate():
        from certificates.services import certificate_issue_for_completion_id

        certificate_issue_for_completion_id(completion_id)

    # After commit: a rolled-back completion gets no certificate. `robust`: a failure here is
    # logged, never turned into an error for the learner whose completion is already saved;
    # `manage.py issue_missing_certificates` issues what was missed.
    transaction.on_commit(issue_certificate, robust=True)


def connect() -> None:
    from progress.models import CourseCompletion

    post_save.connect(_completion_saved, sender=CourseCompletion, dispatch_uid="certificates-issue")
