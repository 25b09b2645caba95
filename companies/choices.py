from django.db import models
from django.utils.translation import gettext_lazy as _


class CompanyStatus(models.TextChoices):
    APPLICANT = "applicant", _("Applicant")
    RESIDENT = "resident", _("Resident")
    GRADUATED = "graduated", _("Graduated")
    LEFT = "left", _("Left")


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
    SUBMITTED = "submitted", _("Submitted")
    UNDER_REVIEW = "under_review", _("Under review")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


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
