"""The curators' workbench for stakeholders, memberships and relationships.

The stakeholder and relationship tables grow to a million rows: their lists never run an
unfiltered COUNT(*) (EstimatedCountPaginator, show_full_result_count off) and join what
they show (list_select_related).
"""

from copy import copy

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from clusters import revisions as cluster_revisions
from clusters.admin import ClusterAdmin as ClusterBaseAdmin
from clusters.admin import ProposalAdminMixin, merge_action
from clusters.models import Cluster
from clusters.services import check_version
from common.admin import (
    EstimatedCountPaginator,
    HistoryAdmin,
    PolicyAdminMixin,
    PolicyChoicesMixin,
    VersionedAdminForm,
)
from common.history import change_set
from common.partial_dates import partial_date_fields
from common.permissions import is_curator

from . import merging, networks, revisions, services
from .imports import PartialDateField
from .models import ClusterMembership, Network, Relationship, Stakeholder
from .network.measures import network_cache_invalidate
from .permissions import (
    membership_policy,
    network_policy,
    relationship_policy,
    stakeholder_policy,
)

DATED = ("since", "until")  # a relationship's partial dates (common.partial_dates)


class InvalidateNetworkMixin:
    """After the admin writes memberships or relationships, drop the cached measures of
    the clusters they belong to (the services do the same on every other path)."""

    def save_model(self, request, obj, form, change):
        with change_set(user=request.user):
            super().save_model(request, obj, form, change)
        network_cache_invalidate(obj.cluster_id)

    def delete_model(self, request, obj):
        cluster_id = obj.cluster_id
        with change_set(user=request.user):
            super().delete_model(request, obj)
        network_cache_invalidate(cluster_id)

    def delete_queryset(self, request, queryset):
        cluster_ids = set(queryset.values_list("cluster_id", flat=True))
        with change_set(user=request.user):
            super().delete_queryset(request, queryset)
        for cluster_id in cluster_ids:
            network_cache_invalidate(cluster_id)


class ClusterMembershipInline(PolicyChoicesMixin, admin.TabularInline):
    model = ClusterMembership
    fields = ("stakeholder", "source")
    autocomplete_fields = ("stakeholder",)
    extra = 0


# The cluster workbench with what this app adds: the members inline, the cached network
# measures dropped after a save, and the merge of duplicates (which moves the members).
admin.site.unregister(Cluster)


@admin.register(Cluster)
class ClusterAdmin(ClusterBaseAdmin):
    inlines = (*ClusterBaseAdmin.inlines, ClusterMembershipInline)
    actions = (*ClusterBaseAdmin.actions, "merge")

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        network_cache_invalidate(form.instance.pk)

    def formset_changes(self, request, formset):
        if formset.model is not ClusterMembership:
            return super().formset_changes(request, formset)
        added, removed = [], []
        for f in formset.forms:
            if f in formset.deleted_forms:
                if f.instance.pk is not None:
                    removed.append(revisions.member_removed(membership=f.instance))
            elif f.instance.pk is None and f.has_changed() and f.cleaned_data:
                added.append(
                    revisions.member_added(
                        stakeholder=f.cleaned_data["stakeholder"],
                        source=f.cleaned_data.get("source", ""),
                    )
                )
        return {"members_added": added, "members_removed": removed}

    @admin.action(
        description=_("Merge the two selected duplicate clusters"), permissions=["curate"]
    )
    def merge(self, request, queryset):
        return merge_action(self, request, queryset, merging.cluster_merge, "cluster")


class PublishedClusterFormSet(forms.BaseInlineFormSet):
    """On a stakeholder's page, an agency editor may not add or remove memberships or
    relationships of a published cluster: those changes wait for a curator's review, and
    are proposed on the cluster's own page (or its admin page)."""

    user = None

    def clean(self):
        super().clean()
        if self.user is None:
            return
        for form in self.forms:
            changed = form.has_changed() or form in self.deleted_forms
            cluster = (form.cleaned_data or {}).get("cluster") or getattr(
                form.instance, "cluster", None
            )
            if changed and cluster_revisions.review_needed(user=self.user, cluster=cluster):
                raise ValidationError(
                    _(
                        "%(cluster)s is published: propose this change on the cluster's page, "
                        "where a curator reviews it."
                    )
                    % {"cluster": cluster}
                )


class PublishedClusterInlineMixin:
    formset = PublishedClusterFormSet

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.user = request.user
        return formset


class MembershipInline(PublishedClusterInlineMixin, PolicyChoicesMixin, admin.TabularInline):
    model = ClusterMembership
    fields = ("cluster", "source")
    autocomplete_fields = ("cluster",)
    extra = 0


class RelationshipForm(forms.ModelForm):
    """Check membership of both ends, self-links and duplicates as the services do; take
    and re-show the dates as typed (2018, 2018-03 or 2018-03-05)."""

    since = PartialDateField(label=_("since"), help_text=_("2015, 2015-06 or 2015-06-30."))
    until = PartialDateField(label=_("until"), help_text=_("2015, 2015-06 or 2015-06-30."))

    class Meta:
        model = Relationship
        fields = ("cluster", "source", "target", "kind", "since", "until", "provenance")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in DATED:
            if name in self.fields:
                self.initial[name] = getattr(self.instance, f"{name}_partial")

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        # The model keeps a date's first day and its precision (common.partial_dates).
        for name in DATED:
            if name in self.fields:
                stored = partial_date_fields(name, cleaned.get(name))
                cleaned[name] = stored[name]
                setattr(self.instance, f"{name}_precision", stored[f"{name}_precision"])
        # On a stakeholder's page the inline leaves out its own end (source or target): the
        # formset has set that on the instance.
        candidate = copy(self.instance)
        for name in self.fields:
            if name in self.Meta.fields:
                setattr(candidate, name, cleaned.get(name))
        try:
            services.relationship_validate(relationship=candidate)
        except ValidationError as exc:
            raise ValidationError(exc.messages) from None
        return cleaned


class OutgoingRelationshipInline(
    PublishedClusterInlineMixin, PolicyChoicesMixin, admin.TabularInline
):
    model = Relationship
    form = RelationshipForm
    fk_name = "source"
    fields = ("kind", "target", "cluster", "since", "until", "provenance")
    autocomplete_fields = ("target", "cluster")
    extra = 0
    verbose_name = _("relationship from this stakeholder")
    verbose_name_plural = _("relationships from this stakeholder")


class IncomingRelationshipInline(
    PublishedClusterInlineMixin, PolicyChoicesMixin, admin.TabularInline
):
    model = Relationship
    form = RelationshipForm
    fk_name = "target"
    fields = ("source", "kind", "cluster", "since", "until", "provenance")
    autocomplete_fields = ("source", "cluster")
    extra = 0
    verbose_name = _("relationship to this stakeholder")
    verbose_name_plural = _("relationships to this stakeholder")


class StakeholderAdminForm(VersionedAdminForm):
    """Check the version, identity and role-for-kind before saving, so they are form errors."""

    class Meta:
        model = Stakeholder
        fields = (
            "name",
            "local_names",
            "kind",
            "role",
            "place",
            "region",
            "country",
            "website",
            "email",
            "phone",
            "size_class",
            "services_offered",
            "description",
            "source",
        )

    def check_version(self, expected_version):
        check_version(
            model=Stakeholder,
            pk=self.instance.pk,
            expected_version=expected_version,
            label=_("stakeholder"),
        )

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            services.validate_role(kind=cleaned["kind"], role=cleaned.get("role", ""))
        except ValidationError as exc:
            self.add_error("role", exc.messages[0])
        try:
            services.stakeholder_validate_identity(
                name=cleaned["name"],
                kind=cleaned["kind"],
                region=cleaned.get("region"),
                exclude_pk=self.instance.pk,
            )
        except ValidationError as exc:
            self.add_error("name", exc.message_dict["name"][0])
        return cleaned


@admin.register(Stakeholder)
class StakeholderAdmin(PolicyAdminMixin, HistoryAdmin):
    policy = stakeholder_policy
    form = StakeholderAdminForm
    list_display = ("name", "kind", "role", "place", "region", "website")
    list_filter = ("kind", "role", ("region", admin.RelatedOnlyFieldListFilter))
    search_fields = ("name", "slug", "place")
    autocomplete_fields = ("region",)
    list_select_related = ("region",)
    readonly_fields = ("slug", "created", "updated")
    fields = (*StakeholderAdminForm.Meta.fields, "opened_version", *readonly_fields)
    inlines = (MembershipInline, OutgoingRelationshipInline, IncomingRelationshipInline)
    paginator = EstimatedCountPaginator
    show_full_result_count = False
    list_per_page = 50

    actions = ("merge",)

    def has_curate_permission(self, request):
        """Merging is for curators (the action's `permissions`)."""
        return is_curator(request.user)

    @admin.action(
        description=_("Merge the two selected duplicate stakeholders"), permissions=["curate"]
    )
    def merge(self, request, queryset):
        return merge_action(self, request, queryset, merging.stakeholder_merge, "stakeholder")

    def save_model(self, request, obj, form, change):
        with change_set(user=request.user):
            services.stakeholder_save(stakeholder=obj)

    def save_related(self, request, form, formsets, change):
        with change_set(user=request.user):
            super().save_related(request, form, formsets, change)
        for cluster_id in set(form.instance.memberships.values_list("cluster_id", flat=True)) | set(
            form.instance.outgoing_relationships.values_list("cluster_id", flat=True)
        ):
            network_cache_invalidate(cluster_id)


class ProposedRowsMixin(ProposalAdminMixin):
    """Memberships and relationships of a published cluster saved or deleted by an agency
    editor in the admin become (part of) their pending revision."""

    def saved_changes(self, obj, form, change):
        raise NotImplementedError

    def removed_changes(self, obj):
        raise NotImplementedError

    def save_model(self, request, obj, form, change):
        cluster = self.proposal_cluster(request, obj)
        if change and cluster is None:
            # Moved out of a published cluster: the old one must be reviewed too.
            stored = type(obj).objects.select_related("cluster").get(pk=obj.pk)
            cluster = self.proposal_cluster(request, stored)
        if cluster is not None:
            self.propose(request, cluster, self.saved_changes(obj, form, change))
            return
        super().save_model(request, obj, form, change)

    def delete_model(self, request, obj):
        cluster = self.proposal_cluster(request, obj)
        if cluster is not None:
            self.propose(request, cluster, self.removed_changes(obj))
            return
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        rest = []
        for obj in queryset.select_related("cluster"):
            cluster = self.proposal_cluster(request, obj)
            if cluster is not None:
                self.propose(request, cluster, self.removed_changes(obj))
            else:
                rest.append(obj.pk)
        if rest:
            super().delete_queryset(request, queryset.filter(pk__in=rest))


@admin.register(ClusterMembership)
class ClusterMembershipAdmin(
    ProposedRowsMixin, InvalidateNetworkMixin, PolicyAdminMixin, HistoryAdmin
):
    policy = membership_policy
    list_display = ("stakeholder", "stakeholder_kind", "cluster", "source")
    list_filter = ("stakeholder__kind",)
    search_fields = ("stakeholder__name", "cluster__product", "cluster__place")
    autocomplete_fields = ("cluster", "stakeholder")
    list_select_related = ("stakeholder", "cluster")
    paginator = EstimatedCountPaginator
    show_full_result_count = False

    @admin.display(description=_("kind"), ordering="stakeholder__kind")
    def stakeholder_kind(self, obj):
        return obj.stakeholder.get_kind_display()

    def saved_changes(self, obj, form, change):
        changes = {
            "members_added": [
                revisions.member_added(stakeholder=obj.stakeholder, source=obj.source)
            ]
        }
        if change:
            stored = ClusterMembership.objects.select_related("stakeholder").get(pk=obj.pk)
            changes["members_removed"] = [revisions.member_removed(membership=stored)]
        return changes

    def removed_changes(self, obj):
        return {"members_removed": [revisions.member_removed(membership=obj)]}


@admin.register(Relationship)
class RelationshipAdmin(ProposedRowsMixin, InvalidateNetworkMixin, PolicyAdminMixin, HistoryAdmin):
    policy = relationship_policy
    form = RelationshipForm
    list_display = ("source", "kind", "target", "cluster", "since_as_typed", "until_as_typed")
    list_filter = ("kind", "source__kind", "target__kind")
    search_fields = ("source__name", "target__name", "cluster__product", "cluster__place")
    autocomplete_fields = ("cluster", "source", "target")
    list_select_related = ("source", "target", "cluster")
    paginator = EstimatedCountPaginator
    show_full_result_count = False
    list_per_page = 50

    def saved_changes(self, obj, form, change):
        changes = {
            "relationships_added": [
                revisions.relationship_added(
                    source=obj.source,
                    target=obj.target,
                    kind=obj.kind,
                    since=obj.since_partial,
                    until=obj.until_partial,
                    provenance=obj.provenance,
                )
            ]
        }
        if change:
            stored = Relationship.objects.select_related("source", "target").get(pk=obj.pk)
            changes["relationships_removed"] = [revisions.relationship_removed(relationship=stored)]
        return changes

    def removed_changes(self, obj):
        return {"relationships_removed": [revisions.relationship_removed(relationship=obj)]}

    @admin.display(description=_("since"), ordering="since")
    def since_as_typed(self, obj):
        return obj.since_partial.display() if obj.since else "-"

    @admin.display(description=_("until"), ordering="until")
    def until_as_typed(self, obj):
        return obj.until_partial.display() if obj.until else "-"


class NetworkAdminForm(forms.ModelForm):
    """Check the 3-10 enterprise members of the cluster as the services do."""

    class Meta:
        model = Network
        fields = ("cluster", "name", "joint_action", "description", "started", "status", "members")

    def clean(self):
        cleaned = super().clean()
        if self.errors or not cleaned.get("cluster"):
            return cleaned
        try:
            networks.network_validate_members(
                cluster=cleaned["cluster"], members=cleaned.get("members") or []
            )
        except ValidationError as exc:
            self.add_error("members", exc.message_dict["members"][0])
        return cleaned


@admin.register(Network)
class NetworkAdmin(ProposalAdminMixin, PolicyAdminMixin, HistoryAdmin):
    policy = network_policy
    form = NetworkAdminForm
    list_display = ("name", "cluster", "joint_action", "status", "started")
    list_filter = ("joint_action", "status")
    search_fields = ("name", "cluster__product", "cluster__place")
    autocomplete_fields = ("cluster", "members")
    list_select_related = ("cluster",)

    def save_model(self, request, obj, form, change):
        cluster = self.proposal_cluster(request, obj)
        if cluster is not None:
            members = list(form.cleaned_data.get("members") or [])
            saved = revisions.network_saved(network=obj, members=members)
            self.propose(request, cluster, {"networks_saved": [saved]})
            return
        with change_set(user=request.user):
            obj.full_clean()
            obj.save()

    def delete_model(self, request, obj):
        cluster = self.proposal_cluster(request, obj)
        if cluster is not None:
            self.propose(
                request, cluster, {"networks_removed": [revisions.network_removed(network=obj)]}
            )
            return
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        rest = []
        for network in queryset.select_related("cluster"):
            cluster = self.proposal_cluster(request, network)
            if cluster is not None:
                removed = revisions.network_removed(network=network)
                self.propose(request, cluster, {"networks_removed": [removed]})
            else:
                rest.append(network.pk)
        if rest:
            super().delete_queryset(request, queryset.filter(pk__in=rest))

    def save_related(self, request, form, formsets, change):
        if self.is_proposing(request):
            return
        with change_set(user=request.user):
            super().save_related(request, form, formsets, change)
            network_cache_invalidate(form.instance.cluster_id)
