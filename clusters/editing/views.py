"""Editor and curator pages under /manage/: enter clusters, their stakeholders and
relationships, submit them for review; review, archive and merge.

Every view asks the permission policies (clusters/permissions.py, stakeholders/
permissions.py): an anonymous user is sent to the sign-in page, a user without the
permission at all gets 403, and objects come from `instances_user_has_permission_for`, so
another agency's record is simply not found (404). Views parse the request and call the
services; the rules live there.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, RedirectView, TemplateView

from clusters import services, workflow
from clusters.choices import PublicationStatus
from clusters.models import Agency, Region, Sector
from clusters.permissions import HISTORY, MERGE, PUBLISH, SUBMIT, cluster_policy
from common.history import change_set
from common.permissions import ADD, CHANGE, DELETE, editor_agency_id, is_curator
from stakeholders import merging
from stakeholders import services as stakeholder_services
from stakeholders.permissions import (
    membership_policy,
    relationship_policy,
    stakeholder_policy,
)

from . import queries
from .forms import (
    ClusterFilterForm,
    ClusterForm,
    LinkForm,
    MergeConfirmForm,
    MergePickForm,
    RelationshipForm,
    ReviewForm,
    StakeholderForm,
    add_service_errors,
)
from .history import cluster_history

PAGE_SIZE = 50
HISTORY_PAGE_SIZE = 100


# Permission plumbing ----------------------------------------------------------------------


class PolicyRequiredMixin(LoginRequiredMixin):
    """Send anonymous users to sign in; refuse (403) a user the policy gives no `action`."""

    policy = cluster_policy
    action = CHANGE

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and not self.policy.user_has_permission(user, self.action):
            raise PermissionDenied(_("You do not have permission to do this."))
        return super().dispatch(request, *args, **kwargs)

    @property
    def curator(self):
        return is_curator(self.request.user)


class ClusterMixin(PolicyRequiredMixin):
    """A page about one cluster, found among those the policy allows for `action` (or 404)."""

    def get_cluster(self, *, refresh=False):
        """Return the cluster named by the URL's slug, if the user may act on it."""
        if refresh or not hasattr(self, "_cluster"):
            queryset = cluster_policy.instances_user_has_permission_for(
                self.request.user, self.action
            )
            self._cluster = get_object_or_404(
                queryset.select_related("region", "sector", "agency"), slug=self.kwargs["slug"]
            )
        return self._cluster

    def cluster_url(self, name="cluster_detail"):
        return reverse(f"editing:{name}", kwargs={"slug": self.get_cluster().slug})


def option_lists():
    """Return the suggestions for the state and sector inputs (datalists)."""
    return {
        "state_options": Region.objects.filter(country="IN").values_list("name", flat=True),
        "sector_options": Sector.objects.values_list("name", flat=True),
    }


def review_auto_id(cluster):
    """Return the id pattern of a cluster's review form (several share the queue page)."""
    return f"id_%s_{cluster.pk}"


def safe_next(request, default):
    """Return the `next` address of the request if it is on this site, else `default`."""
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


# Clusters -------------------------------------------------------------------------------


class ManageHomeView(LoginRequiredMixin, RedirectView):
    """/manage/ leads to the list of clusters."""

    pattern_name = "editing:cluster_list"


class ClusterListView(PolicyRequiredMixin, TemplateView):
    """An editor's agency's clusters in every status (a curator's: all), with the latest
    review, so a rejected draft shows the curator's comment."""

    template_name = "editing/cluster_list.html"
    action = CHANGE

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        clusters = queries.managed_clusters(self.request.user)
        form = ClusterFilterForm(self.request.GET or None, curator=self.curator)
        counts = queries.status_counts(clusters)
        if form.is_bound and form.is_valid():
            data = form.cleaned_data
            for word in data["q"].split():
                clusters = clusters.filter(Q(product__icontains=word) | Q(place__icontains=word))
            if data["status"]:
                clusters = clusters.filter(status=data["status"])
            if data.get("agency"):
                clusters = clusters.filter(agency=data["agency"])
        paginator = Paginator(clusters.order_by("-updated", "-pk"), PAGE_SIZE)
        page = paginator.get_page(self.request.GET.get("page"))
        labels = dict(workflow.Action.choices)
        for cluster in page.object_list:
            cluster.last_action_label = labels.get(cluster.last_action, "")
        context.update(
            form=form,
            page_obj=page,
            page_range=list(paginator.get_elided_page_range(page.number, on_ends=1)),
            clusters=list(page.object_list),
            status_counts=[
                (value, label, counts.get(value, 0)) for value, label in PublicationStatus.choices
            ],
            total=sum(counts.values()),
            agency=None
            if self.curator
            else Agency.objects.filter(pk=editor_agency_id(self.request.user)).first(),
            curator=self.curator,
            may_add=cluster_policy.user_has_permission(self.request.user, ADD),
        )
        return context


class ClusterFormMixin:
    template_name = "editing/cluster_form.html"
    form_class = ClusterForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context["form"]
        duplicate = form.duplicate
        duplicate_url = ""
        if duplicate is not None:
            if cluster_policy.user_has_permission_for_instance(
                self.request.user, CHANGE, duplicate
            ):
                duplicate_url = reverse("editing:cluster_detail", kwargs={"slug": duplicate.slug})
            elif duplicate.status == PublicationStatus.PUBLISHED:
                duplicate_url = duplicate.get_absolute_url()
        context.update(duplicate=duplicate, duplicate_url=duplicate_url, **option_lists())
        return context


class ClusterCreateView(ClusterFormMixin, PolicyRequiredMixin, FormView):
    """Enter a new cluster: an editor's belongs to their agency; every new one is a draft."""

    action = ADD

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "curator": self.curator}

    def form_valid(self, form):
        user = self.request.user
        data = form.cleaned_data
        if not self.curator:
            # An editor enters clusters for their own agency only.
            form_agency = {"agency": Agency.objects.get(pk=editor_agency_id(user))}
        else:
            form_agency = {}
        try:
            with transaction.atomic(), change_set(user=user, reason="site: new cluster"):
                region = services.region_get_or_create(state=data["state"], country=data["country"])
                sector = services.sector_get_or_create(name=data["sector"])
                cluster = services.cluster_create(
                    **form.cluster_data(region=region, sector=sector),
                    **form_agency,
                    status=PublicationStatus.DRAFT,
                    figures=form.figures(),
                    provenance=form.provenance(),
                )
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("The cluster “%(cluster)s” is saved as a draft.") % {"cluster": cluster},
        )
        return redirect("editing:cluster_detail", slug=cluster.slug)


class ClusterEditView(ClusterFormMixin, ClusterMixin, FormView):
    """Edit a cluster and record new figures; a form opened before someone else's save is
    refused (the version it showed is stale) and what the user typed stays on the page."""

    action = CHANGE

    def get_initial(self):
        return ClusterForm.initial_for(self.get_cluster())

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "cluster": self.get_cluster(), "curator": self.curator}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        cluster = self.get_cluster()
        context.update(
            cluster=cluster,
            figures=cluster.figures.order_by("measure", "-year", "-pk"),
            stale=getattr(self, "stale", False),
        )
        return context

    def form_valid(self, form):
        cluster = self.get_cluster()
        data = form.cleaned_data
        try:
            with transaction.atomic(), change_set(user=self.request.user, reason="site: edit"):
                region = services.region_get_or_create(state=data["state"], country=data["country"])
                sector = services.sector_get_or_create(name=data["sector"])
                changed = services.cluster_update(
                    cluster=cluster,
                    data=form.cluster_data(region=region, sector=sector),
                    expected_version=data["version"],
                )
                changed |= services.cluster_record_figures(
                    cluster=cluster, values=form.figures(), provenance=form.provenance()
                )
        except services.StaleEdit as exc:
            self.stale = True
            form.add_error(None, exc.messages)
            self.get_cluster(refresh=True)
            return self.form_invalid(form)
        except ValidationError as exc:
            add_service_errors(form, exc)
            self.get_cluster(refresh=True)
            return self.form_invalid(form)
        if changed:
            messages.success(self.request, _("Your changes are saved."))
        else:
            messages.info(self.request, _("Nothing changed: the record is as it was."))
        return redirect("editing:cluster_detail", slug=cluster.slug)


class ClusterDetailView(ClusterMixin, TemplateView):
    """One cluster as its editors see it: status, the curators' comments, figures, members,
    relationships, and what the user may do next."""

    template_name = "editing/cluster_detail.html"
    action = CHANGE

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        cluster = self.get_cluster()
        possible = workflow.available_actions(cluster)
        context.update(
            cluster=cluster,
            figures=cluster.figures.order_by("measure", "-year", "-pk"),
            member_count=cluster.memberships.count(),
            relationship_count=cluster.relationships.count(),
            reviews=cluster.reviews.select_related("user")[:20],
            may_submit=workflow.Action.SUBMITTED in possible
            and cluster_policy.user_has_permission_for_instance(user, SUBMIT, cluster),
            curator_actions=[
                action
                for action in possible
                if action in workflow.CURATOR_ACTIONS
                and cluster_policy.user_has_permission(user, PUBLISH)
            ],
            review_form=kwargs.get("review_form") or ReviewForm(auto_id=review_auto_id(cluster)),
            may_delete=cluster.status == PublicationStatus.DRAFT
            and not any(r.action == workflow.Action.APPROVED for r in cluster.reviews.all())
            and cluster_policy.user_has_permission_for_instance(user, DELETE, cluster),
        )
        return context


class ClusterSubmitView(ClusterMixin, View):
    """Submit a draft for a curator's review (POST)."""

    action = SUBMIT
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        cluster = self.get_cluster()
        try:
            workflow.cluster_transition(
                cluster=cluster, action=workflow.Action.SUBMITTED, user=request.user
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("“%(cluster)s” is submitted: a curator will review it before it is public.")
                % {"cluster": cluster},
            )
        return redirect("editing:cluster_detail", slug=cluster.slug)


class ClusterReviewView(ClusterMixin, View):
    """A curator approves, rejects (with a comment), archives or restores a cluster (POST).

    A refused decision (a rejection without a comment) shows the page it came from again,
    with the error next to the comment and the comment as typed.
    """

    action = PUBLISH
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        cluster = self.get_cluster()
        form = ReviewForm(request.POST, auto_id=review_auto_id(cluster))
        if form.is_valid():
            try:
                workflow.cluster_transition(
                    cluster=cluster,
                    action=form.cleaned_data["action"],
                    user=request.user,
                    comment=form.cleaned_data["comment"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
        if form.errors:
            # Show the page the decision came from again, with the error and the comment.
            if request.POST.get("return_to") == "queue":
                view = ReviewQueueView()
                view.setup(request)
                context = view.get_context_data(failed_form=form, failed_cluster=cluster)
            else:
                view = ClusterDetailView()
                view.setup(request, *args, **kwargs)
                context = view.get_context_data(review_form=form, **kwargs)
            return TemplateResponse(request, view.template_name, context)
        messages.success(
            request,
            _("“%(cluster)s”: %(action)s.")
            % {
                "cluster": cluster,
                "action": workflow.Action(form.cleaned_data["action"]).label.lower(),
            },
        )
        default = reverse("editing:cluster_detail", kwargs={"slug": cluster.slug})
        if request.POST.get("return_to") == "queue":
            default = reverse("editing:review_queue")
        return redirect(default)


class ClusterDeleteView(ClusterMixin, TemplateView):
    """Delete a draft that was never published, after a confirmation page."""

    template_name = "editing/cluster_confirm_delete.html"
    action = DELETE

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["cluster"] = self.get_cluster()
        return context

    def post(self, request, *args, **kwargs):
        cluster = self.get_cluster()
        label = str(cluster)
        try:
            with change_set(user=request.user, reason="site: delete draft"):
                services.cluster_delete(cluster=cluster)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("editing:cluster_detail", slug=cluster.slug)
        messages.success(request, _("The draft “%(cluster)s” is deleted.") % {"cluster": label})
        return redirect("editing:cluster_list")


class ClusterHistoryView(ClusterMixin, TemplateView):
    """Every change to the cluster, its figures, members and relationships: who, when, why,
    and each field's old and new value."""

    template_name = "editing/cluster_history.html"
    action = HISTORY

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        cluster = self.get_cluster()
        paginator = Paginator(cluster_history(cluster), HISTORY_PAGE_SIZE)
        page = paginator.get_page(self.request.GET.get("page"))
        context.update(
            cluster=cluster,
            entries=page.object_list,
            page_obj=page,
            page_range=list(paginator.get_elided_page_range(page.number, on_ends=1)),
            reviews=cluster.reviews.select_related("user"),
        )
        return context


# Stakeholders of a cluster ----------------------------------------------------------------


class ClusterStakeholdersView(ClusterMixin, TemplateView):
    """The cluster's members; search the registry first (to link the same bank rather than
    enter it twice), link one, or enter a new stakeholder and link it."""

    template_name = "editing/cluster_stakeholders.html"
    action = CHANGE

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        cluster = self.get_cluster()
        query = self.request.GET.get("q", "").strip()
        candidates = queries.linkable_stakeholders(user)
        results = queries.stakeholder_search(candidates, query, exclude_cluster=cluster)
        create_form = kwargs.get("create_form") or StakeholderForm(initial={"name": query})
        duplicate = create_form.duplicate
        context.update(
            cluster=cluster,
            memberships=queries.cluster_members(cluster),
            query=query,
            results=results,
            link_form=kwargs.get("link_form"),
            create_form=create_form,
            duplicate=duplicate,
            duplicate_linkable=duplicate is not None
            and candidates.filter(pk=duplicate.pk).exists(),
            editable_ids=set(
                stakeholder_policy.instances_user_has_permission_for(user, CHANGE)
                .filter(memberships__cluster=cluster)
                .values_list("pk", flat=True)
            ),
            **option_lists(),
        )
        return context

    def render_page(self, status=200, **forms):
        context = self.get_context_data(**self.kwargs, **forms)
        return TemplateResponse(self.request, self.template_name, context, status=status)

    def back(self):
        return HttpResponseRedirect(self.cluster_url("cluster_stakeholders"))


class StakeholderLinkView(ClusterStakeholdersView):
    """Link an existing stakeholder to the cluster (POST)."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        cluster = self.get_cluster()
        form = LinkForm(request.POST, candidates=queries.linkable_stakeholders(request.user))
        if not form.is_valid():
            return self.render_page(link_form=form)
        stakeholder = form.cleaned_data["stakeholder"]
        with change_set(user=request.user, reason="site: link stakeholder"):
            _membership, created = stakeholder_services.stakeholder_link_to_cluster(
                stakeholder=stakeholder, cluster=cluster, source=form.cleaned_data["source"]
            )
        if created:
            messages.success(request, _("%(name)s is now a member.") % {"name": stakeholder})
        else:
            messages.info(request, _("%(name)s was a member already.") % {"name": stakeholder})
        return self.back()


class StakeholderCreateView(ClusterStakeholdersView):
    """Enter a new stakeholder and link it to the cluster (POST)."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        if not stakeholder_policy.user_has_permission(request.user, ADD):
            raise PermissionDenied(_("You do not have permission to add stakeholders."))
        cluster = self.get_cluster()
        form = StakeholderForm(request.POST)
        if not form.is_valid():
            return self.render_page(create_form=form)
        data = form.cleaned_data
        try:
            with (
                transaction.atomic(),
                change_set(user=request.user, reason="site: new stakeholder"),
            ):
                region = services.region_get_or_create(state=data["state"], country=data["country"])
                stakeholder = stakeholder_services.stakeholder_create(
                    **form.stakeholder_data(region=region)
                )
                stakeholder_services.stakeholder_link_to_cluster(
                    stakeholder=stakeholder, cluster=cluster, source=data["source"]
                )
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.render_page(create_form=form)
        messages.success(
            request, _("%(name)s is entered and is now a member.") % {"name": stakeholder}
        )
        return self.back()


class MembershipRemoveView(ClusterStakeholdersView):
    """Take a stakeholder out of the cluster, with its relationships there (POST)."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        cluster = self.get_cluster()
        membership = get_object_or_404(
            membership_policy.instances_user_has_permission_for(request.user, DELETE)
            .filter(cluster=cluster)
            .select_related("stakeholder"),
            pk=kwargs["pk"],
        )
        with change_set(user=request.user, reason="site: remove stakeholder"):
            removed = stakeholder_services.membership_delete(membership=membership)
        messages.success(
            request,
            _("%(name)s is no longer a member (%(n)s relationship(s) removed with it).")
            % {"name": membership.stakeholder, "n": removed},
        )
        return self.back()


class StakeholderEditView(PolicyRequiredMixin, FormView):
    """Edit a stakeholder the user may change (one whose every cluster is their agency's;
    a shared one is the curators'); a stale form is refused."""

    template_name = "editing/stakeholder_form.html"
    form_class = StakeholderForm
    policy = stakeholder_policy
    action = CHANGE

    def get_stakeholder(self):
        if not hasattr(self, "_stakeholder"):
            queryset = stakeholder_policy.instances_user_has_permission_for(
                self.request.user, CHANGE
            )
            self._stakeholder = get_object_or_404(
                queryset.select_related("region"), slug=self.kwargs["slug"]
            )
        return self._stakeholder

    def get_initial(self):
        return StakeholderForm.initial_for(self.get_stakeholder())

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "stakeholder": self.get_stakeholder()}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            stakeholder=self.get_stakeholder(),
            back_url=safe_next(self.request, reverse("editing:cluster_list")),
            stale=getattr(self, "stale", False),
            **option_lists(),
        )
        return context

    def form_valid(self, form):
        stakeholder = self.get_stakeholder()
        data = form.cleaned_data
        try:
            with transaction.atomic(), change_set(user=self.request.user, reason="site: edit"):
                region = services.region_get_or_create(state=data["state"], country=data["country"])
                changed = stakeholder_services.stakeholder_update(
                    stakeholder=stakeholder,
                    data=form.stakeholder_data(region=region),
                    expected_version=data["version"],
                )
        except services.StaleEdit as exc:
            self.stale = True
            form.add_error(None, exc.messages)
            return self.form_invalid(form)
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Your changes are saved.") if changed else _("Nothing changed."),
        )
        return HttpResponseRedirect(safe_next(self.request, reverse("editing:cluster_list")))


# Relationships ----------------------------------------------------------------------------


class ClusterRelationshipsView(ClusterMixin, TemplateView):
    """The relationships among the cluster's members; record one (POST) or remove one."""

    template_name = "editing/cluster_relationships.html"
    action = CHANGE

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        cluster = self.get_cluster()
        members = queries.member_stakeholders(cluster)
        context.update(
            cluster=cluster,
            relationships=queries.cluster_relationships(cluster),
            form=kwargs.get("form") or RelationshipForm(members=members),
            member_count=members.count(),
        )
        return context

    def post(self, request, *args, **kwargs):
        if not relationship_policy.user_has_permission(request.user, ADD):
            raise PermissionDenied(_("You do not have permission to add relationships."))
        cluster = self.get_cluster()
        form = RelationshipForm(request.POST, members=queries.member_stakeholders(cluster))
        if form.is_valid():
            data = form.cleaned_data
            try:
                with change_set(user=request.user, reason="site: new relationship"):
                    relationship = stakeholder_services.relationship_create(
                        cluster=cluster,
                        source=data["source"],
                        target=data["target"],
                        kind=data["kind"],
                        since=data["since"],
                        until=data["until"],
                        provenance=data["provenance"],
                    )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Recorded: %(link)s.") % {"link": relationship})
                return HttpResponseRedirect(self.cluster_url("cluster_relationships"))
        context = self.get_context_data(**kwargs, form=form)
        return TemplateResponse(request, self.template_name, context)


class RelationshipRemoveView(ClusterMixin, View):
    """Remove a relationship of the cluster (POST)."""

    action = CHANGE
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        cluster = self.get_cluster()
        relationship = get_object_or_404(
            relationship_policy.instances_user_has_permission_for(request.user, DELETE)
            .filter(cluster=cluster)
            .select_related("source", "target"),
            pk=kwargs["pk"],
        )
        label = str(relationship)
        with change_set(user=request.user, reason="site: remove relationship"):
            stakeholder_services.relationship_delete(relationship=relationship)
        messages.success(request, _("Removed: %(link)s.") % {"link": label})
        return HttpResponseRedirect(self.cluster_url("cluster_relationships"))


# Curators: review queue and merges --------------------------------------------------------


class ReviewQueueView(PolicyRequiredMixin, TemplateView):
    """The clusters waiting for a curator, oldest submission first, each with approve and
    reject-with-comment."""

    template_name = "editing/review_queue.html"
    action = PUBLISH

    def get_context_data(self, failed_form=None, failed_cluster=None, **kwargs):
        context = super().get_context_data(**kwargs)
        allowed = cluster_policy.instances_user_has_permission_for(self.request.user, PUBLISH)
        clusters = list(
            queries.with_submission_time(workflow.review_queue()).filter(
                pk__in=allowed.values("pk")
            )
        )
        for cluster in clusters:
            failed = failed_cluster is not None and cluster.pk == failed_cluster.pk
            cluster.review_form = (
                failed_form if failed else ReviewForm(auto_id=review_auto_id(cluster))
            )
        context.update(
            clusters=clusters,
            failed_cluster=failed_cluster,
            queue_actions=[workflow.Action.APPROVED, workflow.Action.REJECTED],
        )
        return context


class MergeView(PolicyRequiredMixin, TemplateView):
    """Merge two duplicates: name them by slug, compare, choose the survivor, confirm."""

    template_name = "editing/merge.html"
    action = MERGE
    noun = ""
    merge = None
    detail_url_name = ""

    def candidates(self):
        return self.policy.instances_user_has_permission_for(self.request.user, MERGE)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        pick = MergePickForm(self.request.GET or None, candidates=self.candidates(), noun=self.noun)
        confirm = kwargs.get("confirm_form")
        if confirm is None and pick.is_bound and pick.is_valid():
            confirm = MergeConfirmForm(
                initial={
                    "first": pick.cleaned_data["first"].slug,
                    "second": pick.cleaned_data["second"].slug,
                    "survivor": "first",
                },
                candidates=self.candidates(),
                noun=self.noun,
            )
            context["records"] = (pick.cleaned_data["first"], pick.cleaned_data["second"])
        context.update(pick_form=pick, confirm_form=confirm, noun=self.noun)
        return context

    def post(self, request, *args, **kwargs):
        form = MergeConfirmForm(request.POST, candidates=self.candidates(), noun=self.noun)
        if not form.is_valid():
            context = self.get_context_data(confirm_form=form)
            if form.cleaned_data.get("first") and form.cleaned_data.get("second"):
                context["records"] = (form.cleaned_data["first"], form.cleaned_data["second"])
            return TemplateResponse(request, self.template_name, context)
        survivor, duplicate = form.survivor_and_duplicate()
        try:
            record = self.merge(survivor=survivor, duplicate=duplicate, user=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
            return TemplateResponse(
                request, self.template_name, self.get_context_data(confirm_form=form)
            )
        messages.success(request, str(record))
        return redirect(self.survivor_url(survivor))

    def survivor_url(self, survivor):
        raise NotImplementedError


class ClusterMergeView(MergeView):
    policy = cluster_policy
    noun = gettext_lazy("cluster")

    @staticmethod
    def merge(**kwargs):
        return merging.cluster_merge(**kwargs)

    def survivor_url(self, survivor):
        return reverse("editing:cluster_detail", kwargs={"slug": survivor.slug})


class StakeholderMergeView(MergeView):
    policy = stakeholder_policy
    noun = gettext_lazy("stakeholder")

    @staticmethod
    def merge(**kwargs):
        return merging.stakeholder_merge(**kwargs)

    def survivor_url(self, survivor):
        return reverse("editing:stakeholder_edit", kwargs={"slug": survivor.slug})
