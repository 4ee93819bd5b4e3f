"""Realistic records for every admin page (tests/common/test_admin_*.py, tests/e2e/
test_admin_accessibility.py): a cluster with figures in the crores and lakhs, its
stakeholders, a relationship, a network, a pending revision, a draft, tokens and sign-in
records, so that every changelist, change page and inline is drawn with rows."""

from dataclasses import dataclass

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from rest_framework.authtoken.models import Token

from clusters import revisions, services
from clusters.choices import ClusterType, PublicationStatus
from stakeholders import networks
from stakeholders.choices import JointAction, Kind
from stakeholders.models import Network
from tests import factories
from tests.accounts.people import make_people


@dataclass
class AdminDemo:
    people: object
    cluster: object
    draft: object
    stakeholder: object


def make_admin_demo():
    """Create the records; return the people, the main cluster, a draft and a stakeholder."""
    people = make_people()
    cluster = factories.ClusterFactory(
        product="Hosiery",
        place="Ludhiana",
        district="Ludhiana",
        region=factories.region("Punjab"),
        cluster_type=ClusterType.INDUSTRIAL,
        sector=factories.SectorFactory(name="Textiles"),
        agency=people.agency_a,
        description="Knitwear units making sweaters, socks and thermal wear.",
        figures={
            "enterprise_count": 15000,
            "employment": 1_200_000,
            "annual_turnover": 50_000_000_000,
            "annual_exports": 4_500_000_000,
        },
        provenance=services.Provenance(year="2015-16", source="Diagnostic study, 2016"),
    )
    factories.ClusterFigureFactory(
        cluster=cluster, measure="enterprise_count", value=12000, year="2010-11", source="Census"
    )
    factories.ClusterFigureFactory(
        cluster=cluster,
        measure="annual_turnover",
        value=32_500_000_000,
        year="",
        source=(
            "Diagnostic study of the Ludhiana knitwear cluster by the MSME Development "
            "Institute, Ludhiana, for the Ministry of Micro, Small and Medium Enterprises"
        ),
    )
    draft = factories.ClusterFactory(
        product="Brassware",
        place="Moradabad",
        region=factories.region("Uttar Pradesh"),
        cluster_type=ClusterType.HANDICRAFT,
        status=PublicationStatus.DRAFT,
        agency=people.agency_a,
        figures={"artisan_count": 80000},
    )
    enterprises = [
        factories.StakeholderFactory(name=f"Ludhiana knitwear unit {n}", kind=Kind.ENTERPRISE)
        for n in range(1, 4)
    ]
    for enterprise in enterprises:
        factories.MembershipFactory(cluster=cluster, stakeholder=enterprise, source="Survey")
    stakeholder = factories.StakeholderFactory(
        name="Knitwear Club Ludhiana", kind=Kind.ASSOCIATION, place="Ludhiana"
    )
    factories.RelationshipFactory(cluster=cluster, source=stakeholder, target=enterprises[0])
    networks.network_save(
        network=Network(
            cluster=cluster, name="Ludhiana export consortium", joint_action=JointAction.values[0]
        ),
        members=enterprises,
    )
    revisions.revision_propose(
        user=people.own_editor,
        cluster=cluster,
        changes={
            "fields": revisions.field_changes(cluster=cluster, data={"district": "Ludhiana East"})
        },
    )
    Token.objects.create(user=people.curator)
    AccessAttempt.objects.create(
        username="someone", ip_address="192.0.2.1", user_agent="Firefox", failures_since_start=2
    )
    AccessLog.objects.create(username="curator", ip_address="192.0.2.2", user_agent="Chromium")
    AccessFailureLog.objects.create(
        username="someone", ip_address="192.0.2.1", user_agent="Firefox"
    )
    return AdminDemo(people=people, cluster=cluster, draft=draft, stakeholder=stakeholder)
