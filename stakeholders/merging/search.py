"""Find the records a curator may merge, for the merge page's autocomplete.

Every word of the query (three characters or more, at most five) must be in the product or
the place of a cluster (the name or the place of a stakeholder); the exact slug matches too.
`icontains` is `UPPER(column) LIKE UPPER('%word%')` on PostgreSQL, which the trigram GIN
indexes of those columns answer (clusters 0006, stakeholders 0005); the answer is bounded.
"""

import operator
from functools import reduce

from django.db.models import Q

SEARCH_LIMIT = 20
MIN_WORD, MAX_WORDS = 3, 5


def search_words(query):
    """Return the words of `query` that are searched."""
    return [word for word in (query or "").split() if len(word) >= MIN_WORD][:MAX_WORDS]


def search_queryset(candidates, query, columns, exclude, ordering):
    """Return the rows of `candidates` whose `columns` hold every searched word of `query`
    (or whose slug is the query), without the slug `exclude`, in `ordering`."""
    words = search_words(query)
    slug = (query or "").strip().lower()
    if not words and not slug:
        return candidates.none()
    conditions = Q(slug=slug)
    if words:
        conditions |= reduce(
            operator.and_,
            (
                reduce(operator.or_, (Q(**{f"{column}__icontains": word}) for column in columns))
                for word in words
            ),
        )
    found = candidates.filter(conditions)
    if exclude:
        found = found.exclude(slug=exclude)
    return found.order_by(*ordering)


def _search(candidates, query, columns, exclude, ordering, limit):
    return list(search_queryset(candidates, query, columns, exclude, ordering)[:limit])


def cluster_merge_search(*, candidates, query, exclude="", limit=SEARCH_LIMIT):
    """Return up to `limit` of the clusters of `candidates` that match `query` (by product,
    place or slug), with their regions, ordered by product and place; one query."""
    return _search(
        candidates.select_related("region"),
        query,
        ("product", "place"),
        exclude,
        ("product", "place", "pk"),
        limit,
    )


def stakeholder_merge_search(*, candidates, query, exclude="", limit=SEARCH_LIMIT):
    """Return up to `limit` of the stakeholders of `candidates` that match `query` (by name,
    place or slug), with their regions, ordered by name; one query."""
    return _search(
        candidates.select_related("region"),
        query,
        ("name", "place"),
        exclude,
        ("name", "pk"),
        limit,
    )
