"""Selecting clusters for development (FAQ Q43): a ranked shortlist of published clusters,
weighted by the reader, and its CSV.

The weights are URL parameters (`w_economy=3&w_replicability=1...`, 0-5, default 1) beside
the cluster list's own filters (clusters.filtersets.ClusterFilterSet) and `min_coverage`
(0-100 %), so that a shortlist is an address one can share. The view reads the candidates
in one query, takes the other inputs of the ranking as kept for the current public version
(ranking_inputs) and leaves the scoring to clusters.selection.
"""

import csv
import io
from dataclasses import dataclass

from django import forms
from django.http import HttpResponse, HttpResponseBadRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from clusters import selection, selectors
from clusters.assessments import newest_judgements
from clusters.choices import ClusterType
from clusters.filtersets import ClusterFilterSet
from common.page_cache import kept_until_public_change
from programmes.selectors import initiative_counts
from public.views.lists import BOOLEAN_LABELS, active_filters, filter_errors, without_blanks
from stakeholders.selection_inputs import success_inputs

# Rows of the ranked table on the page; the CSV holds every candidate.
SHOWN = 50
# Filters the selection's form shows; any other list filter in the URL is kept as hidden.
SHOWN_FILTERS = ("q", "cluster_type", "sector", "state")
NOT_FILTERS = {"min_coverage", *(parameter.weight_name for parameter in selection.PARAMETERS)}


class SelectionForm(forms.Form):
    """The weights of the six parameters (0-5) and the coverage a ranked cluster needs."""

    min_coverage = forms.IntegerField(
        label=gettext_lazy("Minimum coverage (%)"),
        min_value=0,
        max_value=100,
        required=False,
        help_text=gettext_lazy(
            "Rank only clusters whose known inputs carry this share of the weight"
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for parameter in selection.PARAMETERS:
            self.fields[parameter.weight_name] = forms.IntegerField(
                label=parameter.label,
                min_value=0,
                max_value=selection.MAX_WEIGHT,
                required=False,
            )

    def weights(self):
        """Return {parameter key: weight} (the default where none is given)."""
        return {
            parameter.key: (
                self.cleaned_data.get(parameter.weight_name)
                if self.cleaned_data.get(parameter.weight_name) is not None
                else selection.DEFAULT_WEIGHT
            )
            for parameter in selection.PARAMETERS
        }

    def min_coverage_share(self):
        value = self.cleaned_data.get("min_coverage")
        return (value or 0) / 100


@dataclass
class Selection:
    """A shortlist: the filters and weights read, and the ranked candidates (or errors)."""

    filterset: ClusterFilterSet
    form: SelectionForm
    errors: list
    ranked: list
    weights: dict

    @property
    def ranked_count(self):
        return sum(1 for row in self.ranked if row.rank is not None)


@dataclass(frozen=True)
class RankingInputs:
    """What the ranking reads besides the candidates' own figures, for every published
    cluster by id: its similar clusters, its stakeholders' counts (SuccessInputs), its
    newest judgements and its public initiatives (clusters.selection.rank_clusters)."""

    similar: dict
    success: dict
    judgements: dict
    initiatives: dict


def published_ranking_inputs():
    """Return the RankingInputs of every published cluster (a handful of set-based
    queries); ranking_inputs() keeps them until the public data changes."""
    published = selectors.cluster_list()
    return RankingInputs(
        similar=selectors.published_similar_counts(),
        success=success_inputs(published),
        judgements=newest_judgements(),
        initiatives=initiative_counts(published),
    )


def ranking_inputs():
    """Return the RankingInputs, computed once per public version: every write that
    changes what the public sees (a figure, a judgement, a stakeholder, an initiative)
    bumps the version, so a shortlist never ranks on stale inputs, and no other render
    recomputes them whatever its filters and weights."""
    return kept_until_public_change("selection-ranking-inputs", published_ranking_inputs)


def selection_from_query(data):
    """Return the Selection that the query `data` (without blanks) asks for.

    Queries: the candidates (one); the inputs of their ranking are those of the whole
    published registry, kept until it changes (ranking_inputs).
    """
    filterset = ClusterFilterSet(data, queryset=selectors.cluster_list())
    form = SelectionForm(data)
    errors = []
    valid_filters = filterset.is_valid()
    if not valid_filters:
        errors += filter_errors(filterset)
    valid_form = form.is_valid()
    if not valid_form:
        errors += [
            (name, form.fields[name].label if name in form.fields else name, message)
            for name, messages in form.errors.items()
            for message in messages
        ]
    if errors:
        return Selection(filterset, form, errors, [], selection.default_weights())
    weights = form.weights()
    if not any(weights.values()):
        message = _("Give at least one parameter a weight above 0.")
        errors.append((selection.PARAMETERS[0].weight_name, _("Weights"), message))
        return Selection(filterset, form, errors, [], weights)
    candidates = selectors.selection_candidates(filterset.qs)
    inputs = ranking_inputs() if candidates else RankingInputs({}, {}, {}, {})
    ranked = selection.rank_clusters(
        candidates=candidates,
        weights=weights,
        similar=inputs.similar,
        success_inputs=inputs.success,
        judgements=inputs.judgements,
        # Other development initiatives recorded in each cluster (programmes).
        initiative_counts=inputs.initiatives,
        min_coverage=form.min_coverage_share(),
    )
    return Selection(filterset, form, [], ranked, weights)


def _value_labels():
    options = kept_until_public_change("cluster-filter-options", selectors.cluster_filter_options)
    return options, {
        "sector": {item.slug: item.name for item in options.sectors},
        "state": {item.slug: str(item) for item in options.states},
        "agency": {item.slug: item.name for item in options.agencies},
        "artisan": BOOLEAN_LABELS,
        "exporting": BOOLEAN_LABELS,
    }


class ClusterSelectionView(TemplateView):
    """The ranked shortlist of published clusters by the six parameters of FAQ Q43."""

    template_name = "public/clusters/selection.html"

    def get(self, request, *args, **kwargs):
        request.GET = without_blanks(request.GET)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        data = self.request.GET
        chosen = selection_from_query(data)
        options, labels = _value_labels()
        chips = active_filters(data, chosen.filterset, labels)
        ranked = [row for row in chosen.ranked if row.rank is not None]
        unranked = [row for row in chosen.ranked if row.rank is None]
        hidden = [
            (name, value)
            for name in data
            if name not in SHOWN_FILTERS
            and name not in NOT_FILTERS
            and name not in ("page", "ordering")
            for value in data.getlist(name)
        ]
        weight_fields = [
            (parameter, chosen.form[parameter.weight_name], chosen.weights[parameter.key])
            for parameter in selection.PARAMETERS
        ]
        context.update(
            selection=chosen,
            filterset=chosen.filterset,
            filter_errors=chosen.errors,
            chips=chips,
            parameters=selection.PARAMETERS,
            weight_fields=weight_fields,
            weights_total=sum(chosen.weights.values()),
            form=chosen.form,
            rows=ranked[:SHOWN],
            shown=SHOWN,
            ranked_count=len(ranked),
            unranked_count=len(unranked),
            unranked_without_score=sum(1 for row in unranked if row.score is None),
            candidate_count=len(chosen.ranked),
            query=data,
            hidden_filters=hidden,
            options=options,
            type_choices=[
                (value, label, value in data.getlist("cluster_type"))
                for value, label in ClusterType.choices
            ],
            selected_sectors=data.getlist("sector"),
            selected_states=data.getlist("state"),
            export_query=data.urlencode(),
            compare_limit=4,
        )
        return context


CSV_COLUMNS = ("rank", "slug", "product", "place", "state", "cluster_type", "score", "coverage")


def selection_csv(chosen):
    """Return the CSV text of every candidate of a Selection: rank, score, coverage, each
    parameter's weight, value and contribution, and the missing inputs."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    header = list(CSV_COLUMNS)
    for parameter in selection.PARAMETERS:
        header += [f"{parameter.key}_weight", f"{parameter.key}_value"]
        header += [f"{parameter.key}_contribution", f"{parameter.key}_inputs"]
    header.append("missing")
    writer.writerow(header)

    def number(value):
        return "" if value is None else f"{value:.4f}"

    for row in chosen.ranked:
        candidate = row.candidate
        cells = [
            row.rank or "",
            candidate.slug,
            candidate.product,
            candidate.place,
            candidate.state,
            candidate.cluster_type,
            "" if row.score is None else f"{row.score:.1f}",
            f"{row.coverage:.4f}",
        ]
        for value in row.values:
            cells += [f"{value.weight:g}", number(value.value), number(value.contribution)]
            cells.append(value.detail)
        cells.append("; ".join(str(label) for label in row.missing))
        writer.writerow(cells)
    return out.getvalue()


class ClusterSelectionCsvView(View):
    """Every candidate of the shortlist as CSV (same parameters as the page)."""

    def get(self, request):
        chosen = selection_from_query(without_blanks(request.GET))
        if chosen.errors:
            message = "\n".join(
                [_("Nothing exported: a filter or weight is invalid.")]
                + [f"{name}: {message}" for name, _label, message in chosen.errors]
            )
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        response = HttpResponse(
            "\ufeff" + selection_csv(chosen), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = 'attachment; filename="cluster-selection.csv"'
        return response
