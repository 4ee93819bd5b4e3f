"""Admin helpers shared by the apps: lists that stay fast on tables of a million rows, the
permission policies applied to every admin path, and an admin readers can use.

HistoryAdmin is the project's base ModelAdmin: every registry model's admin inherits it (a
new app's too, e.g. `class ProgrammeAdmin(HistoryAdmin)`), and with it, without more code:

- an accessible name on every input of its tabular inlines ("Cluster figure 2: Value",
  "New cluster figure: Value" for the row a script adds), where Django names them only by
  the column header (AccessibleAdminMixin.get_formsets_with_inlines);
- its figures formatted as on the site, once it lists them: `count_fields` (Indian digit
  grouping, 12,00,000) and `amount_fields` (₹5,000 crore, lakh; common.numbers) in
  list_display, readonly_fields and fieldsets show the formatted value, while the edit
  inputs keep the raw number (AccessibleAdminMixin.formatted_name).

The templates under templates/admin/ and static/js/admin-a11y.js do the rest for every
admin, Django's and third-party ones included: names for the autocomplete boxes, blank
filter choices given a text, wide tables scrolling inside a labelled region.
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import connections
from django.http import Http404
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.utils.translation import gettext
from simple_history.admin import SimpleHistoryAdmin

from .numbers import format_amount, format_count
from .permissions import CHANGE, DELETE, is_curator, policy_for


class EstimatedCountPaginator(Paginator):
    """Count an unfiltered list from PostgreSQL's statistics instead of COUNT(*).

    On a big table COUNT(*) reads every row; the planner's estimate (pg_class.reltuples,
    kept by autovacuum/ANALYZE) is instant and good enough for "about N" and page links.
    Filtered lists, small tables and other databases are counted exactly.
    """

    estimate_above = 10_000

    @cached_property
    def count(self):
        queryset = self.object_list
        query = getattr(queryset, "query", None)
        if query is not None and not query.where:
            estimate = table_row_estimate(queryset.model, queryset.db)
            if estimate is not None and estimate > self.estimate_above:
                return estimate
        return super().count


def table_row_estimate(model, using="default"):
    """Return PostgreSQL's estimate of the rows in `model`'s table, or None where unknown."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
            [model._meta.db_table],
        )
        row = cursor.fetchone()
    if row is None or row[0] < 0:
        return None
    return int(row[0])


def linkable_choices(user, model):
    """Return the `model` records `user` may pick in a choice field, or None for no limit.

    A curator may pick anything; so may anyone a record of reference data (a region, a
    sector: models without a policy). Otherwise the model's policy decides (for example
    an editor attaches figures only to their agency's clusters and links only the
    stakeholders they may see).
    """
    policy = policy_for(model)
    if policy is None or is_curator(user):
        return None
    return policy.linkable_instances(user)


def _limit_choices(formfield, user, model):
    allowed = linkable_choices(user, model) if formfield is not None else None
    if allowed is not None:
        formfield.queryset = formfield.queryset.filter(pk__in=allowed.values("pk"))
    return formfield


def check_links(user, instance, cleaned_data=None):
    """Refuse (PermissionDenied) a record whose foreign keys or many-to-many choices point at
    records `user` may not attach it to: the last line behind the limited choice fields."""
    if is_curator(user):
        return
    for field in instance._meta.concrete_fields:
        # A link no form offers (editable=False, such as a cluster's newest figure) is set
        # by the services, never chosen by the user.
        if not field.is_relation or not field.editable:
            continue
        allowed = linkable_choices(user, field.related_model)
        value = getattr(instance, field.attname)
        if allowed is not None and value is not None and not allowed.filter(pk=value).exists():
            raise PermissionDenied
    for field in instance._meta.many_to_many:
        chosen = (cleaned_data or {}).get(field.name)
        allowed = linkable_choices(user, field.related_model)
        if allowed is None or not chosen:
            continue
        pks = {obj.pk for obj in chosen}
        if allowed.filter(pk__in=pks).count() != len(pks):
            raise PermissionDenied


class PolicyChoicesMixin:
    """Offer in every choice field of an admin form or inline only what the user may link."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        return _limit_choices(formfield, request.user, db_field.related_model)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        formfield = super().formfield_for_manytomany(db_field, request, **kwargs)
        return _limit_choices(formfield, request.user, db_field.related_model)


def _is_autocomplete(request):
    match = getattr(request, "resolver_match", None)
    return match is not None and match.url_name == "autocomplete"


class LabelledRowsFormSetMixin:
    """Name every visible input of a tabular inline's rows after its row and column.

    A tabular inline shows each field's label once, as the column header, so a screen reader
    meets "text field" 40 times. Each input gets aria-label "Cluster figure 2: Value"
    (the row a script adds from the empty form: "New cluster figure: Value").
    """

    def add_fields(self, form, index):
        super().add_fields(form, index)
        noun = self.model._meta.verbose_name
        for name, field in form.fields.items():
            if field.widget.is_hidden:
                continue
            label = field.label or capfirst(name.replace("_", " "))
            if index is None:
                text = gettext("New %(noun)s: %(field)s") % {"noun": noun, "field": label}
            else:
                text = gettext("%(noun)s %(row)d: %(field)s") % {
                    "noun": capfirst(noun),
                    "row": index + 1,
                    "field": label,
                }
            # The widget that renders: a related-field wrapper's copy keeps the attrs of the
            # widget it was copied from, so the wrapped widget is named.
            widget = field.widget
            while hasattr(widget, "widget"):
                widget = widget.widget
            widget.attrs["aria-label"] = text


def labelled_rows(formset):
    """Return `formset` (a class) with LabelledRowsFormSetMixin's names on its inputs."""
    if issubclass(formset, LabelledRowsFormSetMixin):
        return formset
    return type(formset.__name__, (LabelledRowsFormSetMixin, formset), {})


def _country(obj):
    country = getattr(obj, "country", "") or "IN"
    return country if len(country) == 2 else "IN"


class AccessibleAdminMixin:
    """Accessible names on tabular inline inputs, and figures formatted like the site.

    `count_fields`: names of fields holding counts, shown with the digit grouping of the
    record's country (Indian by default: 12,00,000). `amount_fields`: {field name:
    function(obj) returning the currency of the amount, or None when the row's value is a
    count}, shown as ₹5,000 crore. Both apply where the field is shown, not edited
    (list_display, readonly_fields, fieldsets); inputs keep the raw number.
    """

    count_fields = ()
    amount_fields = {}
    formatted_suffix = "_formatted"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in (*self.count_fields, *self.amount_fields):
            setattr(self, name + self.formatted_suffix, self._formatter(name))

    def _formatter(self, name):
        field = self.model._meta.get_field(name)
        currency_of = self.amount_fields.get(name)

        def show(obj):
            value = getattr(obj, name)
            if value is None:
                return self.get_empty_value_display()
            currency = currency_of(obj) if currency_of is not None else None
            if currency:
                return format_amount(value, currency)
            return format_count(value, _country(obj))

        show.short_description = field.verbose_name
        show.admin_order_field = name
        return show

    def formatted_name(self, name):
        """Return the name showing field `name` formatted (itself when not a figure)."""
        if isinstance(name, str) and (name in self.count_fields or name in self.amount_fields):
            return name + self.formatted_suffix
        return name

    def _formatted(self, names):
        return tuple(self.formatted_name(name) for name in names)

    def get_list_display(self, request):
        return tuple(
            name if name in self.list_editable else self.formatted_name(name)
            for name in super().get_list_display(request)
        )

    def get_readonly_fields(self, request, obj=None):
        return self._formatted(super().get_readonly_fields(request, obj))

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        readonly = set(self.get_readonly_fields(request, obj))
        return [
            self.formatted_name(name) if self.formatted_name(name) in readonly else name
            for name in fields
        ]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        readonly = set(self.get_readonly_fields(request, obj))
        return [
            (
                title,
                {
                    **options,
                    "fields": [
                        self.formatted_name(name) if self.formatted_name(name) in readonly else name
                        for name in options["fields"]
                    ],
                },
            )
            for title, options in fieldsets
        ]

    def get_formsets_with_inlines(self, request, obj=None):
        for formset, inline in super().get_formsets_with_inlines(request, obj):
            if isinstance(inline, admin.TabularInline):
                formset = labelled_rows(formset)
            yield formset, inline


class HistoryAdmin(AccessibleAdminMixin, SimpleHistoryAdmin):
    """Every registry model's admin (the project's base ModelAdmin, see the module's
    docstring for what it brings): its history for those who may view it, and reverting
    to an old version for curators only (simple-history would let anyone who may merely
    view a record POST its old version back)."""

    def has_revert_permission(self, request, obj):
        """Reverting rewrites a record from its history: a curator's decision."""
        return is_curator(request.user) and self.has_change_permission(request, obj)

    def revert_disabled(self, request, obj=None):
        return not self.has_revert_permission(request, obj) or super().revert_disabled(request, obj)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            obj = self.get_object(request, unquote(object_id))
            if obj is None or not self.has_revert_permission(request, obj):
                raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


class PolicyAdminMixin(PolicyChoicesMixin):
    """Let a model's permission policy decide what an admin user sees, picks and changes.

    The same rules as on the site, on every admin path: a curator sees everything; an
    agency editor's lists, change pages, history and deletions reach only the rows the
    policy gives them (any other row is simply not found: 404, never 403, so nothing tells
    them a hidden record exists), the choices and autocompletes offer only what they may
    link, every save is checked again, and reverting to an old version is a curator's.
    """

    policy = None

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if is_curator(request.user):
            return queryset
        if _is_autocomplete(request):
            allowed = self.policy.linkable_instances(request.user)
        else:
            allowed = self.policy.instances_user_has_permission_for(request.user, CHANGE)
        return queryset.filter(pk__in=allowed.values("pk"))

    def _allowed(self, request, action, obj):
        if obj is None or is_curator(request.user):
            return True
        return self.policy.user_has_permission_for_instance(request.user, action, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._allowed(request, CHANGE, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._allowed(request, DELETE, obj)

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self._allowed(request, CHANGE, obj)

    def _visible_or_404(self, request, object_id):
        # Without the model's permissions, 403 whether or not the record exists; with them,
        # a record outside the policy's set is not found. A curator also reads the history
        # of deleted records (simple-history finds them).
        if is_curator(request.user):
            return
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        if self.get_object(request, unquote(object_id)) is None:
            raise Http404

    def history_view(self, request, object_id, extra_context=None):
        self._visible_or_404(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._visible_or_404(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)

    def save_form(self, request, form, change):
        obj = super().save_form(request, form, change)
        check_links(request.user, obj, form.cleaned_data)
        return obj

    def save_formset(self, request, form, formset, change):
        for inline_form in formset.forms:
            if inline_form.has_changed() and not formset._should_delete_form(inline_form):
                check_links(request.user, inline_form.instance, inline_form.cleaned_data)
        super().save_formset(request, form, formset, change)


class VersionedAdminForm(forms.ModelForm):
    """An admin form that refuses a stale save, as the site's forms do.

    It sends back the version the user opened (the stored one, also when the form shows an
    old version to revert to); if someone saved the record in between, the save is refused
    with the service's message. Subclasses name the service check in `check_version`.
    """

    opened_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.stored_version = None
        if self.instance.pk is not None:
            self.stored_version = (
                type(self.instance)
                .objects.filter(pk=self.instance.pk)
                .values_list("version", flat=True)
                .first()
            )
        self.fields["opened_version"].initial = self.stored_version
        self.fields["opened_version"].required = self.stored_version is not None

    def check_version(self, expected_version):
        """Raise ValidationError if the stored record is no longer at `expected_version`."""
        raise NotImplementedError

    def clean(self):
        cleaned = super().clean()
        if self.stored_version is not None and cleaned.get("opened_version") is not None:
            try:
                self.check_version(cleaned["opened_version"])
            except ValidationError as exc:
                raise ValidationError(exc.messages) from None
            # The save raises the version from the stored one, even when reverting.
            self.instance.version = self.stored_version
        return cleaned
