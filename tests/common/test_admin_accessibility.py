"""The admin reads like the site and names every input (issue 16): figures formatted in lakh
and crore with Indian digit grouping where they are shown (lists, read-only fields) and
raw in the inputs; every input of a tabular inline named by its row and column, for any
admin built on common.admin.HistoryAdmin; the pages stay within a bounded number of
queries."""

from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.urls import reverse

from clusters.models import Agency, Cluster
from common.admin import HistoryAdmin, LabelledRowsFormSetMixin
from tests import factories
from tests.common.admin_demo import make_admin_demo

pytestmark = pytest.mark.django_db


class Controls(HTMLParser):
    """Collect the form controls of a page (with their attributes) and the labels' `for`."""

    def __init__(self):
        super().__init__()
        self.controls = []
        self.label_for = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "label" and attrs.get("for"):
            self.label_for.add(attrs["for"])
        kind = attrs.get("type")
        if tag in ("input", "select", "textarea") and kind not in ("hidden", "submit", "button"):
            self.controls.append(attrs)


def controls_of(html):
    parser = Controls()
    parser.feed(html)
    return parser


@pytest.fixture
def demo():
    return make_admin_demo()


@pytest.fixture
def curator_client(client, demo):
    client.force_login(demo.people.curator)
    return client


def change_page(client, obj):
    info = (obj._meta.app_label, obj._meta.model_name)
    response = client.get(reverse("admin:{}_{}_change".format(*info), args=[obj.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_every_input_of_the_cluster_page_has_a_name(curator_client, demo):
    """No input of the cluster change page, inline figure and member rows included, is
    left with only a column header for a name."""
    page = controls_of(change_page(curator_client, demo.cluster))
    unnamed = [
        c.get("name")
        for c in page.controls
        if not c.get("aria-label") and c.get("id") not in page.label_for
    ]
    assert unnamed == []
    inline = [c for c in page.controls if c.get("name", "").startswith("figures-")]
    assert len(inline) >= 4 * 6  # four figures of six columns, and the empty row


def test_inline_rows_are_named_by_row_and_column(curator_client, demo):
    html = change_page(curator_client, demo.cluster)
    labels = {
        c.get("name"): c["aria-label"] for c in controls_of(html).controls if "aria-label" in c
    }
    assert labels["figures-1-value"] == "Cluster figure 2: Value"
    assert labels["figures-0-measure"] == "Cluster figure 1: Measure"
    assert labels["figures-__prefix__-source"] == "New cluster figure: Source"
    assert labels["figures-0-DELETE"] == "Cluster figure 1: Delete"
    # An autocomplete (a wrapped widget) is named as well.
    member = next(name for name in labels if name and name.endswith("-0-stakeholder"))
    assert labels[member].endswith(" 1: Stakeholder")


def test_a_plain_tabular_inline_of_a_history_admin_is_named_too(curator_client, demo):
    """The agency's editors inline is Django's TabularInline, with nothing of ours: the base
    admin names its inputs all the same."""
    factories.AgencyEditorFactory(agency=demo.people.agency_a)
    html = change_page(curator_client, Agency.objects.get(pk=demo.people.agency_a.pk))
    labels = {c.get("name"): c.get("aria-label") for c in controls_of(html).controls}
    assert labels["editors-0-user"] == "Agency editor 1: User"


def test_a_new_admin_on_the_base_class_names_its_inline_rows():
    """What a new app's admin gets from HistoryAdmin (documented in common/admin.py)."""

    class FigureRows(admin.TabularInline):
        model = Cluster.figures.rel.related_model

    class NewAdmin(HistoryAdmin):
        inlines = (FigureRows,)

    model_admin = NewAdmin(Cluster, admin.AdminSite())
    request = type("Request", (), {"user": factories.CuratorFactory()})()
    (formset, _inline), *_ = model_admin.get_formsets_with_inlines(request)
    assert issubclass(formset, LabelledRowsFormSetMixin)
    empty = formset(instance=Cluster()).empty_form
    assert empty.fields["value"].widget.attrs["aria-label"] == "New cluster figure: Value"


def test_figures_read_in_crore_and_lakh_on_the_change_page(curator_client, demo):
    html = change_page(curator_client, demo.cluster)
    assert "₹5,000 crore" in html  # annual turnover, 50000000000
    assert "₹450 crore" in html  # annual exports
    assert "12,00,000" in html  # employment
    assert "15,000" in html  # enterprises
    assert ">50000000000<" not in html
    # The figure inputs keep the raw number, as typed.
    values = {c.get("name"): c.get("value") for c in controls_of(html).controls}
    assert "50000000000" in values.values()


def test_cluster_list_shows_formatted_counts(curator_client, demo):
    response = curator_client.get(reverse("admin:clusters_cluster_changelist"))
    html = response.content.decode()
    assert "15,000" in html
    assert 'class="results" role="region" tabindex="0"' in html
    assert "The table scrolls sideways" in html


def test_figure_list_shows_amounts_and_counts(curator_client, demo):
    html = curator_client.get(reverse("admin:clusters_clusterfigure_changelist")).content.decode()
    assert "₹5,000 crore" in html
    assert "₹3,250 crore" in html
    assert "12,00,000" in html
    assert "50000000000" not in html


def test_benchmark_list_shows_thresholds_and_names_blank_filters(curator_client, demo):
    factories.BenchmarkFactory(threshold=100_000_000, country="")
    html = curator_client.get(reverse("admin:clusters_benchmark_changelist")).content.decode()
    assert "₹10 crore" in html
    assert '<a href="?country="></a>' not in html  # the blank country's filter link
    assert '<a href="?country=">(blank)</a>' in html


def test_formatted_columns_sort_by_their_field(curator_client, demo):
    factories.ClusterFactory(product="Locks", place="Aligarh", figures={"enterprise_count": 5})
    response = curator_client.get(reverse("admin:clusters_cluster_changelist"), {"o": "7"})
    products = [row.product for row in response.context["cl"].result_list]
    assert products[:2] == ["Locks", "Hosiery"]  # 5 and 15,000 enterprises; unknown last


@pytest.mark.parametrize(
    "address",
    [
        "admin:index",
        "admin:clusters_cluster_changelist",
        "admin:clusters_clusterfigure_changelist",
        "admin:stakeholders_stakeholder_changelist",
    ],
)
def test_admin_lists_stay_within_a_bounded_number_of_queries(
    curator_client, demo, address, django_assert_max_num_queries
):
    with django_assert_max_num_queries(30):
        response = curator_client.get(reverse(address))
    assert response.status_code == 200


def test_cluster_change_page_stays_within_a_bounded_number_of_queries(
    curator_client, demo, django_assert_max_num_queries
):
    url = reverse("admin:clusters_cluster_change", args=[demo.cluster.pk])
    with django_assert_max_num_queries(60):
        response = curator_client.get(url)
    assert response.status_code == 200
