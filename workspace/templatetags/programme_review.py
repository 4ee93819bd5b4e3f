"""Template tags of the curators' review queue for development initiatives.

{% load programme_review %}
{% submitted_initiatives %}   the initiatives waiting for a curator, oldest first
"""

from django import template

from clusters.choices import PublicationStatus
from programmes import page_selectors
from programmes.permissions import PUBLISH, initiative_policy
from workspace.forms.programmes import InitiativeReviewForm

register = template.Library()


@register.inclusion_tag("workspace/programmes/includes/review_queue.html", takes_context=True)
def submitted_initiatives(context):
    """Return the review queue's section of submitted initiatives (one query), each with
    publish and return-with-comment."""
    request = context["request"]
    allowed = initiative_policy.instances_user_has_permission_for(request.user, PUBLISH)
    initiatives = list(
        page_selectors.initiative_rows(allowed)
        .filter(status=PublicationStatus.SUBMITTED)
        .order_by("updated", "pk")
    )
    return {
        "initiatives": initiatives,
        "review_form": InitiativeReviewForm(),
        "request": request,
        "csrf_token": context.get("csrf_token"),
    }
