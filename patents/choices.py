from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class FilingKind(models.TextChoices):
    INVENTION = "invention", _("Invention patent")
    UTILITY_MODEL = "utility_model", _("Utility model")
    DESIGN = "design", _("Design")
    TRADEMARK = "trademark", _("Trademark")
    SOFTWARE = "software", _("Software copyright")


PATENT_KINDS = frozenset({FilingKind.INVENTION, FilingKind.UTILITY_MODEL, FilingKind.DESIGN})


class FilingStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("filing status", "Draft")
    FILED = "filed", pgettext_lazy("filing status", "Filed")
    PUBLISHED = "published", pgettext_lazy("filing status", "Published")
    UNDER_EXAMINATION = "under_examination", pgettext_lazy("filing status", "Under examination")
    GRANTED = "granted", pgettext_lazy("filing status", "Granted or registered")
    REJECTED = "rejected", pgettext_lazy("filing status", "Rejected")
    WITHDRAWN = "withdrawn", pgettext_lazy("filing status", "Withdrawn")
    LAPSED = "lapsed", pgettext_lazy("filing status", "Lapsed")
    EXPIRED = "expired", pgettext_lazy("filing status", "Expired")


PENDING_STATUSES = frozenset({FilingStatus.FILED, FilingStatus.PUBLISHED, FilingStatus.UNDER_EXAMINATION})


class EventKind(models.TextChoices):
    FILED = "filed", pgettext_lazy("filing event", "Filed")
    EXAMINATION_REQUESTED = "examination_requested", pgettext_lazy("filing event", "Substantive examination requested")
    OFFICE_ACTION = "office_action", pgettext_lazy("filing event", "Office action received")
    RESPONSE_FILED = "response_filed", pgettext_lazy("filing event", "Response filed")
    REJECTION = "rejection", pgettext_lazy("filing event", "Rejection received")
    REEXAMINATION_REQUESTED = "reexamination_requested", pgettext_lazy("filing event", "Re-examination requested")
    GRANTED = "granted", pgettext_lazy("filing event", "Granted or registered")
    ANNUITY_PAID = "annuity_paid", pgettext_lazy("filing event", "Annual fee paid")
    RENEWAL_FILED = "renewal_filed", pgettext_lazy("filing event", "Renewal filed")
    LAPSE = "lapse", pgettext_lazy("filing event", "Lapsed")
    RESTORATION = "restoration", pgettext_lazy("filing event", "Right restored")


class DeadlineRule(models.TextChoices):
    SUBSTANTIVE_EXAMINATION = "substantive_examination", _("Request substantive examination")
    OFFICE_ACTION_RESPONSE = "office_action_response", _("Respond to the office action")
    REEXAMINATION = "reexamination", _("Request re-examination")
    REGISTRATION = "registration", _("Register the grant and pay the grant-year annual fee")
    ANNUITY = "annuity", _("Pay the annual fee")
    TRADEMARK_RENEWAL = "trademark_renewal", _("Renew the trademark registration")


class DeadlineStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("deadline status", "Open")
    DONE = "done", pgettext_lazy("deadline status", "Done")
    MISSED = "missed", pgettext_lazy("deadline status", "Missed")
    WAIVED = "waived", pgettext_lazy("deadline status", "Waived")


class FeeReduction(models.TextChoices):
    NONE = "none", _("No fee reduction")
    REDUCED_85 = "reduced_85", _("85 per cent reduction")
    REDUCED_70 = "reduced_70", _("70 per cent reduction")
