from django.conf import settings

from .registry import registry


def portal(request):
    user = getattr(request, "user", None)
    return {
        "nav_items": registry.nav_for(user) if user is not None and user.is_authenticated else [],
        "portal_languages": settings.LANGUAGES,
    }
