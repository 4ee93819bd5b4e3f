"""Cluster development programmes: schemes, initiatives, diagnostic studies, action plans,
and the indicators that show whether they worked (FAQ Q35-58, Q68)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from clusters.choices import PublicationStatus
from clusters.models import Agency, Cluster
from common.history import RegistryHistory, RevisionHistory
from common.models import TimeStampedModel
from common.revision_models import AbstractReview, AbstractRevision, author_field, reviewer_field
from stakeholders.models import Stakeholder

from .choices import (
    ActivityStatus,
    ActivityType,
    ComputedFrom,
    Horizon,
    IndicatorLevel,
    InitiativeStage,
    Intervention,
    SchemeKind,
)
from .storage import study_document_storage
from .years import format_year

YEAR_VALIDATORS = [MinValueValidator(1900), MaxValueValidator(2100)]


class Scheme(TimeStampedModel):
    """A scheme or programme under which clusters are developed (MSE-CDP, SFURTI...): a
    curated list, loaded by a migration and kept by curators."""

    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    name = models.CharField(_("name"), max_length=300, unique=True)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=SchemeKind)
    owner = models.CharField(
        _("owner"), max_length=300, blank=True, help_text=_("Ministry or organisation")
    )
    url = models.URLField(_("web page"), max_length=500, blank=True)
    description = models.TextField(_("description"), blank=True)
    source = models.CharField(_("source"), max_length=500, blank=True)
    history = RegistryHistory()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.short_name or self.name


class Initiative(TimeStampedModel):
    """A cluster development initiative: one scheme's work in one cluster, carried out by
    an implementing agency with a cluster development agent (FAQ Q35-47)."""

    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    cluster = models.ForeignKey(
        Cluster, on_delete=models.PROTECT, related_name="initiatives", verbose_name=_("cluster")
    )
    scheme = models.ForeignKey(
        Scheme, on_delete=models.PROTECT, related_name="initiatives", verbose_name=_("scheme")
    )
    title = models.CharField(_("title"), max_length=300)
    agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        related_name="initiatives",
        verbose_name=_("implementing agency"),
    )
    development_agent_name = models.CharField(
        _("cluster development agent"),
        max_length=300,
        blank=True,
        help_text=_("A person or an organisation"),
    )
    development_agent = models.ForeignKey(
        Stakeholder,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("development agent in the registry"),
    )
    started_on = models.DateField(_("started"), null=True, blank=True)
    ended_on = models.DateField(_("ended"), null=True, blank=True)
    stage = models.CharField(
        _("stage"), max_length=20, choices=InitiativeStage, default=InitiativeStage.DIAGNOSTIC_STUDY
    )
    status = models.CharField(
        _("publication status"),
        max_length=20,
        choices=PublicationStatus,
        default=PublicationStatus.DRAFT,
    )
    # Whole currency units; blank is unknown, never zero.
    budget = models.PositiveBigIntegerField(_("budget"), null=True, blank=True)
    sanctioned_amount = models.PositiveBigIntegerField(_("sanctioned"), null=True, blank=True)
    released_amount = models.PositiveBigIntegerField(_("released"), null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, default="INR")
    description = models.TextField(_("description"), blank=True)
    source = models.CharField(_("source"), max_length=500, blank=True)
    # Raised by every save through the services; a stale form is refused.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    history = RegistryHistory()

    class Meta:
        ordering = ["cluster", "-started_on", "title", "id"]
        permissions = [("publish_initiative", _("Can publish, return and archive initiatives"))]
        indexes = [models.Index(fields=["status", "stage"], name="initiative_status_stage_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True)
                | Q(started_on__isnull=True)
                | Q(ended_on__gte=F("started_on")),
                name="initiative_ended_after_started",
                violation_error_message=_("The end must not be before the start."),
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("programmes:initiative_detail", kwargs={"slug": self.slug})

    @property
    def is_public(self):
        """Return whether the public may see it: published, in a published cluster."""
        return (
            self.status == PublicationStatus.PUBLISHED
            and self.cluster.status == PublicationStatus.PUBLISHED
        )


class InitiativeReview(AbstractReview):
    """One step of an initiative's publication workflow (the steps of ClusterReview)."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="reviews")

    def __str__(self):
        return f"{self.initiative}: {self.get_action_display()}"


class DiagnosticStudy(TimeStampedModel):
    """The diagnostic study of an initiative, in the sections FAQ Q48 lists, with the
    sample of stakeholders consulted (Q49-50)."""

    # The sections, in the order Q48 gives them (forms, pages, revisions).
    SECTIONS = (
        "industrial_scenario",
        "cluster_history",
        "value_chain",
        "stakeholders_and_relationships",
        "challenges",
        "opportunities",
        "other_findings",
    )

    initiative = models.OneToOneField(
        Initiative, on_delete=models.CASCADE, related_name="study", verbose_name=_("initiative")
    )
    industrial_scenario = models.TextField(
        _("industrial scenario"), blank=True, help_text=_("Particularly for the cluster product")
    )
    cluster_history = models.TextField(
        _("history of the cluster"), blank=True, help_text=_("With its turning points")
    )
    value_chain = models.TextField(_("production process and value chain"), blank=True)
    stakeholders_and_relationships = models.TextField(
        _("key stakeholders and their business relationships"), blank=True
    )
    challenges = models.TextField(_("key challenges"), blank=True)
    opportunities = models.TextField(_("key opportunities"), blank=True)
    other_findings = models.TextField(_("other findings"), blank=True)
    completed_on = models.DateField(_("completed"), null=True, blank=True)
    prepared_by = models.CharField(_("prepared by"), max_length=300, blank=True)
    consulted = models.ManyToManyField(
        Stakeholder,
        related_name="studies_consulted",
        blank=True,
        verbose_name=_("stakeholders consulted"),
    )
    history = RegistryHistory(m2m_fields=[consulted])

    class Meta:
        verbose_name = _("diagnostic study")
        verbose_name_plural = _("diagnostic studies")

    def __str__(self):
        return f"{_('Diagnostic study')}: {self.initiative}"


def study_document_path(instance, filename):
    """Return where an uploaded document is kept: one folder per study."""
    return f"studies/{instance.study_id}/{filename}"


class StudyDocument(models.Model):
    """A source document attached to a diagnostic study; its file is served only to those
    allowed (programmes.permissions), the public sees its title."""

    study = models.ForeignKey(DiagnosticStudy, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("title"), max_length=300)
    file = models.FileField(
        _("file"), upload_to=study_document_path, storage=study_document_storage, max_length=500
    )
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    history = RegistryHistory()

    class Meta:
        ordering = ["study", "title", "id"]
        verbose_name = _("study document")

    def __str__(self):
        return self.title


class PlanActivity(TimeStampedModel):
    """One activity of an initiative's action plan (FAQ Q51-58)."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="activities")
    title = models.CharField(_("title"), max_length=300)
    horizon = models.CharField(_("horizon"), max_length=10, choices=Horizon, default=Horizon.SHORT)
    intervention = models.CharField(
        _("intervention"), max_length=10, choices=Intervention, default=Intervention.SOFT
    )
    activity_type = models.CharField(
        _("type of activity"), max_length=30, choices=ActivityType, default=ActivityType.OTHER
    )
    responsible = models.ManyToManyField(
        Stakeholder,
        related_name="plan_activities",
        blank=True,
        verbose_name=_("responsible stakeholders"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ActivityStatus, default=ActivityStatus.PLANNED
    )
    cost = models.PositiveBigIntegerField(_("cost"), null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, default="INR")
    due_on = models.DateField(_("due"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    history = RegistryHistory(m2m_fields=[responsible])

    class Meta:
        ordering = ["initiative", "position", "id"]
        verbose_name = _("plan activity")
        verbose_name_plural = _("plan activities")

    def __str__(self):
        return self.title


class Indicator(TimeStampedModel):
    """An entry of the indicator catalogue (FAQ Q68), loaded by a migration and kept by
    curators. One the registry can compute from its own data names what in `computed_from`."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200, unique=True)
    level = models.CharField(_("level"), max_length=20, choices=IndicatorLevel)
    unit = models.CharField(_("unit"), max_length=40)
    description = models.TextField(_("description"), blank=True)
    computed_from = models.CharField(
        _("computed from"), max_length=30, choices=ComputedFrom, blank=True
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    history = RegistryHistory()

    class Meta:
        ordering = ["position", "slug"]

    def __str__(self):
        return self.name


class IndicatorTarget(TimeStampedModel):
    """An initiative's baseline and target for one indicator."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="targets")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="targets")
    baseline_year = models.PositiveSmallIntegerField(
        _("baseline year"), null=True, blank=True, validators=YEAR_VALIDATORS
    )
    baseline_fiscal = models.BooleanField(_("baseline is a fiscal year"), default=False)
    baseline_value = models.DecimalField(
        _("baseline"), max_digits=20, decimal_places=2, null=True, blank=True
    )
    target_year = models.PositiveSmallIntegerField(
        _("target year"), null=True, blank=True, validators=YEAR_VALIDATORS
    )
    target_fiscal = models.BooleanField(_("target is a fiscal year"), default=False)
    target_value = models.DecimalField(
        _("target"), max_digits=20, decimal_places=2, null=True, blank=True
    )
    source = models.CharField(_("source"), max_length=500, blank=True)
    estimated = models.BooleanField(_("estimated"), default=False)
    history = RegistryHistory()

    class Meta:
        ordering = ["initiative", "indicator__position", "indicator__slug"]
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "indicator"],
                name="indicator_target_unique",
                violation_error_message=_("This initiative has a target for this indicator."),
            )
        ]

    def __str__(self):
        return f"{self.initiative}: {self.indicator}"

    @property
    def baseline_year_label(self):
        return format_year(self.baseline_year, self.baseline_fiscal)

    @property
    def target_year_label(self):
        return format_year(self.target_year, self.target_fiscal)


class IndicatorMeasurement(TimeStampedModel):
    """One value of one indicator in one cluster for one year, with its source and an
    estimated flag, like a figure. One per (cluster, indicator, year), as the import reads."""

    cluster = models.ForeignKey(
        Cluster, on_delete=models.CASCADE, related_name="indicator_measurements", db_index=False
    )
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="measurements")
    year = models.PositiveSmallIntegerField(
        _("year"), validators=YEAR_VALIDATORS, help_text=_("The first calendar year")
    )
    fiscal = models.BooleanField(_("fiscal year"), default=False)
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=2)
    unit = models.CharField(
        _("unit"), max_length=40, blank=True, help_text=_("Blank is the catalogue's unit")
    )
    source = models.CharField(_("source"), max_length=500, blank=True)
    estimated = models.BooleanField(_("estimated"), default=False)
    initiative = models.ForeignKey(
        Initiative,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="measurements",
        help_text=_("The initiative it was entered for, if any"),
    )
    history = RegistryHistory()

    class Meta:
        ordering = ["cluster", "indicator", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["cluster", "indicator", "year"],
                name="indicator_measurement_unique",
                violation_error_message=_(
                    "This cluster has a value of this indicator for this year already."
                ),
            )
        ]

    def __str__(self):
        return f"{self.cluster}: {self.indicator} {self.year_label}"

    @property
    def year_label(self):
        return format_year(self.year, self.fiscal)


class InitiativeRevision(AbstractRevision):
    """A change an agency editor proposed to a published initiative (or its study, plan or
    targets), waiting for a curator; the public keeps the reviewed values until a curator
    approves it (programmes.revisions). `changes` holds plain data: {"fields": {...},
    "study": {...}, "activities": [...], "targets": [...]}; foreign keys are ids."""

    record_field = "initiative"

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="revisions")
    # The columns keep the names they were created with.
    author = author_field(db_column="proposed_by_id")
    reviewer = reviewer_field(db_column="reviewed_by_id")
    history = RevisionHistory()

    class Meta(AbstractRevision.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "author"],
                condition=Q(state="pending"),
                name="initiative_revision_one_pending",
                violation_error_message=_("You already have a change waiting for review here."),
            )
        ]
