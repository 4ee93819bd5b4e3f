"""Template tags of the site's frame (the footer): settings the templates may show."""

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def registry_contact_email():
    """Return the public contact address (settings.REGISTRY_CONTACT_EMAIL), or ""."""
    return getattr(settings, "REGISTRY_CONTACT_EMAIL", "") or ""
