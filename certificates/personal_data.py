"""The person's certificates, revoked ones included, for their data download."""

from certificates.codes import code_display
from certificates.models import Certificate
from core.personal_data import Coded


def certificate_personal_data(user) -> dict:
    """The verification code is shown grouped on the page, as on the certificate; stored as it is in
    the JSON file."""
    rows = list(
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
    for row in rows:
        row["code"] = Coded(row["code"], code_display(row["code"]))
    return {"certificates": rows}
