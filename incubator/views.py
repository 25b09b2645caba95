"""The portal shell: home, account, language switch, sign-in pages and the health check."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import services
from .forms import AccountForm, LanguageForm, LoginForm, PasswordResetForm
from .registry import registry
from .selectors import health_status


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    panels = []
    for panel in registry.panels_for(request.user):
        panels.append({"key": panel.key, "template": panel.template, "context": panel.context(request)})
    return render(request, "incubator/home.html", {"panels": panels})


@login_required
@require_http_methods(["GET", "POST"])
def account(request: HttpRequest) -> HttpResponse:
    user = request.user
    if request.method == "POST":
        form = AccountForm(request.POST, instance=user)
        if form.is_valid():
            services.user_update_profile(
                user=user,
                full_name=form.cleaned_data["full_name"],
                phone=form.cleaned_data["phone"],
                language=form.cleaned_data["language"],
            )
            response = HttpResponseRedirect(reverse("account"))
            _remember_language(response, user.language)
            from django.utils import translation

            with translation.override(user.language):
                messages.success(request, _("Your account has been saved."))
            return response
        user.refresh_from_db()
    else:
        form = AccountForm(instance=user)
    return render(request, "incubator/account.html", {"form": form})


def _remember_language(response: HttpResponse, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        samesite="Lax",
    )


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch between 中文 and English; a signed-in user keeps the choice on their account."""
    form = LanguageForm(request.POST)
    next_url = request.POST.get("next") or request.headers.get("referer") or "/"
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = "/"
    if not form.is_valid():
        return HttpResponse(
            _("Choose one of the offered languages."), status=400, content_type="text/plain; charset=utf-8"
        )
    language = form.cleaned_data["language"]
    if request.user.is_authenticated:
        services.user_set_language(user=request.user, language=language)
    response = HttpResponseRedirect(next_url)
    _remember_language(response, language)
    return response


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    status = health_status()
    return JsonResponse(status, status=200 if status["ok"] else 503)


class LoginView(auth_views.LoginView):
    template_name = "incubator/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "incubator/password_reset.html"
    form_class = PasswordResetForm
    success_url = reverse_lazy("password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "incubator/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "incubator/password_reset_confirm.html"
    success_url = reverse_lazy("password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "incubator/password_reset_complete.html"


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "incubator/password_change.html"
    success_url = reverse_lazy("account")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Your password has been changed."))
        return response


def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def _error(request: HttpRequest, status: int, code: str, message: str, template: str) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse({"code": code, "detail": message}, status=status)
    return render(request, template, {"status": status, "message": message}, status=status)


def locked_out(request, original_response=None, credentials=None):
    """Too many failed sign-ins (django-axes): JSON for the API, a page for the portal."""
    message = _("Too many failed sign-ins. Try again later.")
    if _wants_json(request):
        return JsonResponse({"code": "locked_out", "detail": message}, status=429)
    return render(request, "incubator/locked_out.html", status=429)


def bad_request(request, exception=None):
    return _error(request, 400, "bad_request", _("The request could not be understood."), "400.html")


def permission_denied(request, exception=None):
    return _error(request, 403, "permission_denied", _("You are not allowed to see this page."), "403.html")


def page_not_found(request, exception=None):
    return _error(
        request, 404, "not_found", _("The page you asked for does not exist, or is not yours to see."), "404.html"
    )


def server_error(request):
    if _wants_json(request):
        return JsonResponse({"code": "server_error", "detail": _("Something went wrong on our side.")}, status=500)
    # No context processors: the page must render even when the database is down.
    from django.template import loader

    return HttpResponse(loader.get_template("500.html").render({}), status=500)
