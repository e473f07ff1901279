from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers


class CookieLanguageMiddleware:
    """Chinese unless the visitor chose otherwise with the language switch.

    Django's LocaleMiddleware would follow the browser's Accept-Language; our learners' phones
    vary, and the site should open in Chinese for everyone until someone asks for English.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in self.supported:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        # Pages depend on the preference cookies and, for data saver, the browser's Save-Data.
        patch_vary_headers(response, ("Cookie", "Save-Data"))
        return response
