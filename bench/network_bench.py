"""Stakeholder network analysis: time to read and measure a big cluster's network.

Run against a migrated database (PostgreSQL here; it migrates nothing):
    scripts/with-postgres sh -c '.venv/bin/python manage.py migrate -v0 && \
        .venv/bin/python bench/network_bench.py'
It generates a synthetic cluster of 10,000 stakeholders and 50,000 relationships with
bulk_create (not timed; reused when it exists already), then times cluster_graph (the two
queries and the graph) and network_measures from cold, and the cached
cluster_network_measures. Goal: under 2 s cold.
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils.text import slugify  # noqa: E402

from clusters import services as cluster_services  # noqa: E402
from clusters.choices import ClusterType, PublicationStatus  # noqa: E402
from clusters.models import Region  # noqa: E402
from stakeholders.choices import ROLES_BY_KIND, Kind, RelationshipType  # noqa: E402
from stakeholders.models import ClusterMembership, Relationship, Stakeholder  # noqa: E402
from stakeholders.network import measures as network  # noqa: E402
from stakeholders.network.measures import (  # noqa: E402
    cluster_graph,
    cluster_network_measures,
    network_cache_invalidate,
    network_measures,
)
from stakeholders.services import stakeholder_identity_key  # noqa: E402

GOAL_SECONDS = 2.0
# Shares of each kind, roughly a knitwear cluster's map (FAQ Q3-4).
KIND_SHARES = [
    (Kind.ENTERPRISE, 0.70),
    (Kind.SUPPLIER, 0.14),
    (Kind.INSTITUTION, 0.04),
    (Kind.ASSOCIATION, 0.04),
    (Kind.BDS_PROVIDER, 0.08),
]
# Which relationship a stakeholder of one kind has with one of another, and how often.
PATTERNS = [
    (Kind.SUPPLIER, RelationshipType.SUPPLIES, Kind.ENTERPRISE, 0.30),
    (Kind.ENTERPRISE, RelationshipType.BUYS_FROM, Kind.SUPPLIER, 0.15),
    (Kind.ENTERPRISE, RelationshipType.SUBCONTRACTS_TO, Kind.ENTERPRISE, 0.15),
    (Kind.ENTERPRISE, RelationshipType.COLLABORATES, Kind.ENTERPRISE, 0.08),
    (Kind.ENTERPRISE, RelationshipType.MEMBER_OF, Kind.ASSOCIATION, 0.12),
    (Kind.INSTITUTION, RelationshipType.FINANCES, Kind.ENTERPRISE, 0.05),
    (Kind.INSTITUTION, RelationshipType.TRAINS, Kind.ENTERPRISE, 0.04),
    (Kind.INSTITUTION, RelationshipType.REGULATES, Kind.ENTERPRISE, 0.03),
    (Kind.BDS_PROVIDER, RelationshipType.SERVES, Kind.ENTERPRISE, 0.08),
]
ISOLATED_SHARE = 0.02


def generate(*, actors, links, seed):
    """Create (or find) the synthetic cluster with `actors` stakeholders and `links` links."""
    region = Region.objects.get(country="IN", name="Punjab")
    product, place = "Network benchmark", f"Synthetic {actors} x {links}"
    cluster = cluster_services.cluster_find(product=product, place=place, region=region)
    if cluster is not None:
        print(f"reusing the synthetic cluster {cluster} ({cluster.slug})")
        return cluster
    rng = random.Random(seed)
    started = time.perf_counter()
    with transaction.atomic():
        cluster = cluster_services.cluster_create(
            product=product,
            place=place,
            cluster_type=ClusterType.INDUSTRIAL,
            region=region,
            status=PublicationStatus.PUBLISHED,
        )
        kinds = rng.choices(
            [kind for kind, _share in KIND_SHARES],
            weights=[share for _kind, share in KIND_SHARES],
            k=actors,
        )
        stakeholders = []
        for number, kind in enumerate(kinds):
            name = f"Netbench {actors}x{links} {kind} {number:05d}"
            stakeholders.append(
                Stakeholder(
                    name=name,
                    kind=kind,
                    role=rng.choice(ROLES_BY_KIND[kind]),
                    identity_key=stakeholder_identity_key(name=name, kind=kind, region=None),
                    slug=slugify(name),
                    source="synthetic benchmark",
                )
            )
        Stakeholder.objects.bulk_create(stakeholders, batch_size=2000)
        ClusterMembership.objects.bulk_create(
            [ClusterMembership(cluster=cluster, stakeholder=s) for s in stakeholders],
            batch_size=2000,
        )
        connected = [s for s in stakeholders if rng.random() >= ISOLATED_SHARE]
        by_kind = {kind: [s.pk for s in connected if s.kind == kind] for kind in Kind.values}

        # A few hubs: a heavy-tailed pick makes some stakeholders much more linked than most.
        def pick(kind):
            ids = by_kind[kind]
            return (
                ids[min(int(rng.paretovariate(1.1)) - 1, len(ids) - 1)]
                if rng.random() < 0.3
                else rng.choice(ids)
            )

        seen = set()
        weights = [share for *_pattern, share in PATTERNS]
        while len(seen) < links:
            source_kind, kind, target_kind, _share = rng.choices(PATTERNS, weights=weights)[0]
            source, target = pick(source_kind), pick(target_kind)
            if source != target:
                seen.add((source, target, kind))
        Relationship.objects.bulk_create(
            [
                Relationship(cluster=cluster, source_id=s, target_id=t, kind=kind)
                for s, t, kind in sorted(seen)
            ],
            batch_size=5000,
        )
    print(
        f"generated {actors:,} stakeholders and {links:,} relationships in "
        f"{time.perf_counter() - started:.1f} s (not timed)"
    )
    return cluster


def timed(function, *args):
    started = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - started


def compare_brokers(graph, measures, sources):
    """Print how many of the top 10 brokers a sample of `sources` sources finds too."""
    order = list(graph)
    adjacency = network.undirected_adjacency(graph, order)
    pairs = sum(map(len, adjacency)) // 2
    budget = network.BETWEENNESS_WORK_BUDGET
    network.BETWEENNESS_WORK_BUDGET = sources * (len(order) + pairs)
    try:
        (values, sample), elapsed = timed(network._betweenness, adjacency, pairs)
    finally:
        network.BETWEENNESS_WORK_BUDGET = budget
    top = sorted(range(len(order)), key=lambda i: -values[i])[:10]
    reference = {graph.nodes[order[i]]["name"] for i in top}
    found = reference & {actor.name for actor in measures.brokers}
    print(
        f"accuracy: {len(found)} of the top 10 brokers from {sample or len(order)} sources "
        f"({elapsed:.1f} s) are among the {len(measures.brokers)} the default sample finds"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stakeholders", type=int, default=10_000)
    parser.add_argument("--relationships", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=3, help="cold runs to time")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--accuracy",
        type=int,
        metavar="K",
        help="also estimate betweenness from K sources and compare the top 10 brokers",
    )
    args = parser.parse_args()

    cluster = generate(actors=args.stakeholders, links=args.relationships, seed=args.seed)
    connection.ensure_connection()

    with CaptureQueriesContext(connection) as queries:
        graph = cluster_graph(cluster)
    print(
        f"network: {graph.number_of_nodes():,} stakeholders, {graph.number_of_edges():,} "
        f"relationships, read in {len(queries)} queries"
    )
    totals = []
    for run in range(1, args.repeat + 1):
        graph, read = timed(cluster_graph, cluster)
        measures, measure = timed(network_measures, graph)
        totals.append(read + measure)
        print(
            f"cold run {run}: cluster_graph {read:.3f} s + network_measures {measure:.3f} s "
            f"= {read + measure:.3f} s"
        )
    network_cache_invalidate(cluster.pk)
    _, first = timed(cluster_network_measures, cluster)
    cached = [timed(cluster_network_measures, cluster)[1] for _ in range(5)]
    print(
        f"cluster_network_measures: first call {first:.3f} s, cached call "
        f"{statistics.median(cached) * 1000:.2f} ms (median of 5)"
    )
    sample = measures.betweenness_sample
    print(
        f"measures: density {measures.density:.5f}, {len(measures.isolated)} isolated, "
        f"{measures.components:,} components (largest {measures.largest_component:,}), "
        f"{len(measures.unlinked_enterprises):,} enterprises without a trade link, "
        f"betweenness {'exact' if sample is None else f'from a sample of {sample} sources'}"
    )
    print("top brokers: " + "; ".join(f"{a.name} ({a.value:.4f})" for a in measures.brokers[:3]))
    if args.accuracy:
        compare_brokers(graph, measures, args.accuracy)
    best, median = min(totals), statistics.median(totals)
    verdict = "met" if median < GOAL_SECONDS else "MISSED"
    print(
        f"cold total: best {best:.3f} s, median {median:.3f} s; goal < {GOAL_SECONDS} s {verdict}"
    )


if __name__ == "__main__":
    main()
