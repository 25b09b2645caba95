from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from companies.choices import Sector
from incubator.validators import validate_pdf

from .choices import ApplicationStatus, IntroductionStatus, InvestmentRound
from .models import Programme, Sponsor

AMOUNT = {"max_digits": 16, "decimal_places": 2, "min_value": Decimal("0.01")}


class CompanyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class ApplicationForm(forms.Form):
    """A maker's application: for which company, how much, what for."""

    company = CompanyChoiceField(label=_("Company"), queryset=None, empty_label=None)
    requested_amount = forms.DecimalField(
        label=_("Amount requested (yuan)"), **AMOUNT, widget=forms.NumberInput(attrs={"step": "0.01"})
    )
    purpose = forms.CharField(
        label=_("Purpose"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What the money is for: the project, its milestones and its budget."),
    )
    document = forms.FileField(
        label=_("Supporting document (PDF, optional)"),
        required=False,
        validators=[validate_pdf],
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
    )

    def __init__(self, *args, companies=(), **kwargs):
        super().__init__(*args, **kwargs)
        from companies.models import Company

        self.fields["company"].queryset = Company.objects.filter(pk__in=[c.pk for c in companies])
        if len(companies) == 1:
            self.fields["company"].initial = companies[0].pk


class ApplicationEditForm(forms.Form):
    requested_amount = forms.DecimalField(
        label=_("Amount requested (yuan)"), **AMOUNT, widget=forms.NumberInput(attrs={"step": "0.01"})
    )
    purpose = forms.CharField(label=_("Purpose"), max_length=5000, widget=forms.Textarea(attrs={"rows": 6}))


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    file = forms.FileField(
        label=_("PDF file"),
        validators=[validate_pdf],
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
    )


class ApproveForm(forms.Form):
    approved_amount = forms.DecimalField(
        label=_("Amount approved (yuan)"), **AMOUNT, widget=forms.NumberInput(attrs={"step": "0.01"})
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class RejectForm(forms.Form):
    note = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class DisbursementForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount (yuan)"), **AMOUNT, widget=forms.NumberInput(attrs={"step": "0.01"}))
    due_on = forms.DateField(label=_("Due on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    note = forms.CharField(label=_("Note"), required=False, max_length=300)


class PaidForm(forms.Form):
    paid_on = forms.DateField(label=_("Paid on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    reference = forms.CharField(label=_("Payment reference"), required=False, max_length=100)


class ApplicationFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All statuses")), *ApplicationStatus.choices]
    )
    programme = forms.ModelChoiceField(
        label=_("Programme"), required=False, queryset=Programme.objects.all(), empty_label=_("All programmes")
    )


class IntroductionRequestForm(forms.Form):
    company = CompanyChoiceField(label=_("Company"), queryset=None, empty_label=None)
    sponsor = forms.ModelChoiceField(label=_("Sponsor"), queryset=Sponsor.objects.filter(is_active=True))
    message = forms.CharField(
        label=_("What are you looking for?"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The round you are raising, how much, and why this sponsor."),
    )

    def __init__(self, *args, companies=(), sponsor=None, **kwargs):
        super().__init__(*args, **kwargs)
        from companies.models import Company

        self.fields["company"].queryset = Company.objects.filter(pk__in=[c.pk for c in companies])
        if sponsor is not None:
            self.fields["sponsor"].initial = sponsor.pk


class IntroductionAdvanceForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=IntroductionStatus.choices)
    on = forms.DateField(
        label=_("Date"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    amount_invested = forms.DecimalField(
        label=_("Amount invested (yuan)"), required=False, **AMOUNT, widget=forms.NumberInput(attrs={"step": "0.01"})
    )
    round = forms.ChoiceField(label=_("Round"), choices=InvestmentRound.choices, initial=InvestmentRound.OTHER)
    investors = forms.CharField(label=_("Investors"), required=False, max_length=300)

    def __init__(self, *args, allowed=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [(s, label) for s, label in IntroductionStatus.choices if s in allowed]


class IntroductionNoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class ProgrammeFilterForm(forms.Form):
    show = forms.ChoiceField(
        required=False, choices=[("", _("For my companies")), ("all", _("All open programmes"))], label=_("Show")
    )


class SponsorFilterForm(forms.Form):
    sector = forms.ChoiceField(label=_("Sector"), required=False, choices=[("", _("All sectors")), *Sector.choices])


class TotalsForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), required=False, min_value=1990, max_value=2100)
