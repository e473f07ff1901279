"""The person's use of the AI helpers, for their data download (core.personal_data pattern)."""

from assistant.models import AssistantPolicyAcceptance, AssistantUsage, Helper
from core.personal_data import coded


def assistant_personal_data(user) -> dict:
    acceptance = AssistantPolicyAcceptance.objects.filter(user=user).first()
    return {
        "ai_helper_rules": {
            "accepted_at": acceptance.accepted_at if acceptance else None,
            "rules_version": acceptance.version if acceptance else None,
        },
        "ai_helper_calls": [
            {
                **{key: value for key, value in row.items() if key != "page__title"},
                "page": row["page__title"],
                "helper": coded(row["helper"], Helper),
                "outcome": coded(row["outcome"], AssistantUsage.Outcome),
            }
            for row in AssistantUsage.objects.filter(user=user)
            .order_by("created_at")
            .values(
                "created_at",
                "helper",
                "page__title",
                "tokens_in",
                "tokens_out",
                "duration_ms",
                "outcome",
                "question_text",
                "answer_text",
            )
        ],
    }
