"""The demo has an initiative of every kind of programme on the FAQ's example clusters,
with a study, a plan, targets and measurements, all marked illustrative."""

from io import StringIO

import pytest
from django.core.management import call_command

from clusters.choices import PublicationStatus
from programmes import selectors
from programmes.choices import SchemeKind
from programmes.demo import ILLUSTRATIVE
from programmes.models import IndicatorMeasurement, Initiative

pytestmark = pytest.mark.django_db


def test_load_demo_records_an_illustrative_initiative_of_every_kind():
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert "development initiatives: created 5" in out.getvalue()
    initiatives = Initiative.objects.select_related("scheme", "cluster")
    assert {i.scheme.kind for i in initiatives} == set(SchemeKind.values)
    for initiative in initiatives:
        assert initiative.source.startswith("Illustrative")
        assert initiative.study.challenges
        assert initiative.activities.exists()
        assert initiative.targets.exists()
        assert all(t.source == ILLUSTRATIVE and t.estimated for t in initiative.targets.all())
        assert initiative.history.filter(history_user__username="curator").exists()
    assert all(m.source == ILLUSTRATIVE for m in IndicatorMeasurement.objects.all())
    # One waits in the curators' queue; the published ones draw their charts publicly.
    assert initiatives.filter(status=PublicationStatus.SUBMITTED).count() == 1
    page = selectors.cluster_development(slug=initiatives.get(scheme__slug="mse-cdp").cluster.slug)
    charts = {chart.indicator.slug: chart for chart in page.initiatives[0].charts}
    chart = charts["quality-certifications"]
    assert chart.baseline and chart.target and len(chart.measurements) == 2
    ludhiana = selectors.cluster_development(
        slug=initiatives.get(scheme__slug="unido-cdp").cluster.slug
    )
    computed = {value.indicator.slug: value.value for value in ludhiana.computed}
    assert computed["bds-providers"] == 5
