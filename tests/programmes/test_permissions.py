"""The agency policy applied to programmes: who sees, edits, measures and downloads what.

Agency A owns an initiative in its draft cluster and one in a published cluster; each
role asks every policy about them (anonymous / nobody / other_editor / own_editor / curator).
"""

import pytest
from django.contrib.auth.models import AnonymousUser

from clusters.choices import PublicationStatus
from common.permissions import ADD, CHANGE, DELETE, VIEW
from programmes import permissions as p
from programmes.models import (
    DiagnosticStudy,
    IndicatorMeasurement,
    IndicatorTarget,
    Initiative,
    PlanActivity,
    StudyDocument,
)
from tests import factories
from tests.accounts.people import ROLES, make_people

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    people = make_people()
    draft_cluster = factories.ClusterFactory(agency=people.agency_a, status=PublicationStatus.DRAFT)
    published = factories.InitiativeFactory(
        agency=people.agency_a, status=PublicationStatus.PUBLISHED
    )
    draft = factories.InitiativeFactory(agency=people.agency_a, cluster=draft_cluster)
    for initiative in (published, draft):
        factories.StudyDocumentFactory(study__initiative=initiative)
        factories.PlanActivityFactory(initiative=initiative)
        factories.IndicatorTargetFactory(initiative=initiative)
        factories.IndicatorMeasurementFactory(cluster=initiative.cluster)
    # Agency B's initiative in agency A's published cluster lets B measure there.
    b_in_a = factories.InitiativeFactory(agency=people.agency_b, cluster=published.cluster)
    return people, published, draft, b_in_a


def user(people, role):
    return AnonymousUser() if role == "anonymous" else getattr(people, role)


# role: (sees published, sees draft, edits published, edits draft) per initiative's rows
MATRIX = {
    "anonymous": (True, False, False, False),
    "nobody": (True, False, False, False),
    "other_editor": (True, False, False, False),
    "own_editor": (True, True, True, True),
    "curator": (True, True, True, True),
}
CHILD_POLICIES = [
    (p.initiative_policy, Initiative, ""),
    (p.study_policy, DiagnosticStudy, "initiative"),
    (p.document_policy, StudyDocument, "study__initiative"),
    (p.activity_policy, PlanActivity, "initiative"),
    (p.target_policy, IndicatorTarget, "initiative"),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("policy", "model", "path"), CHILD_POLICIES)
def test_initiatives_and_their_rows_follow_the_agency_policy(world, role, policy, model, path):
    people, published, draft, _b = world
    acting = user(people, role)

    def row(initiative):
        return initiative if not path else model.objects.get(**{path: initiative})

    expected = MATRIX[role]
    got = tuple(
        policy.user_has_permission_for_instance(acting, action, row(initiative))
        for action, initiative in (
            (VIEW, published),
            (VIEW, draft),
            (CHANGE, published),
            (CHANGE, draft),
        )
    )
    assert got == expected
    assert policy.user_has_permission_for_instance(acting, DELETE, row(draft)) == expected[3]


@pytest.mark.parametrize("role", ROLES)
def test_documents_are_downloaded_only_by_the_agency_and_curators(world, role):
    people, published, _draft, _b = world
    document = StudyDocument.objects.get(study__initiative=published)
    allowed = p.document_policy.user_has_permission_for_instance(
        user(people, role), p.DOWNLOAD, document
    )
    assert allowed == (role in ("own_editor", "curator"))
    # ...while its title is public with the published initiative.
    assert p.document_policy.user_has_permission_for_instance(user(people, role), VIEW, document)


@pytest.mark.parametrize("role", ROLES)
def test_who_may_start_an_initiative_where(world, role):
    people, published, draft, _b = world
    acting = user(people, role)
    foreign_draft = factories.ClusterFactory(agency=people.agency_b, status="draft")
    may = {
        name: p.initiative_policy.user_may_create_in(acting, cluster)
        for name, cluster in (
            ("published", published.cluster),
            ("own draft", draft.cluster),
            ("foreign draft", foreign_draft),
        )
    }
    assert (
        may
        == {
            "anonymous": {"published": False, "own draft": False, "foreign draft": False},
            "nobody": {"published": False, "own draft": False, "foreign draft": False},
            "other_editor": {"published": True, "own draft": False, "foreign draft": True},
            "own_editor": {"published": True, "own draft": True, "foreign draft": False},
            "curator": {"published": True, "own draft": True, "foreign draft": True},
        }[role]
    )
    assert p.initiative_policy.user_has_permission(acting, ADD) == (
        role in ("other_editor", "own_editor", "curator")
    )


@pytest.mark.parametrize("role", ROLES)
def test_measurements_are_recorded_for_own_clusters_and_clusters_with_own_initiatives(world, role):
    people, published, draft, _b = world
    acting = user(people, role)
    on_published = IndicatorMeasurement.objects.get(cluster=published.cluster)
    on_draft = IndicatorMeasurement.objects.get(cluster=draft.cluster)
    policy = p.measurement_policy
    got = (
        policy.user_has_permission_for_instance(acting, VIEW, on_published),
        policy.user_has_permission_for_instance(acting, VIEW, on_draft),
        policy.user_has_permission_for_instance(acting, CHANGE, on_published),
        policy.user_has_permission_for_instance(acting, CHANGE, on_draft),
    )
    assert (
        got
        == {
            "anonymous": (True, False, False, False),
            "nobody": (True, False, False, False),
            # Agency B has an initiative in agency A's published cluster.
            "other_editor": (True, False, True, False),
            "own_editor": (True, True, True, True),
            "curator": (True, True, True, True),
        }[role]
    )


@pytest.mark.parametrize("role", ROLES)
def test_schemes_and_indicators_are_kept_by_curators(world, role):
    people = world[0]
    acting = user(people, role)
    for policy, row in (
        (p.scheme_policy, factories.scheme()),
        (p.indicator_policy, factories.indicator()),
    ):
        assert policy.user_has_permission_for_instance(acting, VIEW, row)
        assert policy.user_has_permission_for_instance(acting, CHANGE, row) == (role == "curator")
