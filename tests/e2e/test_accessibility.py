"""Accessibility: axe-core finds no serious or critical violation on any public or workspace
page, at a desktop width (1280 px) and at a phone width (390 px) (UI.md, "Accessible by
construction"; issue 16).

The pages are found, not listed (tests/e2e/crawl.py): the links from the home page (and from
/manage/, signed in as an agency editor and as a curator), then the pages the forms show (a
filtered list, the selection's ranking, two clusters compared, a create form's errors, an
upload's preview). Axe checks the first page of each kind (URL name) reached by a link and
the first of each kind a form shows, so a page added later is checked without a change here. The admin and the API's docs pages
have their own tests (test_admin_accessibility.py, test_api_docs.py).

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
from tests.accounts.people import make_people
from tests.conftest import FIXTURES
from tests.e2e import crawl as crawler
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
# States of the pages that no link and no form's default values reach.
STATES = [
    ("cluster list, nothing found", "/clusters/?cluster_type=service&state=punjab"),
    ("cluster list, invalid filter", "/clusters/?enterprise_count_min=many"),
]
AXE = Axe()


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


def axe_problems(page, name):
    """Return the blocking (serious or critical) axe violations of the page shown, as text."""
    blocking = [v for v in AXE.run(page).response["violations"] if v["impact"] in BLOCKING]
    if not blocking:
        return []
    return [f"{name} at {page.viewport_size['width']} px ({page.url}):\n{describe(blocking)}"]


def axe_inspector(problems):
    """Return a crawl inspector adding to `problems` the axe violations of the first page
    of each kind reached by a link, and of the first of each kind a form shows (the
    comparison of two clusters, a create form's errors, an upload's preview)."""

    def inspect(page, visit):
        assert visit.status < 500, f"{visit.address} ({visit.via}) answered {visit.status}"
        if visit.first_of_kind:
            problems.extend(axe_problems(page, f"{visit.kind} ({visit.via})"))

    return inspect


@pytest.mark.parametrize("viewport", WIDTHS.values(), ids=WIDTHS.keys())
def test_no_public_page_has_a_serious_axe_violation(viewport, demo, live_server, new_page):
    problems = []
    page = new_page(viewport=viewport)
    visits = crawler.crawl(
        page, live_server.url, crawler.PUBLIC_STARTS, forms=True, inspect=axe_inspector(problems)
    )
    assert len({visit.kind for visit in visits}) >= 10, visits
    for name, address in STATES:
        assert page.goto(live_server.url + address).ok, address
        problems += axe_problems(page, name)
    assert not problems, "axe found serious or critical violations:\n" + "\n".join(problems)


@pytest.mark.parametrize("viewport", WIDTHS.values(), ids=WIDTHS.keys())
@pytest.mark.parametrize("role", ["own_editor", "curator"])
def test_no_workspace_page_has_a_serious_axe_violation(role, viewport, demo, live_server, new_page):
    problems = []
    page = new_page(viewport=viewport)
    crawler.sign_in(page, live_server.url, crawler.workspace_reader(make_people(), role))
    visits = crawler.crawl(
        page,
        live_server.url,
        crawler.WORKSPACE_STARTS,
        within="/manage/",
        forms=True,
        samples=crawler.SAMPLES,
        inspect=axe_inspector(problems),
    )
    assert {"empty form", "form with a file"} <= {visit.via for visit in visits}, visits
    assert not problems, "axe found serious or critical violations:\n" + "\n".join(problems)
