from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.tokens import default_token_generator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _

from .choices import Language
from .models import User
from .services import notification_enqueue


class LoginForm(auth_forms.AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    error_messages = {
        "invalid_login": _("The e-mail address or the password is not correct."),
        "inactive": _("This account is inactive."),
    }


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Queues the reset link in the outbox instead of sending it inline, so that it goes
    out in the user's language and survives a mail server that is briefly away."""

    email = forms.EmailField(
        label=_("E-mail address"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )

    def save(
        self, domain_override=None, use_https=False, token_generator=default_token_generator, request=None, **kwargs
    ):
        email = self.cleaned_data["email"]
        for user in self.get_users(email):
            token = token_generator.make_token(user)
            uid = urlsafe_base64_encode(force_bytes(user.pk))
            notification_enqueue(
                recipient=user,
                kind="account.password_reset",
                dedupe_key=f"password-reset:{user.pk}:{token}",
                context={"uid": uid, "token": token},
            )


class AccountForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "phone", "language"]
        widgets = {"language": forms.Select(choices=Language.choices)}


class LanguageForm(forms.Form):
    language = forms.ChoiceField(choices=Language.choices)
    next = forms.CharField(required=False)


def add_service_errors(form: forms.Form, exc) -> None:
    """Show a service's `ValidationError` on the form: on its field when the form has it."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)
