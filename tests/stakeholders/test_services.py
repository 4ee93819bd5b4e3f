"""Writes to stakeholders: identity (name + kind + state), roles that belong to the kind,
memberships, relationships between members, and the audit history they leave."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from common.history import change_set
from stakeholders import services
from stakeholders.choices import Kind, RelationshipType, Role
from stakeholders.models import ClusterMembership, Relationship, Stakeholder
from tests.factories import (
    ClusterFactory,
    MembershipFactory,
    RelationshipFactory,
    StakeholderFactory,
    region,
)

# Identity ------------------------------------------------------------------------------


def test_same_name_and_kind_is_a_duplicate_whatever_the_case_and_spacing(db):
    """'  rajkot  engineering ASSOCIATION' is the Rajkot Engineering Association again."""
    existing = StakeholderFactory(name="Rajkot Engineering Association", kind=Kind.ASSOCIATION)

    with pytest.raises(ValidationError) as caught:
        services.stakeholder_create(name="  rajkot  engineering ASSOCIATION", kind=Kind.ASSOCIATION)

    message = caught.value.message_dict["name"][0]
    assert "“Rajkot Engineering Association”" in message
    assert f"/stakeholders/{existing.slug}/" in message
    assert existing.get_absolute_url() in message
    assert Stakeholder.objects.count() == 1


def test_accents_do_not_make_another_stakeholder(db):
    """'Societe Generale' and 'Société Générale' of one kind are one record."""
    StakeholderFactory(name="Société Générale", kind=Kind.INSTITUTION)

    with pytest.raises(ValidationError):
        services.stakeholder_create(name="Societe generale", kind=Kind.INSTITUTION)


def test_same_name_of_another_kind_is_another_stakeholder(db):
    """A cooperative society and an enterprise may share a name."""
    StakeholderFactory(name="Alleppey Coir", kind=Kind.ASSOCIATION)
    StakeholderFactory(name="Alleppey Coir", kind=Kind.ENTERPRISE)

    assert Stakeholder.objects.filter(name="Alleppey Coir").count() == 2


def test_same_name_in_another_state_is_another_stakeholder(db):
    """The District Industries Centre of Gujarat is not the one of Maharashtra."""
    StakeholderFactory(
        name="District Industries Centre", kind=Kind.INSTITUTION, region=region("Gujarat")
    )
    StakeholderFactory(
        name="District Industries Centre", kind=Kind.INSTITUTION, region=region("Maharashtra")
    )

    with pytest.raises(ValidationError):
        services.stakeholder_create(
            name="district industries centre", kind=Kind.INSTITUTION, region=region("Gujarat")
        )
    assert Stakeholder.objects.count() == 2


def test_name_is_stored_with_single_spaces_and_found_by_identity(db):
    """Stray spaces are not stored; the record is found by any spelling of its name."""
    stakeholder = StakeholderFactory(name="  Knitwear   Club ", kind=Kind.ASSOCIATION)

    stakeholder.refresh_from_db()
    assert stakeholder.name == "Knitwear Club"
    assert services.stakeholder_find(name="KNITWEAR club", kind="association") == stakeholder
    assert services.stakeholder_find(name="Knitwear Club", kind="enterprise") is None


def test_renaming_onto_another_stakeholder_is_refused(db):
    """Editing a name so that it duplicates another record is refused."""
    StakeholderFactory(name="Knitwear Club", kind=Kind.ASSOCIATION)
    other = StakeholderFactory(name="Knitwear Society", kind=Kind.ASSOCIATION)

    with pytest.raises(ValidationError, match="Knitwear Club"):
        services.stakeholder_update(stakeholder=other, data={"name": "knitwear club"})


def test_database_refuses_a_duplicate_identity_even_without_the_service(db):
    """The unique constraint on the identity holds for direct writes."""
    existing = StakeholderFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        Stakeholder.objects.create(
            name=existing.name,
            kind=existing.kind,
            identity_key=existing.identity_key,
            slug="another-slug",
        )


# Roles belong to kinds -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "role"),
    [
        (Kind.ENTERPRISE, Role.MANUFACTURER),
        (Kind.ENTERPRISE, Role.HOUSEHOLD_UNIT),
        (Kind.SUPPLIER, Role.MACHINERY),
        (Kind.INSTITUTION, Role.FINANCIAL),
        (Kind.ASSOCIATION, Role.SELF_HELP_GROUP),
        (Kind.BDS_PROVIDER, Role.TESTING_CERTIFICATION),
        (Kind.BDS_PROVIDER, Role.TRAINING),
        (Kind.SUPPLIER, ""),
    ],
)
def test_a_role_of_the_kind_is_accepted(db, kind, role):
    """Each kind takes its own roles (and a blank role)."""
    stakeholder = services.stakeholder_create(name="Someone", kind=kind, role=role)

    assert (stakeholder.kind, stakeholder.role) == (kind, role)


@pytest.mark.parametrize(
    ("kind", "role", "allowed"),
    [
        (Kind.SUPPLIER, Role.EXPORTER, "raw_material, machinery, energy, transport"),
        (Kind.ENTERPRISE, Role.TRAINING, "manufacturer, exporter, buyer"),
        (Kind.ASSOCIATION, Role.REGULATORY, "industry_association, chamber, cooperative"),
        (Kind.INSTITUTION, Role.NGO, "training, technical, financial, government, regulatory"),
    ],
)
def test_a_role_of_another_kind_is_refused(db, kind, role, allowed):
    """A supplier cannot be an exporter: the error lists the roles a supplier can have."""
    with pytest.raises(ValidationError) as caught:
        services.stakeholder_create(name="Someone", kind=kind, role=role)

    message = caught.value.message_dict["role"][0]
    assert f"'{role}' is not a role of a" in message
    assert allowed in message
    assert not Stakeholder.objects.exists()


def test_changing_the_kind_away_from_the_role_is_refused(db):
    """An exporter enterprise cannot become a supplier while keeping the exporter role."""
    stakeholder = StakeholderFactory(kind=Kind.ENTERPRISE, role=Role.EXPORTER)

    with pytest.raises(ValidationError, match="is not a role of a supplier"):
        services.stakeholder_update(stakeholder=stakeholder, data={"kind": Kind.SUPPLIER})

    stakeholder.refresh_from_db()
    assert stakeholder.kind == Kind.ENTERPRISE


def test_update_with_the_same_values_changes_nothing(db):
    """Setting fields to their current values is not a change and writes no history."""
    stakeholder = StakeholderFactory(role=Role.BUYER)
    history = stakeholder.history.count()

    assert services.stakeholder_update(stakeholder=stakeholder, data={"role": "buyer"}) is False
    assert stakeholder.history.count() == history


# Memberships ---------------------------------------------------------------------------


def test_one_stakeholder_serves_several_clusters(db):
    """Linking one record to two clusters gives two memberships, not two stakeholders."""
    association = StakeholderFactory(name="Rajkot Engineering Association", kind=Kind.ASSOCIATION)
    aluminium = ClusterFactory(product="Aluminium castings", place="Rajkot")
    auto = ClusterFactory(product="Auto components", place="Rajkot")

    _first, created = services.stakeholder_link_to_cluster(
        stakeholder=association, cluster=aluminium
    )
    _second, created_again = services.stakeholder_link_to_cluster(
        stakeholder=association, cluster=auto
    )

    assert created and created_again
    assert set(association.clusters.all()) == {aluminium, auto}
    assert set(aluminium.stakeholders.all()) == {association}


def test_linking_twice_is_one_membership(db):
    """Linking a member again returns the existing membership and reports it is not new."""
    membership = MembershipFactory()

    again, created = services.stakeholder_link_to_cluster(
        stakeholder=membership.stakeholder, cluster=membership.cluster
    )

    assert (again, created) == (membership, False)
    assert ClusterMembership.objects.count() == 1


def test_member_is_found_by_name_and_kind_in_its_cluster(db):
    """A member is looked up by any spelling of its name and its kind, within the cluster."""
    membership = MembershipFactory(
        stakeholder=StakeholderFactory(
            name="Godrej", kind=Kind.ENTERPRISE, region=region("Gujarat")
        )
    )
    elsewhere = ClusterFactory()

    lookups = services.ImportLookups()
    found = lookups.member(cluster=membership.cluster, name=" GODREJ ", kind="enterprise")

    assert found == membership.stakeholder
    assert lookups.member(cluster=elsewhere, name="Godrej", kind="enterprise") is None
    assert lookups.member(cluster=membership.cluster, name="Godrej", kind="supplier") is None


# Relationships ---------------------------------------------------------------------------


@pytest.fixture
def rajkot(db):
    """Return a cluster with three member stakeholders and one outsider."""
    cluster = ClusterFactory(product="Aluminium castings", place="Rajkot")
    members = {
        name: StakeholderFactory(name=name, kind=kind)
        for name, kind in [
            ("Atul Auto", Kind.ENTERPRISE),
            ("Godrej", Kind.ENTERPRISE),
            ("Rajkot Engineering Association", Kind.ASSOCIATION),
        ]
    }
    for stakeholder in members.values():
        services.stakeholder_link_to_cluster(stakeholder=stakeholder, cluster=cluster)
    outsider = StakeholderFactory(name="Outsider", kind=Kind.SUPPLIER)
    return cluster, members, outsider


def test_relationship_between_members_is_visible_from_both_ends(rajkot):
    """A typed, dated link between two members shows from its source and from its target."""
    cluster, members, _outsider = rajkot

    relationship = services.relationship_create(
        cluster=cluster,
        source=members["Godrej"],
        target=members["Atul Auto"],
        kind=RelationshipType.BUYS_FROM,
        since=datetime.date(2015, 1, 1),
        provenance="Profile",
    )

    assert list(members["Godrej"].outgoing_relationships.all()) == [relationship]
    assert list(members["Atul Auto"].incoming_relationships.all()) == [relationship]
    assert str(relationship) == "Godrej buys from Atul Auto"


def test_self_link_is_refused(rajkot):
    """A stakeholder cannot have a relationship with itself."""
    cluster, members, _outsider = rajkot

    with pytest.raises(ValidationError) as caught:
        services.relationship_create(
            cluster=cluster,
            source=members["Godrej"],
            target=members["Godrej"],
            kind=RelationshipType.COLLABORATES,
        )

    assert caught.value.message_dict["target"] == [
        "A stakeholder cannot have a relationship with itself."
    ]
    assert not Relationship.objects.exists()


def test_database_refuses_a_self_link_even_without_the_service(rajkot):
    """The check constraint holds for direct writes."""
    cluster, members, _outsider = rajkot

    with pytest.raises(IntegrityError), transaction.atomic():
        Relationship.objects.create(
            cluster=cluster, source=members["Godrej"], target=members["Godrej"], kind="supplies"
        )


def test_duplicate_relationship_is_refused(rajkot):
    """The same source, type and target in the same cluster is recorded once."""
    cluster, members, _outsider = rajkot
    link = {
        "cluster": cluster,
        "source": members["Atul Auto"],
        "target": members["Rajkot Engineering Association"],
        "kind": RelationshipType.MEMBER_OF,
    }
    services.relationship_create(**link)

    with pytest.raises(ValidationError, match="This relationship is recorded already."):
        services.relationship_create(**link)

    assert Relationship.objects.count() == 1


def test_opposite_direction_or_another_type_is_another_relationship(rajkot):
    """A buys from B and B supplies A are two relationships; so are A->B of two types."""
    cluster, members, _outsider = rajkot
    godrej, atul = members["Godrej"], members["Atul Auto"]

    services.relationship_create(cluster=cluster, source=godrej, target=atul, kind="buys_from")
    services.relationship_create(cluster=cluster, source=atul, target=godrej, kind="supplies")
    services.relationship_create(cluster=cluster, source=godrej, target=atul, kind="collaborates")

    assert Relationship.objects.count() == 3


@pytest.mark.parametrize("end", ["source", "target"])
def test_both_ends_must_belong_to_the_cluster(rajkot, end):
    """A link to someone who is not a member of the cluster is refused, naming them."""
    cluster, members, outsider = rajkot
    ends = {"source": members["Godrej"], "target": members["Atul Auto"], end: outsider}

    with pytest.raises(ValidationError) as caught:
        services.relationship_create(cluster=cluster, kind="supplies", **ends)

    assert caught.value.message_dict[end] == [
        "Outsider does not belong to the cluster Aluminium castings, Rajkot."
    ]
    assert not Relationship.objects.exists()


def test_membership_of_another_cluster_does_not_count(rajkot):
    """Belonging to some other cluster does not make a stakeholder a member of this one."""
    cluster, members, outsider = rajkot
    MembershipFactory(stakeholder=outsider)

    with pytest.raises(ValidationError, match="Outsider does not belong"):
        services.relationship_create(
            cluster=cluster, source=outsider, target=members["Godrej"], kind="supplies"
        )


def test_until_before_since_is_refused(rajkot):
    """A relationship cannot end before it starts."""
    cluster, members, _outsider = rajkot

    with pytest.raises(ValidationError, match="'Until' must not be before 'since'."):
        services.relationship_create(
            cluster=cluster,
            source=members["Godrej"],
            target=members["Atul Auto"],
            kind="supplies",
            since=datetime.date(2016, 1, 1),
            until=datetime.date(2015, 1, 1),
        )


def test_relationship_update_sets_dates_and_reports_changes(rajkot):
    """Updating dates saves them; the same dates again are no change."""
    cluster, members, _outsider = rajkot
    relationship = services.relationship_create(
        cluster=cluster, source=members["Godrej"], target=members["Atul Auto"], kind="supplies"
    )
    ended = {"until": datetime.date(2020, 3, 31)}

    assert services.relationship_update(relationship=relationship, data=ended) is True
    assert services.relationship_update(relationship=relationship, data=ended) is False
    relationship.refresh_from_db()
    assert relationship.until == datetime.date(2020, 3, 31)


def test_relationship_factory_makes_both_ends_members(db):
    """The relationship factory links both ends to the cluster before linking them."""
    relationship = RelationshipFactory()

    assert set(relationship.cluster.stakeholders.all()) == {
        relationship.source,
        relationship.target,
    }


# Audit history ---------------------------------------------------------------------------


def test_history_rows_carry_the_change_sets_user_and_reason(curator):
    """Stakeholders, memberships and relationships written in a change set name who and why."""
    cluster = ClusterFactory()
    with change_set(user=curator, reason="diagnostic study") as changes:
        source = StakeholderFactory(name="Godrej")
        target = StakeholderFactory(name="Atul Auto")
        for stakeholder in (source, target):
            services.stakeholder_link_to_cluster(stakeholder=stakeholder, cluster=cluster)
        services.relationship_create(cluster=cluster, source=source, target=target, kind="supplies")
        services.stakeholder_update(stakeholder=source, data={"role": "buyer"})

    rows = [
        *Stakeholder.history.all(),
        *ClusterMembership.history.all(),
        *Relationship.history.all(),
    ]
    assert len(rows) == 6
    assert {row.history_user for row in rows} == {curator}
    assert {row.history_change_reason for row in rows} == {f"diagnostic study #{changes.id}"}
    assert source.history.latest().role == "buyer"
    assert source.history.latest().history_type == "~"


def test_the_database_compares_until_and_since_by_their_periods(db):
    """The constraint behind the services compares periods: until=2018 with since=2018-06
    is stored, until=2018-05 with since=2018-06 is refused."""
    cluster = ClusterFactory()
    ends = [StakeholderFactory() for _ in range(2)]
    for stakeholder in ends:
        services.stakeholder_link_to_cluster(stakeholder=stakeholder, cluster=cluster)
    kept = services.relationship_create(
        cluster=cluster,
        source=ends[0],
        target=ends[1],
        kind="supplies",
        since="2018-06",
        until="2018",
    )
    assert (kept.since, kept.until) == (datetime.date(2018, 6, 1), datetime.date(2018, 1, 1))
    with pytest.raises(ValidationError, match="'Until' must not be before 'since'."):
        services.relationship_create(
            cluster=cluster,
            source=ends[0],
            target=ends[1],
            kind="trains",
            since="2018-06",
            until="2018-05",
        )
    with pytest.raises(IntegrityError), transaction.atomic():  # the database's own check
        Relationship.objects.filter(pk=kept.pk).update(until_precision="month")
