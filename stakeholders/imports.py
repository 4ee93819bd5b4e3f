"""Import stakeholders (with their cluster memberships) and relationships (docs/formats.md)."""

import functools
from collections import OrderedDict
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clusters import revisions as cluster_revisions
from clusters import services as cluster_services
from clusters.models import Cluster
from clusters.permissions import cluster_policy
from common.fingerprints import FingerprintSpec
from common.forms import COUNTRY_CODE_MESSAGE, CodeChoiceField, CodeField
from common.importing import (
    IDENTITY,
    PROPOSED,
    UNCHANGED,
    RowError,
    RowImporter,
    identity_digest,
)
from common.partial_dates import PartialDate, ends_before, parse_partial_date
from common.permissions import CHANGE
from common.text import collapse_spaces

from . import revisions, services
from .bulk import (
    DETAIL_FIELDS,
    HiddenStakeholders,
    RelationshipRow,
    StakeholderRow,
    relationships_import_bulk,
    stakeholders_import_bulk,
)
from .choices import (
    KIND_MESSAGE,
    RELATIONSHIP_TYPE_MESSAGE,
    ROLE_MESSAGE,
    Kind,
    RelationshipType,
    Role,
)
from .import_fast import relationship_row_clean, stakeholder_row_clean
from .models import ClusterMembership, Relationship, Stakeholder
from .network.summary import ends_are_members_sql
from .permissions import stakeholder_policy

STAKEHOLDER_COLUMNS = (
    "name",
    "kind",
    "role",
    "cluster_product",
    "cluster_place",
    "cluster_state",
    "cluster_district",
    "cluster_country",
    "place",
    "state",
    "website",
    "email",
    "phone",
    "source",
)
RELATIONSHIP_COLUMNS = (
    "source_name",
    "source_kind",
    "target_name",
    "target_kind",
    "relationship",
    "cluster_product",
    "cluster_place",
    "cluster_state",
    "cluster_country",
    "since",
    "until",
    "source",
)
_read_date = functools.lru_cache(maxsize=4096)(parse_partial_date)  # dates repeat


class PartialDateField(forms.CharField):
    """A year, year-month or full date, as a PartialDate; blank is None."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return parse_partial_date(value) if value else None

    def prepare_value(self, value):
        # A stored PartialDate is re-shown as typed (2018, 2018-03), not as its first day.
        return value.iso() if isinstance(value, PartialDate) else value


@dataclass(frozen=True)
class Member:
    """A member of a cluster as an import names it: its primary key (equal if the same)."""

    pk: int


class ChunkLookups(services.ImportLookups):
    """The import's memoised look-ups, filled a chunk at a time: the clusters a chunk names
    in one query, the members of the clusters it names in one more, and no more members
    kept than MEMBER_BUDGET (the clusters used longest ago are forgotten first)."""

    MEMBER_BUDGET = 1_000_000  # about 150 MB of names and ids

    KEY_BUDGET = 100_000  # spellings of a cluster's identity kept (then forgotten at once)

    def __init__(self):
        super().__init__()
        self._members = OrderedDict()
        self._member_count = 0
        self._keys = {}  # (product, place, state or region, country) as given -> identity

    def _cluster_key(self, product, place, region, country):
        """Return the identity of the cluster these cells name, memoised per spelling (every
        row of a cluster spells it the same way: one normalisation, not one per row)."""
        spelling = (
            product,
            place,
            None if region is None else (region.country, region.name),
            country,
        )
        key = self._keys.get(spelling)
        if key is None:
            if len(self._keys) >= self.KEY_BUDGET:
                self._keys.clear()
            key = self._keys[spelling] = cluster_services.cluster_identity_key(
                product=product, place=place, region=region, country=country
            )
        return key

    def cluster(self, *, product, place, region, country="IN"):
        """Return what cluster_find returns, asking the database once per identity."""
        key = self._cluster_key(product, place, region, country)
        if key not in self._clusters:
            self._clusters[key] = Cluster.objects.filter(identity_key=key).first()
        return self._clusters[key]

    def prefetch(self, rows, *, members=False):
        """Look up at once the clusters (and with `members`, their members) that the valid
        rows of a chunk name, so that validating each row asks the database nothing."""
        wanted = set()
        for _number, values, unreadable in rows:
            if unreadable is not None:
                continue
            country = (values.get("cluster_country") or "").strip().upper() or "IN"
            try:
                region = self.region(state=values.get("cluster_state") or "", country=country)
            except ValidationError:
                continue
            if region is not None and region.pk is None:
                continue
            key = self._cluster_key(
                values.get("cluster_product") or "",
                values.get("cluster_place") or "",
                region,
                country,
            )
            if key not in self._clusters:
                wanted.add(key)
        for start in range(0, len(wanted), 5000):
            keys = list(wanted)[start : start + 5000]
            found = {c.identity_key: c for c in Cluster.objects.filter(identity_key__in=keys)}
            for key in keys:
                self._clusters[key] = found.get(key)
        if members:
            ids = {c.pk for c in self._clusters.values() if c is not None}
            self._load_members([pk for pk in ids if pk not in self._members])

    def _load_members(self, cluster_ids):
        for start in range(0, len(cluster_ids), 2000):
            chunk = cluster_ids[start : start + 2000]
            loaded = {pk: {} for pk in chunk}
            rows = (
                ClusterMembership.objects.filter(cluster_id__in=chunk)
                .order_by("-stakeholder_id")
                .values_list("cluster_id", "stakeholder__identity_key", "stakeholder_id")
            )
            for cluster_id, key, stakeholder_id in rows.iterator(chunk_size=20000):
                # the lowest pk wins, as in the service
                loaded[cluster_id][key.rsplit("|", 1)[0]] = stakeholder_id
            for pk, members in loaded.items():
                self._members[pk] = members
                self._member_count += len(members)
        while self._member_count > self.MEMBER_BUDGET and len(self._members) > 1:
            _pk, members = self._members.popitem(last=False)
            self._member_count -= len(members)

    def member(self, *, cluster, name, kind):
        """Return the member of `cluster` with this name and kind (any spelling of the name;
        the oldest where several states have one) as a `Member`, or None."""
        members = self._members.get(cluster.pk)
        if members is None:
            self._load_members([cluster.pk])
            members = self._members[cluster.pk]
        else:
            self._members.move_to_end(cluster.pk)
        prefix = services.stakeholder_identity_prefix(name=name, kind=kind).rstrip("|")
        pk = members.get(prefix)
        return None if pk is None else Member(pk)


class ClusterReferenceForm(forms.Form):
    """The columns that name a cluster by its identity; `clean` finds it."""

    cluster_product = forms.CharField(max_length=200)
    cluster_place = forms.CharField(max_length=200)
    cluster_state = forms.CharField(max_length=100, required=False)
    cluster_country = CodeField(length=2, default="IN", message=COUNTRY_CODE_MESSAGE)

    def __init__(self, *args, lookups=None, cluster_refusal=None, **kwargs):
        """`cluster_refusal(cluster)` returns why the importing user may not add to a
        cluster (None: they may); without it every cluster may be added to."""
        super().__init__(*args, **kwargs)
        self.lookups = lookups or services.ImportLookups()
        self.cluster_refusal = cluster_refusal
        self.fields["cluster_product"].error_messages["required"] = _(
            "the cluster's product is missing"
        )
        self.fields["cluster_place"].error_messages["required"] = _(
            "the cluster's place is missing"
        )

    def clean(self):
        cleaned = super().clean()
        if not {"cluster_product", "cluster_place", "cluster_state"} <= set(cleaned):
            return cleaned
        country = cleaned.get("cluster_country", "IN")
        try:
            region = self.lookups.region(state=cleaned["cluster_state"], country=country)
        except ValidationError as exc:
            self.add_error("cluster_state", exc.messages[0])
            return cleaned
        cluster = None
        if region is None or region.pk is not None:
            cluster = self.lookups.cluster(
                product=cleaned["cluster_product"],
                place=cleaned["cluster_place"],
                region=region,
                country=country,
            )
        if cluster is None:
            where = ", ".join(filter(None, [cleaned["cluster_place"], cleaned["cluster_state"]]))
            self.add_error(
                "cluster_product",
                _("no cluster '%(product)s' in %(where)s is registered: import the cluster first")
                % {"product": cleaned["cluster_product"], "where": where},
            )
        elif self.cluster_refusal is not None:
            # Before anything is looked up in the cluster, so that a row cannot find out
            # who belongs to a cluster the user may not change (or see).
            refusal = self.cluster_refusal(cluster)
            if refusal:
                self.add_error("cluster_product", refusal)
                cluster = None
        cleaned["cluster"] = cluster
        return cleaned


class StakeholderImportForm(ClusterReferenceForm):
    """Validate one row of a stakeholder file."""

    name = forms.CharField(max_length=300)
    kind = CodeChoiceField(choices=Kind.choices, message=KIND_MESSAGE, required=True)
    role = CodeChoiceField(choices=Role.choices, message=ROLE_MESSAGE)
    cluster_district = forms.CharField(max_length=100, required=False)
    place = forms.CharField(max_length=200, required=False)
    state = forms.CharField(max_length=100, required=False)
    website = forms.URLField(max_length=500, required=False, assume_scheme="https")
    email = forms.EmailField(required=False)
    phone = forms.CharField(max_length=50, required=False)
    source = forms.CharField(max_length=500, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].error_messages["required"] = _("the name is missing")
        self.fields["kind"].error_messages["required"] = _("the kind is missing")

    def clean(self):
        cleaned = super().clean()
        for name in ("name", "place", "phone", "source"):
            if name in cleaned:
                cleaned[name] = collapse_spaces(cleaned[name])
        if cleaned.get("kind") and cleaned.get("role"):
            try:
                services.validate_role(kind=cleaned["kind"], role=cleaned["role"])
            except ValidationError as exc:
                self.add_error("role", exc.messages[0])
        if "state" in cleaned:
            try:
                # A stakeholder is where its cluster is unless told otherwise.
                cleaned["region"] = self.lookups.region(
                    state=cleaned["state"], country=cleaned.get("cluster_country", "IN")
                )
            except ValidationError as exc:
                self.add_error("state", exc.messages[0])
        return cleaned


# A stakeholder row is unchanged while the stakeholder is as the import left it (no new row
# version, xmin, with its `updated` stamp; and its own version, which a later row of the same
# import bumps when it changes it) and still a member of the cluster, which keeps its identity
# (common.fingerprints).
STAKEHOLDER_FINGERPRINTS = FingerprintSpec(
    importer="stakeholders",
    keys=("text", "bigint"),
    record="SELECT s.id FROM stakeholders_stakeholder s WHERE s.identity_key = t.k1",
    scope_id="t.k2",
    state=(
        "SELECT md5(x.xmin::text || x.updated::text || x.version || c.identity_key)"
        " FROM stakeholders_stakeholder x"
        " JOIN stakeholders_clustermembership m ON m.stakeholder_id = x.id"
        " JOIN clusters_cluster c ON c.id = m.cluster_id"
        " WHERE x.id = {record_id} AND m.cluster_id = {scope_id}"
    ),
)
# A relationship row is unchanged while the relationship is as the import left it (its row
# version and stamp), its ends are still members of its cluster and none of the three has
# another identity.
RELATIONSHIP_FINGERPRINTS = FingerprintSpec(
    importer="relationships",
    keys=("bigint", "bigint", "bigint", "text"),
    record=(
        "SELECT r.id FROM stakeholders_relationship r WHERE r.cluster_id = t.k1"
        " AND r.source_id = t.k2 AND r.target_id = t.k3 AND r.kind = t.k4"
    ),
    state=(
        "SELECT md5(x.xmin::text || x.updated::text || c.identity_key || a.identity_key"
        " || b.identity_key)"
        " FROM stakeholders_relationship x JOIN clusters_cluster c ON c.id = x.cluster_id"
        " JOIN stakeholders_stakeholder a ON a.id = x.source_id"
        " JOIN stakeholders_stakeholder b ON b.id = x.target_id"
        " WHERE x.id = {record_id}"
        f" AND {ends_are_members_sql('x')}"
    ),
)


class ClusterScopedImporter(RowImporter):
    """An importer whose rows add to a cluster: a user may only add to clusters they edit
    (checked as each row is validated, once per cluster)."""

    def __init__(self, *, user=None):
        self.user = user
        self.lookups = ChunkLookups()
        self._refusals = {}
        self._invalidated = set()  # clusters whose cached network this import forgot

    prefetch_members = False

    def fingerprint_context(self):
        return cluster_services.region_table_digest()

    def prepare(self, rows):
        """Look up at once the clusters (and members) that the rows to be read name."""
        self.lookups.prefetch(rows, members=self.prefetch_members)

    def form_kwargs(self):
        if self.user is None:  # an operator's import may add to every cluster
            return {"lookups": self.lookups}
        return {"lookups": self.lookups, "cluster_refusal": self.cluster_refusal}

    def row_cluster_refusal(self):
        """Return the check of what clusters a row may add to (None: all)."""
        return None if self.user is None else self.cluster_refusal

    def cluster_refusal(self, cluster):
        """Return why the importing user may not add to `cluster`, or None if they may; a
        cluster they may not even see is not named."""
        if cluster.pk not in self._refusals:
            refusal = None
            if not cluster_policy.user_has_permission_for_instance(self.user, CHANGE, cluster):
                if cluster_services.cluster_is_visible(user=self.user, cluster=cluster):
                    refusal = _(
                        "you may not change the cluster %(cluster)s: it is another agency's"
                    ) % {"cluster": cluster}
                else:
                    refusal = _(
                        "a cluster with this product and place is maintained by another "
                        "agency; you may not add to it (a curator can help)"
                    )
            self._refusals[cluster.pk] = refusal
        return self._refusals[cluster.pk]


class StakeholderImporter(ClusterScopedImporter):
    """Create or update stakeholders by identity and link each to its row's cluster.

    The same stakeholder on several rows is one record with several memberships; a blank
    cell leaves the stored value alone.
    """

    columns = STAKEHOLDER_COLUMNS
    required = ("name", "kind", "cluster_product", "cluster_place")
    form_class = StakeholderImportForm
    label = "stakeholders"

    def _editable(self, stakeholders):
        """Return the ids of `stakeholders` whose details the importing user may change
        (one query; an operator's import may change all)."""
        ids = [stakeholder.pk for stakeholder in stakeholders]
        if self.user is None:
            return set(ids)
        allowed = stakeholder_policy.instances_user_has_permission_for(self.user, CHANGE)
        return set(allowed.filter(pk__in=ids).values_list("pk", flat=True))

    def _linkable(self, stakeholders):
        """Return the ids of `stakeholders` a row may name (and link) by name: those the
        importing user may see, as on the site's "link an existing stakeholder" (one query;
        an operator's import may link all)."""
        ids = [stakeholder.pk for stakeholder in stakeholders]
        if self.user is None:
            return set(ids)
        allowed = stakeholder_policy.linkable_instances(self.user)
        return set(allowed.filter(pk__in=ids).values_list("pk", flat=True))

    def fast_clean(self, values):
        return stakeholder_row_clean(
            values, lookups=self.lookups, cluster_refusal=self.row_cluster_refusal()
        )

    fingerprints = STAKEHOLDER_FINGERPRINTS
    written_models = (Stakeholder, ClusterMembership)

    def identity(self, cleaned):
        key = services.stakeholder_identity_key(
            name=cleaned["name"], kind=cleaned["kind"], region=cleaned["region"]
        )
        return key, cleaned["cluster"].pk

    def fingerprint_keys(self, cleaned):
        return cleaned[IDENTITY]

    def fingerprint_record(self, cleaned, identity):
        return identity_digest(cleaned[IDENTITY][0])  # the stakeholder, whatever its cluster

    def apply_rows(self, valid, result):
        """Write every valid row in bulk (stakeholders.bulk); a row that names, by name, a
        stakeholder the user may not see is refused (never linked, never revealed)."""
        rows, labels = [], []
        for number, cleaned in valid:
            cluster = cleaned["cluster"]
            if cluster_revisions.review_needed(user=self.user, cluster=cluster):
                outcome = self._propose_membership(number, cleaned, result)
                if outcome is not None:
                    result.count(outcome, number, f"{cleaned['name']} → {cluster}")
                    continue
            region = cleaned["region"]
            if region is not None and region.pk is None:  # another country's, first use
                region = cluster_services.region_get_or_create(
                    state=region.name, country=region.country
                )
            labels.append((number, f"{cleaned['name']} → {cluster}"))
            rows.append(
                StakeholderRow(
                    name=cleaned["name"],
                    kind=cleaned["kind"],
                    region=region,
                    cluster=cluster,
                    source=cleaned["source"],
                    country=cleaned["cluster_country"],
                    details={name: cleaned[name] for name in DETAIL_FIELDS if cleaned[name]},
                    key=cleaned[IDENTITY][0],
                )
            )
        try:
            outcomes = stakeholders_import_bulk(
                rows,
                editable=self._editable,
                linkable=self._linkable,
                invalidated=self._invalidated,
            )
        except HiddenStakeholders as exc:
            for index in exc.indexes:
                number = labels[index][0]
                result.add_error(RowError(number, "name", services.hidden_duplicate_message()))
            return
        for (number, label), outcome in zip(labels, outcomes, strict=True):
            result.count(outcome, number, label)

    def _propose_membership(self, number, cleaned, result):
        """Keep a row's new membership of a published cluster as the editor's proposal.

        Return its outcome; None for a stakeholder already a member (its row is written as
        any other: the stakeholder's details are not the cluster's). A new stakeholder is
        entered at once (nobody sees it before its membership is approved)."""
        cluster = cleaned["cluster"]
        stakeholder = Stakeholder.objects.filter(identity_key=cleaned[IDENTITY][0]).first()
        if stakeholder is not None:
            if ClusterMembership.objects.filter(cluster=cluster, stakeholder=stakeholder).exists():
                return None
            if not self._linkable([stakeholder]):
                result.add_error(RowError(number, "name", services.hidden_duplicate_message()))
                return UNCHANGED
        else:
            region = cleaned["region"]
            if region is not None and region.pk is None:
                region = cluster_services.region_get_or_create(
                    state=region.name, country=region.country
                )
            details = {name: cleaned[name] for name in DETAIL_FIELDS if cleaned[name]}
            stakeholder = services.stakeholder_create(
                name=cleaned["name"],
                kind=cleaned["kind"],
                region=region,
                source=cleaned["source"],
                **details,
            )
        added = revisions.member_added(stakeholder=stakeholder, source=cleaned["source"])
        cluster_revisions.revision_propose(
            user=self.user, cluster=cluster, changes={"members_added": [added]}
        )
        return PROPOSED


# A relationship's end that is not a member of the cluster, one sentence for each kind.
NOT_A_MEMBER = {
    Kind.ENTERPRISE: gettext_lazy("no enterprise '%(name)s' belongs to the cluster %(cluster)s"),
    Kind.SUPPLIER: gettext_lazy("no supplier '%(name)s' belongs to the cluster %(cluster)s"),
    Kind.INSTITUTION: gettext_lazy("no institution '%(name)s' belongs to the cluster %(cluster)s"),
    Kind.ASSOCIATION: gettext_lazy("no association '%(name)s' belongs to the cluster %(cluster)s"),
    Kind.BDS_PROVIDER: gettext_lazy(
        "no BDS provider '%(name)s' belongs to the cluster %(cluster)s"
    ),
}


class RelationshipImportForm(ClusterReferenceForm):
    """Validate one row of a relationship file."""

    source_name = forms.CharField(max_length=300)
    source_kind = CodeChoiceField(choices=Kind.choices, message=KIND_MESSAGE, required=True)
    target_name = forms.CharField(max_length=300)
    target_kind = CodeChoiceField(choices=Kind.choices, message=KIND_MESSAGE, required=True)
    relationship = CodeChoiceField(
        choices=RelationshipType.choices, message=RELATIONSHIP_TYPE_MESSAGE, required=True
    )
    since = PartialDateField()
    until = PartialDateField()
    source = forms.CharField(max_length=500, required=False)

    def clean(self):
        cleaned = super().clean()
        cluster = cleaned.get("cluster")
        for end in ("source", "target"):
            name, kind = cleaned.get(f"{end}_name"), cleaned.get(f"{end}_kind")
            if cluster is None or not name or not kind:
                continue
            member = self.lookups.member(cluster=cluster, name=name, kind=kind)
            if member is None:
                self.add_error(
                    f"{end}_name",
                    str(NOT_A_MEMBER[kind]) % {"name": name, "cluster": cluster},
                )
            cleaned[f"{end}_stakeholder"] = member
        source, target = cleaned.get("source_stakeholder"), cleaned.get("target_stakeholder")
        if source is not None and source == target:
            self.add_error("target_name", _("a stakeholder cannot have a relationship with itself"))
        since, until = cleaned.get("since"), cleaned.get("until")
        if ends_before(until, since):
            self.add_error(
                "until",
                _("'until' %(until)s is before 'since' %(since)s")
                % {"until": until, "since": since},
            )
        return cleaned

    def clean_source(self):
        return collapse_spaces(self.cleaned_data["source"])


class RelationshipImporter(ClusterScopedImporter):
    """Create or update relationships between stakeholders who belong to the cluster."""

    columns = RELATIONSHIP_COLUMNS
    required = (
        "source_name",
        "source_kind",
        "target_name",
        "target_kind",
        "relationship",
        "cluster_product",
        "cluster_place",
    )
    form_class = RelationshipImportForm
    label = "relationships"
    prefetch_members = True

    def fast_clean(self, values):
        return relationship_row_clean(
            values,
            lookups=self.lookups,
            cluster_refusal=self.row_cluster_refusal(),
            read_date=_read_date,
        )

    def row_label(self, cleaned):
        return f"{cleaned['source_name']} {cleaned['relationship']} {cleaned['target_name']}"

    fingerprints = RELATIONSHIP_FINGERPRINTS
    written_models = (Relationship,)

    def identity(self, cleaned):
        return (
            cleaned["cluster"].pk,
            cleaned["source_stakeholder"].pk,
            cleaned["target_stakeholder"].pk,
            cleaned["relationship"],
        )

    def fingerprint_keys(self, cleaned):
        return cleaned[IDENTITY]

    def apply_rows(self, valid, result):
        """Write every valid row in bulk (stakeholders.bulk)."""
        rows, labels = [], []
        for number, cleaned in valid:
            if cluster_revisions.review_needed(user=self.user, cluster=cleaned["cluster"]):
                result.count(self._propose_relationship(cleaned), number, self.row_label(cleaned))
                continue
            labels.append((number, self.row_label(cleaned)))
            rows.append(
                RelationshipRow(
                    cluster=cleaned["cluster"],
                    source=cleaned["source_stakeholder"],
                    target=cleaned["target_stakeholder"],
                    kind=cleaned["relationship"],
                    since=cleaned["since"],
                    until=cleaned["until"],
                    provenance=cleaned["source"],
                )
            )
        outcomes = relationships_import_bulk(rows, invalidated=self._invalidated)
        for (number, label), outcome in zip(labels, outcomes, strict=True):
            result.count(outcome, number, label)

    def _propose_relationship(self, cleaned):
        """Keep a row's new or changed relationship in a published cluster as the editor's
        proposal; return its outcome."""
        cluster = cleaned["cluster"]
        ends = Stakeholder.objects.in_bulk(
            [cleaned["source_stakeholder"].pk, cleaned["target_stakeholder"].pk]
        )  # the import names members by their ids only (Member)
        source, target = (ends[cleaned[f"{end}_stakeholder"].pk] for end in ("source", "target"))
        wanted = {
            "since": cleaned["since"],
            "until": cleaned["until"],
            "provenance": cleaned["source"],
        }
        existing = Relationship.objects.filter(
            cluster=cluster, source=source, target=target, kind=cleaned["relationship"]
        ).first()
        stored = existing and {
            "since": existing.since_partial,
            "until": existing.until_partial,
            "provenance": existing.provenance,
        }
        if existing is not None and stored == wanted:
            return UNCHANGED
        changes = {
            "relationships_added": [
                revisions.relationship_added(
                    source=source, target=target, kind=cleaned["relationship"], **wanted
                )
            ]
        }
        if existing is not None:
            changes["relationships_removed"] = [
                revisions.relationship_removed(relationship=existing)
            ]
        cluster_revisions.revision_propose(user=self.user, cluster=cluster, changes=changes)
        return PROPOSED
