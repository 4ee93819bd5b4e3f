"""The comparison of two to four published clusters side by side (`/clusters/compare/`).

`?clusters=a,b,c` or `?clusters=a&clusters=b` (slugs, in the order given). Fewer than two,
more than four, or addresses that are no published cluster are said on the page (never a
500, and a draft is reported exactly as an address that does not exist). `add=<words>`
searches published clusters to add, without JavaScript.
"""

from dataclasses import dataclass

from django.http import QueryDict
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from clusters import selection, selectors
from clusters.assessments import newest_judgements
from clusters.choices import Measure
from common.page_cache import kept_until_public_change
from public.views.selection import selection_from_query
from stakeholders.choices import Kind
from stakeholders.selection_inputs import network_counts, networks_counts, stakeholders_by_kind

MIN_CLUSTERS, MAX_CLUSTERS = 2, 4


def compared_slugs(data):
    """Return the slugs named by `clusters` in `data` (comma-separated and/or repeated),
    in order, each once."""
    slugs = []
    for value in data.getlist("clusters"):
        slugs += [part.strip() for part in value.split(",") if part.strip()]
    return list(dict.fromkeys(slugs))


def compare_url(slugs):
    """Return the address of the comparison of `slugs`."""
    query = QueryDict(mutable=True)
    if slugs:
        query["clusters"] = ",".join(slugs)
    return "?" + query.urlencode(safe=",")


def _published_ranking():
    """Return {cluster id: (score, coverage, rank, [(key, value, detail)])} of every
    published cluster with equal weights: the values each compared cluster shows."""
    chosen = selection_from_query(QueryDict())
    return {
        row.candidate.id: (
            row.score,
            row.coverage,
            row.rank,
            [(value.key, value.value, value.detail) for value in row.values],
        )
        for row in chosen.ranked
    }


@dataclass
class Row:
    """One row of the comparison: a label and one cell per cluster; `kind` tells the
    template how to show the cells (text, count, figure, status, value, judgement)."""

    label: str
    kind: str
    cells: list


@dataclass
class Section:
    """A group of rows under a heading (its id names it in the page)."""

    key: str
    heading: str
    rows: list
    note: str = ""


class ClusterCompareView(TemplateView):
    """Two to four published clusters side by side: figures with their provenance,
    classification, stakeholders by kind, network measures, selection parameters."""

    template_name = "public/clusters/compare.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        slugs = compared_slugs(self.request.GET)
        messages = []
        too_many = len(slugs) > MAX_CLUSTERS
        profiles = selectors.clusters_for_comparison(slugs=slugs[:20]) if not too_many else {}
        unknown = [slug for slug in slugs if slug not in profiles] if not too_many else []
        found = [slug for slug in slugs if slug in profiles]
        if too_many:
            messages.append(
                _("A comparison takes at most %(most)s clusters: you asked for %(n)s.")
                % {"most": MAX_CLUSTERS, "n": len(slugs)}
            )
        for slug in unknown:
            messages.append(_("No published cluster has the address “%(slug)s”.") % {"slug": slug})
        if not too_many and len(found) < MIN_CLUSTERS:
            messages.append(
                _("Choose at least %(least)s clusters to compare (up to %(most)s).")
                % {"least": MIN_CLUSTERS, "most": MAX_CLUSTERS}
            )
        columns, sections = [], []
        if MIN_CLUSTERS <= len(found) <= MAX_CLUSTERS:
            columns, sections = self.columns([profiles[slug] for slug in found], found)
        add_text = self.request.GET.get("add", "").strip()[:200]
        additions = []
        if add_text and len(found) < MAX_CLUSTERS:
            additions = [
                (cluster, compare_url([*found, cluster.slug]))
                for cluster in selectors.clusters_to_add(text=add_text, exclude=found)
            ]
        context.update(
            columns=columns,
            sections=sections,
            compare_messages=messages,
            found=found,
            found_names=[profiles[slug].cluster for slug in found],
            first_four_url=compare_url(slugs[:MAX_CLUSTERS]) if too_many else "",
            found_url=compare_url(found) if unknown and len(found) >= MIN_CLUSTERS else "",
            may_add=len(found) < MAX_CLUSTERS,
            add_text=add_text,
            additions=additions,
            max_clusters=MAX_CLUSTERS,
        )
        return context

    def columns(self, profiles, slugs):
        """Return (columns, sections): the compared clusters and the rows about them."""
        ids = [profile.cluster.pk for profile in profiles]
        kinds = stakeholders_by_kind(ids)
        networks = network_counts(ids)
        groups = networks_counts(ids)
        judgements = newest_judgements(cluster_ids=ids)
        ranking = kept_until_public_change("selection-published-ranking", _published_ranking)
        clusters = [profile.cluster for profile in profiles]
        columns = [
            (cluster, compare_url([slug for slug in slugs if slug != cluster.slug]))
            for cluster in clusters
        ]

        def figure(profile, measure):
            line = next((line for line in profile.figures if line.measure == measure), None)
            return (profile.cluster, line)

        sections = [
            Section(
                "identity",
                _("The cluster"),
                [
                    Row(_("Product"), "text", [cluster.product for cluster in clusters]),
                    Row(
                        _("Place"),
                        "text",
                        [
                            ", ".join(
                                part
                                for part in (
                                    cluster.place,
                                    cluster.district if cluster.district != cluster.place else "",
                                    str(cluster.region or ""),
                                    cluster.country if cluster.country != "IN" else "",
                                )
                                if part
                            )
                            for cluster in clusters
                        ],
                    ),
                    Row(
                        _("Type"),
                        "text",
                        [cluster.get_cluster_type_display() for cluster in clusters],
                    ),
                    Row(
                        _("Sector"),
                        "text",
                        [cluster.sector.name if cluster.sector else "" for cluster in clusters],
                    ),
                    Row(
                        _("Implementing agency"),
                        "text",
                        [cluster.agency.name if cluster.agency else "" for cluster in clusters],
                    ),
                    Row(_("Classification"), "status", clusters),
                ],
            ),
            Section(
                "figures",
                _("Figures"),
                [
                    Row(label, "figure", [figure(profile, measure) for profile in profiles])
                    for measure, label in Measure.choices
                ],
                _(
                    "The current figure of each measure, with its year and source; ≈ marks an estimate."
                ),
            ),
            Section(
                "stakeholders",
                _("Stakeholders by kind"),
                [
                    Row(
                        label,
                        "count",
                        [kinds.get(cluster.pk, {}).get(kind, 0) for cluster in clusters],
                    )
                    for kind, label in Kind.choices
                ],
            ),
            Section(
                "network",
                _("Stakeholder network"),
                [
                    Row(
                        _("Stakeholders"),
                        "count",
                        [networks.get(cluster.pk, (0, 0, 0.0))[0] for cluster in clusters],
                    ),
                    Row(
                        _("Relationships"),
                        "count",
                        [networks.get(cluster.pk, (0, 0, 0.0))[1] for cluster in clusters],
                    ),
                    Row(
                        _("Density"),
                        "decimal",
                        [networks.get(cluster.pk, (0, 0, 0.0))[2] for cluster in clusters],
                    ),
                    Row(
                        _("Networks of enterprises"),
                        "count",
                        [groups.get(cluster.pk, 0) for cluster in clusters],
                    ),
                ],
                _("Density: the share of possible links between stakeholders that exist (0 to 1)."),
            ),
            Section(
                "selection",
                _("Selection parameters (FAQ Q43)"),
                [
                    Row(
                        f"({parameter.number}) {parameter.label}",
                        "value",
                        [_parameter_cell(ranking.get(cluster.pk), index) for cluster in clusters],
                    )
                    for index, parameter in enumerate(selection.PARAMETERS)
                ]
                + [
                    Row(
                        _("Score with equal weights"),
                        "score",
                        [ranking.get(cluster.pk) for cluster in clusters],
                    )
                ],
                _(
                    "Values from 0 to 1, computed among all published clusters (%(n)s) with "
                    "equal weights; the score is their mean over the known ones, the coverage "
                    "the share known, the rank among all published clusters."
                )
                % {"n": len(ranking)},
            ),
            Section(
                "judgements",
                _("Judgements recorded"),
                [
                    Row(
                        parameter.label,
                        "judgement",
                        [judgements.get(cluster.pk, {}).get(parameter.key) for cluster in clusters],
                    )
                    for parameter in selection.PARAMETERS
                    if parameter.key in JUDGED_KEYS
                ],
                _(
                    "The newest judgement of each parameter, 1 to 5 (higher: more in favour of selection), with its source and date."
                ),
            ),
        ]
        return columns, sections


JUDGED_KEYS = {
    selection.SOCIO_ENVIRONMENTAL,
    selection.FUTURE_PROSPECTS,
    selection.LIKELY_SUCCESS,
    selection.COMPLEMENTARY_EFFORTS,
}


def _parameter_cell(ranking, index):
    """Return (value, detail) of the parameter at `index` of a cluster's ranking entry."""
    if ranking is None:
        return (None, "")
    _key, value, detail = ranking[3][index]
    return (value, detail)
