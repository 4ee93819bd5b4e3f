"""Import clusters from the contract's cluster CSV/XLSX format (see docs/formats.md)."""

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from common.bulk import select_where_in
from common.fingerprints import FingerprintSpec
from common.forms import (
    AMOUNT_MESSAGES,
    COUNTRY_CODE_MESSAGE,
    CURRENCY_CODE_MESSAGE,
    MAX_AMOUNT,
    CodeChoiceField,
    CodeField,
    CoordinateField,
    WholeNumberField,
    YesNoField,
)
from common.importing import (
    CREATED,
    IDENTITY,
    PROPOSED,
    UNCHANGED,
    UPDATED,
    RowError,
    RowImporter,
)
from common.permissions import CHANGE, VIEW, is_curator
from common.text import collapse_spaces

from . import geography, revisions, services
from .accounts import editor_agency_id
from .bulk import NewCluster, clusters_create_bulk
from .choices import (
    AMOUNT_MEASURES,
    CLUSTER_TYPE_MESSAGE,
    MEASURES,
    ORIGIN_MESSAGE,
    STAGE_MESSAGE,
    STRUCTURE_MESSAGE,
    ClusterType,
    Origin,
    PublicationStatus,
    Stage,
    Structure,
)
from .import_fast import cluster_row_clean
from .models import DESCRIPTOR_FIELDS, Agency, Cluster, ClusterFigure
from .permissions import cluster_policy

CLUSTER_COLUMNS = (
    "product",
    "place",
    "district",
    "state",
    "country",
    "cluster_type",
    "sector",
    "enterprise_count",
    "loom_count",
    "artisan_count",
    "employment",
    "annual_turnover",
    "annual_exports",
    "currency",
    "figures_year",
    "estimated",
    "source",
    "origin",
    "structure",
    "stage",
    "latitude",
    "longitude",
    "description",
    "exporting",
)
REQUIRED_COLUMNS = ("product", "place", "cluster_type")


class ClusterImportForm(forms.Form):
    """Validate one row of a cluster file."""

    product = forms.CharField(max_length=200)
    place = forms.CharField(max_length=200)
    district = forms.CharField(max_length=100, required=False)
    state = forms.CharField(max_length=100, required=False)
    country = CodeField(length=2, default="IN", message=COUNTRY_CODE_MESSAGE)
    cluster_type = CodeChoiceField(
        choices=ClusterType.choices, message=CLUSTER_TYPE_MESSAGE, required=True
    )
    sector = forms.CharField(max_length=100, required=False)
    enterprise_count = WholeNumberField()
    loom_count = WholeNumberField()
    artisan_count = WholeNumberField()
    employment = WholeNumberField()
    annual_turnover = WholeNumberField(maximum=MAX_AMOUNT, messages=AMOUNT_MESSAGES)
    annual_exports = WholeNumberField(maximum=MAX_AMOUNT, messages=AMOUNT_MESSAGES)
    currency = CodeField(length=3, default="INR", message=CURRENCY_CODE_MESSAGE)
    figures_year = forms.CharField(max_length=20, required=False)
    estimated = YesNoField()
    source = forms.CharField(max_length=500, required=False)
    origin = CodeChoiceField(choices=Origin.choices, message=ORIGIN_MESSAGE)
    structure = CodeChoiceField(choices=Structure.choices, message=STRUCTURE_MESSAGE)
    stage = CodeChoiceField(choices=Stage.choices, message=STAGE_MESSAGE)
    latitude = CoordinateField(limit=90)
    longitude = CoordinateField(limit=180)
    description = forms.CharField(required=False)
    exporting = YesNoField()

    def __init__(self, *args, lookups=None, **kwargs):
        """`lookups` (services.Lookups) memoises the region look-ups of an import."""
        super().__init__(*args, **kwargs)
        self.lookups = lookups
        self.fields["product"].error_messages["required"] = _("the product is missing")
        self.fields["place"].error_messages["required"] = _("the place is missing")
        self.fields["cluster_type"].error_messages["required"] = _("the cluster type is missing")

    def clean_figures_year(self):
        try:
            return services.validate_year(self.cleaned_data["figures_year"])
        except ValidationError as exc:
            raise ValidationError(exc.messages[0]) from None

    def clean(self):
        cleaned = super().clean()
        for name in ("product", "place", "district", "sector", "source"):
            if name in cleaned:
                cleaned[name] = collapse_spaces(cleaned[name])
        if "country" in cleaned and "state" in cleaned:
            try:
                lookup = self.lookups.region if self.lookups else services.region_lookup
                cleaned["region"] = lookup(state=cleaned["state"], country=cleaned["country"])
            except ValidationError as exc:
                self.add_error("state", exc.messages[0])
        if not self.has_error("latitude") and not self.has_error("longitude"):
            for name, message in geography.coordinate_errors(
                latitude=cleaned.get("latitude"),
                longitude=cleaned.get("longitude"),
                country=cleaned.get("country"),
            ).items():
                self.add_error(name, message)
        return cleaned


def row_figures(cleaned):
    """Return {measure: value} of the figures a valid row gives (blank ones left out)."""
    return {m: cleaned[m] for m in MEASURES if cleaned.get(m) is not None}


def figures_would_change(*, cluster, values, provenance, figures):
    """Return whether services.cluster_record_figures would change anything, given the
    cluster's recorded `figures` of those measures (in the model's order): the same test,
    without a query, so that an unchanged row costs no write."""
    existing = {(figure.measure, figure.year, figure.source): figure for figure in figures}
    for measure, value in values.items():
        currency = provenance.currency if measure in AMOUNT_MEASURES else ""
        figure = existing.get((measure, provenance.year, provenance.source))
        if figure is not None:
            if (figure.value, figure.estimated, figure.currency) != (
                value,
                provenance.estimated,
                currency,
            ):
                return True
        elif getattr(cluster, measure) != value:
            return True
    return False


def row_provenance(cleaned):
    """Return the provenance a row gives its figures."""
    return services.Provenance(
        year=cleaned["figures_year"],
        source=cleaned["source"],
        estimated=bool(cleaned["estimated"]),
        currency=cleaned["currency"],
    )


# A cluster row is unchanged while the cluster and its sector's name are as the import left
# them: no new row version of the cluster (xmin, which every write of a row changes; with
# its `updated` stamp and version). Its figures are covered by the cluster's row: every
# write of a figure re-saves its cluster (services.cluster_refresh_current_figures sets its
# current values from them; a bulk import writes the figures with their new cluster), as
# tests/common/test_import_fingerprints.py checks for each path (common.fingerprints).
CLUSTER_FINGERPRINTS = FingerprintSpec(
    importer="clusters",
    keys=("text",),
    record="SELECT c.id FROM clusters_cluster c WHERE c.identity_key = t.k1",
    state=(
        # (The sector's name by a scalar subquery, one probe: as a LEFT JOIN it was hashed
        # anew for every row.)
        "SELECT md5(x.xmin::text || x.updated::text || x.version || coalesce("
        "(SELECT z.name FROM clusters_sector z WHERE z.id = x.sector_id), ''))"
        " FROM clusters_cluster x WHERE x.id = {record_id}"
    ),
)


class ClusterImporter(RowImporter):
    """Create or update clusters by identity (product + place + state + country).

    New clusters get `status` and `agency`; existing ones keep theirs. A blank cell leaves
    the stored value alone (blank is unknown), so a partial file never erases data.
    """

    columns = CLUSTER_COLUMNS
    required = REQUIRED_COLUMNS
    form_class = ClusterImportForm
    label = "clusters"

    def __init__(self, *, agency=None, status=PublicationStatus.PUBLISHED, user=None):
        """An import by `user` (an agency editor) creates drafts of their own agency and may
        update only their agency's clusters; without a user it is an operator's import."""
        self.user = user
        self.agency = agency
        self.status = status
        if user is not None and not is_curator(user):
            agency_id = editor_agency_id(user)
            if agency_id is None:
                raise PermissionDenied(_("only agency editors and curators may import clusters"))
            self.agency = Agency.objects.get(pk=agency_id)
            self.status = PublicationStatus.DRAFT
        self.lookups = services.Lookups()

    fingerprints = CLUSTER_FINGERPRINTS
    written_models = (Cluster, ClusterFigure)

    def form_kwargs(self):
        return {"lookups": self.lookups}

    def fast_clean(self, values):
        return cluster_row_clean(values, lookups=self.lookups)

    def fingerprint_context(self):
        return services.region_table_digest()

    def fingerprint_keys(self, cleaned):
        return (cleaned[IDENTITY],)

    def identity(self, cleaned):
        return services.cluster_identity_key(
            product=cleaned["product"],
            place=cleaned["place"],
            region=cleaned["region"],
            country=cleaned["country"],
        )

    def row_label(self, cleaned):
        return f"{cleaned['product']}, {cleaned['place']}"

    def apply_rows(self, valid, result):
        """Create new clusters in bulk (clusters.bulk) and update existing ones one by one.

        Regions, sectors, benchmark rules, the existing clusters and what the user may
        change are each looked up once for the whole file.
        """
        rules = services.benchmark_rules()
        keys = [cleaned[IDENTITY] for _number, cleaned in valid]
        # Which rows name an existing cluster, by one array look-up (a file of new clusters
        # reads nothing more); then those clusters whole, by key.
        found = [
            pk
            for _key, pk in select_where_in(Cluster, ("identity_key", "pk"), "identity_key", keys)
        ]
        existing = {}
        for start in range(0, len(found), 2000):
            existing.update(
                (cluster.identity_key, cluster)
                for cluster in Cluster.objects.filter(
                    pk__in=found[start : start + 2000]
                ).select_related("region", "sector")
            )
        figures = {}
        for start in range(0, len(existing), 2000):
            ids = [cluster.pk for cluster in list(existing.values())[start : start + 2000]]
            for figure in ClusterFigure.objects.filter(cluster_id__in=ids):
                figures.setdefault(figure.cluster_id, []).append(figure)
        editable = visible = None
        if self.user is not None and existing:
            ids = [cluster.pk for cluster in existing.values()]
            editable = set(
                cluster_policy.instances_user_has_permission_for(self.user, CHANGE)
                .filter(pk__in=ids)
                .values_list("pk", flat=True)
            )
            if editable != set(ids):
                visible = set(
                    cluster_policy.instances_user_has_permission_for(self.user, VIEW)
                    .filter(pk__in=set(ids) - editable)
                    .values_list("pk", flat=True)
                )
        regions, sectors, new_clusters = {}, {}, []
        for (number, cleaned), key in zip(valid, keys, strict=True):
            region = cleaned["region"]
            if region is not None and region.pk is None:  # another country's, first use
                region = self._cached(
                    regions,
                    (cleaned["country"], cleaned["state"]),
                    lambda c=cleaned: services.region_get_or_create(
                        state=c["state"], country=c["country"]
                    ),
                )
            sector = self._cached(
                sectors,
                cleaned["sector"].lower(),
                lambda c=cleaned: services.sector_get_or_create(name=c["sector"]),
            )
            descriptors = {
                name: cleaned[name] for name in DESCRIPTOR_FIELDS if cleaned[name] not in ("", None)
            }
            cluster = existing.get(key)
            if cluster is None:
                fields = {
                    "product": cleaned["product"],
                    "place": cleaned["place"],
                    "region": region,
                    "country": cleaned["country"],
                    "cluster_type": cleaned["cluster_type"],
                    "sector": sector,
                    "agency": self.agency,
                    "status": self.status,
                    **descriptors,
                }
                new_clusters.append(
                    NewCluster(fields, row_figures(cleaned), row_provenance(cleaned))
                )
                result.count(CREATED, number, self.row_label(cleaned))
                continue
            if editable is not None and cluster.pk not in editable:
                if cluster.pk in visible:
                    message = _(
                        "a cluster with this product and place is maintained by another "
                        "agency; you cannot change it"
                    )
                else:  # another agency's draft: that it exists, nothing more
                    message = services.hidden_duplicate_message()
                result.add_error(RowError(number, "product", message))
                continue
            data = {"cluster_type": cleaned["cluster_type"], **descriptors}
            if sector is not None:
                data["sector"] = sector
            values, provenance = row_figures(cleaned), row_provenance(cleaned)
            if not any(getattr(cluster, name) != value for name, value in data.items()) and (
                not figures_would_change(
                    cluster=cluster,
                    values=values,
                    provenance=provenance,
                    figures=[f for f in figures.get(cluster.pk, ()) if f.measure in values],
                )
            ):  # what cluster_update and cluster_record_figures would find: nothing to do
                result.count(UNCHANGED, number, self.row_label(cleaned))
                continue
            if revisions.review_needed(user=self.user, cluster=cluster):
                self._propose(cluster, data, values, provenance, figures.get(cluster.pk, ()))
                result.count(PROPOSED, number, self.row_label(cleaned))
                continue
            changed = services.cluster_update(cluster=cluster, data=data, rules=rules)
            changed |= services.cluster_record_figures(
                cluster=cluster,
                values=values,
                provenance=provenance,
                rules=rules,
            )
            result.count(UPDATED if changed else UNCHANGED, number, self.row_label(cleaned))
        if not result.error_count:
            clusters_create_bulk(new_clusters, rules=rules)

    def _propose(self, cluster, data, values, provenance, figures):
        """Keep the row's changes to a published cluster as the editor's pending revision:
        the fields that differ, and the figures that would change something."""
        changed_figures = {
            measure: value
            for measure, value in values.items()
            if figures_would_change(
                cluster=cluster,
                values={measure: value},
                provenance=provenance,
                figures=[f for f in figures if f.measure == measure],
            )
        }
        revisions.revision_propose(
            user=self.user,
            cluster=cluster,
            changes={
                "fields": revisions.field_changes(cluster=cluster, data=data),
                "figures": revisions.figure_changes(values=changed_figures, provenance=provenance),
            },
        )

    @staticmethod
    def _cached(cache, key, make):
        if key not in cache:
            cache[key] = make()
        return cache[key]
