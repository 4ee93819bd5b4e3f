"""Scheme size bands: where a cluster falls in the size bands of government schemes.

The bands are computed from a cluster's type and current figures, never stored: a band is a
reading of a scheme's rule, not a fact about the cluster. Every rule lives in `SCHEMES` and
`SIZE_BANDS` below, with the scheme and the document it comes from; the profile's tags
(`cluster_size_bands`) and the list filter (`size_band_condition`) both read them.

A value between two bands is in no band (600 looms is neither 200–500 nor 2,000–5,000):
the sentence says so instead of naming the nearest band. A figure that is not known gives
no band ("artisans not known"), never the smallest one.
"""

from dataclasses import dataclass
from functools import reduce

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.numbers import format_count

from .choices import ARTISAN_TYPES, ClusterType, Measure


@dataclass(frozen=True)
class Scheme:
    """A scheme whose guidelines size clusters by one measure, for some cluster types."""

    key: str
    name: str
    measure: str
    cluster_types: tuple
    source: str


@dataclass(frozen=True)
class SizeBand:
    """A band of a scheme: `minimum` to `maximum` (inclusive; None is open) of its measure."""

    value: str
    scheme: Scheme
    label: str
    minimum: int
    maximum: int | None = None

    def contains(self, number):
        """Return whether `number` (a known value of the scheme's measure) is in the band."""
        return number >= self.minimum and (self.maximum is None or number <= self.maximum)

    def condition(self):
        """Return the band as a condition on the clusters' current figure columns."""
        condition = Q(cluster_type__in=self.scheme.cluster_types) & Q(
            **{f"{self.scheme.measure}__gte": self.minimum}
        )
        if self.maximum is not None:
            condition &= Q(**{f"{self.scheme.measure}__lte": self.maximum})
        return condition

    def rule(self):
        """Return the band's rule in words ("from 200 to 500 looms")."""
        unit = _measure_unit(self.scheme.measure)
        if self.maximum is None:
            return _("%(minimum)s %(unit)s or more") % {
                "minimum": format_count(self.minimum),
                "unit": unit,
            }
        if self.minimum <= 1:
            return _("up to %(maximum)s %(unit)s") % {
                "maximum": format_count(self.maximum),
                "unit": unit,
            }
        return _("from %(minimum)s to %(maximum)s %(unit)s") % {
            "minimum": format_count(self.minimum),
            "maximum": format_count(self.maximum),
            "unit": unit,
        }


def _measure_unit(measure):
    return {Measure.ARTISANS: _("artisans"), Measure.LOOMS: _("looms")}[measure]


SFURTI = Scheme(
    key="sfurti",
    name=gettext_lazy("SFURTI"),
    measure=Measure.ARTISANS,
    cluster_types=tuple(ARTISAN_TYPES),
    source=gettext_lazy(
        "Scheme of Fund for Regeneration of Traditional Industries (SFURTI), Ministry of "
        "MSME, revised guidelines 2020: regular clusters up to 500 artisans, major clusters "
        "more than 500 artisans"
    ),
)
HANDLOOM = Scheme(
    key="handloom",
    name=gettext_lazy("handloom scheme"),
    measure=Measure.LOOMS,
    cluster_types=(ClusterType.HANDLOOM,),
    source=gettext_lazy(
        "Ministry of Textiles, National Handloom Development Programme (NHDP) and "
        "Comprehensive Handloom Cluster Development Scheme (CHCDS): block-level clusters of "
        "200–500 looms, clusters of 2,000–5,000 looms, mega clusters of 25,000 looms or more"
    ),
)
SCHEMES = (SFURTI, HANDLOOM)

# The bands, smallest first within each scheme. SFURTI's regular band starts at one artisan:
# a recorded 0 is no artisan cluster to size.
SIZE_BANDS = (
    SizeBand("sfurti_regular", SFURTI, gettext_lazy("SFURTI regular cluster"), 1, 500),
    SizeBand("sfurti_major", SFURTI, gettext_lazy("SFURTI major cluster"), 501),
    SizeBand(
        "handloom_200_500",
        HANDLOOM,
        gettext_lazy("Handloom cluster of 200–500 looms (NHDP block level)"),
        200,
        500,
    ),
    SizeBand(
        "handloom_2000_5000",
        HANDLOOM,
        gettext_lazy("Handloom cluster of 2,000–5,000 looms"),
        2000,
        5000,
    ),
    SizeBand(
        "handloom_mega",
        HANDLOOM,
        gettext_lazy("Mega handloom cluster (CHCDS, 25,000 looms or more)"),
        25000,
    ),
)
BANDS_BY_VALUE = {band.value: band for band in SIZE_BANDS}
SIZE_BAND_CHOICES = [(band.value, band.label) for band in SIZE_BANDS]


def size_band_condition(values):
    """Return the condition "in any of the bands `values`" on the clusters' columns."""
    conditions = [BANDS_BY_VALUE[value].condition() for value in values]
    return reduce(lambda left, right: left | right, conditions, Q(pk__in=[]))


@dataclass(frozen=True)
class BandResult:
    """Where a cluster falls in one scheme: its band (or None), the value and the sentence."""

    scheme: Scheme
    band: SizeBand | None
    value: int | None
    sentence: str

    @property
    def source(self):
        """Return the scheme's rule and where it comes from."""
        return self.scheme.source


@dataclass(frozen=True)
class SizeBands:
    """A cluster's results in the schemes for its type, or why no scheme sizes it."""

    results: tuple
    note: str = ""

    @property
    def bands(self):
        """Return the bands the cluster is in."""
        return [result.band for result in self.results if result.band is not None]


def _result(scheme, value):
    unit = _measure_unit(scheme.measure)
    if value is None:
        return BandResult(
            scheme,
            None,
            None,
            _("%(unit)s not known: no %(scheme)s band.")
            % {"unit": unit.capitalize(), "scheme": scheme.name},
        )
    shown = format_count(value)
    for band in SIZE_BANDS:
        if band.scheme == scheme and band.contains(value):
            return BandResult(
                scheme,
                band,
                value,
                _("%(value)s %(unit)s, %(rule)s: %(band)s.")
                % {"value": shown, "unit": unit, "rule": band.rule(), "band": band.label},
            )
    rules = "; ".join(band.rule() for band in SIZE_BANDS if band.scheme == scheme)
    return BandResult(
        scheme,
        None,
        value,
        _("%(value)s %(unit)s: in no %(scheme)s band (the bands are %(rules)s).")
        % {"value": shown, "unit": unit, "scheme": scheme.name, "rules": rules},
    )


def size_bands(*, cluster_type, figures):
    """Return the SizeBands of a cluster of `cluster_type` with current `figures`
    ({measure: value or None})."""
    schemes = [scheme for scheme in SCHEMES if cluster_type in scheme.cluster_types]
    if not schemes:
        return SizeBands(
            results=(),
            note=_(
                "No scheme size band: SFURTI and the handloom schemes size artisan clusters "
                "(handicraft and handloom) only."
            ),
        )
    return SizeBands(
        results=tuple(_result(scheme, figures.get(scheme.measure)) for scheme in schemes)
    )


def cluster_size_bands(cluster):
    """Return the SizeBands of `cluster` from its type and current figures (no query)."""
    return size_bands(cluster_type=cluster.cluster_type, figures=cluster.current_figures())
