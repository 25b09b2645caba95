from __future__ import annotations

from datetime import date, timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from companies.models import Membership
from companies.selectors import companies_visible_to
from incubator import permissions

from .models import Equipment

MAX_PERIOD_DAYS = 366


def duration_label(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if not hours:
        return ngettext("%(m)s minute", "%(m)s minutes", rest) % {"m": rest}
    if not rest:
        return ngettext("%(h)s hour", "%(h)s hours", hours) % {"h": hours}
    return _("%(h)s h %(m)s min") % {"h": hours, "m": rest}


class MembershipChoiceField(forms.ModelChoiceField):
    def __init__(self, *args, acting_user=None, **kwargs):
        self.acting_user = acting_user
        super().__init__(*args, **kwargs)

    def label_from_instance(self, membership: Membership) -> str:
        if self.acting_user is not None and membership.user_id == self.acting_user.pk:
            return membership.company.display_name()
        return f"{membership.user} · {membership.company.display_name()}"


def bookable_memberships(user, equipment: Equipment):
    """For whom the user may book: their own teams; the lab's staff also the teams at their sites."""
    whom = Q(user=user)
    if permissions.is_site_staff(user, equipment.lab.site_id):
        whom |= Q(company__in=companies_visible_to(user))
    return Membership.objects.filter(whom).select_related("company", "user").order_by("company__name", "user__email")


class BookingForm(forms.Form):
    starts_at = forms.DateTimeField(
        label=_("Starts at"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    minutes = forms.TypedChoiceField(label=_("Length"), coerce=int)
    membership = MembershipChoiceField(
        label=_("For"), queryset=Membership.objects.none(), empty_label=None, help_text=_("The company that books.")
    )
    purpose = forms.CharField(
        label=_("Purpose"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. cutting prototype panels")}),
    )

    def __init__(self, *args, equipment: Equipment, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.equipment = equipment
        steps = range(equipment.min_minutes, equipment.max_minutes + 1, equipment.slot_minutes)
        self.fields["minutes"].choices = [(m, duration_label(m)) for m in steps]
        self.fields["minutes"].initial = equipment.min_minutes
        field = self.fields["membership"]
        field.acting_user = user
        field.queryset = bookable_memberships(user, equipment)
        memberships = list(field.queryset)
        own = [m for m in memberships if m.user_id == user.pk]
        if own:
            field.initial = own[0].pk
        if len(memberships) == 1:
            field.widget = forms.HiddenInput()
        self.single_membership = memberships[0] if len(memberships) == 1 else None
        self.has_memberships = bool(memberships)

    def clean_starts_at(self):
        value = self.cleaned_data["starts_at"]
        if not 2000 <= value.year <= 2100:
            raise ValidationError(_("Choose a time between the years 2000 and 2100."))
        return value

    @property
    def ends_at(self):
        return self.cleaned_data["starts_at"] + timedelta(minutes=self.cleaned_data["minutes"])


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)


class PeriodForm(forms.Form):
    """A period of whole days, both included; at most a year."""

    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))

    @classmethod
    def default_initial(cls) -> dict[str, date]:
        today = timezone.localdate()
        return {"start": today - timedelta(days=28), "end": today - timedelta(days=1)}

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                raise ValidationError({"end": _("The period must end on or after its first day.")})
            if (end - start).days >= MAX_PERIOD_DAYS:
                raise ValidationError({"end": _("Choose a period of at most a year.")})
            if not (date(2000, 1, 1) <= start and end <= date(2100, 12, 31)):
                raise ValidationError({"start": _("Choose dates between the years 2000 and 2100.")})
        return data
