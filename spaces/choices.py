from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class SpaceKind(models.TextChoices):
    OFFICE = "office", _("Office")
    OPEN_DESKS = "open_desks", _("Open desks")
    WORKSHOP = "workshop", _("Workshop")


# An office or a workshop goes to one company at a time; open desks are shared.
EXCLUSIVE_KINDS = frozenset({SpaceKind.OFFICE, SpaceKind.WORKSHOP})


class SubsidyKind(models.TextChoices):
    NONE = "none", _("No subsidy")
    PERCENT = "percent", _("Percentage of the rent")
    FIXED = "fixed", _("Fixed amount per month")


class SpaceRequestStatus(models.TextChoices):
    SUBMITTED = "submitted", pgettext_lazy("space request status", "Submitted")
    OFFERED = "offered", pgettext_lazy("space request status", "Space offered")
    DECLINED = "declined", pgettext_lazy("space request status", "Declined")
    WITHDRAWN = "withdrawn", pgettext_lazy("space request status", "Withdrawn")
