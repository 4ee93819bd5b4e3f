"""clusters.assessments.assessment_judge: the one place that decides whether a judgement
of the selection parameters (FAQ Q43) counts now or waits for a curator."""

from datetime import date

import pytest

from clusters.assessments import assessment_judge
from clusters.choices import PublicationStatus
from clusters.models import ClusterAssessment, ClusterRevision
from tests import factories
from tests.accounts.people import make_people

pytestmark = pytest.mark.django_db


def judge(user, cluster, **overrides):
    return assessment_judge(
        user=user,
        cluster=cluster,
        parameter="future_prospects",
        rating=5,
        source="  State survey 2023 ",
        assessed_on=date(2023, 4, 1),
        note="",
        **overrides,
    )


@pytest.mark.parametrize(
    ("role", "status", "proposed"),
    [
        ("own_editor", PublicationStatus.DRAFT, False),
        ("own_editor", PublicationStatus.SUBMITTED, False),
        ("own_editor", PublicationStatus.PUBLISHED, True),
        ("curator", PublicationStatus.DRAFT, False),
        ("curator", PublicationStatus.PUBLISHED, False),
    ],
)
def test_only_an_editors_judgement_of_a_published_cluster_is_proposed(role, status, proposed):
    people = make_people()
    user = people.user(role)
    cluster = factories.ClusterFactory(agency=people.agency_a, status=status)
    outcome = judge(user, cluster)
    assert outcome.proposed is proposed
    if proposed:
        assert outcome.assessment is None
        assert outcome.revision == ClusterRevision.objects.get(cluster=cluster, author=user)
        assert not ClusterAssessment.objects.exists()
    else:
        assert outcome.revision is None
        record = ClusterAssessment.objects.get()
        assert record == outcome.assessment
        assert (record.source, record.recorded_by) == ("State survey 2023", user)
        history = record.history.get()
        assert history.history_user == user
        assert history.history_change_reason.startswith("site: cluster assessment #")


def test_an_operator_records_at_once_and_the_path_is_named_in_the_history():
    cluster = factories.ClusterFactory(status=PublicationStatus.PUBLISHED)
    outcome = judge(None, cluster, via="admin")
    assert not outcome.proposed
    history = outcome.assessment.history.get()
    assert history.history_user is None
    assert history.history_change_reason.startswith("admin: cluster assessment #")
