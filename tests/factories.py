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


# Development programmes (issue 15) --------------------------------------------------------


def scheme(slug="mse-cdp"):
    """Return one of the schemes loaded by the migration."""
    from programmes.models import Scheme

    return Scheme.objects.get(slug=slug)


def indicator(slug="new-markets"):
    """Return one entry of the indicator catalogue loaded by the migration."""
    from programmes.models import Indicator

    return Indicator.objects.get(slug=slug)


class SchemeFactory(factory.django.DjangoModelFactory):
    slug = factory.Sequence(lambda n: f"scheme-{n}")
    name = factory.Sequence(lambda n: f"Scheme {n}")
    short_name = factory.Sequence(lambda n: f"S{n}")
    kind = "state"
    owner = "Department of Industries"

    class Meta:
        model = "programmes.Scheme"
        django_get_or_create = ("slug",)


class InitiativeFactory(factory.django.DjangoModelFactory):
    """An initiative in a published cluster of its agency, under MSE-CDP, in draft."""

    slug = factory.Sequence(lambda n: f"initiative-{n}")
    title = factory.Sequence(lambda n: f"Initiative {n}")
    agency = factory.SubFactory(AgencyFactory)
    cluster = factory.SubFactory(ClusterFactory, agency=factory.SelfAttribute("..agency"))
    scheme = factory.LazyFunction(scheme)
    development_agent_name = "A. Cluster Development Agent"
    stage = "diagnostic_study"
    status = PublicationStatus.DRAFT
    currency = "INR"

    class Meta:
        model = "programmes.Initiative"


class DiagnosticStudyFactory(factory.django.DjangoModelFactory):
    initiative = factory.SubFactory(InitiativeFactory)
    industrial_scenario = "The cluster supplies most of the country's output."
    cluster_history = "Started in the 1950s; grew after the export boom of the 1990s."
    value_chain = "Yarn, weaving, dyeing, finishing, marketing."
    challenges = "Old technology, no common testing facility."
    opportunities = "Exports to new markets."
    prepared_by = "The cluster development agent"

    class Meta:
        model = "programmes.DiagnosticStudy"
        skip_postgeneration_save = True

    @factory.post_generation
    def consulted(self, create, extracted, **kwargs):
        if create and extracted:
            self.consulted.set(extracted)


class StudyDocumentFactory(factory.django.DjangoModelFactory):
    study = factory.SubFactory(DiagnosticStudyFactory)
    title = factory.Sequence(lambda n: f"Study report {n}")
    file = factory.django.FileField(filename="report.pdf", data=b"%PDF-1.4\n% a study\n")
    content_type = "application/pdf"
    size = 19

    class Meta:
        model = "programmes.StudyDocument"


class PlanActivityFactory(factory.django.DjangoModelFactory):
    initiative = factory.SubFactory(InitiativeFactory)
    title = factory.Sequence(lambda n: f"Activity {n}")
    horizon = "short"
    intervention = "soft"
    activity_type = "training"
    status = "planned"
    position = factory.Sequence(lambda n: n)

    class Meta:
        model = "programmes.PlanActivity"
        skip_postgeneration_save = True

    @factory.post_generation
    def responsible(self, create, extracted, **kwargs):
        if create and extracted:
            self.responsible.set(extracted)


class IndicatorFactory(factory.django.DjangoModelFactory):
    slug = factory.Sequence(lambda n: f"indicator-{n}")
    name = factory.Sequence(lambda n: f"Indicator {n}")
    level = "enterprise"
    unit = "markets"
    position = factory.Sequence(lambda n: 1000 + n)

    class Meta:
        model = "programmes.Indicator"
        django_get_or_create = ("slug",)


class IndicatorTargetFactory(factory.django.DjangoModelFactory):
    initiative = factory.SubFactory(InitiativeFactory)
    indicator = factory.LazyFunction(indicator)
    baseline_year = 2022
    baseline_value = 2
    target_year = 2026
    target_value = 10
    source = "Diagnostic study"

    class Meta:
        model = "programmes.IndicatorTarget"


class IndicatorMeasurementFactory(factory.django.DjangoModelFactory):
    cluster = factory.SubFactory(ClusterFactory)
    indicator = factory.LazyFunction(indicator)
    year = factory.Sequence(lambda n: 2000 + n % 100)
    fiscal = False
    value = 5
    source = factory.Sequence(lambda n: f"Progress report {n}")

    class Meta:
        model = "programmes.IndicatorMeasurement"


class InitiativeRevisionFactory(factory.django.DjangoModelFactory):
    initiative = factory.SubFactory(InitiativeFactory, status=PublicationStatus.PUBLISHED)
    author = factory.SubFactory(UserFactory)
    changes = factory.LazyFunction(lambda: {"fields": {"description": "A proposed change"}})
    base_version = factory.LazyAttribute(lambda r: r.initiative.version)

    class Meta:
        model = "programmes.InitiativeRevision"
