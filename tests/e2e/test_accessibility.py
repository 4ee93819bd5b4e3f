"""Accessibility: axe-core finds no serious or critical violation on any public page, at a
desktop width and at a phone width (UI.md, "Accessible by construction").

The data is the whole demo (every file `make run` loads) plus a BDS provider with contacts
and a relationship, so that every table, badge, panel and empty state of the pages is drawn.
Axe runs in the page (axe_playwright_python injects its own copy of axe-core; no network).
"""

import pytest
from axe_playwright_python.sync_playwright import Axe

from clusters.imports import ClusterImporter
from clusters.models import Cluster
from stakeholders.choices import Kind, RelationshipType, Role
from stakeholders.imports import RelationshipImporter, StakeholderImporter
from stakeholders.models import Stakeholder
from tests.conftest import FIXTURES
from tests.e2e.reference_data import (  # the fixture is used through pytestmark
    load_reference_data,
    reference_data_left_behind,  # noqa: F401
)
from tests.factories import MembershipFactory, RelationshipFactory, StakeholderFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data_left_behind"),
]

WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
BLOCKING = {"serious", "critical"}
DEMO_FILES = (
    (ClusterImporter, "clusters_india_profiles.csv"),
    (ClusterImporter, "faq_clusters.csv"),
    (StakeholderImporter, "stakeholders_india_profiles.csv"),
    (StakeholderImporter, "faq_stakeholders.csv"),
    (RelationshipImporter, "faq_relationships.csv"),
)
# (name, address); "{cluster}" and "{stakeholder}" are filled in with profiles from the data.
PAGES = [
    ("home", "/"),
    ("cluster list", "/clusters/"),
    ("cluster list, handloom", "/clusters/?cluster_type=handloom"),
    ("cluster list, nothing found", "/clusters/?cluster_type=service&state=punjab"),
    ("cluster list, invalid filter", "/clusters/?enterprise_count_min=many"),
    ("cluster profile", "{cluster}"),
    ("stakeholder list", "/stakeholders/"),
    ("BDS providers", "/stakeholders/?kind=bds_provider"),
    ("stakeholder profile", "{stakeholder}"),
    ("statistics", "/stats/"),
    ("sign in", "/accounts/login/"),
    ("about the data", "/about/data/"),
]


@pytest.fixture
def demo(transactional_db):
    """Load the demo files and a BDS provider; return the addresses of two profiles."""
    load_reference_data()
    for importer, name in DEMO_FILES:
        result = importer().run(FIXTURES / name)
        assert result.ok, (name, result.errors)
    ludhiana = Cluster.objects.get(slug="hosiery-ludhiana")
    provider = StakeholderFactory(
        name="Knitwear Design Consultants",
        kind=Kind.BDS_PROVIDER,
        role=Role.CONSULTANCY,
        services_offered="Design, sampling and export-market advice for knitwear units.",
        website="https://consultants.example.org/",
        email="desk@consultants.example.org",
        phone="+91 161 000 0000",
    )
    MembershipFactory(cluster=ludhiana, stakeholder=provider)
    exporters = Stakeholder.objects.get(name="Ludhiana knitwear exporter-manufacturers")
    RelationshipFactory(
        cluster=ludhiana, source=provider, target=exporters, kind=RelationshipType.SERVES
    )
    return {"cluster": ludhiana.get_absolute_url(), "stakeholder": provider.get_absolute_url()}


def describe(violations):
    """Return the violations as readable lines: rule, impact, help, and each element."""
    lines = []
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']} "
            f"[{violation['helpUrl']}]"
        )
        for node in violation["nodes"][:10]:
            summary = " ".join(node.get("failureSummary", "").split())
            lines.append(f"    {', '.join(map(str, node['target']))}: {node['html'][:160]}")
            lines.append(f"      {summary}")
    return "\n".join(lines)


@pytest.mark.parametrize(("name", "address"), PAGES, ids=[name for name, _address in PAGES])
def test_no_serious_or_critical_axe_violation(name, address, demo, live_server, new_page):
    axe = Axe()
    url = live_server.url + address.format(**demo)
    report = []
    for width_name, viewport in WIDTHS.items():
        page = new_page(viewport=viewport)
        response = page.goto(url)
        assert response.ok, f"{name} ({url}) answered {response.status}"
        results = axe.run(page).response
        blocking = [v for v in results["violations"] if v["impact"] in BLOCKING]
        if blocking:
            report.append(f"{name} at {width_name} width ({viewport['width']} px), {url}:")
            report.append(describe(blocking))
        page.close()
    assert not report, "axe found serious or critical violations:\n" + "\n".join(report)
