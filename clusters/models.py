"""Clusters and what describes them: regions, sectors, agencies, figures and benchmarks."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Substr
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from common.history import RegistryHistory, RevisionHistory
from common.local_names import LocalNamesModelField
from common.models import TimeStampedModel
from common.numbers import format_amount, format_count
from common.revision_models import AbstractReview, AbstractRevision

from .choices import (
    AMOUNT_MEASURES,
    ASSESSMENT_SCALES,
    AssessmentParameter,
    ClassificationStatus,
    ClusterType,
    Measure,
    Origin,
    PublicationStatus,
    Stage,
    Structure,
)


class Region(TimeStampedModel):
    """A state, union territory or other first-level region of a country."""

    class Kind(models.TextChoices):
        STATE = "state", _("State")
        UNION_TERRITORY = "union_territory", _("Union territory")
        REGION = "region", _("Region")

    country = models.CharField(_("country"), max_length=2, help_text=_("ISO 3166-1 alpha-2"))
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    code = models.CharField(_("code"), max_length=10, blank=True, help_text=_("ISO 3166-2"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.REGION)
    history = RegistryHistory()

    class Meta:
        ordering = ["country", "name"]
        constraints = [
            models.UniqueConstraint(
                "country",
                models.functions.Lower("name"),
                name="region_unique_name_per_country",
                violation_error_message=_("This country already has a region of that name."),
            )
        ]

    def __str__(self):
        return self.name if self.country == "IN" else f"{self.name} ({self.country})"


class Sector(TimeStampedModel):
    """A sector of the economy (textiles, engineering...); a cluster makes one of its products."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    history = RegistryHistory()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Agency(TimeStampedModel):
    """An implementing agency: the organisation that maps and maintains clusters."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    local_names = LocalNamesModelField()
    history = RegistryHistory()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = _("agencies")

    def __str__(self):
        return self.name


class AgencyEditor(TimeStampedModel):
    """Make a user an editor of one implementing agency's clusters."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="agency_editor"
    )
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="editors")
    history = RegistryHistory()

    class Meta:
        ordering = ["agency", "user"]

    def __str__(self):
        return f"{self.user} ({self.agency})"


# The fields that describe a cluster beyond its identity, type and figures (forms, imports).
DESCRIPTOR_FIELDS = (
    "district",
    "origin",
    "structure",
    "stage",
    "exporting",
    "description",
    "latitude",
    "longitude",
)


class Cluster(TimeStampedModel):
    """A concentration of enterprises making one product in one place (FAQ Q1).

    Its identity is the product and the place (locality, state, country), compared without
    case, accents or repeated spaces: `identity_key` holds that normalised form and is unique.
    The current value of each measure is kept here for filtering; `ClusterFigure` holds the
    history with provenance.
    """

    product = models.CharField(_("product"), max_length=200)
    place = models.CharField(_("place"), max_length=200, help_text=_("Town or locality"))
    district = models.CharField(_("district"), max_length=100, blank=True)
    # Its name in the site's other languages, {"hi": "..."}: shown beside the English one.
    local_names = LocalNamesModelField()
    region = models.ForeignKey(
        Region,
        verbose_name=_("state / region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="clusters",
    )
    country = models.CharField(_("country"), max_length=2, default="IN")
    identity_key = models.CharField(max_length=500, editable=False)
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    # Not indexed alone: the lists filter by status and type together (cluster_status_type_idx),
    # and each index more is one more write for every imported cluster.
    cluster_type = models.CharField(_("cluster type"), max_length=20, choices=ClusterType)
    sector = models.ForeignKey(
        Sector, on_delete=models.PROTECT, null=True, blank=True, related_name="clusters"
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="clusters"
    )
    status = models.CharField(
        _("publication status"),
        max_length=20,
        choices=PublicationStatus,
        default=PublicationStatus.DRAFT,
    )
    origin = models.CharField(_("origin"), max_length=20, choices=Origin, blank=True)
    structure = models.CharField(_("structure"), max_length=20, choices=Structure, blank=True)
    stage = models.CharField(_("life-cycle stage"), max_length=20, choices=Stage, blank=True)
    exporting = models.BooleanField(_("exporting"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    # Current value of each measure (the newest figure); blank is unknown, never zero.
    enterprise_count = models.PositiveIntegerField(_("enterprises"), null=True, blank=True)
    loom_count = models.PositiveIntegerField(_("looms"), null=True, blank=True)
    artisan_count = models.PositiveIntegerField(_("artisans"), null=True, blank=True)
    employment = models.PositiveIntegerField(_("employment"), null=True, blank=True)
    annual_turnover = models.PositiveBigIntegerField(_("annual turnover"), null=True, blank=True)
    annual_exports = models.PositiveBigIntegerField(_("annual exports"), null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, default="INR")
    # The classification, stored for filtering; recomputed by clusters.services.
    classification_status = models.CharField(
        _("classification"),
        max_length=20,
        choices=ClassificationStatus,
        default=ClassificationStatus.INSUFFICIENT_DATA,
    )
    classification_measure = models.CharField(max_length=20, choices=Measure, blank=True)
    classification_value = models.PositiveBigIntegerField(null=True, blank=True)
    classification_threshold = models.PositiveBigIntegerField(null=True, blank=True)
    classification_reason = models.CharField(_("classification reason"), max_length=300)
    # Raised by every save through the services; a form sends back the version it showed,
    # and a save from a stale form is refused instead of overwriting someone's change.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    # Its newest figure (the latest year, the last recorded among equals), kept by every
    # write of its figures (clusters.newest_figures), so an export joins it by id instead
    # of picking it out of all the figures. Derived, hence not in the history.
    newest_figure = models.ForeignKey(
        "ClusterFigure",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    history = RegistryHistory(excluded_fields=["newest_figure"])

    class Meta:
        ordering = ["product", "place"]
        permissions = [
            ("publish_cluster", _("Can publish, reject and archive clusters")),
            ("merge_cluster", _("Can merge duplicate clusters")),
        ]
        indexes = [
            models.Index(fields=["status", "cluster_type"], name="cluster_status_type_idx"),
            models.Index(fields=["enterprise_count"], name="cluster_enterprises_idx"),
            models.Index(fields=["employment"], name="cluster_employment_idx"),
            # The public lists' default order over published clusters (issue 11): the
            # cluster list and the relationship list (grouped by cluster) read it in order.
            models.Index(
                fields=["product", "place", "id"],
                condition=models.Q(status=PublicationStatus.PUBLISHED),
                name="cluster_published_order_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["identity_key"],
                name="cluster_unique_product_place",
                violation_error_message=_("A cluster with this product and place exists."),
            )
        ]

    def __str__(self):
        return f"{self.product}, {self.place}"

    def get_absolute_url(self):
        return reverse("clusters:cluster_detail", kwargs={"slug": self.slug})

    @property
    def is_artisan(self):
        """Return whether the cluster is of the artisan group (handicraft or handloom)."""
        return self.cluster_type in (ClusterType.HANDICRAFT, ClusterType.HANDLOOM)

    def current_figures(self):
        """Return the current value of each measure, None where unknown."""
        return {measure: getattr(self, measure) for measure in Measure.values}


class ClusterFigure(TimeStampedModel):
    """One value of one measure of a cluster, with the year and source it comes from."""

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="figures")
    measure = models.CharField(_("measure"), max_length=20, choices=Measure)
    value = models.PositiveBigIntegerField(_("value"))
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    year = models.CharField(
        _("year"), max_length=7, blank=True, help_text=_("2016, or a fiscal year as 2015-16")
    )
    source = models.CharField(_("source"), max_length=500, blank=True)
    estimated = models.BooleanField(_("estimated"), default=False)
    history = RegistryHistory()

    class Meta:
        ordering = ["cluster", "measure", "-year", "-id"]
        # A cluster's newest figure (clusters.selectors.with_figures_year: the list's year
        # column and its sort) read from the index's first entry, not sorted per cluster.
        indexes = [
            models.Index(
                "cluster",
                Substr("year", 1, 4).desc(),
                models.F("id").desc(),
                name="cluster_figure_newest_idx",
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["cluster", "measure", "year", "source"],
                name="figure_unique_per_year_and_source",
                violation_error_message=_(
                    "This cluster already has a figure for this measure, year and source."
                ),
            )
        ]

    def __str__(self):
        if not self.year:
            return _("%(measure)s %(value)s (year unknown)") % {
                "measure": self.get_measure_display(),
                "value": self.display_value,
            }
        return f"{self.get_measure_display()} {self.display_value} ({self.year})"

    @property
    def display_value(self):
        """Return the value formatted for a reader (lakh / crore for rupee amounts)."""
        if self.measure in AMOUNT_MEASURES:
            return format_amount(self.value, self.currency or "INR")
        return format_count(self.value)


class Benchmark(TimeStampedModel):
    """A size a cluster of a type must reach to qualify; several for one type mean any one.

    A benchmark with a country applies to that country's clusters instead of the defaults.
    """

    cluster_type = models.CharField(_("cluster type"), max_length=20, choices=ClusterType)
    measure = models.CharField(_("measure"), max_length=20, choices=Measure)
    threshold = models.PositiveBigIntegerField(_("threshold"))
    country = models.CharField(
        _("country"),
        max_length=2,
        blank=True,
        help_text=_("ISO alpha-2; blank applies wherever no country-specific benchmark exists"),
    )
    currency = models.CharField(
        _("currency"),
        max_length=3,
        default="INR",
        help_text=_("ISO 4217, for turnover and export thresholds; other measures ignore it"),
    )
    authority = models.CharField(_("authority"), max_length=100, help_text=_("e.g. UNIDO"))
    source = models.CharField(_("source"), max_length=500, blank=True)
    history = RegistryHistory()

    class Meta:
        ordering = ["cluster_type", "country", "measure"]
        constraints = [
            models.UniqueConstraint(
                fields=["cluster_type", "measure", "country"],
                name="benchmark_unique_per_type_measure_country",
                violation_error_message=_(
                    "A benchmark for this type, measure and country exists already."
                ),
            )
        ]

    def __str__(self):
        scope = self.country or _("default")
        return f"{self.get_cluster_type_display()}: {self.get_measure_display()} ≥ {self.threshold} ({scope})"


class ClusterReview(AbstractReview):
    """One step of a cluster's publication workflow: submitted, approved, rejected..."""

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="reviews")

    def __str__(self):
        return f"{self.cluster}: {self.get_action_display()}"


class MergeRecord(models.Model):
    """Record that a duplicate cluster or stakeholder was merged into a survivor."""

    class Kind(models.TextChoices):
        CLUSTER = "cluster", _("Cluster")
        STAKEHOLDER = "stakeholder", _("Stakeholder")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    survivor_id = models.PositiveBigIntegerField(_("survivor id"))
    survivor_label = models.CharField(_("survivor"), max_length=400)
    merged_id = models.PositiveBigIntegerField(_("merged id"))
    merged_label = models.CharField(_("merged record"), max_length=400)
    moved = models.JSONField(_("what moved"), default=dict)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        ordering = ["-created", "-id"]

    def __str__(self):
        return _("%(merged)s merged into %(survivor)s") % {
            "merged": self.merged_label,
            "survivor": self.survivor_label,
        }


class ClusterRevision(AbstractRevision):
    """A change an agency editor proposed to a published cluster, waiting for a curator.

    The public keeps the reviewed values until a curator approves it (clusters.revisions).
    `changes` holds what to apply, as plain data: {"fields": {name: value}, "figures":
    [{measure, value, year, source, estimated, currency}], "members_added": [...],
    "members_removed": [...], "relationships_added": [...], "relationships_removed":
    [...], "networks_removed": [...]}; foreign keys are ids, with a label to show.
    """

    record_field = "cluster"

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="revisions")
    history = RevisionHistory()

    class Meta(AbstractRevision.Meta):
        indexes = [
            models.Index(
                fields=["updated"],
                condition=models.Q(state="pending"),
                name="revision_pending_idx",
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["cluster", "author"],
                condition=models.Q(state="pending"),
                name="revision_one_pending_per_author",
                violation_error_message=_("You already have a change waiting for review here."),
            )
        ]

    def get_absolute_url(self):
        return reverse("editing:revision_detail", kwargs={"pk": self.pk})


class RetiredClusterSlug(models.Model):
    """The address of a cluster merged into another: its slug and id keep answering with a
    permanent redirect to the cluster that absorbed it (stakeholders.merging writes them).

    Derived from the MergeRecords, so it keeps no history of its own. When the survivor is
    itself merged away later, its rows are re-pointed to the new survivor: never a chain.
    """

    slug = models.SlugField(_("old slug"), max_length=220, unique=True)
    old_id = models.PositiveBigIntegerField(_("old id"), unique=True)
    cluster = models.ForeignKey(
        Cluster, on_delete=models.CASCADE, related_name="retired_slugs", verbose_name=_("now")
    )
    created = models.DateTimeField(_("retired"), auto_now_add=True)

    class Meta:
        ordering = ["slug"]
        verbose_name = _("retired cluster address")
        verbose_name_plural = _("retired cluster addresses")

    def __str__(self):
        return f"{self.slug} → {self.cluster_id}"


class ClusterAssessment(TimeStampedModel):
    """A person's judgement of one selection parameter of a cluster (FAQ Q43), with its
    source and date: a rating from 1 to 5, higher meaning more in favour of selection.

    The newest record per (cluster, parameter), by `assessed_on` then id, is the one that
    counts (clusters.assessments); older ones stay as the record of earlier judgements.
    """

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="assessments")
    parameter = models.CharField(_("parameter"), max_length=30, choices=AssessmentParameter)
    rating = models.PositiveSmallIntegerField(
        _("rating"),
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("1 to 5: higher is more in favour of selecting the cluster"),
    )
    note = models.TextField(_("note"), blank=True, help_text=_("What the judgement rests on"))
    source = models.CharField(
        _("source"), max_length=500, help_text=_("A study, report, visit or web address")
    )
    assessed_on = models.DateField(_("assessed on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    history = RegistryHistory()

    class Meta:
        ordering = ["cluster", "parameter", "-assessed_on", "-id"]
        verbose_name = _("cluster assessment")
        verbose_name_plural = _("cluster assessments")
        indexes = [
            models.Index(
                "cluster",
                "parameter",
                models.F("assessed_on").desc(),
                models.F("id").desc(),
                name="assessment_newest_idx",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__gte=1, rating__lte=5),
                name="assessment_rating_1_to_5",
                violation_error_message=_("A rating runs from 1 to 5."),
            )
        ]

    def __str__(self):
        return f"{self.cluster}: {self.get_parameter_display()} {self.rating}/5"

    @property
    def rating_label(self):
        """Return what the rating means for its parameter ("serious concerns")."""
        scale = ASSESSMENT_SCALES.get(self.parameter)
        if not scale or not self.rating or not 1 <= self.rating <= len(scale):
            return ""
        return scale[self.rating - 1]
