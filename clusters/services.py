"""Writes to clusters, their figures and benchmarks: every path (admin, site, importers,
API) goes through these functions, so the rules hold whichever way data comes in."""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from common.bulk import select_where_in
from common.history import current_change_set
from common.page_cache import bump_public_version
from common.permissions import VIEW
from common.text import collapse_spaces, normalise, slugify_fast

from . import regions as indian_regions
from .choices import AMOUNT_MEASURES, Measure
from .classification import BenchmarkRule, classify
from .models import Benchmark, Cluster, ClusterFigure, Region, Sector
from .newest_figures import newest_figure_of

IDENTITY_FIELDS = ("product", "place", "region", "country")
FISCAL_YEAR = re.compile(r"^(\d{4})(?:-(\d{2}))?$")


# Regions and sectors -------------------------------------------------------------------


def region_table_digest():
    """Return a digest of the region table, which turns a row's state into a region: an
    import's fingerprints are trusted only while it is the same (common.fingerprints)."""
    regions = Region.objects.order_by("pk").values_list("pk", "country", "name", "code", "kind")
    return repr(list(regions)).encode()


def region_lookup(*, state, country="IN"):
    """Return the region `state` names in `country`, None for a blank state.

    An Indian state must be one of the 36 (common spellings accepted): raise
    ValidationError otherwise. Another country's region that is not yet known returns an
    unsaved Region, created by `region_get_or_create`.
    """
    state = collapse_spaces(state)
    if not state:
        return None
    country = (country or "IN").upper()
    if country == "IN":
        official = indian_regions.official_indian_name(state)
        if official is None:
            message = _("'%(state)s' is not a state or union territory of India.") % {
                "state": state
            }
            suggestion = indian_regions.closest_indian_name(state)
            if suggestion:
                message += " " + _("Did you mean %(name)s?") % {"name": suggestion}
            raise ValidationError(message)
        return Region.objects.get(country="IN", name=official)
    existing = Region.objects.filter(country=country, name__iexact=state).first()
    return existing or Region(country=country, name=state, kind=Region.Kind.REGION)


def region_get_or_create(*, state, country="IN"):
    """Return the region `state` names in `country`, creating another country's on first use."""
    region = region_lookup(state=state, country=country)
    if region is not None and region.pk is None:
        region.slug = unique_slug(Region, f"{region.name}-{region.country}")
        region.full_clean()
        region.save()
    return region


def sector_get_or_create(*, name):
    """Return the sector called `name` (any case), creating it on first use; None if blank."""
    name = collapse_spaces(name)
    if not name:
        return None
    sector = Sector.objects.filter(name__iexact=name).first()
    if sector is None:
        sector = Sector(name=name, slug=unique_slug(Sector, name))
        sector.full_clean()
        sector.save()
    return sector


# Words a cluster's slug may not be: /clusters/<word>/ is a page of its own.
RESERVED_CLUSTER_SLUGS = frozenset({"selection", "compare", "map", "export"})


def reserved_slugs(model):
    """Return the slugs no row of `model` may take (its addresses' fixed words)."""
    return RESERVED_CLUSTER_SLUGS if model is Cluster else frozenset()


def assign_unique_slugs(model, objects, texts, *, max_length=200):
    """Give each unsaved object a slug from its text that no row of `model` (nor another of
    `objects`) has, asking the database once for the whole batch."""
    bases = [
        (slugify_fast(str(text)) or model._meta.model_name)[:max_length].strip("-")
        for text in texts
    ]
    taken = set(reserved_slugs(model))
    taken.update(slug for (slug,) in select_where_in(model, ("slug",), "slug", set(bases)))
    for obj, base in zip(objects, bases, strict=True):
        slug, number = base, 2
        while slug in taken or (slug != base and model.objects.filter(slug=slug).exists()):
            slug = f"{base}-{number}"
            number += 1
        obj.slug = slug
        taken.add(slug)


def _retired_slugs(model):
    """Return the table of the retired slugs of `model` (the addresses of merged records,
    related as `retired_slugs`), or None."""
    for relation in model._meta.related_objects:
        if relation.related_name == "retired_slugs":
            return relation.related_model
    return None


def unique_slug(model, text, *, instance=None, max_length=200):
    """Return a slug for `text` not yet used by another row of `model`, nor retired by a
    merge (the old address of a merged record keeps leading to its survivor)."""
    base = (slugify(text) or model._meta.model_name)[:max_length].strip("-")
    others = model.objects.exclude(pk=instance.pk) if instance and instance.pk else model.objects
    retired = _retired_slugs(model)

    reserved = reserved_slugs(model)

    def taken(slug):
        if slug in reserved:
            return True
        rows = others.filter(slug=slug).values_list("slug")
        if retired is not None:
            # One query still: the live rows and the retired slugs together.
            rows = rows.union(retired.objects.filter(slug=slug).values_list("slug"))
        return rows.exists()

    slug, number = base, 2
    while taken(slug):
        slug = f"{base}-{number}"
        number += 1
    return slug


# Cluster identity ----------------------------------------------------------------------


def cluster_identity_key(*, product, place, region, country):
    """Return the normalised identity of a cluster: product + place + state + country."""
    region_name = normalise(region.name) if region is not None else ""
    return "|".join([(country or "IN").upper(), region_name, normalise(place), normalise(product)])


def cluster_find(*, product, place, region, country="IN"):
    """Return the cluster with this identity, or None."""
    key = cluster_identity_key(product=product, place=place, region=region, country=country)
    return Cluster.objects.filter(identity_key=key).first()


ACTING_USER = object()  # the default `user` of an identity check: whoever is acting now


def acting_user():
    """Return the user the current write is for: the change set's, else the signed-in user
    of the request being served (simple_history's middleware keeps it); None for an
    operator's command, which may see every record."""
    changes = current_change_set()
    if changes is not None and changes.user is not None:
        return changes.user
    from simple_history.models import HistoricalRecords

    return getattr(getattr(HistoricalRecords.context, "request", None), "user", None)


def hidden_duplicate_message():
    """Return what someone who may not see the cluster that has an identity is told: that it
    exists (the identity is unique), but neither its name, its address nor its agency."""
    return _(
        "A cluster with this product and place already exists and is maintained by another "
        "agency; a curator can help."
    )


def cluster_is_visible(*, user, cluster):
    """Return whether `user` may see `cluster` (None: an operator or curator sees all)."""
    if user is None:
        return True
    from .permissions import cluster_policy

    return cluster_policy.user_has_permission_for_instance(user, VIEW, cluster)


def _duplicate_error(existing, *, user):
    if not cluster_is_visible(user=user, cluster=existing):
        return ValidationError({"product": hidden_duplicate_message()}, code="duplicate")
    return ValidationError(
        {
            "product": _(
                "The cluster “%(cluster)s” (%(url)s) already has this product and place; "
                "edit that record instead of creating a second."
            )
            % {"cluster": existing, "url": existing.get_absolute_url()}
        },
        code="duplicate",
    )


def cluster_validate_identity(
    *, product, place, region, country, exclude_pk=None, user=ACTING_USER
):
    """Raise ValidationError if this identity is taken: naming the existing cluster to a
    `user` who may see it, telling anyone else only that it exists (hidden_duplicate_message).

    `user` defaults to the acting user (acting_user()); None is an operator or a curator,
    who sees every record.
    """
    key = cluster_identity_key(product=product, place=place, region=region, country=country)
    existing = Cluster.objects.filter(identity_key=key).exclude(pk=exclude_pk).first()
    if existing is not None:
        raise _duplicate_error(existing, user=acting_user() if user is ACTING_USER else user)
    return key


def _assign_identity(cluster):
    cluster.product = collapse_spaces(cluster.product)
    cluster.place = collapse_spaces(cluster.place)
    cluster.country = (cluster.country or "IN").upper()
    cluster.identity_key = cluster_validate_identity(
        product=cluster.product,
        place=cluster.place,
        region=cluster.region,
        country=cluster.country,
        exclude_pk=cluster.pk,
    )


class StaleEdit(ValidationError):
    """The record changed since the form that edits it was opened."""


def _persist(cluster):
    """Validate and save `cluster`, raising its version (the optimistic lock)."""
    # Its newest figure is set from its own figures, never entered: not looked up again.
    cluster.full_clean(exclude=["newest_figure"])
    if cluster.pk:
        cluster.version += 1
    cluster.save()


def check_version(*, model, pk, expected_version, label):
    """Raise StaleEdit unless the stored row `pk` of `model` still has `expected_version`.

    Locks the row for the rest of the transaction, so two saves cannot both pass the check.
    """
    if expected_version is None or pk is None:
        return
    current = model.objects.select_for_update().filter(pk=pk).values_list("version", flat=True)
    stored = current.first()
    if stored is not None and stored != int(expected_version):
        raise StaleEdit(
            _(
                "Someone else saved this %(label)s after you opened it, so your changes were "
                "not saved (yours were made on version %(yours)s; it is now version "
                "%(stored)s). Reload the page to see their changes, then make yours again."
            )
            % {"label": label, "yours": expected_version, "stored": stored},
            code="stale",
        )


# Clusters --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Provenance:
    """Where a set of figures comes from: year, source, whether estimated, currency."""

    year: str = ""
    source: str = ""
    estimated: bool = False
    currency: str = "INR"


@transaction.atomic
def cluster_create(*, product, place, cluster_type, figures=None, provenance=None, **fields):
    """Create a cluster with its first `figures`, refusing a second record for a product and place."""
    provenance = provenance or Provenance()
    figures = {measure: value for measure, value in (figures or {}).items() if value is not None}
    cluster = Cluster(product=product, place=place, cluster_type=cluster_type, **fields)
    _assign_identity(cluster)
    cluster.slug = unique_slug(Cluster, f"{cluster.product} {cluster.place}")
    for measure, value in figures.items():
        setattr(cluster, measure, value)
    if any(measure in AMOUNT_MEASURES for measure in figures):
        cluster.currency = provenance.currency
    cluster_apply_classification(cluster=cluster, rules=benchmark_rules())
    _persist(cluster)
    created = [
        _figure_create(cluster=cluster, measure=measure, value=value, provenance=provenance)
        for measure, value in figures.items()
    ]
    if created:
        # Kept without a second save (the cluster's history and version stay those of its
        # creation): the figures need the cluster to exist first.
        cluster.newest_figure = newest_figure_of(created)
        Cluster.objects.filter(pk=cluster.pk).update(newest_figure=cluster.newest_figure)
    return cluster


def _figure_create(*, cluster, measure, value, provenance):
    figure = ClusterFigure(
        cluster=cluster,
        measure=measure,
        value=value,
        year=provenance.year,
        source=provenance.source,
        estimated=provenance.estimated,
        currency=provenance.currency if measure in AMOUNT_MEASURES else "",
    )
    figure.full_clean()
    figure.save()
    return figure


@transaction.atomic
def cluster_update(*, cluster, data, expected_version=None, rules=None):
    """Set the fields in `data` on `cluster`; return whether anything changed.

    With `expected_version` (the version the editing form showed), refuse with StaleEdit if
    someone saved the cluster in between.
    """
    check_version(
        model=Cluster, pk=cluster.pk, expected_version=expected_version, label=_("cluster")
    )
    changed = [name for name, value in data.items() if getattr(cluster, name) != value]
    if not changed:
        return False
    for name in changed:
        setattr(cluster, name, data[name])
    if set(changed) & set(IDENTITY_FIELDS):
        _assign_identity(cluster)
    cluster_apply_classification(cluster=cluster, rules=rules or benchmark_rules())
    _persist(cluster)
    return True


@transaction.atomic
def cluster_delete(*, cluster):
    """Delete a draft cluster that was never published (a record entered by mistake).

    A cluster that has been public is archived instead (clusters.workflow), so addresses
    and citations of it keep working; its history keeps the deleted record either way.
    """
    from .workflow import deletable_clusters

    if not deletable_clusters(Cluster.objects.filter(pk=cluster.pk)).exists():
        raise ValidationError(
            _(
                "Only a draft that was never published can be deleted; ask a curator to "
                "archive this cluster instead."
            ),
            code="not_deletable",
        )
    cluster.delete()


@transaction.atomic
def cluster_save(*, cluster, expected_version=None):
    """Validate and save a cluster edited as a whole (the admin's form); derive its identity,
    slug and classification. Return the cluster."""
    check_version(
        model=Cluster, pk=cluster.pk, expected_version=expected_version, label=_("cluster")
    )
    _assign_identity(cluster)
    if not cluster.slug:
        cluster.slug = unique_slug(Cluster, f"{cluster.product} {cluster.place}")
    cluster_apply_classification(cluster=cluster, rules=benchmark_rules())
    _persist(cluster)
    return cluster


# Figures ---------------------------------------------------------------------------------


def year_sort_key(year):
    """Return a sortable key for '2016' or the fiscal year '2015-16' (its first year); 0 if blank."""
    match = FISCAL_YEAR.match(year or "")
    return int(match.group(1)) if match else 0


def validate_year(year):
    """Return `year` as stored ('2016' or fiscal '2015-16'); raise ValidationError if implausible."""
    year = collapse_spaces(year)
    if not year:
        return ""
    match = FISCAL_YEAR.match(year)
    if not match:
        raise ValidationError(
            _("'%(year)s' is not a year such as 2016 or 2015-16.") % {"year": year}
        )
    first = int(match.group(1))
    if not 1900 <= first <= 2100:
        raise ValidationError(_("%(year)s is not a plausible year.") % {"year": year})
    if match.group(2) is not None and int(match.group(2)) != (first + 1) % 100:
        raise ValidationError(
            _(
                "%(year)s is not a fiscal year: the second part must be the next year (%(first)s-%(next)02d)."
            )
            % {"year": year, "first": first, "next": (first + 1) % 100}
        )
    return year


@transaction.atomic
def cluster_record_figures(*, cluster, values, provenance, rules=None):
    """Record the figures in `values` ({measure: value}) with their `provenance`.

    A figure already recorded for the same measure, year and source is updated in place;
    a value equal to the cluster's current one is a restatement and adds nothing. Return
    whether anything changed; the cluster's current values and classification follow.
    """
    values = {measure: value for measure, value in values.items() if value is not None}
    changed = False
    existing = {
        (figure.measure, figure.year, figure.source): figure
        for figure in cluster.figures.filter(measure__in=list(values))
    }
    for measure, value in values.items():
        currency = provenance.currency if measure in AMOUNT_MEASURES else ""
        figure = existing.get((measure, provenance.year, provenance.source))
        if figure is not None:
            wanted = (value, provenance.estimated, currency)
            if (figure.value, figure.estimated, figure.currency) != wanted:
                figure.value, figure.estimated, figure.currency = wanted
                figure.full_clean()
                figure.save()
                changed = True
        elif getattr(cluster, measure) != value:
            _figure_create(cluster=cluster, measure=measure, value=value, provenance=provenance)
            changed = True
    if changed:
        cluster_refresh_current_figures(cluster=cluster, rules=rules)
    return changed


def current_figure_records(figures):
    """Return {measure: figure} for the newest figure of each measure among `figures`."""
    current = {}
    for figure in figures:
        best = current.get(figure.measure)
        if best is None or (year_sort_key(figure.year), figure.pk) > (
            year_sort_key(best.year),
            best.pk,
        ):
            current[figure.measure] = figure
    return current


def cluster_refresh_current_figures(*, cluster, rules=None):
    """Set the cluster's current value of each measure from its figures and reclassify it."""
    figures = list(cluster.figures.all())
    current = current_figure_records(figures)
    cluster.newest_figure = newest_figure_of(figures)
    for measure in Measure.values:
        figure = current.get(measure)
        setattr(cluster, measure, figure.value if figure else None)
    amounts = [current[m] for m in AMOUNT_MEASURES if m in current]
    if amounts:
        cluster.currency = amounts[0].currency or cluster.currency
    cluster_apply_classification(cluster=cluster, rules=rules or benchmark_rules())
    _persist(cluster)


# Classification --------------------------------------------------------------------------


def benchmark_rules():
    """Return every benchmark as a plain rule for `classify`."""
    return [
        BenchmarkRule(
            cluster_type=b.cluster_type,
            measure=b.measure,
            threshold=b.threshold,
            authority=b.authority,
            country=b.country,
            currency=b.currency,
        )
        for b in Benchmark.objects.order_by("pk")
    ]


def cluster_apply_classification(*, cluster, rules):
    """Set the classification fields of `cluster` (unsaved); return whether they changed."""
    result = classify(
        cluster.cluster_type,
        cluster.current_figures(),
        rules,
        country=cluster.country,
        currency=cluster.currency,
    )
    values = {
        "classification_status": result.status,
        "classification_measure": result.measure,
        "classification_value": result.value,
        "classification_threshold": result.threshold,
        "classification_reason": result.reason,
    }
    changed = any(getattr(cluster, name) != value for name, value in values.items())
    for name, value in values.items():
        setattr(cluster, name, value)
    return changed


@transaction.atomic
def clusters_reclassify(*, queryset=None, batch_size=1000):
    """Recompute the classification of the clusters in `queryset` (all by default).

    Return how many changed. Runs after a benchmark changes; `manage.py classify_clusters`
    and the admin action call it too.
    """
    from simple_history.utils import bulk_update_with_history

    rules = benchmark_rules()
    # simple-history's bulk helper sends no signal: the cached public pages go stale here.
    bump_public_version()
    queryset = (queryset if queryset is not None else Cluster.objects.all()).order_by("pk")
    fields = [
        "classification_status",
        "classification_measure",
        "classification_value",
        "classification_threshold",
        "classification_reason",
    ]
    # The bulk helper takes the user from the change set but not its reason: pass both.
    changes = current_change_set()
    history = {
        "default_user": changes.user if changes else None,
        "default_change_reason": changes.reason if changes else None,
    }
    changed_total, batch = 0, []
    for cluster in queryset.iterator(chunk_size=batch_size):
        if cluster_apply_classification(cluster=cluster, rules=rules):
            batch.append(cluster)
        if len(batch) >= batch_size:
            bulk_update_with_history(batch, Cluster, fields, batch_size=batch_size, **history)
            changed_total += len(batch)
            batch = []
    if batch:
        bulk_update_with_history(batch, Cluster, fields, batch_size=batch_size, **history)
        changed_total += len(batch)
    return changed_total


@transaction.atomic
def benchmark_save(*, benchmark, reclassify=None):
    """Validate and save a benchmark, then reclassify the clusters of its type.

    `reclassify`, if given, is called as `reclassify(cluster_types=...)` instead, and what
    it returns is returned (a caller above the domain may reclassify in a background job).
    """
    benchmark.full_clean()
    previous_type = None
    if benchmark.pk:
        previous_type = (
            Benchmark.objects.filter(pk=benchmark.pk).values_list("cluster_type", flat=True).first()
        )
    benchmark.save()
    types = {benchmark.cluster_type, previous_type} - {None}
    if reclassify is not None:
        return reclassify(cluster_types=sorted(types))
    return clusters_reclassify(queryset=Cluster.objects.filter(cluster_type__in=types))


@transaction.atomic
def benchmark_delete(*, benchmark, reclassify=None):
    """Delete a benchmark and reclassify the clusters of its type (`reclassify` as for
    benchmark_save)."""
    cluster_type = benchmark.cluster_type
    benchmark.delete()
    if reclassify is not None:
        return reclassify(cluster_types=[cluster_type])
    return clusters_reclassify(queryset=Cluster.objects.filter(cluster_type=cluster_type))


class Lookups:
    """Memoised region and cluster look-ups for one import, so that a file of a hundred
    thousand rows naming the same few clusters asks the database once per cluster."""

    def __init__(self):
        self._regions = {}
        self._clusters = {}

    def region(self, *, state, country="IN"):
        """Return what region_lookup returns, asking the database once per (state, country)."""
        key = ((country or "IN").upper(), normalise(state))
        if key not in self._regions:
            try:
                self._regions[key] = region_lookup(state=state, country=country)
            except ValidationError as exc:
                self._regions[key] = exc
        found = self._regions[key]
        if isinstance(found, ValidationError):
            raise found
        return found

    def cluster(self, *, product, place, region, country="IN"):
        """Return what cluster_find returns, asking the database once per identity."""
        key = cluster_identity_key(product=product, place=place, region=region, country=country)
        if key not in self._clusters:
            self._clusters[key] = Cluster.objects.filter(identity_key=key).first()
        return self._clusters[key]
