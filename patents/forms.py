import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from incubator.validators import validate_pdf

from .choices import DeadlineRule, EventKind, FilingKind, FilingStatus
from .models import Filing

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class NiceClassesField(forms.CharField):
    """Nice classes as numbers separated by commas or spaces: `9, 35, 42`."""

    def to_python(self, value):
        text = super().to_python(value) or ""
        parts = [p for p in re.split(r"[\s,，、;；]+", text) if p]
        if not all(p.isdigit() for p in parts):
            raise ValidationError(_("Write the Nice classes as numbers separated by commas."))
        return [int(p) for p in parts]

    def prepare_value(self, value):
        if isinstance(value, list):
            return ", ".join(str(v) for v in value)
        return value


class InventorsField(forms.CharField):
    """One name per line."""

    widget = forms.Textarea(attrs={"rows": 3})

    def to_python(self, value):
        text = super().to_python(value) or ""
        return [line.strip() for line in re.split(r"[\n;；]+", text) if line.strip()]

    def prepare_value(self, value):
        if isinstance(value, list):
            return "\n".join(value)
        return value


class FilingForm(forms.ModelForm):
    nice_classes = NiceClassesField(label=_("Nice classes"), required=False, help_text=_("Trademarks, e.g. 9, 35, 42."))
    inventors = InventorsField(label=_("Inventors or designers"), required=False, help_text=_("One name per line."))

    class Meta:
        model = Filing
        fields = [
            "company",
            "kind",
            "title",
            "application_number",
            "filing_date",
            "priority_date",
            "publication_date",
            "grant_date",
            "grant_number",
            "nice_classes",
            "ipc_class",
            "inventors",
            "agency",
            "agent",
            "fee_reduction",
            "annuities_paid_through",
            "notes",
        ]
        widgets = {
            "filing_date": DATE,
            "priority_date": DATE,
            "publication_date": DATE,
            "grant_date": DATE,
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, companies=None, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["company"]
            if self.instance.pk and self.instance.status != FilingStatus.DRAFT:
                self.fields["kind"].disabled = True
        else:
            self.fields["company"].queryset = companies
            self.fields["company"].empty_label = None

    def _post_clean(self):
        # The service validates the whole filing (with the rules of its status); the form
        # only checks the fields themselves.
        pass


class EventForm(forms.Form):
    kind = forms.ChoiceField(label=_("What happened"), choices=EventKind.choices)
    on = forms.DateField(
        label=_("Date"),
        widget=DATE,
        help_text=_(
            "For a notice: the day it was received (a mailed notice counts as received 15 days after it was sent)."
        ),
    )
    time_limit = forms.DateField(
        label=_("Time limit set by the notice"),
        required=False,
        widget=DATE,
        help_text=_("Leave empty when the notice sets none: the legal default applies."),
    )
    period = forms.IntegerField(
        label=_("Patent year"), required=False, min_value=1, max_value=20, help_text=_("For an annual fee.")
    )
    reference = forms.CharField(label=_("Reference"), required=False, max_length=100)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    file = forms.FileField(
        label=_("PDF file"),
        validators=[validate_pdf],
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
    )


class WaiveForm(forms.Form):
    reason = forms.CharField(label=_("Why"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class FilingSearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All kinds")), *FilingKind.choices])
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All statuses")), *FilingStatus.choices]
    )


class DeadlineFilterForm(forms.Form):
    within = forms.IntegerField(label=_("Due within (days)"), required=False, min_value=1, max_value=3660)
    rule = forms.ChoiceField(label=_("Rule"), required=False, choices=[("", _("All rules")), *DeadlineRule.choices])


class IndicatorsForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=DATE)
    end = forms.DateField(label=_("To"), widget=DATE)

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise ValidationError(_("The period ends before it starts."))
        return data
