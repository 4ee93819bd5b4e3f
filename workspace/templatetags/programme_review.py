"""Template tags of the curators' review queue for development initiatives.

{% load programme_review %}
{% submitted_initiatives %}   the initiatives waiting for a curator, oldest first
"""

from django import template

from clusters.choices import PublicationStatus
from common.permissions import is_curator
from programmes import page_selectors, revisions
from programmes.permissions import PUBLISH, initiative_policy
from workspace.forms.programmes import InitiativeReviewForm

register = template.Library()


@register.inclusion_tag("workspace/programmes/includes/review_queue.html", takes_context=True)
def submitted_initiatives(context):
    """Return the review queue's sections of development initiatives: those submitted
    (publish, or return with a comment) and the proposed changes to published ones
    (approve, or return with a comment)."""
    request = context["request"]
    allowed = initiative_policy.instances_user_has_permission_for(request.user, PUBLISH)
    initiatives = list(
        page_selectors.initiative_rows(allowed)
        .filter(status=PublicationStatus.SUBMITTED)
        .order_by("updated", "pk")
    )
    changes = []
    if is_curator(request.user):
        changes = revisions.revision_diffs(revisions.pending_revisions())
    return {
        "initiatives": initiatives,
        "changes": changes,
        "review_form": InitiativeReviewForm(),
        "request": request,
        "csrf_token": context.get("csrf_token"),
    }
