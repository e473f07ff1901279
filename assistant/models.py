"""The AI helpers' records: who accepted the usage policy, one row per call (the usage log), and the
administrator's setting of which helpers are on for whom."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, HelpPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting

from assistant.conf import ALT_TEXT, ASK, QUESTION_DRAFTS, READABILITY, SIMPLIFY

# Bump when the policy's text changes in substance: everyone is asked to accept it again.
POLICY_VERSION = 1


class Helper(models.TextChoices):
    SIMPLIFY = SIMPLIFY, _("Explain more simply")
    ASK = ASK, _("Ask about this lesson")
    QUESTION_DRAFTS = QUESTION_DRAFTS, _("Draft questions")
    ALT_TEXT = ALT_TEXT, _("Draft alt text")
    READABILITY = READABILITY, _("Check readability")


class AssistantPolicyAcceptance(models.Model):
    """A person accepted the AI helpers' usage policy (once per version)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="assistant_policy",
    )
    version = models.PositiveSmallIntegerField(_("policy version"), default=POLICY_VERSION)
    accepted_at = models.DateTimeField(_("accepted at"), auto_now=True)

    class Meta:
        verbose_name = _("AI helpers usage policy acceptance")
        verbose_name_plural = _("AI helpers usage policy acceptances")

    def __str__(self):
        return f"{self.user} v{self.version}"


class AssistantUsage(models.Model):
    """One call of an AI helper: who, which helper, tokens, time, outcome. The question and the answer are
    kept only while AI_AUDIT_TEXT is on."""

    class Outcome(models.TextChoices):
        STARTED = "started", _("Unfinished")  # sent; the answer never ended (the learner left)
        OK = "ok", _("Answered")
        NOT_COVERED = "not_covered", _("Not covered by the lesson")
        REFUSED = "refused", _("Refused: personal data")
        LIMIT = "limit", _("Daily limit reached")
        PROVIDER_ERROR = "provider_error", _("Provider unavailable")
        TIMEOUT = "timeout", _("Timed out")
        INVALID = "invalid", _("Unusable answer")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="assistant_usage",
    )
    helper = models.CharField(_("helper"), max_length=20, choices=Helper.choices)
    # The page the help was about; the log outlives the page.
    page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("page"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    model_name = models.CharField(_("model"), max_length=100, blank=True)
    tokens_in = models.PositiveIntegerField(_("tokens in"), default=0)
    tokens_out = models.PositiveIntegerField(_("tokens out"), default=0)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    question_text = models.TextField(_("question"), blank=True)
    answer_text = models.TextField(_("answer"), blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    # Not a use of the page: the log is the site administrator's, never listed on the page's usage screen.
    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("AI helper call")
        verbose_name_plural = _("AI helpers usage log")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "created_at"], name="assistant_usage_user_day")]

    def __str__(self):
        return f"{self.get_helper_display()} · {self.created_at:%Y-%m-%d %H:%M}"


def _may(label, default: bool):
    return models.BooleanField(label, default=default)


@register_setting(icon="help")
class AIHelperSettings(BaseGenericSetting):
    """Which AI helpers are on for whom, and the daily limit per person: the site administrator's choice
    (Settings → AI helpers). The environment stays the ceiling: a helper AI_HELPERS does not name, or
    without a provider, is off whatever is ticked here (assistant.access)."""

    simplify_learners = _may(_("learners (everyone signed in)"), True)
    simplify_trainers = _may(_("trainers"), False)
    simplify_reviewers = _may(_("reviewers"), False)
    simplify_managers = _may(_("training managers"), False)

    ask_learners = _may(_("learners (everyone signed in)"), True)
    ask_trainers = _may(_("trainers"), False)
    ask_reviewers = _may(_("reviewers"), False)
    ask_managers = _may(_("training managers"), False)

    question_drafts_learners = _may(_("learners (everyone signed in)"), False)
    question_drafts_trainers = _may(_("trainers"), True)
    question_drafts_reviewers = _may(_("reviewers"), True)
    question_drafts_managers = _may(_("training managers"), False)

    alt_text_learners = _may(_("learners (everyone signed in)"), False)
    alt_text_trainers = _may(_("trainers"), True)
    alt_text_reviewers = _may(_("reviewers"), True)
    alt_text_managers = _may(_("training managers"), False)

    readability_learners = _may(_("learners (everyone signed in)"), False)
    readability_trainers = _may(_("trainers"), True)
    readability_reviewers = _may(_("reviewers"), True)
    readability_managers = _may(_("training managers"), False)

    daily_limit = models.PositiveIntegerField(
        _("daily limit per person"),
        null=True,
        blank=True,
        help_text=_(
            "Calls per person per day, every helper together. Empty: the server's setting (AI_DAILY_LIMIT); "
            "0: no limit."
        ),
    )

    panels = [
        HelpPanel(
            content=_(
                "Choose who may use each AI helper. A helper is offered only when the server switches it on "
                "(AI_HELPERS) and a provider is configured; site administrators may always use it. Ticking "
                "a role does not give rights: a trainer's helper still needs the right to edit the lesson "
                "or the image."
            )
        )
    ]
    panels += [
        MultiFieldPanel(
            [FieldPanel(f"{helper}_{who}") for who in ("learners", "trainers", "reviewers", "managers")],
            heading=label,
        )
        for helper, label in Helper.choices
    ]
    panels += [FieldPanel("daily_limit")]

    class Meta:
        verbose_name = _("AI helpers")

    def __str__(self):
        return str(self._meta.verbose_name)

    def allows(self, helper: str, role: str) -> bool:
        """May a person of ``role`` (accounts.rights.Role) use ``helper``? Site administrators always may;
        "learners" means everyone signed in."""
        if role == "administrator":
            return True
        if getattr(self, f"{helper}_learners"):
            return True
        column = {"trainer": "trainers", "reviewer": "reviewers", "manager": "managers"}.get(role)
        return bool(column and getattr(self, f"{helper}_{column}"))
