"""Print the demo curriculum as a Markdown table (for the README): computed from demo.curriculum and
demo.quiz_bank, so the numbers are the data's own."""

from django.core.management.base import BaseCommand


def curriculum_table() -> str:
    from demo import curriculum, quiz_bank

    rows = [
        "| 课程 Course | 课 Lessons | 分钟 Minutes | 测验题 Questions | 及格 Pass mark "
        "| 练一练 Practice | 证书 Certificate |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for course in curriculum.COURSES:
        _title, questions = quiz_bank.QUIZZES[course["slug"]]
        exercise = quiz_bank.EXERCISES.get(course["slug"], ("", []))[1]
        practices = sum(
            1 for lesson in course["lessons"] for kind, _v in lesson["body"] if kind == "practice"
        )
        months = course.get("certificate_months")
        certificate = f"有，{months} 个月有效（到期重学）" if months else "有，长期有效"
        extra = f" + {len(exercise)} 道问答（选做）" if exercise else ""
        pass_mark = quiz_bank.PASS_MARKS.get(course["slug"], quiz_bank.PASS_MARK)
        rows.append(
            f"| {course['title']} | {len(course['lessons'])} | {course['minutes']} | {len(questions)}{extra} "
            f"| {pass_mark}% | {practices} | {certificate} |"
        )
    lessons = sum(len(course["lessons"]) for course in curriculum.COURSES)
    minutes = sum(course["minutes"] for course in curriculum.COURSES)
    questions = sum(len(questions) for _title, questions in quiz_bank.QUIZZES.values())
    rows.append(
        f"| **{len(curriculum.COURSES)} 门课程** | **{lessons}** | **{minutes}** | **{questions}** | | | |"
    )
    return "\n".join(rows)


class Command(BaseCommand):
    help = (
        "Print the demo curriculum (courses, lessons, minutes, questions, certificates) as a Markdown table."
    )

    def handle(self, *args, **options):
        self.stdout.write(curriculum_table())
