"""Writes to clusters: identity (one record per product and place), figures with their
history, regions and sectors, and the audit history every write leaves."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from clusters import services
from clusters.choices import ClusterType
from clusters.models import Cluster, ClusterFigure, Region, Sector
from common.history import change_set
from tests.factories import ClusterFactory, ClusterFigureFactory, foreign_region, region

# Identity ------------------------------------------------------------------------------


def test_identity_ignores_case_and_repeated_spaces(db):
    """'  knitted  GARMENTS' in 'tirupur' is the Knitted garments cluster of Tirupur again."""
    existing = ClusterFactory(
        product="Knitted garments", place="Tirupur", region=region("Tamil Nadu")
    )

    with pytest.raises(ValidationError) as caught:
        services.cluster_create(
            product="  knitted  GARMENTS",
            place="tirupur ",
            region=region("Tamil Nadu"),
            cluster_type=ClusterType.INDUSTRIAL,
        )

    message = caught.value.message_dict["product"][0]
    assert "“Knitted garments, Tirupur”" in message
    assert f"/clusters/{existing.slug}/" in message
    assert existing.get_absolute_url() in message
    assert Cluster.objects.count() == 1


def test_identity_ignores_accents(db):
    """'Cafe furniture' duplicates 'Café furniture' in the same place."""
    ClusterFactory(product="Café furniture", place="Pondichéry", region=region("Puducherry"))

    with pytest.raises(ValidationError, match="already has this product and place"):
        services.cluster_create(
            product="CAFE furniture",
            place="Pondichery",
            region=region("Puducherry"),
            cluster_type=ClusterType.INDUSTRIAL,
        )


def test_district_is_not_part_of_the_identity(db):
    """The same product and place with another district is still a duplicate."""
    ClusterFactory(
        product="Knitted garments",
        place="Tirupur",
        district="Tiruppur",
        region=region("Tamil Nadu"),
    )

    with pytest.raises(ValidationError):
        services.cluster_create(
            product="Knitted garments",
            place="Tirupur",
            district="Coimbatore",
            region=region("Tamil Nadu"),
            cluster_type=ClusterType.INDUSTRIAL,
        )
    assert Cluster.objects.count() == 1


def test_same_product_and_place_in_another_state_is_another_cluster(db):
    """Two places of one name in different states are two clusters, with two slugs."""
    first = ClusterFactory(product="Brass ware", place="Aurangabad", region=region("Bihar"))
    second = ClusterFactory(product="Brass ware", place="Aurangabad", region=region("Maharashtra"))

    assert Cluster.objects.count() == 2
    assert first.slug != second.slug


def test_same_product_and_place_in_another_country_is_another_cluster(db):
    """A cluster abroad does not clash with an Indian one of the same name."""
    ClusterFactory(product="Knitwear", place="Prato", region=None)
    ClusterFactory(
        product="Knitwear", place="Prato", region=foreign_region("Tuscany"), country="IT"
    )

    assert Cluster.objects.filter(product="Knitwear").count() == 2


def test_product_and_place_are_stored_with_single_spaces(db):
    """Stray spaces typed around and inside names are not stored."""
    cluster = ClusterFactory(product="  Brass   ware ", place=" Moradabad  ")

    cluster.refresh_from_db()
    assert (cluster.product, cluster.place) == ("Brass ware", "Moradabad")
    assert services.cluster_find(
        product="brass WARE", place="moradabad", region=cluster.region
    ) == (cluster)


def test_renaming_onto_another_cluster_is_refused(db):
    """Editing a cluster so that it takes another's product and place is refused."""
    ClusterFactory(product="Hosiery", place="Ludhiana", region=region("Punjab"))
    other = ClusterFactory(product="Bicycles", place="Ludhiana", region=region("Punjab"))

    with pytest.raises(ValidationError, match="Hosiery, Ludhiana"):
        services.cluster_update(cluster=other, data={"product": "HOSIERY"})

    other.refresh_from_db()
    assert other.product == "Bicycles"


def test_renaming_keeps_the_identity_in_step(db):
    """After a rename the cluster is found by its new product and no longer by the old one."""
    cluster = ClusterFactory(product="Bicycle parts", place="Ludhiana", region=region("Punjab"))

    assert services.cluster_update(cluster=cluster, data={"product": "Bicycles"})

    punjab = region("Punjab")
    assert services.cluster_find(product="bicycles", place="Ludhiana", region=punjab) == cluster
    assert services.cluster_find(product="Bicycle parts", place="Ludhiana", region=punjab) is None


def test_update_with_the_same_values_changes_nothing(db):
    """Setting fields to the values they have is not a change and writes no history."""
    cluster = ClusterFactory(district="Nadia")
    history = cluster.history.count()

    assert services.cluster_update(cluster=cluster, data={"district": "Nadia"}) is False
    assert cluster.history.count() == history


def test_database_refuses_a_duplicate_identity_even_without_the_service(db):
    """The unique constraint holds when code writes to the table directly."""
    existing = ClusterFactory(product="Hosiery", place="Ludhiana", region=region("Punjab"))

    with pytest.raises(IntegrityError), transaction.atomic():
        Cluster.objects.create(
            product="Hosiery",
            place="Ludhiana",
            region=existing.region,
            identity_key=existing.identity_key,
            slug="hosiery-ludhiana-again",
            cluster_type=ClusterType.INDUSTRIAL,
            classification_reason="",
        )
    assert Cluster.objects.count() == 1


def test_model_validation_reports_the_constraint_message(db):
    """full_clean on a copy of an identity gives the constraint's friendly message."""
    existing = ClusterFactory()
    copy = Cluster(
        product=existing.product,
        place=existing.place,
        region=existing.region,
        identity_key=existing.identity_key,
        slug="copy",
        cluster_type=ClusterType.INDUSTRIAL,
        classification_reason="x",
    )

    with pytest.raises(ValidationError, match="A cluster with this product and place exists."):
        copy.full_clean()


# Figures and their history ---------------------------------------------------------------


def tirupur():
    return ClusterFactory(
        product="Knitted garments",
        place="Tirupur",
        region=region("Tamil Nadu"),
        figures={"enterprise_count": 3200},
        provenance=services.Provenance(year="2010-11", source="SAMEEEKSHA", estimated=True),
    )


def test_first_figures_are_recorded_with_their_provenance(db):
    """A new cluster's figures are kept with their year, source and estimated flag."""
    cluster = tirupur()

    figure = cluster.figures.get()
    assert (figure.measure, figure.value, figure.year) == ("enterprise_count", 3200, "2010-11")
    assert (figure.source, figure.estimated, figure.currency) == ("SAMEEEKSHA", True, "")
    assert cluster.enterprise_count == 3200


def test_a_second_source_keeps_both_figures_and_the_newest_is_current(db):
    """Tirupur: 3,200 enterprises in 2010-11 and ~9,000 later are both kept; the later counts."""
    cluster = tirupur()

    changed = services.cluster_record_figures(
        cluster=cluster,
        values={"enterprise_count": 9000},
        provenance=services.Provenance(year="2016", source="FAQ", estimated=True),
    )

    assert changed is True
    assert sorted(cluster.figures.values_list("value", "source")) == [
        (3200, "SAMEEEKSHA"),
        (9000, "FAQ"),
    ]
    cluster.refresh_from_db()
    assert cluster.enterprise_count == 9000


def test_an_older_figure_is_history_not_current(db):
    """A figure for an earlier year joins the history without replacing the current value."""
    cluster = tirupur()

    services.cluster_record_figures(
        cluster=cluster,
        values={"enterprise_count": 2500},
        provenance=services.Provenance(year="2005-06", source="Old census"),
    )

    cluster.refresh_from_db()
    assert cluster.figures.count() == 2
    assert cluster.enterprise_count == 3200


def test_a_figure_without_a_year_does_not_replace_a_dated_one(db):
    """An undated figure is older than any dated one."""
    cluster = tirupur()

    services.cluster_record_figures(
        cluster=cluster,
        values={"enterprise_count": 9000},
        provenance=services.Provenance(source="FAQ"),
    )

    cluster.refresh_from_db()
    assert cluster.figures.count() == 2
    assert cluster.enterprise_count == 3200


def test_re_recording_the_same_figure_changes_nothing(db):
    """The same value, year and source a second time adds no figure and no history."""
    cluster = tirupur()
    figures, history = ClusterFigure.objects.count(), Cluster.history.count()

    changed = services.cluster_record_figures(
        cluster=cluster,
        values={"enterprise_count": 3200},
        provenance=services.Provenance(year="2010-11", source="SAMEEEKSHA", estimated=True),
    )

    assert changed is False
    assert ClusterFigure.objects.count() == figures
    assert Cluster.history.count() == history


def test_correcting_a_figure_of_the_same_year_and_source_updates_it(db):
    """A new value for the same measure, year and source corrects the figure in place."""
    cluster = tirupur()

    services.cluster_record_figures(
        cluster=cluster,
        values={"enterprise_count": 3300},
        provenance=services.Provenance(year="2010-11", source="SAMEEEKSHA", estimated=True),
    )

    cluster.refresh_from_db()
    assert list(cluster.figures.values_list("value", flat=True)) == [3300]
    assert cluster.enterprise_count == 3300


def test_blank_figures_are_not_recorded(db):
    """None (blank, unknown) is not a figure: nothing is recorded for it."""
    cluster = tirupur()

    changed = services.cluster_record_figures(
        cluster=cluster,
        values={"employment": None, "loom_count": None},
        provenance=services.Provenance(year="2016"),
    )

    assert changed is False
    assert cluster.figures.count() == 1
    assert cluster.employment is None


def test_zero_is_recorded_as_a_figure(db):
    """Zero is a known count, unlike blank."""
    cluster = ClusterFactory(figures={"enterprise_count": 0, "loom_count": None})

    assert list(cluster.figures.values_list("measure", "value")) == [("enterprise_count", 0)]
    assert (cluster.enterprise_count, cluster.loom_count) == (0, None)


def test_amounts_keep_their_currency(db):
    """A turnover figure stores its currency, and the cluster's current currency follows it."""
    cluster = ClusterFactory(
        region=foreign_region("Tuscany"),
        country="IT",
        figures={"annual_turnover": 2_000_000, "enterprise_count": 40},
        provenance=services.Provenance(year="2016", currency="EUR"),
    )

    assert cluster.currency == "EUR"
    assert cluster.figures.get(measure="annual_turnover").currency == "EUR"
    assert cluster.figures.get(measure="enterprise_count").currency == ""
    assert cluster.figures.get(measure="annual_turnover").display_value == "EUR 2,000,000"


def test_figure_factory_records_through_the_service(db):
    """The figure factory leaves the cluster's current values in step with its figures."""
    figure = ClusterFigureFactory(measure="employment", value=68000, year="2010-11")

    figure.cluster.refresh_from_db()
    assert figure.cluster.employment == 68000
    assert str(figure) == "employment 68,000 (2010-11)"


@pytest.mark.parametrize("year", ["2016", "2015-16", "1999-00", " 2010-11 ", ""])
def test_plausible_years_are_accepted(year):
    """A calendar year or a fiscal year such as 2015-16 is accepted (blank is unknown)."""
    assert services.validate_year(year) == year.strip()


@pytest.mark.parametrize(
    ("year", "message"),
    [
        ("2015-17", "the second part must be the next year (2015-16)"),
        ("20x5", "is not a year such as 2016 or 2015-16"),
        ("2015/16", "is not a year such as 2016 or 2015-16"),
        ("16", "is not a year such as 2016 or 2015-16"),
        ("1850", "is not a plausible year"),
    ],
)
def test_implausible_years_are_refused(year, message):
    """Years that are not a year or a fiscal year are refused with a reason."""
    with pytest.raises(ValidationError, match=re.escape(message)):
        services.validate_year(year)


@pytest.mark.parametrize(("year", "key"), [("2016", 2016), ("2015-16", 2015), ("", 0), ("junk", 0)])
def test_year_sort_key_orders_fiscal_years_by_their_first_year(year, key):
    """A fiscal year sorts by the year it starts in; blank sorts first."""
    assert services.year_sort_key(year) == key


# Regions and sectors ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spelling", "official"),
    [
        ("W Bengal", "West Bengal"),
        ("w. bengal", "West Bengal"),
        ("WEST  BENGAL", "West Bengal"),
        ("WB", "West Bengal"),
        ("Orissa", "Odisha"),
        ("Pondicherry", "Puducherry"),
        ("Uttaranchal", "Uttarakhand"),
        ("Tamilnadu", "Tamil Nadu"),
        ("J&K", "Jammu and Kashmir"),
        ("IN-GJ", "Gujarat"),
    ],
)
def test_indian_state_spellings_map_to_the_official_name(db, spelling, official):
    """Common spellings, old names and codes find the official state."""
    found = services.region_lookup(state=spelling)
    assert found.pk is not None
    assert found.name == official


def test_unknown_indian_state_is_refused(db):
    """An Indian state that is not one of the 36 raises a clear error and creates nothing."""
    regions = Region.objects.count()

    with pytest.raises(
        ValidationError, match="'Atlantis' is not a state or union territory of India"
    ):
        services.region_get_or_create(state="Atlantis")

    assert Region.objects.count() == regions


def test_blank_state_is_no_region(db):
    """A blank state is unknown: no region."""
    assert services.region_lookup(state="  ") is None
    assert services.region_get_or_create(state="", country="IT") is None


def test_foreign_region_is_created_on_first_use_and_reused(db):
    """Another country's region is created once, then found again in any case."""
    regions = Region.objects.count()
    assert services.region_lookup(state="Lombardy", country="IT").pk is None

    lombardy = services.region_get_or_create(state="Lombardy", country="it")
    again = services.region_get_or_create(state="  LOMBARDY ", country="IT")

    assert again == lombardy
    assert Region.objects.count() == regions + 1
    assert (lombardy.country, lombardy.kind, lombardy.slug) == ("IT", "region", "lombardy-it")
    assert str(lombardy) == "Lombardy (IT)"


def test_sector_is_found_in_any_case_and_created_once(db):
    """'engineering' and 'Engineering' are one sector."""
    sector = services.sector_get_or_create(name="Engineering")

    assert services.sector_get_or_create(name=" ENGINEERING ") == sector
    assert Sector.objects.filter(name__iexact="engineering").count() == 1
    assert services.sector_get_or_create(name="") is None


# Audit history ---------------------------------------------------------------------------


def test_writes_in_a_change_set_record_its_user_and_reason(curator):
    """Every history row written in a change set names its user and its reason."""
    with change_set(user=curator, reason="survey 2016") as changes:
        cluster = ClusterFactory(figures={"enterprise_count": 60})
        services.cluster_record_figures(
            cluster=cluster,
            values={"enterprise_count": 120},
            provenance=services.Provenance(year="2016", source="Survey"),
        )

    rows = [*cluster.history.all(), *ClusterFigure.history.filter(cluster_id=cluster.pk)]
    assert len(rows) == 4  # cluster created and updated, two figures created
    assert {row.history_user for row in rows} == {curator}
    assert {row.history_change_reason for row in rows} == {f"survey 2016 #{changes.id}"}
    assert [row.history_type for row in cluster.history.order_by("history_id")] == ["+", "~"]
    assert cluster.history.latest().enterprise_count == 120


def test_writes_outside_a_change_set_have_no_user(db):
    """Without a change set (or a request) the history has no user and no reason."""
    cluster = ClusterFactory()

    row = cluster.history.get()
    assert row.history_user is None
    assert not row.history_change_reason


def test_change_sets_have_their_own_ids(curator):
    """Two operations with the same reason are told apart by the change set id."""
    with change_set(user=curator, reason="import") as first:
        one = ClusterFactory()
    with change_set(user=curator, reason="import") as second:
        two = ClusterFactory()

    assert first.id != second.id
    assert one.history.get().history_change_reason != two.history.get().history_change_reason


@pytest.mark.django_db
def test_a_misspelt_state_is_refused_with_a_suggestion():
    """'Utter Pradesh' is refused, and the message suggests Uttar Pradesh."""
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="Did you mean Uttar Pradesh"):
        services.region_lookup(state="Utter Pradesh")
