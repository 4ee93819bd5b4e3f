"""Synthetic data at national scale, for measuring the registry (`manage.py generate_scale_data`).

Thousands of clusters, a million stakeholders and millions of relationships, written with
PostgreSQL COPY (ids drawn from each table's sequence, as common.bulk does) in a few
minutes. Everything is drawn from one `random.Random(seed)`, so a seed gives the same
records (names, slugs, figures, memberships, links) on every run into an empty registry.

Every record is marked synthetic: clusters belong to the agency "Synthetic data", and
clusters, figures, stakeholders, memberships and relationships carry the source
"synthetic (generate_scale_data seed S)". Identity keys, slugs and classifications come from
the services' own helpers (clusters.services, stakeholders.services), so the rows are the
ones the services would write. No history rows are written for them.

Shapes: Indian states from the Region table; the four cluster types with figures around
their benchmarks (qualifying, potential and insufficient-data clusters, service clusters
with no benchmark); stakeholders of the five kinds with a role of their kind, spread over
the clusters by a Zipf-Mandelbrot law (the biggest clusters have thousands of members, most
a few dozen); every stakeholder a member of its cluster, a few of a second one; links only
between members of the same cluster, never to oneself, never twice.
"""

import csv
import datetime
import io
import random
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from clusters.choices import (
    ClusterType,
    Measure,
    Origin,
    PublicationStatus,
    Stage,
    Structure,
)
from clusters.models import Agency, Cluster, ClusterFigure, Region
from clusters.newest_figures import newest_figures_refresh
from clusters.services import (
    assign_unique_slugs,
    benchmark_rules,
    cluster_apply_classification,
    cluster_identity_key,
    sector_get_or_create,
)
from common.bulk import draw_ids, insert_objects
from common.page_cache import bump_public_version

from .choices import ROLES_BY_KIND, Kind, RelationshipType, SizeClass
from .models import ClusterMembership, Relationship, Stakeholder
from .network.summary import network_summaries_rebuild
from .services import stakeholder_identity_key

AGENCY_NAME = "Synthetic data"
AGENCY_SLUG = "synthetic-data"
COPY_CHUNK = 100_000


def source_label(seed):
    return f"synthetic (generate_scale_data seed {seed})"


class NotPostgreSQL(Exception):
    """The generator writes with COPY, which only PostgreSQL has."""


class AlreadyGenerated(Exception):
    """Synthetic data is in the database already."""


# What the registry is made of ------------------------------------------------------------

TYPE_WEIGHTS = [
    (ClusterType.INDUSTRIAL, 45),
    (ClusterType.HANDICRAFT, 25),
    (ClusterType.HANDLOOM, 20),
    (ClusterType.SERVICE, 10),
]
PRODUCTS = {
    ClusterType.INDUSTRIAL: [
        ("Knitwear", "Textiles"),
        ("Hosiery", "Textiles"),
        ("Auto components", "Engineering"),
        ("Bicycle parts", "Engineering"),
        ("Foundry", "Engineering"),
        ("Pumps and motors", "Engineering"),
        ("Brass parts", "Engineering"),
        ("Ceramics", "Ceramics"),
        ("Leather footwear", "Leather"),
        ("Rice milling", "Food processing"),
        ("Pharmaceuticals", "Chemicals"),
        ("Plastic products", "Chemicals"),
        ("Sports goods", "Sports goods"),
        ("Steel furniture", "Engineering"),
        ("Readymade garments", "Textiles"),
    ],
    ClusterType.HANDICRAFT: [
        ("Brassware", "Handicrafts"),
        ("Block printing", "Handicrafts"),
        ("Wood carving", "Handicrafts"),
        ("Terracotta", "Handicrafts"),
        ("Bamboo and cane", "Handicrafts"),
        ("Carpets", "Handicrafts"),
        ("Zari embroidery", "Handicrafts"),
        ("Stone carving", "Handicrafts"),
    ],
    ClusterType.HANDLOOM: [
        ("Silk sarees", "Handloom"),
        ("Cotton handloom", "Handloom"),
        ("Chanderi fabric", "Handloom"),
        ("Ikat", "Handloom"),
        ("Khadi", "Handloom"),
        ("Woollen shawls", "Handloom"),
    ],
    ClusterType.SERVICE: [
        ("IT services", "Services"),
        ("Tourism", "Services"),
        ("Logistics", "Services"),
        ("Healthcare services", "Services"),
    ],
}
PLACE_HEADS = [
    "Ram", "Shiv", "Krishna", "Lakshmi", "Sultan", "Chandra", "Hari", "Devi", "Raja",
    "Bhim", "Gopal", "Indra", "Kali", "Madhu", "Nanda", "Surya", "Vijay", "Sona", "Amar",
    "Bela", "Daulat", "Fateh", "Jaya", "Kamal", "Moti", "Nila", "Padma", "Rani", "Tara",
]  # fmt: skip
PLACE_TAILS = [
    "pur", "nagar", "abad", "garh", "ganj", "puram", "palli", "halli", "wadi", "kot",
    "gaon", "pet", "ur", "kheda", "ner",
]  # fmt: skip
KIND_WEIGHTS = [
    (Kind.ENTERPRISE, 70),
    (Kind.SUPPLIER, 12),
    (Kind.INSTITUTION, 6),
    (Kind.ASSOCIATION, 5),
    (Kind.BDS_PROVIDER, 7),
]
NAME_HEADS = [
    "Sharma", "Gupta", "Patel", "Singh", "Reddy", "Iyer", "Khan", "Das", "Mehta", "Nair",
    "Joshi", "Agarwal", "Bose", "Chopra", "Desai", "Ghosh", "Kapoor", "Menon", "Pillai",
    "Rao", "Sethi", "Verma", "Yadav", "Banerjee", "Kulkarni",
]  # fmt: skip
NAME_TAILS = {
    Kind.ENTERPRISE: ["Industries", "Textiles", "Exports", "Works", "Enterprises", "& Sons"],
    Kind.SUPPLIER: ["Traders", "Suppliers", "Machinery", "Logistics", "Yarn Depot"],
    Kind.INSTITUTION: ["Training Centre", "Institute", "Bank Branch", "Tool Room", "DIC"],
    Kind.ASSOCIATION: ["Manufacturers Association", "Chamber", "Cooperative", "SHG"],
    Kind.BDS_PROVIDER: ["Consultants", "Design Studio", "Testing Lab", "Marketing"],
}
# Which links start from which kind (the network bench's shapes, simplified).
LINKS_BY_KIND = {
    Kind.ENTERPRISE: [
        RelationshipType.BUYS_FROM,
        RelationshipType.SUBCONTRACTS_TO,
        RelationshipType.COLLABORATES,
        RelationshipType.MEMBER_OF,
    ],
    Kind.SUPPLIER: [RelationshipType.SUPPLIES],
    Kind.INSTITUTION: [
        RelationshipType.TRAINS,
        RelationshipType.FINANCES,
        RelationshipType.REGULATES,
    ],
    Kind.ASSOCIATION: [RelationshipType.SERVES, RelationshipType.COLLABORATES],
    Kind.BDS_PROVIDER: [RelationshipType.SERVES, RelationshipType.TRAINS],
}
STATUS_WEIGHTS = [
    (PublicationStatus.PUBLISHED, 85),
    (PublicationStatus.SUBMITTED, 7),
    (PublicationStatus.DRAFT, 6),
    (PublicationStatus.ARCHIVED, 2),
]
# The main measure of each type and a typical size (its benchmark's order of magnitude).
MAIN_MEASURE = {
    ClusterType.INDUSTRIAL: (Measure.ENTERPRISES, 100),
    ClusterType.HANDICRAFT: (Measure.ENTERPRISES, 50),
    ClusterType.HANDLOOM: (Measure.LOOMS, 500),
    ClusterType.SERVICE: (Measure.ENTERPRISES, 200),
}
YEARS = ["2014-15", "2016-17", "2018-19", "2020-21", "2022-23"]
SECOND_MEMBERSHIP_SHARE = 0.03


def weighted(rng, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights)[0]


def zipf_sizes(total, buckets, *, exponent=1.0):
    """Split `total` over `buckets` by a Zipf-Mandelbrot law (rank + q)^-exponent, q growing
    with the number of buckets so the biggest stays a few per cent of the total; every
    bucket gets at least one while there are enough. Largest remainders make the sum exact."""
    if buckets <= 0:
        return []
    offset = buckets / 1000
    weights = [1 / (rank + offset) ** exponent for rank in range(1, buckets + 1)]
    scale = total / sum(weights)
    raw = [w * scale for w in weights]
    sizes = [int(x) for x in raw]
    order = sorted(range(buckets), key=lambda i: raw[i] - sizes[i], reverse=True)
    for i in order[: total - sum(sizes)]:
        sizes[i] += 1
    if total >= buckets:
        for i in range(buckets):
            while sizes[i] < 1:
                donor = max(range(buckets), key=sizes.__getitem__)
                sizes[donor] -= 1
                sizes[i] += 1
    return sizes


# Writing with COPY -----------------------------------------------------------------------


class CopyTable:
    """COPY rows into a model's table: `attnames` are given per row, every other column
    gets its field's default (created/updated: now)."""

    def __init__(self, model, attnames):
        self.model = model
        now = timezone.now()
        fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        by_attname = {f.attname: f for f in fields}
        self.attnames = list(attnames)
        rest = [f for f in fields if f.attname not in self.attnames]
        self.defaults = [
            now
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
            else f.get_default()
            for f in rest
        ]
        quote = connection.ops.quote_name
        columns = [model._meta.pk.column]
        columns += [by_attname[name].column for name in self.attnames]
        columns += [f.column for f in rest]
        self.sql = (
            f"COPY {quote(model._meta.db_table)} ({', '.join(quote(c) for c in columns)}) "
            "FROM STDIN WITH (FORMAT csv)"
        )
        self.table, self.pk_column = model._meta.db_table, model._meta.pk.column
        self.count = 0

    def ids(self, cursor, n):
        return draw_ids(cursor, self.table, self.pk_column, n)

    def write(self, cursor, rows):
        """COPY `rows` (tuples in the order of `attnames`); return their new ids."""
        ids = self.ids(cursor, len(rows)) if rows else []
        buffer = io.StringIO()
        # Quoted text is text (an empty string stays one); an unquoted empty field is NULL.
        writer = csv.writer(buffer, quoting=csv.QUOTE_NOTNULL)
        tail = self.defaults
        writer.writerows([pk, *row, *tail] for pk, row in zip(ids, rows, strict=True))
        buffer.seek(0)
        cursor.cursor.copy_expert(self.sql, buffer)
        self.count += len(rows)
        return ids


# The generator ---------------------------------------------------------------------------


@dataclass
class Report:
    clusters: int = 0
    figures: int = 0
    stakeholders: int = 0
    memberships: int = 0
    relationships: int = 0
    biggest: tuple = ()
    timings: dict = field(default_factory=dict)


def _place_names(rng, n):
    names, seen = [], set()
    while len(names) < n:
        name = rng.choice(PLACE_HEADS) + rng.choice(PLACE_TAILS)
        if name in seen:
            name = f"{name} {len(names) + 1}"
        seen.add(name)
        names.append(name)
    return names


def _figures(rng, cluster_type):
    """Return {measure: value} for a cluster: a main measure around its benchmark (missing for
    one in ten), employment and turnover for most."""
    measure, typical = MAIN_MEASURE[cluster_type]
    values = {}
    if rng.random() > 0.1:
        # log-normal around the benchmark: about two in three qualify, one in three potential.
        values[measure] = max(1, int(typical * rng.lognormvariate(0.5, 1.0)))
    if cluster_type in (ClusterType.HANDICRAFT, ClusterType.HANDLOOM) and rng.random() < 0.6:
        values[Measure.ARTISANS] = max(1, int(typical * 4 * rng.lognormvariate(0, 0.8)))
    if rng.random() < 0.8:
        base = values.get(measure, typical)
        values[Measure.EMPLOYMENT] = max(1, int(base * rng.uniform(5, 40)))
    if rng.random() < 0.6:
        values[Measure.TURNOVER] = int(rng.lognormvariate(20, 1.5))
    if rng.random() < 0.25:
        values[Measure.EXPORTS] = int(rng.lognormvariate(18, 1.5))
    return values


@transaction.atomic
def generate(*, clusters, stakeholders, relationships, seed=1, log=None):
    """Write the synthetic registry; return a Report. See the module's docstring."""
    import time

    log = log or (lambda message: None)
    if connection.vendor != "postgresql":
        raise NotPostgreSQL(
            "generate_scale_data writes with PostgreSQL COPY; set DATABASE_URL to a "
            f"PostgreSQL database (this one is {connection.vendor})."
        )
    _skip_deferred_foreign_key_checks()
    # COPY writes no history and sends no signal: the cached public pages go stale here.
    bump_public_version()
    agency, _ = Agency.objects.get_or_create(
        slug=AGENCY_SLUG,
        defaults={"name": AGENCY_NAME},
    )
    if agency.clusters.exists():
        raise AlreadyGenerated(
            f"The agency {AGENCY_NAME!r} has clusters already: synthetic data was generated "
            "into this database before. Use an empty database (or delete them first)."
        )
    rng = random.Random(seed)
    source = source_label(seed)
    report = Report()
    started = time.perf_counter()

    def lap(name):
        nonlocal started
        now = time.perf_counter()
        report.timings[name] = now - started
        log(f"{name}: {now - started:.1f} s")
        started = now

    # Clusters and their figures, through the model and the services' helpers.
    regions = list(Region.objects.filter(country="IN").order_by("name"))
    region_weights = [rng.uniform(0.2, 3) for _ in regions]  # uneven, as states are
    rules = benchmark_rules()
    sectors = {}
    places = _place_names(rng, max(clusters // 3, 1))
    cluster_objects, figure_values, keys = [], [], set()
    for index in range(clusters):
        cluster_type = weighted(rng, TYPE_WEIGHTS)
        product, sector_name = rng.choice(PRODUCTS[cluster_type])
        region = rng.choices(regions, region_weights)[0]
        place = rng.choice(places)
        key = cluster_identity_key(product=product, place=place, region=region, country="IN")
        if key in keys:
            place = f"{place} {index + 1}"
            key = cluster_identity_key(product=product, place=place, region=region, country="IN")
        keys.add(key)
        if sector_name not in sectors:
            sectors[sector_name] = sector_get_or_create(name=sector_name)
        values = _figures(rng, cluster_type)
        cluster = Cluster(
            product=product,
            place=place,
            district=place,
            region=region,
            country="IN",
            identity_key=key,
            cluster_type=cluster_type,
            sector=sectors[sector_name],
            agency=agency,
            status=weighted(rng, STATUS_WEIGHTS),
            origin=rng.choice(["", *Origin.values]),
            structure=rng.choice(["", *Structure.values]),
            stage=rng.choice(["", *Stage.values]),
            exporting=Measure.EXPORTS in values or None,
            description=f"Synthetic {product.lower()} cluster for measuring the registry.",
            latitude=round(rng.uniform(8, 34), 6),
            longitude=round(rng.uniform(69, 96), 6),
            **values,
        )
        cluster_apply_classification(cluster=cluster, rules=rules)
        cluster_objects.append(cluster)
        figure_values.append(values)
    assign_unique_slugs(
        Cluster, cluster_objects, [f"{c.product} {c.place}" for c in cluster_objects]
    )
    insert_objects(Cluster, cluster_objects)
    figures = [
        ClusterFigure(
            cluster=cluster,
            measure=measure,
            value=value,
            year=rng.choice(YEARS),
            source=source,
            estimated=rng.random() < 0.2,
            currency="INR" if measure in (Measure.TURNOVER, Measure.EXPORTS) else "",
        )
        for cluster, values in zip(cluster_objects, figure_values, strict=True)
        for measure, value in values.items()
    ]
    insert_objects(ClusterFigure, figures)
    newest_figures_refresh(cluster_ids=[cluster.pk for cluster in cluster_objects])
    report.clusters, report.figures = len(cluster_objects), len(figures)
    lap("clusters and figures")

    # Stakeholders, one cluster each (by a Zipf law over a shuffled order of the clusters).
    order = list(range(len(cluster_objects)))
    rng.shuffle(order)
    sizes = zipf_sizes(stakeholders, len(cluster_objects))
    home = []  # cluster index of each stakeholder
    for rank, size in enumerate(sizes):
        home.extend([order[rank]] * size)
    kinds_roles = {kind: ROLES_BY_KIND[kind] for kind, _ in KIND_WEIGHTS}
    kind_values, kind_weights = zip(*KIND_WEIGHTS, strict=True)
    stakeholder_table = CopyTable(
        Stakeholder,
        ["name", "kind", "role", "identity_key", "slug", "place", "region_id", "country",
         "size_class", "source"],
    )  # fmt: skip
    membership_table = CopyTable(ClusterMembership, ["cluster_id", "stakeholder_id", "source"])
    members = [[] for _ in cluster_objects]  # (stakeholder id, kind) per cluster
    sizes_classes = SizeClass.values
    with connection.cursor() as cursor:
        for start in range(0, stakeholders, COPY_CHUNK):
            chunk = range(start, min(start + COPY_CHUNK, stakeholders))
            kinds = rng.choices(kind_values, kind_weights, k=len(chunk))
            rows, names = [], []
            for serial, kind in zip(chunk, kinds, strict=True):
                cluster = cluster_objects[home[serial]]
                name = (
                    f"{rng.choice(NAME_HEADS)} {rng.choice(NAME_TAILS[kind])} "
                    f"{cluster.place} {serial + 1}"
                )
                names.append(name)
                rows.append(
                    [
                        name,
                        kind,
                        rng.choice(kinds_roles[kind]),
                        stakeholder_identity_key(name=name, kind=kind, region=cluster.region),
                        "",
                        cluster.place,
                        cluster.region_id,
                        "IN",
                        rng.choice(sizes_classes) if kind == Kind.ENTERPRISE else "",
                        source,
                    ]
                )
            holders = [_Slugged() for _ in rows]
            assign_unique_slugs(Stakeholder, holders, names)
            for row, holder in zip(rows, holders, strict=True):
                row[4] = holder.slug
            ids = stakeholder_table.write(cursor, rows)
            links = []
            for serial, pk, kind in zip(chunk, ids, kinds, strict=True):
                links.append((cluster_objects[home[serial]].pk, pk, source))
                members[home[serial]].append((pk, kind))
                # A few (more often institutions and service providers) serve a second cluster.
                share = SECOND_MEMBERSHIP_SHARE * (1 if kind == Kind.ENTERPRISE else 4)
                if len(cluster_objects) > 1 and rng.random() < share:
                    other = rng.randrange(len(cluster_objects) - 1)
                    other += other >= home[serial]
                    links.append((cluster_objects[other].pk, pk, source))
                    members[other].append((pk, kind))
            membership_table.write(cursor, links)
            log(f"  stakeholders {stakeholder_table.count:,} / {stakeholders:,}")
        report.stakeholders, report.memberships = stakeholder_table.count, membership_table.count
        lap("stakeholders and memberships")

        # Relationships: each cluster's share in proportion to its members, as many as its
        # members can hold; both ends drawn from the members, no self-link, no duplicate.
        capacity = [len(m) * (len(m) - 1) for m in members]
        weights = [len(m) if c > 0 else 0 for m, c in zip(members, capacity, strict=True)]
        total_weight = sum(weights) or 1
        quota = [
            min(capacity[i], round(relationships * w / total_weight)) for i, w in enumerate(weights)
        ]
        shortfall = relationships - sum(quota)
        for i in sorted(range(len(quota)), key=lambda i: -weights[i]):
            if shortfall <= 0:
                break
            extra = min(shortfall, capacity[i] - quota[i])
            if extra > 0:
                quota[i] += extra
                shortfall -= extra
        while sum(quota) > relationships:
            i = max(range(len(quota)), key=quota.__getitem__)
            quota[i] -= 1
        relationship_table = CopyTable(
            Relationship,
            ["cluster_id", "source_id", "target_id", "kind", "since", "provenance"],
        )
        base_day = datetime.date(2005, 1, 1)
        batch = []
        for index, want in enumerate(quota):
            if want <= 0:
                continue
            cluster_pk = cluster_objects[index].pk
            people = members[index]
            n = len(people)
            # A few hubs: half the links start or end at the first tenth of the members.
            hubs = max(1, n // 10)
            seen = set()
            tries = 0
            while len(seen) < want and tries < want * 20:
                tries += 1
                a = rng.randrange(hubs) if rng.random() < 0.3 else rng.randrange(n)
                b = rng.randrange(hubs) if rng.random() < 0.2 else rng.randrange(n)
                if a == b:
                    continue
                source_id, source_kind = people[a]
                target_id = people[b][0]
                kind = rng.choice(LINKS_BY_KIND[source_kind])
                if (source_id, target_id, kind) in seen:
                    continue
                seen.add((source_id, target_id, kind))
                since = (
                    base_day + datetime.timedelta(days=rng.randrange(7000))
                    if rng.random() < 0.3
                    else None
                )
                batch.append((cluster_pk, source_id, target_id, kind, since, source))
            if len(batch) >= COPY_CHUNK:
                relationship_table.write(cursor, batch)
                log(f"  relationships {relationship_table.count:,} / {relationships:,}")
                batch = []
        relationship_table.write(cursor, batch)
        report.relationships = relationship_table.count
        lap("relationships")
        for model in (Cluster, ClusterFigure, Stakeholder, ClusterMembership, Relationship):
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
        lap("analyze")
        # COPY bypasses the services, so the exports' kept network summaries are built here.
        network_summaries_rebuild()
        cursor.execute("ANALYZE stakeholders_networksummary")
        lap("network summaries")
    biggest = max(range(len(members)), key=lambda i: len(members[i]), default=None)
    if biggest is not None:
        report.biggest = (cluster_objects[biggest].slug, len(members[biggest]))
    return report


def _skip_deferred_foreign_key_checks():
    """Skip PostgreSQL's foreign-key triggers for this transaction when the user may.

    Django creates every foreign key DEFERRABLE INITIALLY DEFERRED, so millions of COPYed
    rows queue millions of checks for the COMMIT (about 160 s of a 10k / 1M / 5M run). The
    generator draws every id from rows it wrote itself, so the checks cannot fail; a
    superuser (as in `make bench-scale`) skips them with session_replication_role, anyone
    else keeps them.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        found = cursor.fetchone()
        if found and found[0]:
            cursor.execute("SET LOCAL session_replication_role = replica")


class _Slugged:
    """A stand-in object for assign_unique_slugs, which only sets `slug`."""

    slug = ""
