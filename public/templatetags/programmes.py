"""Template tags of the programme pages.

{% load programmes %}
{% cluster_development_summary cluster %}   the profile's "Development" section
"""

from django import template

from programmes import selectors

register = template.Library()


@register.inclusion_tag("public/programmes/includes/profile_development.html")
def cluster_development_summary(cluster):
    """Return the cluster profile's "Development" section: its public initiatives, each
    with its scheme, agency and stage, how many indicators are measured, and the link to
    its development page."""
    return {"cluster": cluster, **selectors.cluster_development_summary(cluster)}
