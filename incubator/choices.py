from django.db import models
from django.utils.translation import gettext_lazy as _


class Language(models.TextChoices):
    ZH_HANS = "zh-hans", "简体中文"
    EN = "en", "English"


class SiteKind(models.TextChoices):
    INCUBATOR = "incubator", _("Business incubator")
    MAKER_SPACE = "maker_space", _("Maker space")
    ACCELERATOR = "accelerator", _("Accelerator")
    EXPERIENCE_CENTER = "experience_center", _("Maker experience centre")


class Role(models.TextChoices):
    """Roles are Django groups; these are their names."""

    CENTRE_STAFF = "centre-staff", _("Centre staff")
    DISTRICT = "district", _("District committee")


class NotificationStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
