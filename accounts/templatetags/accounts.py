"""{% account_role user as role %}: the signed-in user's agency and role, for the header."""

from django import template

from accounts.roles import account_role as _account_role

register = template.Library()


@register.simple_tag
def account_role(user):
    """Return the user's AccountRole (agency, role label, whether a curator)."""
    return _account_role(user)
