"""The admin of development programmes, inside the agency policy on every path.

Curators keep everything, including the scheme list and the indicator catalogue. An agency
editor reaches only their agency's initiatives and rows (any other is simply not found),
picks only what the policies let them link, and writes through the services: a new
initiative is their agency's draft; a published initiative and its rows are read-only here
(a change to them is proposed on the workspace and reviewed by a curator); only a draft
never published is deleted. A study document's file is never linked from the admin: it is
served by the workspace's permission-checked view.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from clusters.choices import PublicationStatus
from common.admin import HistoryAdmin, PolicyAdminMixin, VersionedAdminForm
from common.history import change_set
from common.permissions import is_curator

from . import services
from .models import (
    DiagnosticStudy,
    Indicator,
    IndicatorMeasurement,
    IndicatorTarget,
    Initiative,
    InitiativeRevision,
    PlanActivity,
    Scheme,
    StudyDocument,
)
from .permissions import (
    activity_policy,
    document_policy,
    initiative_policy,
    measurement_policy,
    study_policy,
    target_policy,
)

PUBLISHED = PublicationStatus.PUBLISHED


def _initiative_of(obj):
    """Return the initiative a row of this admin belongs to (None for a new row)."""
    if obj is None or obj.pk is None:
        return None
    if isinstance(obj, Initiative):
        return obj
    if isinstance(obj, StudyDocument):
        return obj.study.initiative
    return obj.initiative


class InitiativeRowAdmin(PolicyAdminMixin, HistoryAdmin):
    """An initiative or one of its rows: a published one is the curators' to change here."""

    def _published_for_editor(self, request, obj):
        initiative = _initiative_of(obj)
        return (
            initiative is not None
            and initiative.status == PUBLISHED
            and not is_curator(request.user)
        )

    def has_change_permission(self, request, obj=None):
        if self._published_for_editor(request, obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if self._published_for_editor(request, obj):
            return False
        return super().has_delete_permission(request, obj)

    def has_view_permission(self, request, obj=None):
        # A published row stays viewable to its agency's editor, read-only.
        if obj is not None and not is_curator(request.user):
            return self.has_view_or_change_model_permission(request) and (
                self.policy.user_has_permission_for_instance(request.user, "change", obj)
            )
        return super().has_view_permission(request, obj)

    def has_view_or_change_model_permission(self, request):
        opts = self.opts
        return request.user.has_perm(f"{opts.app_label}.view_{opts.model_name}") or (
            request.user.has_perm(f"{opts.app_label}.change_{opts.model_name}")
        )


class InitiativeAdminForm(VersionedAdminForm):
    def clean(self):
        cleaned = super().clean()
        sanctioned, released = cleaned.get("sanctioned_amount"), cleaned.get("released_amount")
        if sanctioned is not None and released is not None and released > sanctioned:
            self.add_error("released_amount", _("More cannot be released than was sanctioned."))
        return cleaned

    class Meta:
        model = Initiative
        fields = (
            "title",
            "cluster",
            "scheme",
            "agency",
            "development_agent_name",
            "development_agent",
            "started_on",
            "ended_on",
            "stage",
            "budget",
            "sanctioned_amount",
            "released_amount",
            "currency",
            "description",
            "source",
        )

    def check_version(self, expected_version):
        services.check_version(
            model=Initiative,
            pk=self.instance.pk,
            expected_version=expected_version,
            label=_("initiative"),
        )


@admin.register(Initiative)
class InitiativeAdmin(InitiativeRowAdmin):
    policy = initiative_policy
    form = InitiativeAdminForm
    list_display = ("title", "cluster", "scheme", "agency", "stage", "status", "started_on")
    list_filter = ("status", "stage", "scheme", ("agency", admin.RelatedOnlyFieldListFilter))
    search_fields = ("title", "cluster__product", "cluster__place", "development_agent_name")
    autocomplete_fields = ("cluster", "development_agent")
    list_select_related = ("cluster", "scheme", "agency")
    # Publication goes through the workflow (the workspace, or the action below), never
    # by editing the status.
    readonly_fields = ("slug", "status")
    actions = ("publish",)
    show_full_result_count = False

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if is_curator(request.user):
            return fields
        # Editors' initiatives are their agency's.
        return (*fields, "agency")

    def has_curate_permission(self, request):
        return is_curator(request.user)

    @admin.action(description=_("Publish the selected initiatives"), permissions=["curate"])
    def publish(self, request, queryset):
        published = 0
        for initiative in queryset.exclude(status=PUBLISHED):
            if (
                PublicationStatus(initiative.status)
                in services.TRANSITIONS[services.Action.APPROVED][0]
            ):
                services.initiative_publish(initiative=initiative, user=request.user)
                published += 1
        self.message_user(
            request,
            ngettext("%(n)d initiative published.", "%(n)d initiatives published.", published)
            % {"n": published},
        )

    def has_delete_permission(self, request, obj=None):
        """Only a draft never published is deleted, by anyone (as on the workspace)."""
        return super().has_delete_permission(request, obj) and (
            obj is None
            or services.deletable_initiatives(Initiative.objects.filter(pk=obj.pk)).exists()
        )

    def save_model(self, request, obj, form, change):
        data = {
            name: form.cleaned_data[name]
            for name in form.changed_data
            if name in services.INITIATIVE_FIELDS and name in form.cleaned_data
        }
        with change_set(user=request.user, reason="admin"):
            if not change:
                created = services.initiative_create(
                    user=request.user,
                    **{
                        "cluster": obj.cluster,
                        "scheme": obj.scheme,
                        "title": obj.title,
                        **{
                            k: v for k, v in data.items() if k not in ("cluster", "scheme", "title")
                        },
                    },
                )
                obj.pk, obj.slug, obj.version = created.pk, created.slug, created.version
                obj.status, obj.agency_id = created.status, created.agency_id
            else:
                stored = Initiative.objects.get(pk=obj.pk)
                services.initiative_update(
                    user=request.user,
                    initiative=stored,
                    data=data,
                    expected_version=form.cleaned_data.get("opened_version"),
                )
                obj.version = stored.version

    def delete_model(self, request, obj):
        with change_set(user=request.user, reason="admin: delete draft"):
            services.initiative_delete(user=request.user, initiative=obj)

    def delete_queryset(self, request, queryset):
        with change_set(user=request.user, reason="admin: delete drafts"):
            for initiative in queryset:
                services.initiative_delete(user=request.user, initiative=initiative)


class StudyDocumentAddForm(forms.ModelForm):
    file = forms.FileField(label=_("file"), widget=forms.FileInput)

    class Meta:
        model = StudyDocument
        fields = ("study", "title", "file")

    def clean_file(self):
        file = self.cleaned_data["file"]
        try:
            services.document_check(file=file)
        except ValidationError as exc:
            raise ValidationError(exc.message_dict.get("file", exc.messages)) from None
        return file


class ServiceCheckedForm(forms.ModelForm):
    """An admin form that asks the service's checks in clean(), so a refused save is a
    form error (not a server error)."""

    def service_check(self, cleaned):
        """Raise ValidationError where the service would refuse `cleaned`."""

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            self.service_check(cleaned)
        return cleaned


class DiagnosticStudyForm(ServiceCheckedForm):
    def service_check(self, cleaned):
        initiative = cleaned.get("initiative") or self.instance.initiative
        services.check_members(initiative.cluster, cleaned.get("consulted") or [], "consulted")


class PlanActivityForm(ServiceCheckedForm):
    def service_check(self, cleaned):
        services.check_members(
            cleaned["initiative"].cluster, cleaned.get("responsible") or [], "responsible"
        )


class IndicatorTargetForm(ServiceCheckedForm):
    def service_check(self, cleaned):
        if cleaned.get("baseline_value") is None and cleaned.get("target_value") is None:
            raise ValidationError(_("Give a baseline, a target or both."))
        baseline, target = cleaned.get("baseline_year"), cleaned.get("target_year")
        if baseline is not None and target is not None and target < baseline:
            raise ValidationError({"target_year": _("The target cannot come before the baseline.")})


class IndicatorMeasurementForm(ServiceCheckedForm):
    def service_check(self, cleaned):
        indicator = cleaned["indicator"]
        if indicator.computed_from:
            raise ValidationError(
                {"indicator": _("This indicator is computed from the registry's own data.")}
            )
        services.measurement_unit(indicator, cleaned.get("unit"))
        initiative = cleaned.get("initiative")
        if initiative is not None and initiative.cluster_id != cleaned["cluster"].pk:
            raise ValidationError({"initiative": _("The initiative is in another cluster.")})


@admin.register(DiagnosticStudy)
class DiagnosticStudyAdmin(InitiativeRowAdmin):
    policy = study_policy
    form = DiagnosticStudyForm
    list_display = ("initiative", "completed_on", "prepared_by")
    search_fields = ("initiative__title", "prepared_by")
    autocomplete_fields = ("initiative", "consulted")
    list_select_related = ("initiative",)

    def save_model(self, request, obj, form, change):
        self._saved = services.study_save(
            user=request.user,
            initiative=obj.initiative,
            data={name: form.cleaned_data[name] for name in services.STUDY_FIELDS},
        )
        obj.pk = self._saved.pk

    def save_related(self, request, form, formsets, change):
        services.study_save(
            user=request.user,
            initiative=form.instance.initiative,
            data={},
            consulted=form.cleaned_data.get("consulted", []),
        )


@admin.register(StudyDocument)
class StudyDocumentAdmin(InitiativeRowAdmin):
    policy = document_policy
    list_display = ("title", "study", "content_type", "size", "uploaded_by", "uploaded_at")
    search_fields = ("title", "study__initiative__title")
    list_select_related = ("study", "study__initiative", "uploaded_by")
    autocomplete_fields = ("study",)

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = StudyDocumentAddForm
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("study", "title", "file")
        return ("study", "title", "file_name", "content_type", "size", "uploaded_by")

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return ("study", "file_name", "content_type", "size", "uploaded_by")

    @admin.display(description=_("file"))
    def file_name(self, obj):
        return obj.file.name.rsplit("/", 1)[-1] if obj.file else "—"

    def save_model(self, request, obj, form, change):
        if not change:
            created = services.study_document_add(
                user=request.user,
                study=form.cleaned_data["study"],
                title=form.cleaned_data["title"],
                file=form.cleaned_data["file"],
            )
            obj.pk, obj.file = created.pk, created.file
            return
        with change_set(user=request.user, reason="admin"):
            obj.full_clean()
            obj.save(update_fields=["title"])

    def delete_model(self, request, obj):
        services.study_document_delete(user=request.user, document=obj)

    def delete_queryset(self, request, queryset):
        for document in queryset:
            services.study_document_delete(user=request.user, document=document)


@admin.register(PlanActivity)
class PlanActivityAdmin(InitiativeRowAdmin):
    policy = activity_policy
    form = PlanActivityForm
    list_display = ("title", "initiative", "horizon", "intervention", "activity_type", "status")
    list_filter = ("horizon", "intervention", "activity_type", "status")
    search_fields = ("title", "initiative__title")
    autocomplete_fields = ("initiative", "responsible")
    list_select_related = ("initiative",)

    def save_model(self, request, obj, form, change):
        saved = services.activity_save(
            user=request.user,
            initiative=obj.initiative,
            activity=PlanActivity.objects.get(pk=obj.pk) if change else None,
            data={
                n: form.cleaned_data[n] for n in services.ACTIVITY_FIELDS if n in form.cleaned_data
            },
        )
        obj.pk = saved.pk

    def save_related(self, request, form, formsets, change):
        services.activity_save(
            user=request.user,
            initiative=form.instance.initiative,
            activity=form.instance,
            data={},
            responsible=form.cleaned_data.get("responsible", []),
        )

    def delete_model(self, request, obj):
        services.activity_delete(user=request.user, activity=obj)

    def delete_queryset(self, request, queryset):
        for activity in queryset:
            services.activity_delete(user=request.user, activity=activity)


@admin.register(IndicatorTarget)
class IndicatorTargetAdmin(InitiativeRowAdmin):
    policy = target_policy
    form = IndicatorTargetForm
    list_display = ("initiative", "indicator", "baseline_value", "target_value", "target_year")
    list_filter = ("indicator",)
    search_fields = ("initiative__title",)
    autocomplete_fields = ("initiative",)
    list_select_related = ("initiative", "indicator")

    def save_model(self, request, obj, form, change):
        if change:
            stored = IndicatorTarget.objects.get(pk=obj.pk)
            if (stored.initiative_id, stored.indicator_id) != (obj.initiative_id, obj.indicator_id):
                raise PermissionDenied
        saved = services.target_save(
            user=request.user,
            initiative=obj.initiative,
            indicator=obj.indicator,
            data={
                n: form.cleaned_data[n] for n in services.TARGET_FIELDS if n in form.cleaned_data
            },
        )
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        services.target_delete(user=request.user, target=obj)

    def delete_queryset(self, request, queryset):
        for target in queryset:
            services.target_delete(user=request.user, target=target)


@admin.register(IndicatorMeasurement)
class IndicatorMeasurementAdmin(PolicyAdminMixin, HistoryAdmin):
    policy = measurement_policy
    form = IndicatorMeasurementForm
    list_display = ("cluster", "indicator", "year_label", "value", "estimated", "source")
    list_filter = ("indicator", "estimated")
    search_fields = ("cluster__product", "cluster__place", "source")
    autocomplete_fields = ("cluster", "initiative")
    list_select_related = ("cluster", "indicator")
    show_full_result_count = False

    @admin.display(description=_("year"), ordering="year")
    def year_label(self, obj):
        return obj.year_label

    def save_model(self, request, obj, form, change):
        services.measurement_save(user=request.user, measurement=obj)

    def delete_model(self, request, obj):
        services.measurement_delete(user=request.user, measurement=obj)

    def delete_queryset(self, request, queryset):
        for measurement in queryset:
            services.measurement_delete(user=request.user, measurement=measurement)


class CuratedListAdmin(HistoryAdmin):
    """The scheme list and the indicator catalogue: every editor looks them up, curators
    keep them."""

    def has_add_permission(self, request):
        return is_curator(request.user) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return is_curator(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return is_curator(request.user) and super().has_delete_permission(request, obj)


@admin.register(Scheme)
class SchemeAdmin(CuratedListAdmin):
    list_display = ("name", "short_name", "kind", "owner")
    list_filter = ("kind",)
    search_fields = ("name", "short_name", "owner")
    prepopulated_fields = {"slug": ("name",)}

    def save_model(self, request, obj, form, change):
        with change_set(user=request.user, reason="scheme changed"):
            super().save_model(request, obj, form, change)


@admin.register(Indicator)
class IndicatorAdmin(CuratedListAdmin):
    list_display = ("name", "slug", "level", "unit", "computed_from", "position")
    list_filter = ("level", "computed_from")
    search_fields = ("name", "slug")

    def save_model(self, request, obj, form, change):
        with change_set(user=request.user, reason="indicator changed"):
            super().save_model(request, obj, form, change)


@admin.register(InitiativeRevision)
class InitiativeRevisionAdmin(HistoryAdmin):
    """Proposed changes, read-only here: curators review them on the workspace."""

    list_display = ("initiative", "author", "state", "updated", "reviewer")
    list_filter = ("state",)
    search_fields = ("initiative__title", "author__username")
    list_select_related = ("initiative", "author", "reviewer")
    readonly_fields = (
        "initiative",
        "author",
        "state",
        "changes",
        "base_version",
        "comment",
        "reviewer",
        "reviewed",
        "created",
        "updated",
    )
    fields = readonly_fields

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
