"""The order an ordering question's steps are listed in tells nothing about the right order.

Seeded generators, so every run draws the same orders: these tests cannot flake."""

import itertools
import random
from collections import Counter

import pytest

from quizzes import services
from quizzes.grading import ordering_start_order
from tests.factories import make_course, make_question, make_quiz


def draws(steps: int, times: int) -> Counter:
    return Counter(tuple(ordering_start_order(steps, rng=random.Random(seed))) for seed in range(times))


@pytest.mark.parametrize("steps", [2, 3, 4])
def test_every_order_is_shown_about_equally_often(steps):
    orders = list(itertools.permutations(range(steps)))
    times = 200 * len(orders)
    seen = draws(steps, times)
    # Both orders of two steps, all six of three (the right one and the reverse among them): no order
    # is always shown, so the order on screen does not give the answer away.
    assert set(seen) == set(orders)
    # Uniform: each order within ±25% of its 200 draws (a fixed or biased order falls far outside).
    assert all(150 <= count <= 250 for count in seen.values()), seen


def test_two_steps_no_longer_always_start_reversed():
    seen = draws(2, 100)
    assert seen[(1, 0)] < 100 and seen[(0, 1)] > 0


@pytest.mark.parametrize("steps", [0, 1, 2, 5, 10])
def test_it_is_a_permutation_of_the_steps(steps):
    for seed in range(20):
        assert sorted(ordering_start_order(steps, rng=random.Random(seed))) == list(range(steps))


@pytest.mark.django_db
def test_a_two_step_ordering_question_starts_in_either_order():
    steps = [{"type": "step", "value": text} for text in ("扫码", "登记")]
    quiz = make_quiz(make_course(), [make_question("先做什么？", kind="ordering", steps=steps)])
    shown = {
        tuple(services.quiz_questions_draw(quiz, rng=random.Random(seed))[0]["option_order"])
        for seed in range(20)
    }
    assert shown == {(0, 1), (1, 0)}
