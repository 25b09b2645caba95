"""The portal's forms: the dashboard's period and site, and an export request."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import selectors, services
from .choices import ExportFormat, PeriodKind
from .indicators import period_for, previous_period

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class _SiteField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.display_name()


class DashboardForm(forms.Form):
    """A month, quarter or year (given by any of its days), or a period from – to; and a site."""

    period = forms.ChoiceField(label=_("Period"), choices=PeriodKind.choices, required=False)
    on = forms.DateField(label=_("Day in the period"), required=False, widget=DATE)
    start = forms.DateField(label=_("From"), required=False, widget=DATE)
    end = forms.DateField(label=_("To"), required=False, widget=DATE)
    site = _SiteField(label=_("Site"), queryset=None, required=False, empty_label=_("All sites"))

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = selectors.report_sites_for(user)

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        kind = data.get("period") or PeriodKind.MONTH
        today = timezone.localdate()
        if kind == PeriodKind.CUSTOM:
            start, end = data.get("start"), data.get("end")
            if start is None or end is None:
                raise ValidationError({"start": _("Give the first and the last day.")})
            previous = None
        else:
            start, end = period_for(kind, data.get("on") or today)
            previous = period_for(kind, start, preceding=True)
            if today < end:
                # This month (quarter, year) so far: beside the same stretch of the one before.
                previous = (previous[0], min(previous[1], previous[0] + (today - start)))
        # What has not happened yet is not counted: the period runs up to today at most.
        end = min(end, today)
        try:
            services.period_check(start=start, end=end, today=today)
        except services.InvalidPeriod as exc:
            raise ValidationError({exc.field or "start": str(exc.message)}) from None
        if previous is None:
            previous = previous_period(start, end)
        data.update(
            {"period": kind, "start": start, "end": end, "previous_start": previous[0], "previous_end": previous[1]}
        )
        return data


class ExportRequestForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=DATE)
    end = forms.DateField(label=_("To"), widget=DATE)
    site = _SiteField(label=_("Site"), queryset=None, required=False, empty_label=_("All sites"))
    file_format = forms.ChoiceField(label=_("Format"), choices=ExportFormat.choices, initial=ExportFormat.XLSX)

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = selectors.report_sites_for(user)

    @staticmethod
    def default_initial() -> dict:
        today = timezone.localdate()
        return {"start": today.replace(day=1), "end": today, "file_format": ExportFormat.XLSX}
