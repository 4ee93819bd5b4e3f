"""What the registry knows about a signed-in user: their agency and their role."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from clusters.accounts import user_agency
from clusters.models import Agency
from common.permissions import is_curator

CURATOR, EDITOR, NONE = "curator", "agency_editor", "none"
ROLE_LABELS = {
    CURATOR: _("curator"),
    EDITOR: _("agency editor"),
    NONE: _("none"),
}
ROLE_HINTS = {
    CURATOR: _("You review and publish clusters, merge duplicates and edit benchmarks."),
    EDITOR: _(
        "You enter and edit your agency's clusters, their stakeholders and relationships, "
        "and submit them for review."
    ),
    NONE: _("Your account has no role yet: ask a curator to make you an editor of your agency."),
}


@dataclass(frozen=True)
class AccountRole:
    """A user's agency (or None) and role: curator, agency editor or none."""

    agency: Agency | None
    code: str

    @property
    def label(self):
        """Return the role in words ('agency editor')."""
        return ROLE_LABELS[self.code]

    @property
    def hint(self):
        """Return a sentence saying what the role lets the user do."""
        return ROLE_HINTS[self.code]

    @property
    def is_curator(self):
        return self.code == CURATOR

    @property
    def may_edit(self):
        """Return whether the user has clusters to manage (an editor or a curator)."""
        return self.code != NONE


def account_role(user):
    """Return the AccountRole of `user`, cached on the user for the rest of the request."""
    if not user.is_authenticated:
        return AccountRole(agency=None, code=NONE)
    cached = getattr(user, "_registry_account_role", None)
    if cached is None:
        agency = user_agency(user)
        if is_curator(user):
            code = CURATOR
        elif agency is not None:
            code = EDITOR
        else:
            code = NONE
        cached = user._registry_account_role = AccountRole(agency=agency, code=code)
    return cached
