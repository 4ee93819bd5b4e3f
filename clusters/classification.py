"""Classify a cluster by the benchmarks for its type (UNIDO India by default, FAQ Q7-8, Q20).

A pure function of the cluster's type, its current figures and the benchmark rules: no
database access, so it is tested as a table and reused wherever a classification is shown.

The reason kept on a cluster (and exported) is written in the site's language
(STORED_LANGUAGE, English); a page in another language writes it anew in the reader's
(clusters.selectors.classification_sentence), since a classification is cheap to redo.
"""

import functools
from dataclasses import dataclass

from django.conf import settings
from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from common.numbers import format_amount, format_count

from .choices import AMOUNT_MEASURES, ClassificationStatus, ClusterType, Measure

# The language of the reasons kept on clusters and written to exports.
STORED_LANGUAGE = settings.LANGUAGE_CODE


@dataclass(frozen=True)
class BenchmarkRule:
    """One benchmark: clusters of `cluster_type` qualify when `measure` >= `threshold`."""

    cluster_type: str
    measure: str
    threshold: int
    authority: str = "UNIDO"
    country: str = ""
    currency: str = "INR"


@dataclass(frozen=True)
class Classification:
    """The outcome: a status, the measure, value and threshold it rests on, and why."""

    status: str
    measure: str
    value: int | None
    threshold: int | None
    reason: str


def rules_for(cluster_type, country, rules):
    """Return the rules that apply to a cluster: its country's if any exist, else the defaults."""
    of_type = [rule for rule in rules if rule.cluster_type == cluster_type]
    scoped = [rule for rule in of_type if rule.country and rule.country == country]
    return scoped or [rule for rule in of_type if not rule.country]


@functools.lru_cache(maxsize=256)
def _label(choices, value, language):
    # The label in `language` (lazy labels are translated on each use: once is enough).
    return str(choices(value).label)


def _type_label(cluster_type, language):
    return _label(ClusterType, cluster_type, language).lower()


def _with_article(phrase, language):
    # English puts "a" or "an" before the type; other languages' sentences need none.
    if not language.startswith("en"):
        return phrase
    return ("an " if phrase[:1] in "aeiou" else "a ") + phrase


def _needs(measure):
    return {
        Measure.ENTERPRISES: _("the number of enterprises"),
        Measure.LOOMS: _("the number of looms"),
        Measure.ARTISANS: _("the number of artisans"),
        Measure.EMPLOYMENT: _("the employment"),
        Measure.TURNOVER: _("the annual turnover"),
        Measure.EXPORTS: _("the annual exports"),
    }[measure]


def _measure_label(measure, language):
    # str(): the label is lazy, and str.join refuses lazy strings.
    return _label(Measure, measure, language)


def _value_text(measure, value, country, currency, language):
    if measure in AMOUNT_MEASURES:
        return _("%(measure)s of %(amount)s") % {
            "measure": _measure_label(measure, language),
            "amount": format_amount(value, currency),
        }
    return _("%(count)s %(measure)s") % {
        "count": format_count(value, country),
        "measure": _measure_label(measure, language),
    }


def _threshold_text(measure, threshold, country, currency):
    if measure in AMOUNT_MEASURES:
        return format_amount(threshold, currency)
    return format_count(threshold, country)


def classify(cluster_type, figures, rules, *, country="IN", currency="INR", language=None):
    """Classify a cluster of `cluster_type` with current `figures` ({measure: value or None}).

    `rules` are all benchmark rules; the ones for the type and country are chosen here. Any
    rule met qualifies; none met with a known measure makes a potential cluster; no known
    measure is insufficient data; no rule at all is no benchmark. The reason is written in
    `language` (default: STORED_LANGUAGE, the language clusters keep it in).
    """
    language = language or STORED_LANGUAGE
    # Asking for the active language costs more than the rest of a classification; a batch
    # classified in the active language switches nothing.
    if language == get_language():
        return _classify(cluster_type, figures, rules, country, currency, language)
    with translation.override(language):
        return _classify(cluster_type, figures, rules, country, currency, language)


def _classify(cluster_type, figures, rules, country, currency, language):
    applicable = rules_for(cluster_type, country, rules)
    type_label = _type_label(cluster_type, language)
    if not applicable:
        return Classification(
            status=ClassificationStatus.NO_BENCHMARK,
            measure="",
            value=None,
            threshold=None,
            reason=_("No benchmark is set for %(type)s clusters, so it is not classified.")
            % {"type": type_label},
        )

    def comparable(rule):
        # An amount in another currency than the benchmark's cannot be compared with it.
        return rule.measure not in AMOUNT_MEASURES or rule.currency == currency

    def value_of(rule):
        return figures.get(rule.measure) if comparable(rule) else None

    known = [(rule, value_of(rule)) for rule in applicable]
    known = [(rule, value) for rule, value in known if value is not None]
    for rule, value in known:
        if value >= rule.threshold:
            return Classification(
                status=ClassificationStatus.QUALIFIES,
                measure=rule.measure,
                value=value,
                threshold=rule.threshold,
                reason=_(
                    "%(value)s ≥ %(threshold)s: %(a_type)s cluster by the %(authority)s benchmark."
                )
                % {
                    "value": _value_text(rule.measure, value, country, currency, language),
                    "threshold": _threshold_text(
                        rule.measure, rule.threshold, country, rule.currency
                    ),
                    "a_type": _with_article(type_label, language),
                    "authority": rule.authority,
                },
            )
    unknown = [rule for rule in applicable if value_of(rule) is None]
    if known:
        rule, value = known[0]
        reason = _(
            "%(value)s < %(threshold)s: a potential %(type)s cluster, below the %(authority)s "
            "benchmark."
        ) % {
            "value": _value_text(rule.measure, value, country, currency, language),
            "threshold": _threshold_text(rule.measure, rule.threshold, country, rule.currency),
            "type": type_label,
            "authority": rule.authority,
        }
        if unknown:
            missing = ", ".join(_measure_label(rule.measure, language) for rule in unknown)
            reason += " " + _("Not recorded, so not tested: %(missing)s.") % {"missing": missing}
        return Classification(
            status=ClassificationStatus.POTENTIAL,
            measure=rule.measure,
            value=value,
            threshold=rule.threshold,
            reason=reason,
        )
    needed = _(" or ").join(
        _("%(measure)s (≥ %(threshold)s)")
        % {
            "measure": _needs(rule.measure),
            "threshold": _threshold_text(rule.measure, rule.threshold, country, rule.currency),
        }
        for rule in applicable
    )
    return Classification(
        status=ClassificationStatus.INSUFFICIENT_DATA,
        measure=applicable[0].measure,
        value=None,
        threshold=applicable[0].threshold,
        reason=_(
            "Not classified: the %(type)s benchmark needs %(needed)s, which is not recorded "
            "(blank is unknown, not zero)."
        )
        % {"type": type_label, "needed": needed},
    )
