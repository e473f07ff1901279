from core.preferences import TEXT_SIZE_COOKIE, TEXT_SIZES


def reading_preferences(request):
    size = request.COOKIES.get(TEXT_SIZE_COOKIE)
    return {"text_size": size if size in TEXT_SIZES else "normal"}
