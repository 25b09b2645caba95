from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ProgrammeLevel(models.TextChoices):
    """Who grants the money, from the top down."""

    NATIONAL = "national", _("National")
    MINISTRY = "ministry", _("Ministry or commission")
    MUNICIPAL = "municipal", _("Municipal")
    DISTRICT = "district", _("District")


class ProgrammeKind(models.TextChoices):
    INNOVATION_FUND = "innovation_fund", _("Innovation fund")
    PROJECT_SUBSIDY = "project_subsidy", _("Project subsidy")
    LISTING_REWARD = "listing_reward", _("Listing reward")
    LITTLE_GIANT = "little_giant", _("Little-giant upgrade")
    RENT_SUBSIDY = "rent_subsidy", _("Rent subsidy")
    OTHER = "other", _("Other")


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("funding application status", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("funding application status", "Submitted")
    UNDER_REVIEW = "under_review", pgettext_lazy("funding application status", "Under review")
    APPROVED = "approved", pgettext_lazy("funding application status", "Approved")
    REJECTED = "rejected", pgettext_lazy("funding application status", "Rejected")
    WITHDRAWN = "withdrawn", pgettext_lazy("funding application status", "Withdrawn")


# An application still in play: at most one per company and programme.
LIVE_APPLICATION_STATUSES = (ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED, ApplicationStatus.UNDER_REVIEW)
# Waiting for the funding officers.
OPEN_APPLICATION_STATUSES = (ApplicationStatus.SUBMITTED, ApplicationStatus.UNDER_REVIEW)


class SponsorKind(models.TextChoices):
    INVESTOR = "investor", _("Venture investor")
    BANK = "bank", _("Bank")
    CORPORATE = "corporate", _("Corporate")
    ANGEL = "angel", _("Angel investor")
    GUIDANCE_FUND = "guidance_fund", _("Government guidance fund")
    UNIVERSITY = "university", _("University or research institute")


class IntroductionStatus(models.TextChoices):
    REQUESTED = "requested", pgettext_lazy("introduction status", "Requested")
    INTRODUCED = "introduced", pgettext_lazy("introduction status", "Introduced")
    MEETING_HELD = "meeting_held", pgettext_lazy("introduction status", "Meeting held")
    TERM_SHEET = "term_sheet", pgettext_lazy("introduction status", "Term sheet")
    INVESTED = "invested", pgettext_lazy("introduction status", "Invested")
    DECLINED = "declined", pgettext_lazy("introduction status", "Declined")
    DORMANT = "dormant", pgettext_lazy("introduction status", "Dormant")


# Introductions that are still going somewhere (the pipeline).
ACTIVE_INTRODUCTION_STATUSES = (
    IntroductionStatus.REQUESTED,
    IntroductionStatus.INTRODUCED,
    IntroductionStatus.MEETING_HELD,
    IntroductionStatus.TERM_SHEET,
)


class InvestmentRound(models.TextChoices):
    SEED = "seed", _("Seed")
    ANGEL = "angel", _("Angel round")
    PRE_A = "pre_a", _("Pre-A")
    SERIES_A = "series_a", _("Series A")
    SERIES_B = "series_b", _("Series B")
    SERIES_C = "series_c", _("Series C and later")
    STRATEGIC = "strategic", _("Strategic investment")
    LOAN = "loan", _("Loan")
    OTHER = "other", _("Other")
