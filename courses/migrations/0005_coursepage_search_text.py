import unicodedata

from django.db import migrations, models


def _fold(*parts):
    # A copy of core.folding.fold as it was when this migration was written (no live code here).
    return unicodedata.normalize("NFKC", "\n".join(p for p in parts if p)).casefold()[:100_000]


def fold_search_text(apps, schema_editor):
    CoursePage = apps.get_model("courses", "CoursePage")
    LessonPage = apps.get_model("courses", "LessonPage")
    for course in CoursePage.objects.select_related("topic").iterator():
        course.search_text = _fold(course.title, course.summary, course.topic.name if course.topic else "")
        course.save(update_fields=["search_text"])
    # Lessons kept their body's plain text in search_text: add title and summary, then fold.
    for lesson in LessonPage.objects.only("id", "title", "summary", "search_text").iterator():
        lesson.search_text = _fold(lesson.title, lesson.summary, lesson.search_text)
        lesson.save(update_fields=["search_text"])


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0004_coursepage_certificate_valid_months"),
    ]

    operations = [
        migrations.AddField(
            model_name="coursepage",
            name="search_text",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.RunPython(fold_search_text, migrations.RunPython.noop),
    ]
