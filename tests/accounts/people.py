"""The people the account and permission tests act as, made the way the registry makes them.

Agency editors and curators are created through clusters.accounts (so they hold exactly
the group permissions real ones hold, and editors have admin access); a signed-in user
with no agency and no role is `nobody`.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser

from clusters import accounts
from tests import factories

PASSWORD = "a long test password 2026"
ROLES = ("anonymous", "nobody", "other_editor", "own_editor", "curator")


@dataclass
class People:
    """Agency A owns the records under test; agency B is "another agency"."""

    agency_a: object
    agency_b: object
    own_editor: object
    other_editor: object
    curator: object
    nobody: object

    def user(self, role):
        """Return the user acting in `role` (AnonymousUser for "anonymous")."""
        if role == "anonymous":
            return AnonymousUser()
        return getattr(self, role)


def make_people():
    """Create two agencies, an editor of each, a curator and a user with no role."""
    agency_a = factories.AgencyFactory(name="Agency A", slug="agency-a")
    agency_b = factories.AgencyFactory(name="Agency B", slug="agency-b")
    return People(
        agency_a=agency_a,
        agency_b=agency_b,
        own_editor=accounts.agency_editor_create(
            username="editor-a", password=PASSWORD, agency=agency_a, email="a@example.org"
        ),
        other_editor=accounts.agency_editor_create(
            username="editor-b", password=PASSWORD, agency=agency_b, email="b@example.org"
        ),
        curator=accounts.curator_create(
            username="curator", password=PASSWORD, email="curator@example.org"
        ),
        nobody=get_user_model().objects.create_user(
            username="nobody", password=PASSWORD, email="nobody@example.org"
        ),
    )


def client_for(client, people, role):
    """Return `client` signed in as `role` (left anonymous for "anonymous")."""
    if role != "anonymous":
        client.force_login(people.user(role))
    return client
