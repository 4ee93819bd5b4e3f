"""The fast path of the stakeholder and relationship imports: rows that are clearly valid,
cleaned by plain functions into exactly what StakeholderImportForm / RelationshipImportForm
give; None for any other row, which the form then reads (and names its errors).
"""

from django.core.exceptions import ValidationError

from common.fast_cells import Unclear, checked, code, collapsed, email, letters, text, url
from common.partial_dates import ends_before

from .choices import ROLES_BY_KIND, Kind, RelationshipType, Role

KIND_CODES = frozenset(Kind.values)
ROLE_CODES = frozenset(Role.values)
RELATIONSHIP_CODES = frozenset(RelationshipType.values)
ROLES_OF_KIND = {
    str(kind): frozenset(str(role) for role in roles) for kind, roles in ROLES_BY_KIND.items()
}


def _region(lookups, state, country):
    try:
        return lookups.region(state=state, country=country)
    except ValidationError:
        raise Unclear from None


def cluster_reference(values, *, lookups, cluster_refusal=None):
    """Return the cleaned cluster columns of a row and the `cluster` they name (as
    ClusterReferenceForm), or raise Unclear."""
    product = text(values, "cluster_product", 200, required=True)
    place = text(values, "cluster_place", 200, required=True)
    state = text(values, "cluster_state", 100)
    country = letters(values, "cluster_country", 2, "IN")
    region = _region(lookups, state, country)
    if region is not None and region.pk is None:
        raise Unclear
    cluster = lookups.cluster(product=product, place=place, region=region, country=country)
    if cluster is None or (cluster_refusal is not None and cluster_refusal(cluster)):
        raise Unclear
    return {
        "cluster_product": product,
        "cluster_place": place,
        "cluster_state": state,
        "cluster_country": country,
        "cluster": cluster,
    }


def stakeholder_row_clean(values, *, lookups, cluster_refusal=None):
    """Return the cleaned data StakeholderImportForm gives a clearly valid row, or None."""
    try:
        name = collapsed(values, "name", 300, required=True)
        kind = code(values, "kind", KIND_CODES, required=True)
        role = code(values, "role", ROLE_CODES)
        if role and role not in ROLES_OF_KIND[kind]:
            return None
        cleaned = cluster_reference(values, lookups=lookups, cluster_refusal=cluster_refusal)
        state = text(values, "state", 100)
        cleaned.update(
            name=name,
            kind=kind,
            role=role,
            cluster_district=text(values, "cluster_district", 100),
            place=collapsed(values, "place", 200),
            state=state,
            website=url(values, "website", 500),
            email=email(values, "email"),
            phone=collapsed(values, "phone", 50),
            source=collapsed(values, "source", 500),
            region=_region(lookups, state, cleaned["cluster_country"]),
        )
    except Unclear:
        return None
    return cleaned


def relationship_row_clean(values, *, lookups, cluster_refusal=None, read_date):
    """Return the cleaned data RelationshipImportForm gives a clearly valid row, or None.

    `read_date(text)` is the partial-date parser (raising ValidationError)."""
    try:
        source_name = text(values, "source_name", 300, required=True)
        source_kind = code(values, "source_kind", KIND_CODES, required=True)
        target_name = text(values, "target_name", 300, required=True)
        target_kind = code(values, "target_kind", KIND_CODES, required=True)
        relationship = code(values, "relationship", RELATIONSHIP_CODES, required=True)
        since, until = text(values, "since"), text(values, "until")
        since = checked(read_date, since) if since else None
        until = checked(read_date, until) if until else None
        if ends_before(until, since):
            return None
        cleaned = cluster_reference(values, lookups=lookups, cluster_refusal=cluster_refusal)
        cluster = cleaned["cluster"]
        source = lookups.member(cluster=cluster, name=source_name, kind=source_kind)
        target = lookups.member(cluster=cluster, name=target_name, kind=target_kind)
        if source is None or target is None or source == target:
            return None
        cleaned.update(
            source_name=source_name,
            source_kind=source_kind,
            target_name=target_name,
            target_kind=target_kind,
            relationship=relationship,
            since=since,
            until=until,
            source=collapsed(values, "source", 500),
            source_stakeholder=source,
            target_stakeholder=target,
        )
    except Unclear:
        return None
    return cleaned
