"""Old addresses of merged records answer 301 to the record that absorbed them.

After the pattern of django.contrib.redirects' RedirectFallbackMiddleware: only a response
that is already a 404 is looked at, so a page that is found costs no query more. The
address names the same page of the survivor (its profile, map, graph files, API detail or
action, editing page), with the query string kept. The tables are the domain's
(clusters.RetiredClusterSlug, stakeholders.RetiredStakeholderSlug), written by the merge.
"""

import re

from django.http import HttpResponsePermanentRedirect, HttpResponseRedirect
from django.urls import NoReverseMatch, reverse

from clusters.selectors import cluster_successor_slug
from stakeholders.selectors import stakeholder_successor_slug

CLUSTER, STAKEHOLDER = "cluster", "stakeholder"
SUCCESSORS = {CLUSTER: cluster_successor_slug, STAKEHOLDER: stakeholder_successor_slug}
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
# What a slug can be: anything else (`abc%00`, the API's lookups take any text) is not
# asked of the database at all.
SLUG = re.compile(r"^[-a-zA-Z0-9_]{1,220}\Z")


class HttpResponsePermanentRedirectKeepMethod(HttpResponseRedirect):
    """308: like a 301, but a client must repeat its method (a PUT stays a PUT)."""

    status_code = 308


def record_kind(match):
    """Return which kind of record the `slug` of the resolved address names, or None."""
    if match is None or "slug" not in match.kwargs:
        return None
    namespace, name = match.namespace, match.url_name or ""
    if namespace == "clusters":
        return CLUSTER
    if namespace == "stakeholders":
        return STAKEHOLDER
    if namespace == "api":
        return {"cluster": CLUSTER, "stakeholder": STAKEHOLDER}.get(name.split("-")[0])
    if namespace in ("editing", "networks"):
        return STAKEHOLDER if name == "stakeholder_edit" else CLUSTER
    return None


def successor_url(request):
    """Return the address of the same page of the record that absorbed the one the request
    names, or None."""
    match = request.resolver_match
    kind = record_kind(match)
    if kind is None or not SLUG.match(str(match.kwargs["slug"])):
        return None
    slug = SUCCESSORS[kind](value=match.kwargs["slug"], by_id=match.namespace == "api")
    if slug is None:
        return None
    try:
        url = reverse(match.view_name, args=match.args, kwargs={**match.kwargs, "slug": slug})
    except NoReverseMatch:
        return None
    query = request.META.get("QUERY_STRING", "")
    return f"{url}?{query}" if query else url


class RetiredAddressMiddleware:
    """Turn the 404 of a merged-away record's address into a permanent redirect (301; 308
    for a write, which the client must repeat at the new address)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 404:
            return response
        url = successor_url(request)
        if url is None:
            return response
        if request.method in SAFE_METHODS:
            return HttpResponsePermanentRedirect(url)
        return HttpResponsePermanentRedirectKeepMethod(url)
