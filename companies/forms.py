import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from incubator.choices import Language
from incubator.models import Site
from incubator.validators import validate_pdf

from .choices import CompanyStatus, MemberRole, Sector
from .models import Company, YearFigures

FOUNDER_LINE = re.compile(r"^\s*(?P<name>[^,<;，]+?)\s*(?:[,;，]|<)\s*(?P<email>[^\s<>,;，]+@[^\s<>,;，]+)\s*>?\s*$")


class FoundersField(forms.CharField):
    """One founder per line: `name, e-mail`."""

    widget = forms.Textarea(attrs={"rows": 3, "placeholder": "张三, zhangsan@example.com"})

    def to_python(self, value):
        text = super().to_python(value) or ""
        founders = []
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            match = FOUNDER_LINE.match(line)
            if not match:
                raise ValidationError(
                    _("Line %(number)s: write the name, a comma, then the e-mail address."),
                    params={"number": number},
                )
            email = match.group("email").strip()
            try:
                validate_email(email)
            except ValidationError:
                raise ValidationError(
                    _("Line %(number)s: the e-mail address is not valid."), params={"number": number}
                ) from None
            founders.append({"name": match.group("name").strip(), "email": email})
        return founders


class AdmissionForm(forms.Form):
    site = forms.ModelChoiceField(label=_("Site"), queryset=Site.objects.filter(is_active=True), empty_label=None)
    team_name = forms.CharField(label=_("Team name"), max_length=200)
    project_summary = forms.CharField(
        label=_("Project summary"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What you make, for whom, and how far you are."),
    )
    sector = forms.ChoiceField(label=_("Sector"), choices=Sector.choices)
    founders = FoundersField(
        label=_("Co-founders"),
        required=False,
        help_text=_("One per line: name, e-mail address. They join the team when you are accepted."),
    )
    needs_office = forms.BooleanField(label=_("We need an office room"), required=False)
    desks_needed = forms.IntegerField(label=_("Desks needed"), min_value=0, max_value=200, initial=0)
    needs_lab = forms.BooleanField(label=_("We need lab equipment"), required=False)
    business_plan = forms.FileField(
        label=_("Business plan (PDF, optional)"),
        required=False,
        validators=[validate_pdf],
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
    )


class NewcomerForm(AdmissionForm):
    """Apply and create an account in one step."""

    full_name = forms.CharField(label=_("Your full name"), max_length=150)
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    password = forms.CharField(
        label=_("Choose a password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    language = forms.ChoiceField(label=_("Preferred language"), choices=Language.choices)

    field_order = ["full_name", "email", "phone", "password", "language"]


class CompanyForm(forms.ModelForm):
    website = forms.URLField(label=_("website"), required=False, assume_scheme="https")

    class Meta:
        model = Company
        fields = ["name", "name_en", "credit_code", "legal_form", "founded_on", "sector", "website", "description"]
        widgets = {
            "founded_on": forms.DateInput(attrs={"type": "date"}),
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def clean_credit_code(self):
        return (self.cleaned_data.get("credit_code") or "").strip().upper() or None


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    full_name = forms.CharField(label=_("Name"), max_length=150, required=False)
    role = forms.ChoiceField(label=_("Role"), choices=MemberRole.choices, initial=MemberRole.MEMBER)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=MemberRole.choices)


class YearFiguresForm(forms.ModelForm):
    class Meta:
        model = YearFigures
        fields = ["year", "revenue", "profit", "taxes_paid", "rd_spend", "employees", "rd_staff"]


class AwardForm(forms.Form):
    competition = forms.CharField(label=_("Competition"), max_length=200)
    organiser = forms.CharField(label=_("Organiser"), max_length=200, required=False)
    rank = forms.CharField(label=_("Rank"), max_length=100)
    year = forms.IntegerField(label=_("Year"), min_value=1990, max_value=2100)


class AcceptForm(forms.Form):
    company_name = forms.CharField(
        label=_("Company name"),
        max_length=200,
        required=False,
        help_text=_("Leave empty to use the team name; the company can change it later."),
    )
    starts_on = forms.DateField(
        label=_("Resident from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class CompanySearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), *CompanyStatus.choices],
    )
