"""Course completion and progress, decided in one place. Pure functions: no database."""

from collections.abc import Iterable
from dataclasses import dataclass

from core.percent import format_percent, percent_value


@dataclass(frozen=True)
class CourseProgress:
    done: int
    total: int
    completed: bool = False

    @property
    def percent(self) -> int:
        """Whole percent, rounded down so 99.9% never shows as 100% before completion."""
        if self.completed:
            return 100
        if self.total == 0:
            return 0
        return min(99, self.done * 100 // self.total)

    @property
    def shown(self) -> tuple[int, int]:
        """(part, whole) as people are shown it: all done but the completion not recorded (yet) is
        99.9%, never 100% before completion."""
        if self.completed:
            return 1, 1
        if self.total and self.done >= self.total:
            return 999, 1000
        return self.done, self.total

    @property
    def percent_exact(self) -> float:
        """The shown percentage as a number (core.percent's rounding: 2 of 3 is 66.7), for reports."""
        value = percent_value(*self.shown)
        return float(value) if value is not None else 0.0

    @property
    def percent_text(self) -> str:
        """As shown to people (core.percent, the site's one percentage format): 2 of 3 is "66.7%";
        never "100%" before completion. ``percent`` is the bar's whole-number value."""
        return format_percent(*self.shown) or "0%"


def course_progress(
    required_item_ids: Iterable[int], completed_item_ids: Iterable[int], *, completed: bool = False
) -> CourseProgress:
    """Progress toward a course: how many of its required items (lessons, and quizzes that
    count) are done. A recorded course completion always shows as 100%."""
    required = set(required_item_ids)
    done = len(required & set(completed_item_ids))
    return CourseProgress(done=done, total=len(required), completed=completed)


def course_is_complete(required_item_ids: Iterable[int], completed_item_ids: Iterable[int]) -> bool:
    """The completion rule: at least one required item, and every required item done.
    (A quiz is "done" when passed; the quiz app records it that way.)"""
    required = set(required_item_ids)
    return bool(required) and required <= set(completed_item_ids)
