from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.snippets.blocks import SnippetChooserBlock


class ChoiceOptionBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("option"), max_length=1000)
    correct = blocks.BooleanBlock(label=_("correct"), required=False)
    weight = blocks.IntegerBlock(
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
