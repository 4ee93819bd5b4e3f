"""An agency editor's change to a published initiative waits for a curator; the public
keeps the reviewed values until it is approved, and the history names both."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from clusters.choices import PublicationStatus
from programmes import revisions, selectors
from programmes.models import Initiative
from tests import factories
from tests.accounts.people import make_people

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    people = make_people()
    initiative = factories.InitiativeFactory(
        agency=people.agency_a, status=PublicationStatus.PUBLISHED, title="Published title"
    )
    factories.DiagnosticStudyFactory(initiative=initiative, challenges="Old looms")
    activity = factories.PlanActivityFactory(initiative=initiative, title="Training")
    return people, initiative, activity


def propose_everything(people, initiative, activity):
    member = factories.MembershipFactory(cluster=initiative.cluster).stakeholder
    changes = {
        "fields": revisions.field_changes(
            initiative=initiative, data={"title": "Proposed title", "stage": "action_plan"}
        ),
        "study": revisions.study_changes(
            initiative=initiative, data={"challenges": "No testing lab"}, consulted=[member]
        ),
        "activities": [
            revisions.activity_change(activity=activity, data={"status": "done"}),
            revisions.activity_change(data={"title": "Exposure visit", "horizon": "short"}),
        ],
        "targets": [
            revisions.target_change(
                indicator=factories.indicator("new-markets"),
                data={"baseline_year": 2022, "baseline_value": "1", "target_value": "5"},
            )
        ],
    }
    return revisions.revision_propose(
        user=people.own_editor, initiative=initiative, changes=changes
    ), member


def test_a_proposal_changes_nothing_public_until_a_curator_approves_it(setup):
    people, initiative, activity = setup
    assert revisions.review_needed(user=people.own_editor, initiative=initiative)
    assert not revisions.review_needed(user=people.curator, initiative=initiative)
    revision, member = propose_everything(people, initiative, activity)
    assert revision.is_pending
    public = selectors.initiative_detail(slug=initiative.slug)
    assert public.initiative.title == "Published title"
    assert public.study.challenges == "Old looms"
    diff = revisions.revision_diff(revision)
    assert ("title", "Published title", "Proposed title") in [
        (str(label).lower(), old, new) for label, old, new in diff["fields"]
    ]
    assert [what for _t, what in diff["activities"]][1] == "added"
    assert not diff["stale"]

    revisions.revision_approve(curator=people.curator, revision=revision)
    initiative = Initiative.objects.get(pk=initiative.pk)
    assert (initiative.title, initiative.stage) == ("Proposed title", "action_plan")
    assert initiative.study.challenges == "No testing lab"
    assert list(initiative.study.consulted.all()) == [member]
    assert [(a.title, a.status) for a in initiative.activities.order_by("position")] == [
        ("Training", "done"),
        ("Exposure visit", "planned"),
    ]
    assert initiative.targets.get().target_value == 5
    record = initiative.history.first()
    assert record.history_user == people.curator
    assert "proposed by editor-a, approved by curator" in record.history_change_reason
    revision.refresh_from_db()
    assert (revision.state, revision.reviewer) == ("approved", people.curator)


def test_proposing_again_amends_the_pending_revision_and_only_the_author_withdraws(setup):
    people, initiative, activity = setup
    first = revisions.revision_propose(
        user=people.own_editor,
        initiative=initiative,
        changes={"fields": {"title": "One"}},
    )
    second = revisions.revision_propose(
        user=people.own_editor,
        initiative=initiative,
        changes={"fields": {"description": "Two"}},
    )
    assert first.pk == second.pk
    assert second.changes["fields"] == {"title": "One", "description": "Two"}
    with pytest.raises(PermissionDenied):
        revisions.revision_withdraw(user=people.other_editor, revision=second)
    revisions.revision_withdraw(user=people.own_editor, revision=second)
    assert second.state == "withdrawn"
    with pytest.raises(ValidationError):
        revisions.revision_approve(curator=people.curator, revision=second)


def test_returning_needs_a_comment_and_a_curator_and_an_agency_cannot_be_proposed(setup):
    people, initiative, _activity = setup
    revision = revisions.revision_propose(
        user=people.own_editor, initiative=initiative, changes={"fields": {"title": "X"}}
    )
    with pytest.raises(PermissionDenied):
        revisions.revision_return(curator=people.own_editor, revision=revision, comment="no")
    with pytest.raises(ValidationError):
        revisions.revision_return(curator=people.curator, revision=revision, comment="")
    revisions.revision_return(curator=people.curator, revision=revision, comment="Cite a source")
    assert (revision.state, revision.comment) == ("returned", "Cite a source")
    assert Initiative.objects.get(pk=initiative.pk).title == "Published title"
    with pytest.raises(PermissionDenied):
        revisions.revision_propose(
            user=people.own_editor,
            initiative=initiative,
            changes={"fields": {"agency": people.agency_b.pk}},
        )
