"""Choice lists for development initiatives, their action plans and indicators."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SchemeKind(models.TextChoices):
    NATIONAL_MSME = "national_msme", _("National MSME scheme")
    HANDLOOM = "handloom", _("Handloom scheme")
    STATE = "state", _("State programme")
    DONOR = "donor", _("Donor programme")
    OTHER = "other", _("Other")


class InitiativeStage(models.TextChoices):
    """Where an initiative is in the UNIDO sequence (FAQ Q35-57)."""

    DIAGNOSTIC_STUDY = "diagnostic_study", _("Diagnostic study")
    ACTION_PLAN = "action_plan", _("Action plan")
    IMPLEMENTATION = "implementation", _("Implementation")
    COMPLETED = "completed", _("Completed")
    STOPPED = "stopped", _("Stopped")


class Horizon(models.TextChoices):
    """Short-run activities first, medium and long run not left for later (FAQ Q57)."""

    SHORT = "short", _("Short term")
    MEDIUM = "medium", _("Medium term")
    LONG = "long", _("Long term")


class Intervention(models.TextChoices):
    SOFT = "soft", _("Soft intervention")
    HARD = "hard", _("Hard intervention")


class ActivityType(models.TextChoices):
    TRUST_BUILDING = "trust_building", _("Trust building")
    TRAINING = "training", _("Training")
    EXPOSURE_VISIT = "exposure_visit", _("Exposure visit")
    JOINT_MARKETING = "joint_marketing", _("Joint marketing")
    COMMON_FACILITY_CENTRE = "common_facility_centre", _("Common facility centre")
    TECHNOLOGY_UPGRADE = "technology_upgrade", _("Technology upgrade")
    OTHER = "other", _("Other")


class ActivityStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


class IndicatorLevel(models.TextChoices):
    """The three levels of FAQ Q68."""

    ENTERPRISE = "enterprise", _("Enterprise level")
    CLUSTER = "cluster", _("Cluster level")
    SUSTAINABILITY = "sustainability", _("Sustainability")


class ComputedFrom(models.TextChoices):
    """What in the registry's own data an indicator's value is computed from."""

    NETWORKS = "networks", _("Networks of the cluster")
    SUPPORT_INSTITUTIONS = "support_institutions", _("Institutions linked by relationships")
    BDS_PROVIDERS = "bds_providers", _("BDS providers in the cluster")
