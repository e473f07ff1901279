"""The person's certificates, revoked ones included, for their data download."""

from certificates.models import Certificate


def certificate_personal_data(user) -> dict:
    return {
        "certificates": list(
            Certificate.objects.filter(learner=user)
            .order_by("issued_at")
            .values(
                "code",
                "course_title",
                "holder_name",
                "organisation_name",
                "completed_at",
                "issued_at",
                "expires_at",
                "revoked_at",
                "revoke_reason",
            )
        )
    }
