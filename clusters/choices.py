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


class AssessmentParameter(models.TextChoices):
    """A selection parameter of FAQ Q43 that needs a person's judgement (ClusterAssessment).

    Every rating runs from 1 to 5, higher meaning more in favour of selecting the cluster
    for a development initiative (see ASSESSMENT_SCALES for what each step means).
    """

    SOCIO_ENVIRONMENTAL = "socio_environmental", _("Socio-environmental concerns")
    FUTURE_PROSPECTS = "future_prospects", _("Future prospects of the product")
    LIKELY_SUCCESS = "likely_success", _("Likely success (as judged)")
    COMPLEMENTARY_EFFORTS = "complementary_efforts", _("Complementary efforts by others")


# What each rating means, per parameter: 1 to 5, higher = more in favour of selection.
# Socio-environmental concerns: FAQ Q43 (iii) names concerns as a reason to select a
# cluster, so more concern is a higher rating (a higher priority for development).
ASSESSMENT_SCALES = {
    AssessmentParameter.SOCIO_ENVIRONMENTAL: (
        _("no notable concern"),
        _("minor concerns"),
        _("moderate concerns"),
        _("serious concerns"),
        _("severe concerns that call for action"),
    ),
    AssessmentParameter.FUTURE_PROSPECTS: (
        _("declining demand"),
        _("weak prospects"),
        _("steady demand"),
        _("good prospects"),
        _("strong growth prospects"),
    ),
    AssessmentParameter.LIKELY_SUCCESS: (
        _("very unlikely: stakeholders passive or divided"),
        _("unlikely"),
        _("possible"),
        _("likely"),
        _("very likely: pro-active stakeholders"),
    ),
    AssessmentParameter.COMPLEMENTARY_EFFORTS: (
        _("none, or efforts that work against an initiative"),
        _("little to build on"),
        _("some complementary efforts"),
        _("good complementary efforts"),
        _("strong complementary efforts to build on"),
    ),
}


# The sentence for a code that is none of a choice list's (common.forms.CodeChoiceField).
CLUSTER_TYPE_MESSAGE = _("'%(value)s' is not a cluster type; use one of: %(codes)s.")
ORIGIN_MESSAGE = _("'%(value)s' is not an origin; use one of: %(codes)s.")
STRUCTURE_MESSAGE = _("'%(value)s' is not a structure; use one of: %(codes)s.")
STAGE_MESSAGE = _("'%(value)s' is not a life-cycle stage; use one of: %(codes)s.")
