"""Where the learner has to find the spot (guided practice, tap-the-spot questions), the demo's
screenshots must not show the orange "tap here" ring that the lessons' step-by-step guides use."""

from demo import curriculum, illustrations, quiz_bank


def _practice_screenshot_keys(value) -> list[str]:
    keys = []
    if isinstance(value, tuple) and len(value) == 2 and value[0] == "practice":
        keys += [step["screenshot"]["illustration"] for step in value[1]["steps"]]
    elif isinstance(value, dict | list | tuple):
        for item in value.values() if isinstance(value, dict) else value:
            keys += _practice_screenshot_keys(item)
    return keys


def test_practice_and_hotspot_screenshots_are_plain():
    practice = _practice_screenshot_keys(curriculum.COURSES)
    hotspot = [
        question["image"]
        for _title, questions in quiz_bank.QUIZZES.values()
        for question in questions
        if question["kind"] == "hotspot"
    ]
    assert practice and hotspot
    assert [key for key in practice + hotspot if not key.endswith(illustrations.PLAIN)] == []


def test_a_plain_variant_is_the_same_screen_without_the_ring():
    for key in ("phone-visitor-form", "phone-app-home"):
        hinted, plain = illustrations.draw(key), illustrations.draw(key + illustrations.PLAIN)
        assert hinted.size == plain.size
        assert hinted.tobytes() != plain.tobytes()
    assert illustrations.title_for("phone-visitor-form-plain") == "访客登记表填写界面（无提示）"
