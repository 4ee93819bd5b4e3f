"""Selecting clusters for development (FAQ Q43): the six parameters, scored and ranked.

Pure functions over plain inputs (numbers, dicts, tuples): the caller gathers them in a few
set-based queries (public.views.selection with stakeholders.selection_inputs), so that this
module imports no other app and ranks 10,000 candidates without touching the database.

Every parameter's value runs from 0 to 1 (higher = more in favour of selection) or is None
when the registry does not know it. The score is the weighted mean over the parameters a
cluster's value is known for: a missing value is never taken as zero; it lowers the
coverage (the share of the total weight that was known) instead, which is shown beside the
score and can be required (`min_coverage`).
"""

import math
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from common.text import normalise

from .choices import AssessmentParameter

ECONOMY = "economy"
REPLICABILITY = "replicability"
SOCIO_ENVIRONMENTAL = AssessmentParameter.SOCIO_ENVIRONMENTAL.value
FUTURE_PROSPECTS = AssessmentParameter.FUTURE_PROSPECTS.value
LIKELY_SUCCESS = AssessmentParameter.LIKELY_SUCCESS.value
COMPLEMENTARY_EFFORTS = AssessmentParameter.COMPLEMENTARY_EFFORTS.value

MAX_WEIGHT = 5
DEFAULT_WEIGHT = 1
# Other initiatives in a cluster at which (vi) counts as fully present.
INITIATIVES_SATURATE = 3


@dataclass(frozen=True)
class Parameter:
    """One of the six parameters of FAQ Q43 and how the registry arrives at its value."""

    key: str
    number: str
    label: str
    how: str
    judged: bool
    short: str = ""

    @property
    def weight_name(self):
        """Return the URL parameter of its weight (`w_economy`)."""
        return f"w_{self.key}"


PARAMETERS = (
    Parameter(
        ECONOMY,
        "i",
        _("Importance to the economy"),
        _(
            "Computed: employment, annual turnover and annual exports from the cluster's "
            "current figures, each scaled among the candidates on a logarithmic scale "
            "(smallest 0, largest 1), then averaged over those known. Amounts count in "
            "rupees only: a turnover or export in another currency is treated as unknown."
        ),
        False,
        _("economy"),
    ),
    Parameter(
        REPLICABILITY,
        "ii",
        _("Presence of similar clusters (replicability)"),
        _(
            "Computed: the number of other published clusters making the same product "
            "(compared without case, accents or extra spaces) or of the same sector and "
            "type, scaled among the candidates on a logarithmic scale. More similar "
            "clusters means a success can be replicated further."
        ),
        False,
        _("similar clusters"),
    ),
    Parameter(
        SOCIO_ENVIRONMENTAL,
        "iii",
        _("Socio-environmental concerns"),
        _(
            "Judged: the newest rating recorded by a curator or the cluster's agency, with "
            "its source and date, from 1 (no notable concern) to 5 (severe concerns that "
            "call for action). More concern means a higher priority for development, as "
            "FAQ Q43 (iii) names such concerns as a reason to select a cluster."
        ),
        True,
        _("socio-environmental"),
    ),
    Parameter(
        FUTURE_PROSPECTS,
        "iv",
        _("Future prospects of the product"),
        _(
            "Judged: the newest rating recorded, from 1 (declining demand) to 5 (strong "
            "growth prospects), with its source and date."
        ),
        True,
        _("prospects"),
    ),
    Parameter(
        LIKELY_SUCCESS,
        "v",
        _("Likely success (pro-active stakeholders)"),
        _(
            "Computed where the cluster has stakeholders recorded: its associations, its "
            "networks of enterprises and the relationships among its stakeholders, each "
            "scaled among the candidates on a logarithmic scale and averaged. Where a "
            "judgement is recorded too (1 to 5), the mean of the two."
        ),
        False,
        _("likely success"),
    ),
    Parameter(
        COMPLEMENTARY_EFFORTS,
        "vi",
        _("Complementary efforts by others"),
        _(
            "The development initiatives the registry records in the cluster (published "
            "ones; three or more: fully present), averaged with the newest judgement, from "
            "1 (none to build on) to 5 (strong complementary efforts). A cluster with "
            "neither is missing this input, not scored zero."
        ),
        True,
        _("complementary efforts"),
    ),
)
PARAMETER_KEYS = tuple(parameter.key for parameter in PARAMETERS)
PARAMETERS_BY_KEY = {parameter.key: parameter for parameter in PARAMETERS}


@dataclass(frozen=True)
class Candidate:
    """What the selection reads of a cluster: plain values, None where unknown."""

    id: int
    slug: str
    product: str
    place: str
    state: str
    cluster_type: str
    sector_id: int | None
    employment: int | None
    annual_turnover: int | None
    annual_exports: int | None
    currency: str


@dataclass(frozen=True)
class SuccessInputs:
    """A cluster's stakeholder counts for parameter (v): stakeholders, associations,
    networks of enterprises and relationships (links)."""

    actors: int
    associations: int
    networks: int
    links: int


@dataclass
class ParameterValue:
    """One parameter of one cluster: its value (0-1, None unknown), weight, contribution
    (weight × value, None when unknown) and a short account of its inputs."""

    key: str
    label: str
    value: float | None
    weight: float
    detail: str = ""

    @property
    def known(self):
        return self.value is not None

    @property
    def contribution(self):
        return None if self.value is None else self.weight * self.value

    @property
    def bar_percent(self):
        """Return the contribution as a share of the largest weight possible (for a bar)."""
        contribution = self.contribution
        return 0 if contribution is None else round(100 * contribution / MAX_WEIGHT)


@dataclass
class RankedCluster:
    """A candidate with its parameters, score (0-100, None when nothing is known), coverage
    (0-1) and rank (None when it falls below the required coverage or has no score)."""

    candidate: Candidate
    values: list
    score: float | None
    coverage: float
    missing: list = field(default_factory=list)
    rank: int | None = None

    @property
    def coverage_percent(self):
        return round(100 * self.coverage)


def default_weights():
    """Return every parameter's default weight."""
    return dict.fromkeys(PARAMETER_KEYS, DEFAULT_WEIGHT)


def log_scaled(values):
    """Return {key: 0-1} of {key: non-negative number}, scaled between the smallest and the
    largest on a logarithmic scale (log(1 + x)); all equal gives 1 to each."""
    if not values:
        return {}
    logs = {key: math.log1p(value) for key, value in values.items()}
    low, high = min(logs.values()), max(logs.values())
    if high == low:
        return dict.fromkeys(logs, 1.0)
    return {key: (value - low) / (high - low) for key, value in logs.items()}


def rating_value(rating):
    """Return a 1-5 rating as 0-1."""
    return (rating - 1) / 4


def product_key(product):
    """Return a product as products compare for replicability (normalised text)."""
    return normalise(product)


def similar_counts(published):
    """Return {cluster id: number of other clusters with the same product, or the same
    sector and type}, from (id, product, sector_id, cluster_type) of the published clusters."""
    by_product, by_sector_type, by_both = {}, {}, {}
    rows = []
    for cluster_id, product, sector_id, cluster_type in published:
        product_of = product_key(product)
        sector_type = (sector_id, cluster_type) if sector_id is not None else None
        rows.append((cluster_id, product_of, sector_type))
        by_product[product_of] = by_product.get(product_of, 0) + 1
        if sector_type is not None:
            by_sector_type[sector_type] = by_sector_type.get(sector_type, 0) + 1
            both = (product_of, sector_type)
            by_both[both] = by_both.get(both, 0) + 1
    counts = {}
    for cluster_id, product_of, sector_type in rows:
        count = by_product[product_of] - 1
        if sector_type is not None:
            # Same product or same sector and type: the union, each counted once.
            count += by_sector_type[sector_type] - by_both[(product_of, sector_type)]
        counts[cluster_id] = count
    return counts


def _rupees(candidate, amount):
    return amount if amount is not None and (candidate.currency or "INR") == "INR" else None


def _economy_values(candidates):
    """Return {id: (value or None, detail)} of parameter (i) among `candidates`."""
    measures = {
        "employment": {c.id: c.employment for c in candidates if c.employment is not None},
        "turnover": {
            c.id: _rupees(c, c.annual_turnover)
            for c in candidates
            if _rupees(c, c.annual_turnover) is not None
        },
        "exports": {
            c.id: _rupees(c, c.annual_exports)
            for c in candidates
            if _rupees(c, c.annual_exports) is not None
        },
    }
    scaled = {name: log_scaled(values) for name, values in measures.items()}
    # Translated once, not once per cluster (10,000 lazy lookups cost seconds).
    labels = {"employment": _("employment"), "turnover": _("turnover"), "exports": _("exports")}
    labels = {name: str(label) for name, label in labels.items()}
    result = {}
    for candidate in candidates:
        known = {
            name: scaled[name][candidate.id] for name in scaled if candidate.id in scaled[name]
        }
        if not known:
            result[candidate.id] = (None, "")
            continue
        parts = [
            f"{labels[name]} {known[name]:.2f}" if name in known else f"{labels[name]} ?"
            for name in scaled
        ]
        result[candidate.id] = (sum(known.values()) / len(known), ", ".join(parts))
    return result


def _success_values(candidates, success_inputs, judgements):
    """Return {id: (value or None, detail)} of parameter (v)."""
    with_stakeholders = {
        c.id: success_inputs[c.id]
        for c in candidates
        if c.id in success_inputs and success_inputs[c.id].actors > 0
    }
    scaled = {
        name: log_scaled({key: getattr(inputs, name) for key, inputs in with_stakeholders.items()})
        for name in ("associations", "networks", "links")
    }
    counted = str(_("%(a)s associations, %(n)s networks, %(l)s links"))
    judged_text = str(_("judged %(rating)s/5"))
    result = {}
    for candidate in candidates:
        parts, values = [], []
        inputs = with_stakeholders.get(candidate.id)
        if inputs is not None:
            computed = sum(scaled[name][candidate.id] for name in scaled) / len(scaled)
            values.append(computed)
            parts.append(
                counted % {"a": inputs.associations, "n": inputs.networks, "l": inputs.links}
            )
        judged = judgements.get(candidate.id, {}).get(LIKELY_SUCCESS)
        if judged is not None:
            values.append(rating_value(judged.rating))
            parts.append(judged_text % {"rating": judged.rating})
        result[candidate.id] = (sum(values) / len(values) if values else None, "; ".join(parts))
    return result


def _complementary_value(candidate, judgements, initiative_counts):
    values, parts = [], []
    count = initiative_counts.get(candidate.id)
    if count is not None:
        values.append(min(count, INITIATIVES_SATURATE) / INITIATIVES_SATURATE)
        parts.append(str(_("%(count)s other initiatives") % {"count": count}))
    judged = judgements.get(candidate.id, {}).get(COMPLEMENTARY_EFFORTS)
    if judged is not None:
        values.append(rating_value(judged.rating))
        parts.append(str(_("judged %(rating)s/5") % {"rating": judged.rating}))
    return (sum(values) / len(values) if values else None, "; ".join(parts))


def _judged_value(candidate, judgements, key):
    judged = judgements.get(candidate.id, {}).get(key)
    if judged is None:
        return None, ""
    detail = str(
        _("%(rating)s/5 (%(date)s)") % {"rating": judged.rating, "date": judged.assessed_on}
    )
    return rating_value(judged.rating), detail


def score(values):
    """Return (score 0-100 or None, coverage 0-1) of ParameterValues: the weighted mean over
    the known values (never a missing one as zero) and the share of weight known."""
    total = sum(value.weight for value in values)
    known = [value for value in values if value.known and value.weight > 0]
    known_weight = sum(value.weight for value in known)
    coverage = known_weight / total if total else 0.0
    if not known_weight:
        return None, coverage
    return 100 * sum(value.contribution for value in known) / known_weight, coverage


def rank_clusters(
    *,
    candidates,
    weights,
    similar,
    success_inputs,
    judgements,
    initiative_counts=None,
    min_coverage=0,
):
    """Score every candidate and rank them; return RankedClusters, ranked ones first.

    - `candidates`: Candidates (those the list's filters keep);
    - `weights`: {parameter key: 0-5} (a missing key: the default weight);
    - `similar`: {cluster id: similar clusters} (similar_counts over all published);
    - `success_inputs`: {cluster id: SuccessInputs};
    - `judgements`: {cluster id: {parameter: Judgement}} (clusters.assessments);
    - `initiative_counts`: {cluster id: other initiatives in the cluster} for (vi) (empty
      until development initiatives are recorded: then only the judgement counts);
    - `min_coverage`: 0-1; a cluster whose known weight is below this share is not ranked.

    Normalised values are relative to the candidates: the same cluster can score
    differently in another shortlist.
    """
    candidates = list(candidates)
    initiative_counts = initiative_counts or {}
    weights = {key: float(weights.get(key, DEFAULT_WEIGHT)) for key in PARAMETER_KEYS}
    economy = _economy_values(candidates)
    replicability = log_scaled({c.id: similar.get(c.id, 0) for c in candidates if c.id in similar})
    success = _success_values(candidates, success_inputs, judgements)
    similar_text = str(_("%(count)s similar"))
    labels = {parameter.key: str(parameter.label) for parameter in PARAMETERS}
    shorts = {parameter.key: str(parameter.short) for parameter in PARAMETERS}
    ranked = []
    for candidate in candidates:
        raw = {
            ECONOMY: economy[candidate.id],
            REPLICABILITY: (
                replicability.get(candidate.id),
                similar_text % {"count": similar[candidate.id]} if candidate.id in similar else "",
            ),
            SOCIO_ENVIRONMENTAL: _judged_value(candidate, judgements, SOCIO_ENVIRONMENTAL),
            FUTURE_PROSPECTS: _judged_value(candidate, judgements, FUTURE_PROSPECTS),
            LIKELY_SUCCESS: success[candidate.id],
            COMPLEMENTARY_EFFORTS: _complementary_value(candidate, judgements, initiative_counts),
        }
        values = [
            ParameterValue(
                key=parameter.key,
                label=labels[parameter.key],
                value=raw[parameter.key][0],
                weight=weights[parameter.key],
                detail=raw[parameter.key][1],
            )
            for parameter in PARAMETERS
        ]
        total, coverage = score(values)
        ranked.append(
            RankedCluster(
                candidate=candidate,
                values=values,
                score=total,
                coverage=coverage,
                missing=[
                    shorts[value.key] for value in values if not value.known and value.weight > 0
                ],
            )
        )
    eligible = [
        row for row in ranked if row.score is not None and row.coverage + 1e-9 >= min_coverage
    ]
    eligible.sort(
        key=lambda row: (-row.score, -row.coverage, row.candidate.product, row.candidate.place)
    )
    for number, row in enumerate(eligible, start=1):
        row.rank = number
    others = [row for row in ranked if row.rank is None]
    others.sort(key=lambda row: (row.candidate.product, row.candidate.place))
    return eligible + others
