"""Old addresses of merged records: which live record a retired slug (or id) now names.

Each app that merges records keeps a small table of them (clusters.RetiredClusterSlug,
stakeholders.RetiredStakeholderSlug: `slug`, `old_id` and a foreign key to the survivor);
this is the one look-up they share.
"""

from django.db.models import Case, Exists, Q, When


def successor_slug(*, retired_model, live_model, field, value, by_id=False):
    """Return the slug of the `live_model` row that absorbed the one whose address was
    `value` (its old slug, or with `by_id` its old id when `value` is a number), or None.

    Asked only once a look-up has failed (a 404), so a live page costs nothing more; a live
    row that has the slug itself is answered by itself (one query either way).
    """
    lookup = Q(slug=value)
    if by_id and value.isascii() and value.isdigit():
        lookup |= Q(old_id=int(value))
    retired = (
        retired_model.objects.filter(lookup)
        .exclude(Exists(live_model.objects.filter(slug=value)))
        .order_by(Case(When(slug=value, then=0), default=1))
        .values_list(f"{field}__slug", flat=True)
    )
    return retired.first()
