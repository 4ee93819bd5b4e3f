"""Networks: 3 to 10 enterprises of one cluster doing a joint action (FAQ Q59-61)."""

import pytest
from django.core.exceptions import ValidationError

from stakeholders.models import Network
from stakeholders.networks import network_delete, network_save
from stakeholders.services import stakeholder_link_to_cluster
from tests.factories import ClusterFactory, StakeholderFactory


@pytest.fixture
def cluster(db):
    return ClusterFactory(product="Hosiery", place="Ludhiana")


def members_of(cluster, count, kind="enterprise"):
    stakeholders = [StakeholderFactory(kind=kind) for _ in range(count)]
    for stakeholder in stakeholders:
        stakeholder_link_to_cluster(stakeholder=stakeholder, cluster=cluster)
    return stakeholders


def new_network(cluster):
    return Network(cluster=cluster, name="Yarn buyers", joint_action="joint_purchase")


@pytest.mark.parametrize("count", [3, 10])
def test_a_network_of_3_to_10_enterprises_is_saved(cluster, count):
    """Three and ten enterprises of the cluster make a valid network."""
    network = network_save(network=new_network(cluster), members=members_of(cluster, count))
    assert network.members.count() == count
    assert network.history.count() >= 1


@pytest.mark.parametrize("count", [2, 11])
def test_fewer_than_3_or_more_than_10_members_are_refused(cluster, count):
    """Two or eleven members are refused with a message giving the bounds."""
    with pytest.raises(ValidationError, match="3 to 10 enterprises"):
        network_save(network=new_network(cluster), members=members_of(cluster, count))
    assert not Network.objects.exists()


def test_a_member_outside_the_cluster_is_refused_by_name(cluster):
    """An enterprise of another cluster is named in the message."""
    outsider = StakeholderFactory(name="Outside Knitters")
    with pytest.raises(ValidationError, match="Outside Knitters"):
        network_save(network=new_network(cluster), members=[*members_of(cluster, 2), outsider])


def test_only_enterprises_form_a_network(cluster):
    """An association is not a network member."""
    association = members_of(cluster, 1, kind="association")
    with pytest.raises(ValidationError, match="Only enterprises"):
        network_save(network=new_network(cluster), members=[*members_of(cluster, 3), *association])


def test_deleting_a_network_keeps_its_history(cluster):
    """A deleted network leaves a '-' history row."""
    network = network_save(network=new_network(cluster), members=members_of(cluster, 3))
    network_delete(network=network)
    assert Network.history.filter(history_type="-").count() == 1
