"""The serializer of a proposed revision (clusters.revisions): what an editor's write to a
published cluster answers with (202 Accepted), since it waits for a curator's review."""

from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers

from clusters.models import ClusterRevision


class RevisionSerializer(serializers.ModelSerializer):
    """A pending (or reviewed) proposed change to a published cluster."""

    cluster = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    author = serializers.CharField(source="author.get_username", read_only=True)
    changes = serializers.JSONField(
        read_only=True,
        help_text=(
            "The proposed changes: `fields` (name → new value; foreign keys as ids), "
            "`figures` (measure, value, year, source, estimated, currency), "
            "`members_added`/`members_removed`, `relationships_added`/"
            "`relationships_removed`, `networks_saved`/`networks_removed`."
        ),
    )
    url = serializers.SerializerMethodField(help_text="The revision's page in the workspace.")

    class Meta:
        model = ClusterRevision
        fields = [
            "id",
            "state",
            "cluster",
            "author",
            "changes",
            "base_version",
            "comment",
            "created",
            "updated",
            "url",
        ]
        read_only_fields = fields

    def get_url(self, revision) -> str:
        request = self.context.get("request")
        path = revision.get_absolute_url()
        return request.build_absolute_uri(path) if request is not None else path


ACCEPTED_RESPONSE = OpenApiResponse(
    response=RevisionSerializer,
    description=(
        "Accepted: the cluster is published and you are an agency editor, so the change is "
        "kept as your pending revision (amending the one you have pending there) until a "
        "curator approves it; the public keeps the reviewed values until then."
    ),
)

PROPOSED_NOTE = (
    "An agency editor's write to a published cluster does not go live: it is kept as the "
    "editor's pending revision and answered `202 Accepted` with it, until a curator approves "
    "it. A curator's write applies at once."
)
