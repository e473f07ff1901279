"""Reading a learner's answer from a plain HTML form (works without JavaScript)."""

from quizzes.questiondata import QuestionData, QuestionKind
from quizzes.selectors import shown_order

# Hotspot screenshots are shown this wide (CSS px) when JavaScript is off, so the tap that an
# <input type="image"> reports can be turned into fractions of the image.
HOTSPOT_FALLBACK_WIDTH = 320


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def ordering_field_name(row: int) -> str:
    """The field giving a place to the step shown in ``row`` (0 = shown first). Named by the row
    as shown, never by the step: a step's index is its place in the right order."""
    return f"row-{row}"


def response_from_post(data: QuestionData, post, entry: dict) -> object | None:
    """The response for ``data`` posted in ``post`` (a QueryDict), or None if unanswered.
    ``entry``: the question as the attempt stored it (its image, the order its steps are shown in).
    Shapes follow quizzes.grading; anything odd is passed on for coerce_response to refuse."""
    match data.kind:
        case QuestionKind.SINGLE:
            return _int(post.get("choice"))
        case QuestionKind.MULTIPLE:
            values = [_int(v) for v in post.getlist("choice")]
            return values if values else None
        case QuestionKind.TRUE_FALSE:
            return {"true": True, "false": False}.get(post.get("answer"))
        case QuestionKind.FILL_BLANK:
            text = post.get("answer", "")
            return text if text.strip() else None
        case QuestionKind.ESSAY:
            # Browsers post a textarea's line breaks as CRLF; keep one character per break, as the
            # textarea's maxlength counted them.
            text = post.get("answer", "").replace("\r\n", "\n")
            return text if text.strip() else None
        case QuestionKind.ORDERING:
            # Each row shown names the place the learner gave it; the attempt's display order says
            # which step that row showed. The response lists step indexes, first place first.
            shown = shown_order(entry, len(data.steps))
            places = []
            for row, step in enumerate(shown):
                place = _int(post.get(ordering_field_name(row)))
                if place is None:
                    return None
                places.append((place, step))
            if sorted(place for place, _step in places) != list(range(1, len(data.steps) + 1)):
                return "duplicate-positions"  # refused by coerce_response, with a clear message
            return [step for _place, step in sorted(places)]
        case QuestionKind.HOTSPOT:
            # JavaScript posts fractions; without it, <input type="image" name="tap"> posts pixels.
            fx, fy = post.get("tap_fx"), post.get("tap_fy")
            if fx is not None and fy is not None:
                try:
                    return [float(fx), float(fy)]
                except ValueError:
                    return "bad"
            x, y = _int(post.get("tap.x")), _int(post.get("tap.y"))
            image = entry.get("image")
            if x is None or y is None or not image:
                return None
            shown_height = HOTSPOT_FALLBACK_WIDTH * image["height"] / image["width"]
            return [x / HOTSPOT_FALLBACK_WIDTH, y / shown_height]
    return None
