from hypothesis import given
from hypothesis import strategies as st

from progress.rules import course_is_complete, course_progress


def test_percent_counts_required_items_only_and_rounds_down():
    assert course_progress([1, 2, 3], [1]).percent == 33
    assert course_progress([1, 2, 3], [1, 2, 3, 99]).done == 3
    assert course_progress([1, 2, 3], [1, 2, 3]).percent == 99  # 100 only once completion is recorded
    assert course_progress([1, 2, 3], [1, 2, 3], completed=True).percent == 100
    assert course_progress([], []).percent == 0


def test_rule_needs_every_required_item_and_at_least_one():
    assert course_is_complete([1, 2], [2, 1])
    assert not course_is_complete([1, 2], [1])
    assert not course_is_complete([], [1])


@given(st.sets(st.integers()), st.sets(st.integers()))
def test_percent_is_always_between_0_and_99_before_completion(required, done):
    percent = course_progress(required, done).percent
    assert 0 <= percent <= 99
    assert course_is_complete(required, done) == (bool(required) and required <= done)


def test_percent_text_uses_the_one_score_formatter():
    assert course_progress([1, 2, 3], [1, 2]).percent_text == "66.7%"
    assert course_progress([1, 2, 3], [1]).percent_text == "33.3%"
    assert course_progress([1, 2], [1]).percent_text == "50%"
    assert course_progress([1, 2, 3], [1, 2, 3]).percent_text == "99.9%"  # not 100% before completion
    assert course_progress([1], [], completed=True).percent_text == "100%"
    assert course_progress([], []).percent_text == "0%"
