"""factory-boy factories for the registry's models, built through the real services where
identity keys and classification must be right."""

import factory
from django.contrib.auth import get_user_model

from clusters import services as cluster_services
from clusters.choices import ClusterType, PublicationStatus
from clusters.models import Agency, AgencyEditor, Benchmark, Cluster, Region, Sector
from stakeholders import services as stakeholder_services
from stakeholders.choices import Kind, RelationshipType
from stakeholders.models import ClusterMembership, Relationship, Stakeholder


def region(name="West Bengal"):
    """Return one of the Indian regions loaded by the migration."""
    return Region.objects.get(country="IN", name=name)


class UserFactory(factory.django.DjangoModelFactory):
    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("correct horse battery staple")

    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True


class CuratorFactory(UserFactory):
    is_staff = True
    is_superuser = True


class SectorFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Sector {n}")
    slug = factory.Sequence(lambda n: f"sector-{n}")

    class Meta:
        model = Sector
        django_get_or_create = ("name",)


class AgencyFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Agency {n}")
    slug = factory.Sequence(lambda n: f"agency-{n}")

    class Meta:
        model = Agency


class AgencyEditorFactory(factory.django.DjangoModelFactory):
    user = factory.SubFactory(UserFactory)
    agency = factory.SubFactory(AgencyFactory)

    class Meta:
        model = AgencyEditor


class BenchmarkFactory(factory.django.DjangoModelFactory):
    cluster_type = ClusterType.INDUSTRIAL
    measure = "annual_turnover"
    threshold = 100_000_000
    authority = "Cluster Observatory India"

    class Meta:
        model = Benchmark


class ClusterFactory(factory.django.DjangoModelFactory):
    """Build a cluster through cluster_create; pass figures={'enterprise_count': 120}."""

    product = factory.Sequence(lambda n: f"Product {n}")
    place = factory.Sequence(lambda n: f"Place {n}")
    cluster_type = ClusterType.INDUSTRIAL
    status = PublicationStatus.PUBLISHED
    region = factory.LazyFunction(region)
    country = "IN"

    class Meta:
        model = Cluster

    @classmethod
    def _create(cls, model_class, *args, figures=None, provenance=None, **kwargs):
        return cluster_services.cluster_create(
            figures=figures, provenance=provenance or cluster_services.Provenance(), **kwargs
        )


class StakeholderFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Stakeholder {n}")
    kind = Kind.ENTERPRISE

    class Meta:
        model = Stakeholder

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return stakeholder_services.stakeholder_create(**kwargs)


class MembershipFactory(factory.django.DjangoModelFactory):
    cluster = factory.SubFactory(ClusterFactory)
    stakeholder = factory.SubFactory(StakeholderFactory)

    class Meta:
        model = ClusterMembership


class RelationshipFactory(factory.django.DjangoModelFactory):
    """A relationship in a cluster; both ends are made members of the cluster first."""

    cluster = factory.SubFactory(ClusterFactory)
    source = factory.SubFactory(StakeholderFactory)
    target = factory.SubFactory(StakeholderFactory)
    kind = RelationshipType.SUPPLIES

    class Meta:
        model = Relationship

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        for end in ("source", "target"):
            stakeholder_services.stakeholder_link_to_cluster(
                stakeholder=kwargs[end], cluster=kwargs["cluster"]
            )
        return stakeholder_services.relationship_create(**kwargs)


def foreign_region(name="Lombardy", country="IT"):
    """Return another country's region, created through the services on first use."""
    return cluster_services.region_get_or_create(state=name, country=country)


class ClusterFigureFactory(factory.django.DjangoModelFactory):
    """Record one figure through cluster_record_figures, so the current values follow."""

    cluster = factory.SubFactory(ClusterFactory)
    measure = "enterprise_count"
    value = 100
    year = ""
    source = factory.Sequence(lambda n: f"Source {n}")
    estimated = False
    currency = "INR"

    class Meta:
        model = "clusters.ClusterFigure"

    @classmethod
    def _create(cls, model_class, *, cluster, measure, value, **provenance):
        cluster_services.cluster_record_figures(
            cluster=cluster,
            values={measure: value},
            provenance=cluster_services.Provenance(**provenance),
        )
        return cluster.figures.get(
            measure=measure, year=provenance["year"], source=provenance["source"]
        )


def stakeholder_network(cluster, actors, links):
    """Build a stakeholder network in `cluster` through the services; return its members.

    `actors` maps a short key to (name, kind, role); `links` lists (source key, relationship,
    target key) or (source key, relationship, target key, since, until).
    """
    members = {}
    for key, (name, kind, role) in actors.items():
        members[key] = StakeholderFactory(name=name, kind=kind, role=role)
        stakeholder_services.stakeholder_link_to_cluster(stakeholder=members[key], cluster=cluster)
    for source, relationship, target, *dates in links:
        since, until = (*dates, None, None)[:2]
        stakeholder_services.relationship_create(
            cluster=cluster,
            source=members[source],
            target=members[target],
            kind=relationship,
            since=since,
            until=until,
        )
    return members
