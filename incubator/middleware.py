from django.conf import settings
from django.utils import translation


class UserLanguageMiddleware:
    """A signed-in user reads the portal in their preferred language.

    Runs after `LocaleMiddleware` and `AuthenticationMiddleware`: anonymous visitors get the
    language of their cookie or browser, users the one saved on their account.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.languages = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and user.language in self.languages
            and user.language != request.LANGUAGE_CODE
        ):
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response
