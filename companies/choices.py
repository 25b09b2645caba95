from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CompanyStatus(models.TextChoices):
    APPLICANT = "applicant", pgettext_lazy("company status", "Applicant")
    RESIDENT = "resident", pgettext_lazy("company status", "Resident")
    GRADUATED = "graduated", pgettext_lazy("company status", "Graduated")
    LEFT = "left", pgettext_lazy("company status", "Left")


class LegalForm(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual workshop")
    LLC = "llc", _("Limited liability company")
    JOINT_STOCK = "joint_stock", _("Joint-stock company")
    LISTED = "listed", _("Listed company")


class Sector(models.TextChoices):
    MANUFACTURING = "manufacturing", _("Advanced manufacturing")
    ELECTRONICS = "electronics", _("Electronics and information technology")
    SOFTWARE = "software", _("Software and internet")
    MATERIALS = "materials", _("New materials")
    BIOMEDICINE = "biomedicine", _("Biomedicine")
    ENERGY = "energy", _("New energy and environment")
    CREATIVE = "creative", _("Culture and creative design")
    SERVICES = "services", _("Modern services")
    OTHER = "other", _("Other")


class MemberRole(models.TextChoices):
    OWNER = "owner", _("Owner")
    MEMBER = "member", _("Member")


class AdmissionStatus(models.TextChoices):
    SUBMITTED = "submitted", pgettext_lazy("admission status", "Submitted")
    UNDER_REVIEW = "under_review", pgettext_lazy("admission status", "Under review")
    ACCEPTED = "accepted", pgettext_lazy("admission status", "Accepted")
    REJECTED = "rejected", pgettext_lazy("admission status", "Rejected")
    WITHDRAWN = "withdrawn", pgettext_lazy("admission status", "Withdrawn")


class DesignationKind(models.TextChoices):
    SME = "sme", _("S&T SME")
    HIGH_TECH = "high_tech", _("High-tech enterprise")
    LITTLE_GIANT = "little_giant", _("Little giant")
    LISTED = "listed", _("Listed company")


class Exchange(models.TextChoices):
    SSE = "sse", _("Shanghai Stock Exchange")
    SZSE = "szse", _("Shenzhen Stock Exchange")
    BSE = "bse", _("Beijing Stock Exchange")
    NEEQ = "neeq", _("National Equities Exchange and Quotations")
    HKEX = "hkex", _("Hong Kong Stock Exchange")
    OTHER = "other", _("Other exchange")
