"""Choice lists for clusters, their figures and benchmarks."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ClusterType(models.TextChoices):
    INDUSTRIAL = "industrial", _("Industrial")
    HANDICRAFT = "handicraft", _("Handicraft")
    HANDLOOM = "handloom", _("Handloom")
    SERVICE = "service", _("Service")


ARTISAN_TYPES = (ClusterType.HANDICRAFT, ClusterType.HANDLOOM)


class Origin(models.TextChoices):
    NATURAL = "natural", _("Natural")
    INDUCED = "induced", _("Induced")


class Structure(models.TextChoices):
    HORIZONTAL = "horizontal", _("Horizontal")
    VERTICAL = "vertical", _("Vertical")


class Stage(models.TextChoices):
    BIRTH = "birth", _("Birth")
    GROWTH = "growth", _("Growth")
    MATURITY = "maturity", _("Maturity")
    DECLINE = "decline", _("Decline")


class PublicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


class ClassificationStatus(models.TextChoices):
    QUALIFIES = "qualifies", _("Qualifies")
    POTENTIAL = "potential", _("Potential cluster")
    INSUFFICIENT_DATA = "insufficient_data", _("Insufficient data")
    NO_BENCHMARK = "no_benchmark", _("No benchmark")


class Measure(models.TextChoices):
    """A cluster figure; the value is also the name of the current-value field on Cluster."""

    ENTERPRISES = "enterprise_count", _("enterprises")
    LOOMS = "loom_count", _("looms")
    ARTISANS = "artisan_count", _("artisans")
    EMPLOYMENT = "employment", _("employment")
    TURNOVER = "annual_turnover", _("annual turnover")
    EXPORTS = "annual_exports", _("annual exports")


# Every measure, once (Measure.values builds the choices again on each use).
MEASURES = tuple(Measure.values)
AMOUNT_MEASURES = (Measure.TURNOVER, Measure.EXPORTS)
