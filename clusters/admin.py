"""The curators' workbench for clusters, their figures, benchmarks, regions, sectors, agencies."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from common.admin import HistoryAdmin, PolicyAdminMixin, PolicyChoicesMixin, VersionedAdminForm
from common.history import change_set
from common.permissions import is_curator

from . import assessments, revisions, services, workflow
from .accounts import editor_agency_id
from .choices import AMOUNT_MEASURES, PublicationStatus
from .models import (
    Agency,
    AgencyEditor,
    Benchmark,
    Cluster,
    ClusterAssessment,
    ClusterFigure,
    ClusterRevision,
    Region,
    Sector,
)
from .permissions import assessment_policy, cluster_policy, figure_policy
from .workflow import deletable_clusters

CLASSIFICATION_FIELDS = (
    "classification_status",
    "classification_reason",
    "classification_measure",
    "classification_value",
    "classification_threshold",
)
CURRENT_FIGURE_FIELDS = (
    "enterprise_count",
    "loom_count",
    "artisan_count",
    "employment",
    "annual_turnover",
    "annual_exports",
    "currency",
)


def _currency(obj):
    return obj.currency or "INR"


def _currency_if_amount(measure_field):
    """Return a function giving a row's currency when its `measure_field` is an amount."""

    def currency(obj):
        return _currency(obj) if getattr(obj, measure_field) in AMOUNT_MEASURES else None

    return currency


class ProposalAdminMixin:
    """An agency editor's save of a published cluster's records in the admin is kept as
    their pending revision (clusters.revisions) instead of being written; curators' saves
    apply at once. Subclasses turn what was saved into revision data in `proposed_changes`
    (and inline formsets in `formset_changes`)."""

    def proposal_cluster(self, request, obj):
        """Return the cluster whose change by this user must wait for review, or None."""
        cluster = obj if isinstance(obj, Cluster) else getattr(obj, "cluster", None)
        if cluster is None or cluster.pk is None:
            return None
        stored = Cluster.objects.filter(pk=cluster.pk).first()
        return stored if revisions.review_needed(user=request.user, cluster=stored) else None

    def propose(self, request, cluster, changes):
        """Keep `changes` as (part of) the user's pending revision of `cluster`."""
        request._proposal_cluster = cluster
        revision = revisions.revision_propose(user=request.user, cluster=cluster, changes=changes)
        if revision is not None:
            request._proposed_revision = revision
        return revision

    def is_proposing(self, request):
        return getattr(request, "_proposal_cluster", None) is not None

    def formset_changes(self, request, formset):
        """Return the revision data of an inline formset's changes ({} for none)."""
        return {}

    def propose_formsets(self, request, formsets):
        """Propose what the inline formsets would have saved, as one amendment."""
        changes = {}
        for formset in formsets:
            changes = revisions.merge_changes(changes, self.formset_changes(request, formset))
        self.propose(request, request._proposal_cluster, changes)

    def save_related(self, request, form, formsets, change):
        if self.is_proposing(request):
            self.propose_formsets(request, formsets)
            return
        super().save_related(request, form, formsets, change)

    def response_delete(self, request, obj_display, obj_id):
        if self.is_proposing(request):
            return self.proposal_response(request, back=_changelist_url(self))
        return super().response_delete(request, obj_display, obj_id)

    def log_deletions(self, request, queryset):
        if not self.is_proposing(request):
            super().log_deletions(request, queryset)

    def construct_change_message(self, request, form, formsets, add=False):
        if self.is_proposing(request):
            return []  # nothing was saved (and the formsets know no saved objects)
        return super().construct_change_message(request, form, formsets, add)

    def log_addition(self, request, obj, message):
        if not self.is_proposing(request):
            super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        if not self.is_proposing(request):
            return super().log_change(request, obj, message)
        return None

    def response_add(self, request, obj, post_url_continue=None):
        if self.is_proposing(request):
            return self.proposal_response(request)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        if self.is_proposing(request):
            return self.proposal_response(request)
        return super().response_change(request, obj)

    def proposal_response(self, request, back=None):
        """Say that the change waits for review and go back (an add or a delete has no
        record page to return to: the list)."""
        if back is None and request.resolver_match.url_name.endswith("_add"):
            back = _changelist_url(self)
        revision = getattr(request, "_proposed_revision", None)
        if revision is None:
            self.message_user(request, _("Nothing changed: the record is as it was."))
        else:
            self.message_user(
                request,
                _(
                    "Your change waits for review: a curator approves it before it is public "
                    "(proposed change #%(id)s)."
                )
                % {"id": revision.pk},
                messages.SUCCESS,
            )
        return HttpResponseRedirect(back or request.path)


def _changelist_url(model_admin):
    opts = model_admin.model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")


def figure_data(cleaned):
    """Return the revision data of a figure form's cleaned data."""
    return {
        "measure": cleaned["measure"],
        "value": int(cleaned["value"]),
        "year": cleaned.get("year") or "",
        "source": cleaned.get("source") or "",
        "estimated": bool(cleaned.get("estimated")),
        "currency": cleaned.get("currency") or "",
    }


class ClusterFigureInline(PolicyChoicesMixin, admin.TabularInline):
    model = ClusterFigure
    fields = ("measure", "value", "currency", "year", "source", "estimated")
    extra = 0


class ClusterAdminForm(VersionedAdminForm):
    """Check the version and the product-and-place identity before saving, so a stale save
    and a duplicate are form errors."""

    class Meta:
        model = Cluster
        fields = (
            "product",
            "place",
            "local_names",
            "district",
            "region",
            "country",
            "cluster_type",
            "sector",
            "agency",
            "origin",
            "structure",
            "stage",
            "exporting",
            "description",
            "latitude",
            "longitude",
        )

    def check_version(self, expected_version):
        services.check_version(
            model=Cluster,
            pk=self.instance.pk,
            expected_version=expected_version,
            label=_("cluster"),
        )

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        if self.instance.pk is not None:
            # The status changes only through the workflow, also when reverting to a
            # version from before the cluster was archived.
            self.instance.status = (
                Cluster.objects.filter(pk=self.instance.pk).values_list("status", flat=True).get()
            )
        try:
            services.cluster_validate_identity(
                product=cleaned.get("product", ""),
                place=cleaned.get("place", ""),
                region=cleaned.get("region"),
                country=cleaned.get("country") or "IN",
                exclude_pk=self.instance.pk,
            )
        except ValidationError as exc:
            raise ValidationError(exc.message_dict.get("product", exc.messages)) from None
        return cleaned


@admin.register(Cluster)
class ClusterAdmin(ProposalAdminMixin, PolicyAdminMixin, HistoryAdmin):
    policy = cluster_policy
    form = ClusterAdminForm
    list_display = (
        "product",
        "place",
        "region",
        "cluster_type",
        "classification_badge",
        "classification_reason",
        "enterprise_count",
        "loom_count",
        "status",
        "agency",
    )
    list_filter = (
        "cluster_type",
        "classification_status",
        "status",
        ("region", admin.RelatedOnlyFieldListFilter),
        ("sector", admin.RelatedOnlyFieldListFilter),
        ("agency", admin.RelatedOnlyFieldListFilter),
        "country",
    )
    search_fields = ("product", "place", "district", "slug")
    autocomplete_fields = ("region", "sector", "agency")
    list_select_related = ("region", "sector", "agency")
    # The status changes only through the workflow (the actions below, the review queue).
    readonly_fields = (
        *CURRENT_FIGURE_FIELDS,
        *CLASSIFICATION_FIELDS,
        "status",
        "slug",
        "created",
        "updated",
    )
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "product",
                    "place",
                    "local_names",
                    "district",
                    "region",
                    "country",
                    "slug",
                    "opened_version",
                )
            },
        ),
        (_("Type and ownership"), {"fields": ("cluster_type", "sector", "agency", "status")}),
        (_("Classification"), {"fields": CLASSIFICATION_FIELDS}),
        (
            _("Current figures (from the figures below)"),
            {"fields": CURRENT_FIGURE_FIELDS},
        ),
        (
            _("Descriptors"),
            {
                "fields": (
                    "origin",
                    "structure",
                    "stage",
                    "exporting",
                    "description",
                    "latitude",
                    "longitude",
                )
            },
        ),
        (_("Record"), {"fields": ("created", "updated")}),
    )
    # stakeholders.admin adds the members inline and the merge of duplicates.
    inlines = (ClusterFigureInline,)
    count_fields = ("enterprise_count", "loom_count", "artisan_count", "employment")
    amount_fields = {
        "annual_turnover": _currency,
        "annual_exports": _currency,
        "classification_value": _currency_if_amount("classification_measure"),
        "classification_threshold": _currency_if_amount("classification_measure"),
    }
    actions = ("reclassify", "publish")
    show_full_result_count = False
    list_per_page = 50

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if is_curator(request.user):
            return fields
        return (*fields, "agency")

    def has_curate_permission(self, request):
        """Publishing and merging are for curators (the actions' `permissions`)."""
        return is_curator(request.user)

    @admin.display(description=_("classification"), ordering="classification_status")
    def classification_badge(self, obj):
        return format_html(
            '<span class="badge badge-{}" title="{}">{}</span>',
            obj.classification_status,
            obj.classification_reason,
            obj.get_classification_status_display(),
        )

    def has_delete_permission(self, request, obj=None):
        """Only a draft that was never published may be deleted, by anyone (as on the site)."""
        return super().has_delete_permission(request, obj) and (
            obj is None or deletable_clusters(Cluster.objects.filter(pk=obj.pk)).exists()
        )

    def save_model(self, request, obj, form, change):
        cluster = self.proposal_cluster(request, obj) if change else None
        if cluster is not None:
            data = {
                name: form.cleaned_data[name]
                for name in form.changed_data
                if name in ClusterAdminForm.Meta.fields and name != "agency"
            }
            self.propose(
                request, cluster, {"fields": revisions.field_changes(cluster=cluster, data=data)}
            )
            return
        if not change and not is_curator(request.user):
            obj.agency_id = editor_agency_id(request.user)
        with change_set(user=request.user):
            services.cluster_save(
                cluster=obj, expected_version=form.cleaned_data.get("opened_version")
            )

    def delete_model(self, request, obj):
        with change_set(user=request.user, reason="admin: delete draft"):
            services.cluster_delete(cluster=obj)

    def delete_queryset(self, request, queryset):
        with change_set(user=request.user, reason="admin: delete drafts"):
            for cluster in queryset:
                services.cluster_delete(cluster=cluster)

    def save_related(self, request, form, formsets, change):
        if self.is_proposing(request):
            self.propose_formsets(request, formsets)
            return
        with change_set(user=request.user):
            super().save_related(request, form, formsets, change)
            services.cluster_refresh_current_figures(cluster=form.instance)

    def formset_changes(self, request, formset):
        if formset.model is not ClusterFigure:
            return super().formset_changes(request, formset)
        figures = [
            figure_data(f.cleaned_data)
            for f in formset.forms
            if f.has_changed() and f not in formset.deleted_forms and f.cleaned_data
        ]
        return {"figures": figures}

    @admin.action(description=_("Recompute the classification of the selected clusters"))
    def reclassify(self, request, queryset):
        with change_set(user=request.user, reason="reclassify (admin)"):
            changed = services.clusters_reclassify(queryset=queryset)
        total = queryset.count()
        self.message_user(
            request,
            ngettext(
                "%(changed)d of %(total)d cluster changed classification.",
                "%(changed)d of %(total)d clusters changed classification.",
                total,
            )
            % {"changed": changed, "total": total},
            messages.SUCCESS,
        )

    @admin.action(
        description=_("Approve and publish the selected submitted clusters"),
        permissions=["curate"],
    )
    def publish(self, request, queryset):
        published = 0
        for cluster in queryset.filter(status=PublicationStatus.SUBMITTED):
            workflow.cluster_transition(
                cluster=cluster, action=workflow.Action.APPROVED, user=request.user
            )
            published += 1
        self.message_user(
            request,
            ngettext("%(n)d cluster published.", "%(n)d clusters published.", published)
            % {"n": published},
        )


MERGE_TITLES = {  # one title for each kind of record merged (`noun` of merge_action)
    "cluster": _("Merge duplicate clusters"),
    "stakeholder": _("Merge duplicate stakeholders"),
}


def merge_action(model_admin, request, queryset, merge, noun):
    """Ask which of two selected duplicates survives, then merge the other into it."""
    records = list(queryset[:3])
    if len(records) != 2:
        model_admin.message_user(
            request, _("Select exactly two records to merge."), messages.WARNING
        )
        return None
    if request.POST.get("survivor"):
        survivor = next((r for r in records if str(r.pk) == request.POST["survivor"]), None)
        if survivor is None:
            model_admin.message_user(request, _("Choose one of the two records."), messages.ERROR)
            return None
        duplicate = records[1] if survivor is records[0] else records[0]
        record = merge(survivor=survivor, duplicate=duplicate, user=request.user)
        model_admin.message_user(request, str(record), messages.SUCCESS)
        return None
    return TemplateResponse(
        request,
        "admin/merge_confirm.html",
        {
            **model_admin.admin_site.each_context(request),
            "title": MERGE_TITLES[noun],
            "records": records,
            "noun": noun,
            "action": request.POST.get("action"),
            "opts": model_admin.model._meta,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        },
    )


@admin.register(ClusterFigure)
class ClusterFigureAdmin(ProposalAdminMixin, PolicyAdminMixin, HistoryAdmin):
    policy = figure_policy
    list_display = ("cluster", "measure", "value", "currency", "year", "source", "estimated")
    amount_fields = {"value": _currency_if_amount("measure")}
    list_filter = ("measure", "estimated", "year")
    search_fields = ("cluster__product", "cluster__place", "source")
    autocomplete_fields = ("cluster",)
    list_select_related = ("cluster",)
    show_full_result_count = False

    def has_delete_permission(self, request, obj=None):
        """A figure of a published cluster is removed by curators only (an editor records
        a newer figure instead, which a curator reviews)."""
        if obj is not None and self.proposal_cluster(request, obj) is not None:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        cluster = self.proposal_cluster(request, obj)
        if cluster is not None:
            self.propose(request, cluster, {"figures": [figure_data(form.cleaned_data)]})
            return
        # A figure moved to another cluster leaves the first one too: both are refreshed.
        moved_from = None
        if change and "cluster" in getattr(form, "changed_data", ()):
            moved_from = ClusterFigure.objects.get(pk=obj.pk).cluster
        with change_set(user=request.user):
            super().save_model(request, obj, form, change)
            services.cluster_refresh_current_figures(cluster=obj.cluster)
            if moved_from is not None and moved_from.pk != obj.cluster_id:
                services.cluster_refresh_current_figures(cluster=moved_from)

    def delete_model(self, request, obj):
        cluster = obj.cluster
        with change_set(user=request.user):
            super().delete_model(request, obj)
            services.cluster_refresh_current_figures(cluster=cluster)

    def delete_queryset(self, request, queryset):
        if not is_curator(request.user):
            # A published cluster's figures are removed by curators only (has_delete_permission).
            kept = queryset.filter(cluster__status=PublicationStatus.PUBLISHED)
            if kept.exists():
                self.message_user(
                    request,
                    _("Figures of published clusters were kept: a curator removes those."),
                    messages.WARNING,
                )
            queryset = queryset.exclude(pk__in=kept.values("pk"))
        clusters = list(Cluster.objects.filter(figures__in=queryset).distinct())
        with change_set(user=request.user):
            super().delete_queryset(request, queryset)
            for cluster in clusters:
                services.cluster_refresh_current_figures(cluster=cluster)


@admin.register(Benchmark)
class BenchmarkAdmin(HistoryAdmin):
    list_display = (
        "cluster_type",
        "measure",
        "threshold",
        "currency",
        "country",
        "authority",
        "source",
    )
    list_filter = ("cluster_type", "measure", "country")
    search_fields = ("authority", "source")
    amount_fields = {"threshold": _currency_if_amount("measure")}

    def save_model(self, request, obj, form, change):
        with change_set(user=request.user, reason="benchmark changed"):
            changed = services.benchmark_save(benchmark=obj)
        self.message_user(
            request,
            ngettext("%(n)d cluster reclassified.", "%(n)d clusters reclassified.", changed)
            % {"n": changed},
        )

    def delete_model(self, request, obj):
        with change_set(user=request.user, reason="benchmark deleted"):
            services.benchmark_delete(benchmark=obj)

    def delete_queryset(self, request, queryset):
        with change_set(user=request.user, reason="benchmarks deleted"):
            for benchmark in queryset:
                services.benchmark_delete(benchmark=benchmark)


@admin.register(Region)
class RegionAdmin(HistoryAdmin):
    list_display = ("name", "country", "code", "kind")
    list_filter = ("country", "kind")
    search_fields = ("name", "code")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Sector)
class SectorAdmin(HistoryAdmin):
    list_display = ("name", "slug")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}


class AgencyEditorInline(admin.TabularInline):
    model = AgencyEditor
    autocomplete_fields = ("user",)
    extra = 0


@admin.register(Agency)
class AgencyAdmin(HistoryAdmin):
    list_display = ("name", "slug", "website", "email")
    fields = ("name", "local_names", "slug", "website", "email")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}
    inlines = (AgencyEditorInline,)


@admin.register(AgencyEditor)
class AgencyEditorAdmin(HistoryAdmin):
    list_display = ("user", "agency")
    list_filter = (("agency", admin.RelatedOnlyFieldListFilter),)
    search_fields = ("user__username", "user__email", "agency__name")
    autocomplete_fields = ("user", "agency")
    list_select_related = ("user", "agency")


@admin.register(ClusterRevision)
class ClusterRevisionAdmin(HistoryAdmin):
    """Proposed changes, read-only here: curators review them on the workspace's page
    (the field-by-field diff with approve and return)."""

    list_display = ("cluster", "author", "state", "updated", "reviewer", "review_link")
    list_filter = ("state",)
    search_fields = ("cluster__product", "cluster__place", "author__username")
    list_select_related = ("cluster", "author", "reviewer")
    readonly_fields = (
        "cluster",
        "author",
        "state",
        "changes",
        "base_version",
        "comment",
        "reviewer",
        "reviewed",
        "created",
        "updated",
        "review_link",
    )
    fields = readonly_fields

    @admin.display(description=_("review"))
    def review_link(self, obj):
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), _("Open the diff"))

    def has_module_permission(self, request):
        return is_curator(request.user)

    def has_view_permission(self, request, obj=None):
        return is_curator(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ClusterAssessment)
class ClusterAssessmentAdmin(PolicyAdminMixin, HistoryAdmin):
    """Judgements of the selection parameters (FAQ Q43): an agency editor reaches only
    their own agency's clusters (the policy), as on the site."""

    policy = assessment_policy
    list_display = ("cluster", "parameter", "rating", "assessed_on", "source", "recorded_by")
    list_filter = ("parameter", "rating")
    search_fields = ("cluster__product", "cluster__place", "source", "note")
    autocomplete_fields = ("cluster",)
    list_select_related = ("cluster", "recorded_by")
    readonly_fields = ("recorded_by", "created", "updated")
    fields = ("cluster", "parameter", "rating", "assessed_on", "source", "note", "recorded_by")
    show_full_result_count = False

    def save_model(self, request, obj, form, change):
        outcome = assessments.assessment_judge(
            user=request.user,
            cluster=obj.cluster,
            parameter=obj.parameter,
            rating=obj.rating,
            source=obj.source,
            assessed_on=obj.assessed_on,
            note=obj.note,
            via="admin",
            assessment=obj,
        )
        request.assessment_proposed = outcome.proposed  # the response says so

    def response_add(self, request, obj, post_url_continue=None):
        if getattr(request, "assessment_proposed", False):
            self.message_user(request, _("Your change waits for a curator's review."))
            return HttpResponseRedirect(reverse("admin:clusters_clusterassessment_changelist"))
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        if getattr(request, "assessment_proposed", False):
            self.message_user(request, _("Your change waits for a curator's review."))
            return HttpResponseRedirect(reverse("admin:clusters_clusterassessment_changelist"))
        return super().response_change(request, obj)
