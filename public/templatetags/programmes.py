"""Template tags of the programme pages.

{% load programmes %}
{% cluster_development_summary cluster %}   the profile's "Development" section
"""

from django import template

from programmes import page_selectors

register = template.Library()


@register.inclusion_tag("public/programmes/includes/profile_development.html")
def cluster_development_summary(cluster):
    """Return the cluster profile's "Development" section: its public initiatives (one
    query), each with its scheme, agency and stage, and the link to its development page."""
    initiatives = list(
        page_selectors.public_initiatives()
        .filter(cluster=cluster)
        .order_by("-started_on", "title", "pk")
    )
    return {"cluster": cluster, "initiatives": initiatives}
