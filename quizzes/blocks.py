from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.snippets.blocks import SnippetChooserBlock


class ChoiceOptionBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("option"), max_length=1000)
    correct = blocks.BooleanBlock(label=_("correct"), required=False)
    # A float, not an integer: Moodle writes thirds as 33.33333, and a round trip must keep them.
    weight = blocks.FloatBlock(
        label=_("weight (%)"),
        required=False,
        min_value=-100,
        max_value=100,
        help_text=_("Only with partial credit: what choosing this option is worth, -100 to 100."),
    )
    feedback = blocks.CharBlock(label=_("feedback"), required=False, max_length=2000)

    class Meta:
        icon = "radio-full"
        label = _("Option")


class TextAnswerBlock(blocks.StructBlock):
    """A fill-in answer that counts, and what it earns."""

    text = blocks.CharBlock(label=_("answer"), max_length=200)
    weight = blocks.FloatBlock(
        label=_("score (%)"),
        default=100,
        min_value=0,
        max_value=100,
        help_text=_("100 for a fully right answer; less for part marks; 0 to give feedback only."),
    )
    feedback = blocks.CharBlock(label=_("feedback"), required=False, max_length=2000)

    class Meta:
        icon = "edit"
        label = _("Answer")


class NumericAnswerBlock(blocks.StructBlock):
    """A numeric answer: the value, how far off still counts, and what it earns."""

    value = blocks.FloatBlock(label=_("number"))
    tolerance = blocks.FloatBlock(
        label=_("give or take"),
        required=False,
        min_value=0,
        help_text=_("0 means exactly. 2 means anything from the number minus 2 to the number plus 2."),
    )
    weight = blocks.FloatBlock(label=_("score (%)"), default=100, min_value=0, max_value=100)
    feedback = blocks.CharBlock(label=_("feedback"), required=False, max_length=2000)

    class Meta:
        icon = "order"
        label = _("Answer")


class QuizQuestionBlock(blocks.StructBlock):
    question = SnippetChooserBlock("quizzes.Question", label=_("question"))

    class Meta:
        icon = "help"
        label = _("Question from the bank")


class RandomQuestionsBlock(blocks.StructBlock):
    category = SnippetChooserBlock("quizzes.QuestionCategory", label=_("category"))
    count = blocks.IntegerBlock(label=_("how many"), min_value=1, max_value=100, default=5)

    class Meta:
        icon = "repeat"
        label = _("Random questions from a category")
        help_text = _("Each attempt draws this many different published questions from the category.")
