"""What every registry viewset shares: querysets from the permission policies, lookups by
slug or id, ETags from `version`, and writes attributed in the audit history."""

import re

from django.http import Http404
from django.utils.http import parse_etags
from django.utils.translation import gettext as _
from rest_framework import status, viewsets
from rest_framework.response import Response

from api.exceptions import PreconditionFailed
from api.permissions import policy_action
from api.serializers.revisions import RevisionSerializer
from clusters import revisions
from common.history import change_set
from common.permissions import is_curator

SLUG = re.compile(r"^[-a-zA-Z0-9_]+\Z")


def etag(instance):
    """Return the ETag of a versioned record: its version, quoted."""
    return f'"{instance.version}"'


def created(body):
    """Return the 201 response of a new record, with its address in Location.

    The address is DRF's Hyperlink, a str subclass; a WSGI server is strict about header
    values (wsgiref, runserver's, refuses anything but str and answered 500), hence str().
    """
    return Response(body, status=status.HTTP_201_CREATED, headers={"Location": str(body["url"])})


class PolicyViewSetMixin:
    """Take the queryset from `policy` for the request's action: the rows a user may view
    for reads, may change for PUT/PATCH, may delete for DELETE. A row outside is a 404."""

    policy = None
    # {viewset action: policy action} where the HTTP method does not say it.
    policy_actions = {}

    def base_queryset(self):
        """Return the rows with what the representation needs joined in (a selector)."""
        return self.policy.model.objects.all()

    def get_queryset(self):
        action = policy_action(self.request, self)
        return self.queryset_for(action)

    def queryset_for(self, action):
        """Return the joined rows the user may perform `action` on."""
        allowed = self.policy.instances_user_has_permission_for(self.request.user, action)
        # `&` keeps the selector's joins and adds the policy's conditions to one WHERE.
        return self.base_queryset() & allowed

    @property
    def user_is_curator(self):
        return is_curator(self.request.user)

    def proposed(self, cluster, changes):
        """Return the answer to an editor's write to a published cluster: the write is kept
        as their pending revision (clusters.revisions), 202 Accepted with it. None when
        the user's writes apply at once (a curator, or a cluster not yet published), or
        when the write changes nothing (the caller's services then find nothing to do).

        `changes` is called only for a proposal: it returns the revision's data."""
        if not revisions.review_needed(user=self.request.user, cluster=cluster):
            return None
        revision = revisions.revision_propose(
            user=self.request.user, cluster=cluster, changes=changes()
        )
        if revision is None:
            return None
        body = RevisionSerializer(revision, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_202_ACCEPTED)

    def writing(self):
        """Return the change set a write runs in, so its history names the API user."""
        return change_set(user=self.request.user, reason=f"API: {self.basename} {self.action}")


class SlugOrIdLookupMixin:
    """Find a record by its slug, or by its id when the value is a number and no slug
    matches; a detail request ignores the list's filters."""

    lookup_field = "slug"
    lookup_value_regex = "[^/]+"

    def get_object(self, queryset=None):
        value = self.kwargs[self.lookup_field]
        if not SLUG.match(value):
            raise Http404
        queryset = self.get_queryset() if queryset is None else queryset
        found = queryset.filter(slug=value).first()
        if found is None and value.isascii() and value.isdigit():
            found = queryset.filter(pk=int(value)).first()
        if found is None:
            raise Http404
        self.check_object_permissions(self.request, found)
        return found


class VersionedMixin:
    """ETag on reads and writes of a versioned record; If-Match (or the body's `version`)
    on writes, 412 when stale.

    If-Match compares weakly: GZipMiddleware weakens the ETag of a compressed response
    (`W/"4"`), and a gzip client sends back what it received. The tag is the record's
    version whatever the encoding, so `W/"4"` and `"4"` both mean version 4.
    """

    def expected_version(self, instance, body_version=None):
        """Return the version the client edits, or None when it names none.

        Raise PreconditionFailed when an If-Match header does not match the current ETag.
        """
        header = self.request.headers.get("If-Match")
        # An empty If-Match names no tag: no precondition, as Django's own conditional views.
        if header is None or not header.strip():
            return body_version
        tags = parse_etags(header)
        if "*" in tags:
            return instance.version if body_version is None else body_version
        if etag(instance) not in {tag.removeprefix("W/") for tag in tags}:
            raise PreconditionFailed(
                _(
                    "This record changed since you read it: If-Match %(sent)s, but its ETag is "
                    "now %(current)s. Read it again, then make your change."
                )
                % {"sent": header, "current": etag(instance)}
            )
        return instance.version

    def with_etag(self, response, instance):
        response["ETag"] = etag(instance)
        return response


class RegistryViewSet(PolicyViewSetMixin, viewsets.GenericViewSet):
    """A GenericViewSet with querysets from a policy; subclasses add the actions they allow."""

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["curator"] = self.user_is_curator
        return context
