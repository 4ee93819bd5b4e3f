"""Stakeholders of clusters, their memberships and the relationships among them."""

from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from clusters.models import Cluster, Region
from common.history import RegistryHistory
from common.local_names import LocalNamesModelField
from common.models import TimeStampedModel
from common.partial_dates import Precision, partial_date, until_not_before_since

from .choices import (
    JointAction,
    Kind,
    NetworkStatus,
    RelationshipType,
    Role,
    SizeClass,
    relationship_sentence,
)


class Stakeholder(TimeStampedModel):
    """Anyone who takes part in a cluster's life: an enterprise, supplier, institution,
    association or business development service (BDS) provider (FAQ Q3-4).

    Its identity for de-duplication is the normalised name, the kind and the state where
    given (`identity_key`, unique); one record serves every cluster it belongs to.
    """

    name = models.CharField(_("name"), max_length=300)
    # Its name in the site's other languages, {"hi": "..."}: shown beside the English one.
    local_names = LocalNamesModelField()
    # Indexed with the list orderings (Meta.indexes), not alone.
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    role = models.CharField(_("role"), max_length=30, choices=Role, blank=True)
    identity_key = models.CharField(max_length=400, editable=False)
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    region = models.ForeignKey(
        Region,
        verbose_name=_("state / region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="stakeholders",
    )
    country = models.CharField(_("country"), max_length=2, default="IN")
    website = models.URLField(_("website"), max_length=500, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    size_class = models.CharField(
        _("size class"), max_length=10, choices=SizeClass, blank=True, help_text=_("enterprises")
    )
    services_offered = models.TextField(
        _("services offered"), blank=True, help_text=_("BDS providers")
    )
    description = models.TextField(_("description"), blank=True)
    source = models.CharField(_("source"), max_length=500, blank=True)
    clusters = models.ManyToManyField(
        Cluster, through="ClusterMembership", related_name="stakeholders"
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    history = RegistryHistory()

    class Meta:
        ordering = ["name", "id"]
        permissions = [("merge_stakeholder", _("Can merge duplicate stakeholders"))]
        constraints = [
            models.UniqueConstraint(
                fields=["identity_key"],
                name="stakeholder_unique_name_kind_state",
                violation_error_message=_(
                    "A stakeholder with this name and kind exists in this state."
                ),
            )
        ]
        # The public list's orderings and filters read these in order and stop after a page
        # (issue 11). The search's trigram indexes (PostgreSQL only) are in migration 0004.
        indexes = [
            models.Index(fields=["name", "id"], name="stakeholder_name_id_idx"),
            models.Index(fields=["kind", "name", "id"], name="stakeholder_kind_name_idx"),
            models.Index(fields=["role", "name", "id"], name="stakeholder_role_name_idx"),
            models.Index(fields=["kind", "id"], name="stakeholder_kind_id_idx"),
            models.Index(fields=["role", "id"], name="stakeholder_role_id_idx"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("stakeholders:stakeholder_detail", kwargs={"slug": self.slug})


class RetiredStakeholderSlug(models.Model):
    """The address of a stakeholder merged into another: its slug and id keep answering with
    a permanent redirect to the survivor (stakeholders.merging writes them; re-pointed, never
    chained, when the survivor is merged away in turn). Derived data: no history of its own.
    """

    slug = models.SlugField(_("old slug"), max_length=220, unique=True)
    old_id = models.PositiveBigIntegerField(_("old id"), unique=True)
    stakeholder = models.ForeignKey(
        Stakeholder,
        on_delete=models.CASCADE,
        related_name="retired_slugs",
        verbose_name=_("now"),
    )
    created = models.DateTimeField(_("retired"), auto_now_add=True)

    class Meta:
        ordering = ["slug"]
        verbose_name = _("retired stakeholder address")
        verbose_name_plural = _("retired stakeholder addresses")

    def __str__(self):
        return f"{self.slug} → {self.stakeholder_id}"


class ClusterMembership(TimeStampedModel):
    """Record that a stakeholder takes part in a cluster, and where that is known from."""

    # Each key leads a two-column index (membership_unique, membership_stakeholder_idx), which
    # serves it alone too.
    cluster = models.ForeignKey(
        Cluster, on_delete=models.CASCADE, related_name="memberships", db_index=False
    )
    stakeholder = models.ForeignKey(
        Stakeholder, on_delete=models.CASCADE, related_name="memberships", db_index=False
    )
    source = models.CharField(_("source"), max_length=500, blank=True)
    history = RegistryHistory()

    class Meta:
        ordering = ["cluster", "stakeholder"]
        constraints = [
            models.UniqueConstraint(
                fields=["cluster", "stakeholder"],
                name="membership_unique",
                violation_error_message=_("This stakeholder already belongs to this cluster."),
            )
        ]
        # "Is this stakeholder public?" (a membership of a published cluster), asked of every
        # row the stakeholder list reads, answered from the index alone (issue 11).
        indexes = [
            models.Index(fields=["stakeholder", "cluster"], name="membership_stakeholder_idx")
        ]

    def __str__(self):
        return f"{self.stakeholder} in {self.cluster}"


class Relationship(TimeStampedModel):
    """A typed, directed, optionally dated link between two stakeholders of a cluster."""

    # The columns of its two partial dates (a date and the precision it was typed at, each),
    # as the bulk paths read and write them.
    DATE_COLUMNS = ("since", "since_precision", "until", "until_precision")

    # Each key leads an index of Meta (relationship_cluster_kind_idx, relationship_source_order_idx,
    # relationship_target_idx), which serves it alone too.
    cluster = models.ForeignKey(
        Cluster, on_delete=models.CASCADE, related_name="relationships", db_index=False
    )
    source = models.ForeignKey(
        Stakeholder,
        on_delete=models.CASCADE,
        related_name="outgoing_relationships",
        db_index=False,
    )
    target = models.ForeignKey(
        Stakeholder,
        on_delete=models.CASCADE,
        related_name="incoming_relationships",
        db_index=False,
    )
    kind = models.CharField(_("relationship"), max_length=20, choices=RelationshipType)
    # A date typed as 2018 or 2018-03 is kept as its first day plus its precision
    # (common.partial_dates), and shown and exported as typed.
    since = models.DateField(_("since"), null=True, blank=True)
    since_precision = models.CharField(
        _("since: precision"),
        max_length=5,
        choices=Precision,
        default=Precision.DAY,
        db_default=Precision.DAY,
    )
    until = models.DateField(_("until"), null=True, blank=True)
    until_precision = models.CharField(
        _("until: precision"),
        max_length=5,
        choices=Precision,
        default=Precision.DAY,
        db_default=Precision.DAY,
    )
    provenance = models.CharField(_("source"), max_length=500, blank=True)
    history = RegistryHistory()

    class Meta:
        ordering = ["cluster", "source", "kind", "target"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(source=F("target")),
                name="relationship_no_self_link",
                violation_error_message=_("A stakeholder cannot have a relationship with itself."),
            ),
            models.UniqueConstraint(
                fields=["cluster", "source", "target", "kind"],
                name="relationship_unique",
                violation_error_message=_("This relationship is recorded already."),
            ),
            models.CheckConstraint(
                condition=until_not_before_since(),
                name="relationship_until_after_since",
                violation_error_message=_("'Until' must not be before 'since'."),
            ),
        ]
        indexes = [
            models.Index(fields=["target", "kind"], name="relationship_target_idx"),
            # One cluster's relationships in the list's order (source name, kind, id): walking
            # the stakeholders by name, PostgreSQL finds each one's relationships in the cluster
            # already ordered, and stops after a page (issue 11).
            models.Index(
                fields=["source", "cluster", "kind", "id"], name="relationship_source_order_idx"
            ),
            # A cluster's relationships of one kind (`?cluster=...&kind=...`), counted and
            # sorted without reading the others.
            models.Index(fields=["cluster", "kind", "id"], name="relationship_cluster_kind_idx"),
        ]

    def __str__(self):
        return relationship_sentence(kind=self.kind, source=self.source, target=self.target)

    @property
    def since_partial(self):
        """Return `since` at the precision it was typed with (a PartialDate), or None."""
        return partial_date(self.since, self.since_precision)

    @property
    def until_partial(self):
        """Return `until` at the precision it was typed with (a PartialDate), or None."""
        return partial_date(self.until, self.until_precision)


class Network(TimeStampedModel):
    """A group of usually 3-10 enterprises of one cluster doing a joint action (FAQ Q59-61).

    The size and that every member is an enterprise of the cluster are checked by
    stakeholders.services.network_save.
    """

    MIN_MEMBERS, MAX_MEMBERS = 3, 10

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="networks")
    name = models.CharField(_("name"), max_length=200)
    joint_action = models.CharField(_("joint action"), max_length=30, choices=JointAction)
    description = models.TextField(_("description"), blank=True)
    started = models.DateField(_("started"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=NetworkStatus, default=NetworkStatus.ACTIVE
    )
    members = models.ManyToManyField(Stakeholder, related_name="networks", blank=True)
    history = RegistryHistory(m2m_fields=[members])

    class Meta:
        ordering = ["cluster", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["cluster", "name"],
                name="network_unique_name_per_cluster",
                violation_error_message=_("This cluster already has a network of that name."),
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.cluster})"


class NetworkSummary(models.Model):
    """The network figures of one cluster that every cluster export carries (actors, links,
    distinct linked pairs, isolated actors, enterprises without a trade link, absent kinds).

    Derived data, not audited: stakeholders.network.summary refreshes a cluster's row when
    its network changes (network_cache_invalidate) and rebuilds them all after bulk loads.
    A missing row means "not known": the export computes that cluster's figures instead.
    """

    cluster = models.OneToOneField(
        Cluster, on_delete=models.CASCADE, primary_key=True, related_name="network_summary"
    )
    actors = models.PositiveIntegerField()
    links = models.PositiveIntegerField()
    pairs = models.PositiveIntegerField()
    isolated = models.PositiveIntegerField()
    unlinked_enterprises = models.PositiveIntegerField()
    absent_kinds = models.CharField(max_length=200, blank=True)
    # These figures as the cluster export's CSV cells (network.summary.summary_csv_sql),
    # written with them; NULL where only Python writes the density (the export then does).
    csv_text = models.TextField(null=True, blank=True)  # noqa: DJ001 (NULL: not known, "" is text)
    refreshed = models.DateTimeField()

    class Meta:
        ordering = ["cluster"]
        verbose_name = _("network summary")
        verbose_name_plural = _("network summaries")

    def __str__(self):
        return f"network summary of cluster {self.cluster_id}"
