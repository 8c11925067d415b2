from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers


class ChineseFirstLocaleMiddleware:
    """Pick the language: Chinese unless the person chose English.

    Django's LocaleMiddleware would follow the browser's Accept-Language, so a visitor with an
    English browser would land on an English party-school site. Here the site is Chinese
    unless the visitor chose otherwise with the language switcher (a cookie). API calls also
    honour Accept-Language, because API clients set it on purpose (our own pages send the
    page's language with every fetch).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = self._chosen_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        patch_vary_headers(response, ["Cookie", "Accept-Language"])
        response.headers.setdefault("Content-Language", language)
        return response

    def _chosen_language(self, request) -> str:
        supported = {code for code, _label in settings.LANGUAGES}
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if chosen in supported:
            return chosen
        if request.path.startswith("/api/"):
            return translation.get_language_from_request(request)
        return settings.LANGUAGE_CODE
