"""A submitted filter form sends every field, blank ones included (`sector=`, `role=`):
blank means no filter, on the lists and in the export the list links to. A list asked with
blank fields sends the reader on to its address without them (a clean address to share)."""

import csv
import io

import pytest
from django.urls import reverse

from clusters.choices import ClusterType
from stakeholders.choices import Kind
from tests.factories import ClusterFactory, MembershipFactory, StakeholderFactory, region

CLUSTER_FORM = (
    "q=&cluster_type=handloom&artisan=&sector=&state=west-bengal&country=&enterprise_count_min="
    "&enterprise_count_max=&employment_min=&employment_max=&turnover_min=&turnover_max="
    "&origin=&structure=&stage=&exporting=&agency="
)


@pytest.fixture
def clusters(db):
    handloom = ClusterFactory(
        product="Sarees",
        place="Phulia",
        cluster_type=ClusterType.HANDLOOM,
        region=region("West Bengal"),
        figures={"loom_count": 3200},
    )
    ClusterFactory(
        product="Shawls",
        place="Otherpur",
        cluster_type=ClusterType.HANDLOOM,
        region=region("Assam"),
    )
    ClusterFactory(product="Bells", place="Testpur", region=region("Odisha"))
    return handloom


def test_cluster_list_ignores_the_blank_fields_of_the_form(client, clusters):
    response = client.get(reverse("clusters:cluster_list") + "?" + CLUSTER_FORM, follow=True)
    assert response.redirect_chain == [("/clusters/?cluster_type=handloom&state=west-bengal", 302)]
    assert response.status_code == 200
    assert response.context["filter_errors"] == []
    assert [cluster.product for cluster in response.context["results"]] == ["Sarees"]
    # Facet counts survive, and the links the page makes carry no blank fields.
    assert [count for _value, _label, count, _checked in response.context["type_choices"]] == [
        0,
        0,
        1,
        0,
    ]
    assert response.context["export_query"] == "cluster_type=handloom&state=west-bengal"


def test_cluster_export_ignores_blank_fields(client, clusters):
    response = client.get(reverse("clusters:cluster_export_csv") + "?" + CLUSTER_FORM)
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert [row["product"] for row in csv.DictReader(io.StringIO(text))] == ["Sarees"]


def test_stakeholder_list_ignores_the_blank_fields_of_the_form(client, clusters):
    MembershipFactory(
        cluster=clusters, stakeholder=StakeholderFactory(name="Weavers", kind=Kind.ASSOCIATION)
    )
    response = client.get(
        reverse("stakeholders:stakeholder_list") + "?q=&role=&cluster=&state=", follow=True
    )
    assert response.redirect_chain == [("/stakeholders/", 302)]
    assert response.status_code == 200
    assert response.context["filter_errors"] == []
    assert [item.name for item in response.context["results"]] == ["Weavers"]


def test_a_wrong_value_is_still_an_error(client, clusters):
    response = client.get(reverse("clusters:cluster_list") + "?sector=&state=atlantis", follow=True)
    assert [name for name, _label, _message in response.context["filter_errors"]] == ["state"]
    assert response.context["results"] == []


def test_a_list_without_blank_fields_is_served_at_once(client, clusters):
    response = client.get(reverse("clusters:cluster_list") + "?cluster_type=handloom&page=1")
    assert response.status_code == 200


def test_repeated_values_with_one_blank_are_cleaned_too(client, clusters):
    response = client.get(reverse("clusters:cluster_list") + "?cluster_type=handloom&cluster_type=")
    assert response.status_code == 302
    assert response["Location"] == "/clusters/?cluster_type=handloom"
