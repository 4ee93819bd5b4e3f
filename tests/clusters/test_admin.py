"""The curators' workbench: every admin page renders, lists stay fast, writes use services."""

import pytest
from django.urls import reverse

from clusters.models import Benchmark, Cluster
from tests import factories

ADMIN_MODELS = [
    "clusters.cluster",
    "clusters.clusterfigure",
    "clusters.benchmark",
    "clusters.region",
    "clusters.sector",
    "clusters.agency",
    "clusters.agencyeditor",
    "stakeholders.stakeholder",
    "stakeholders.clustermembership",
    "stakeholders.relationship",
]


def _url(model, view, *args):
    app, name = model.split(".")
    return reverse(f"admin:{app}_{name}_{view}", args=args)


@pytest.fixture
def populated(db):
    """A cluster with a figure, two members and a relationship between them."""
    relationship = factories.RelationshipFactory(
        cluster=factories.ClusterFactory(figures={"enterprise_count": 120})
    )
    factories.AgencyEditorFactory()
    return relationship


@pytest.mark.parametrize("model", ADMIN_MODELS)
def test_changelist_and_add_pages_render(curator_client, populated, model):
    """Each model's list and add form render for a curator."""
    assert curator_client.get(_url(model, "changelist")).status_code == 200
    assert curator_client.get(_url(model, "add")).status_code == 200


def test_cluster_change_and_history_pages_show_classification(curator_client, populated):
    """A cluster's change page shows its classification; its history page lists changes."""
    cluster = populated.cluster
    response = curator_client.get(_url("clusters.cluster", "change", cluster.pk))
    assert response.status_code == 200
    assert "120 enterprises ≥ 100" in response.content.decode()
    history = curator_client.get(_url("clusters.cluster", "history", cluster.pk))
    assert history.status_code == 200
    assert cluster.product in history.content.decode()


def test_stakeholder_change_page_shows_relationships_from_both_ends(curator_client, populated):
    """The relationship is listed on the source's page and on the target's page."""
    for stakeholder in (populated.source, populated.target):
        page = curator_client.get(_url("stakeholders.stakeholder", "change", stakeholder.pk))
        body = page.content.decode()
        assert page.status_code == 200
        assert "relationships from this stakeholder" in body.lower()
        assert populated.source.name in body and populated.target.name in body


def test_cluster_list_shows_status_and_reason(curator_client, db):
    """The cluster list has the classification badge and its sentence."""
    factories.ClusterFactory(product="Forgings", place="Pune", figures={"enterprise_count": 70})
    body = curator_client.get(_url("clusters.cluster", "changelist")).content.decode()
    assert "Potential cluster" in body
    assert "70 enterprises &lt; 100" in body or "70 enterprises < 100" in body


@pytest.mark.parametrize(
    "model", ["clusters.cluster", "stakeholders.stakeholder", "stakeholders.relationship"]
)
def test_list_query_count_is_the_same_for_1_and_50_rows(curator_client, db, model):
    """Lists join what they show: the query count does not grow with the rows."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def make(n):
        cluster = factories.ClusterFactory()
        for _ in range(n):
            factories.RelationshipFactory(cluster=cluster)

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert curator_client.get(_url(model, "changelist")).status_code == 200
        return len(captured)

    make(1)
    one = count()
    for _ in range(49):
        factories.ClusterFactory()
    make(49)
    assert count() == one


def test_big_unfiltered_lists_use_the_estimate_not_count(curator_client, db, monkeypatch):
    """An unfiltered stakeholder or relationship list runs no COUNT(*) on a big table."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from common.admin import EstimatedCountPaginator

    for _ in range(3):
        factories.RelationshipFactory()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE stakeholders_stakeholder")
        cursor.execute("ANALYZE stakeholders_relationship")
    monkeypatch.setattr(EstimatedCountPaginator, "estimate_above", 0)
    for model in ("stakeholders.stakeholder", "stakeholders.relationship"):
        with CaptureQueriesContext(connection) as captured:
            assert curator_client.get(_url(model, "changelist")).status_code == 200
        counts = [q["sql"] for q in captured if "COUNT(*)" in q["sql"].upper()]
        assert counts == [], counts


def test_admin_refuses_a_duplicate_cluster_naming_the_existing_one(curator_client, db):
    """A second cluster with the same product and place is a form error, not a crash."""
    existing = factories.ClusterFactory(product="Hosiery", place="Ludhiana")
    response = curator_client.post(
        _url("clusters.cluster", "add"),
        {
            "product": "  HOSIERY ",
            "place": "ludhiana",
            "region": existing.region_id,
            "country": "IN",
            "cluster_type": "industrial",
            "status": "draft",
            "figures-TOTAL_FORMS": "0",
            "figures-INITIAL_FORMS": "0",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert existing.get_absolute_url() in response.content.decode()
    assert Cluster.objects.count() == 1


def test_admin_creates_a_cluster_with_figures_and_classifies_it(curator_client, db):
    """Figures entered inline become the current values and decide the classification."""
    region = factories.region("Uttar Pradesh")
    response = curator_client.post(
        _url("clusters.cluster", "add"),
        {
            "product": "Scissors",
            "place": "Meerut",
            "region": region.pk,
            "country": "IN",
            "cluster_type": "industrial",
            "status": "draft",
            "figures-TOTAL_FORMS": "1",
            "figures-INITIAL_FORMS": "0",
            "figures-0-measure": "enterprise_count",
            "figures-0-value": "150",
            "figures-0-year": "2019-20",
            "figures-0-source": "test survey",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    cluster = Cluster.objects.get(product="Scissors")
    assert cluster.enterprise_count == 150
    assert cluster.classification_status == "qualifies"
    assert cluster.history.first().history_user is not None


def test_reclassify_action(curator_client, db):
    """The admin action recomputes the classification of the selected clusters."""
    cluster = factories.ClusterFactory(figures={"enterprise_count": 80})
    Cluster.objects.filter(pk=cluster.pk).update(classification_status="qualifies")
    response = curator_client.post(
        _url("clusters.cluster", "changelist"),
        {"action": "reclassify", "_selected_action": [cluster.pk]},
        follow=True,
    )
    assert "1 of 1 cluster changed classification" in response.content.decode()
    cluster.refresh_from_db()
    assert cluster.classification_status == "potential"


def test_changing_a_benchmark_in_the_admin_reclassifies(curator_client, db):
    """Lowering the industrial threshold to 50 makes a 70-enterprise cluster qualify."""
    cluster = factories.ClusterFactory(figures={"enterprise_count": 70})
    assert cluster.classification_status == "potential"
    benchmark = Benchmark.objects.get(cluster_type="industrial", country="")
    response = curator_client.post(
        _url("clusters.benchmark", "change", benchmark.pk),
        {
            "cluster_type": "industrial",
            "measure": "enterprise_count",
            "threshold": "50",
            "currency": "INR",
            "country": "",
            "authority": "UNIDO",
            "source": benchmark.source,
        },
    )
    assert response.status_code == 302
    cluster.refresh_from_db()
    assert cluster.classification_status == "qualifies"


def test_admin_is_closed_to_anonymous_and_non_staff(client, db):
    """Anonymous users are sent to the login page; an editor without staff status too."""
    url = _url("clusters.cluster", "changelist")
    assert client.get(url).status_code == 302
    client.force_login(factories.AgencyEditorFactory().user)
    assert client.get(url).status_code == 302
