from django import forms
from django.utils.translation import gettext_lazy as _

from companies.models import Company

from .choices import SpaceKind, SubsidyKind
from .models import AREA, DATE_VALIDATORS, MAX_DESKS, MONEY, Space


def _date_field(label, *, required=True, help_text=""):
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        validators=DATE_VALIDATORS,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class DayForm(forms.Form):
    """The day a page looks at; today when absent."""

    on = _date_field(_("On"), required=False)


class BoardFilterForm(DayForm):
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All kinds")), *SpaceKind.choices])
    free = forms.BooleanField(label=_("Free spaces only"), required=False)


class SpaceRequestForm(forms.Form):
    company = forms.ModelChoiceField(label=_("Company"), queryset=Company.objects.none(), empty_label=None)
    kind = forms.ChoiceField(label=_("Kind of space"), choices=SpaceKind.choices)
    desks = forms.IntegerField(
        label=_("Desks"),
        min_value=0,
        max_value=MAX_DESKS,
        initial=0,
        required=False,
        help_text=_("For open desks: how many the team needs."),
    )
    area_m2 = forms.DecimalField(
        label=_("Area (m²)"),
        min_value=1,
        required=False,
        help_text=_("For an office or a workshop: about how large."),
        **AREA,
    )
    wanted_from = _date_field(_("Wanted from"))
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the team will do there, and why now."),
    )

    def __init__(self, *args, companies=None, **kwargs):
        super().__init__(*args, **kwargs)
        if companies is not None:
            self.fields["company"].queryset = companies

    def clean_desks(self):
        return self.cleaned_data.get("desks") or 0


class AllocationTermsFields(forms.Form):
    monthly_rent = forms.DecimalField(
        label=_("Monthly rent (CNY)"),
        min_value=0,
        required=False,
        help_text=_("Leave empty for the space's rent (per desk for open desks)."),
        **MONEY,
    )
    subsidy_kind = forms.ChoiceField(label=_("Subsidy"), choices=SubsidyKind.choices, initial=SubsidyKind.NONE)
    subsidy_value = forms.DecimalField(
        label=_("Subsidy value"),
        min_value=0,
        required=False,
        help_text=_("A percentage (100 houses the company free) or yuan per month."),
        **MONEY,
    )


class OfferForm(AllocationTermsFields):
    space = forms.ModelChoiceField(label=_("Space"), queryset=Space.objects.none(), empty_label=None)
    starts_on = _date_field(
        _("Starts on"), required=False, help_text=_("Empty: the day asked for, or today if that has passed.")
    )
    ends_on = _date_field(
        _("Ends on"), required=False, help_text=_("The first day the space is free again; empty while open-ended.")
    )
    desks = forms.IntegerField(
        label=_("Desks"),
        min_value=1,
        max_value=MAX_DESKS,
        required=False,
        help_text=_("For open desks; empty: as many as asked for."),
    )
    note = forms.CharField(label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    field_order = ["space", "starts_on", "ends_on", "desks", "monthly_rent", "subsidy_kind", "subsidy_value", "note"]

    def __init__(self, *args, spaces=None, **kwargs):
        super().__init__(*args, **kwargs)
        if spaces is not None:
            self.fields["space"].queryset = spaces
        self.fields["space"].label_from_instance = lambda s: f"{s.code} · {s.get_kind_display()} · {s.area_m2} m²"


class DeclineForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class AllocationEndForm(forms.Form):
    ends_on = _date_field(_("Ends on"), help_text=_("The first day the space is free again."))


class AllocationExtendForm(forms.Form):
    ends_on = _date_field(_("New end"), required=False, help_text=_("Empty: open-ended."))


class AllocationMoveForm(forms.Form):
    space = forms.ModelChoiceField(label=_("New space"), queryset=Space.objects.none(), empty_label=None)
    on = _date_field(_("Moves on"), help_text=_("The first day in the new space."))
    desks = forms.IntegerField(
        label=_("Desks"), min_value=1, max_value=MAX_DESKS, required=False, help_text=_("For open desks.")
    )

    def __init__(self, *args, spaces=None, **kwargs):
        super().__init__(*args, **kwargs)
        if spaces is not None:
            self.fields["space"].queryset = spaces
        self.fields["space"].label_from_instance = lambda s: f"{s.code} · {s.get_kind_display()} · {s.area_m2} m²"
