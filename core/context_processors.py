from django.urls import reverse

from core.preferences import TEXT_SIZE_COOKIE, TEXT_SIZES, data_saver_on

_NAV_URLS: dict[str, str] = {}


def reading_preferences(request):
    size = request.COOKIES.get(TEXT_SIZE_COOKIE)
    return {
        "text_size": size if size in TEXT_SIZES else "normal",
        "data_saver": data_saver_on(request),
        "nav_urls": nav_urls(),
        "nav_section": nav_section(request.path),
    }


def nav_section(path: str) -> str:
    """Which main navigation item the page belongs to (for aria-current)."""
    urls = nav_urls()
    if path == "/":
        return "home"
    for section, prefix in (
        ("my", urls["my_learning"]),
        ("search", urls["search"]),
        ("account", urls["profile"]),
        ("courses", "/courses/"),
    ):
        if path.startswith(prefix):
            return section
    return ""


def nav_urls() -> dict[str, str]:
    """URLs used on every page, reversed once per process instead of on every request."""
    if not _NAV_URLS:
        _NAV_URLS.update(
            text_size=reverse("text_size"),
            data_saver=reverse("data_saver"),
            set_language=reverse("set_language"),
            search=reverse("search"),
            my_learning=reverse("progress:my_learning"),
            profile=reverse("accounts:profile"),
            login=reverse("accounts:login"),
        )
    return _NAV_URLS
