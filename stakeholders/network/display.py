"""NetworkMeasures arranged for a page (the map's measures, the profile's summary): labelled
rows, the kind matrix, and names linked to the stakeholders' pages.

A big cluster has thousands of isolated stakeholders or enterprises without a trade link:
a page lists the first LISTED_NAMES_MAX of each (by name) and says how many there are;
measures.json has them all.
"""

from dataclasses import dataclass

from django.urls import reverse

from ..choices import Kind, RelationshipType
from .measures import MEASURE_EXPLANATIONS

LISTED_NAMES_MAX = 100


def stakeholder_url(slug):
    return reverse("stakeholders:stakeholder_detail", kwargs={"slug": slug})


def stakeholder_url_maker():
    """Return a function from a stakeholder's slug to its page's URL.

    One reverse() for all: a map of 12,000 stakeholders would spend a quarter of a second
    reversing each. Slugs are ASCII (SlugField), so nothing needs quoting.
    """
    head, tail = stakeholder_url("0").rsplit("0", 1)
    return lambda slug: f"{head}{slug}{tail}"


def name_urls(names_and_slugs):
    """Return {name: stakeholder URL} for the names that belong to one stakeholder only (the
    measures name stakeholders; two of one name are left unlinked)."""
    url_of = stakeholder_url_maker()
    seen, urls = set(), {}
    for name, slug in names_and_slugs:
        if name in seen:
            urls.pop(name, None)
            continue
        seen.add(name)
        urls[name] = url_of(slug)
    return urls


def listed_names(measures):
    """Return the set of names a page lists of `measures` (isolated stakeholders and
    enterprises without a trade link, the first LISTED_NAMES_MAX of each)."""
    return {
        *measures.isolated[:LISTED_NAMES_MAX],
        *measures.unlinked_enterprises[:LISTED_NAMES_MAX],
    }


@dataclass
class MeasuresDisplay:
    """NetworkMeasures arranged for a page: labelled rows, linked names, the kind matrix.

    `isolated` and `unlinked_enterprises` list the first names only; `isolated_count` and
    `unlinked_count` say how many there are. `complete` is False when the measures that
    walk the graph (components, brokers) were not computed (the profile of a cluster whose
    measures are not cached): the page then leaves them to the map.
    """

    measures: object
    explanations: dict
    kinds: list
    types: list
    matrix_columns: list
    matrix_rows: list
    isolated: list
    isolated_count: int
    unlinked_enterprises: list
    unlinked_count: int
    absent_kinds: list
    most_connected: list
    brokers: list
    complete: bool = True

    @property
    def density_percent(self):
        return self.measures.density * 100

    @property
    def isolated_more(self):
        return self.isolated_count - len(self.isolated)

    @property
    def unlinked_more(self):
        return self.unlinked_count - len(self.unlinked_enterprises)


def measures_display(measures, urls, *, isolated_count=None, unlinked_count=None, complete=True):
    """Return the MeasuresDisplay of `measures`; names found in `urls` ({name: URL}) become
    links. The counts of isolated stakeholders and unlinked enterprises are those of the
    measures' lists unless given (when the lists hold only the first names)."""
    kind_labels = dict(Kind.choices)
    type_labels = dict(RelationshipType.choices)

    def linked(names):
        return [(name, urls.get(name, "")) for name in names[:LISTED_NAMES_MAX]]

    def ranked(actors):
        return [
            (
                actor,
                stakeholder_url(actor.slug) if actor.slug else "",
                kind_labels.get(actor.kind, actor.kind),
            )
            for actor in actors
        ]

    kinds = list(Kind.values)
    return MeasuresDisplay(
        measures=measures,
        explanations=MEASURE_EXPLANATIONS,
        kinds=[(kind, kind_labels[kind], measures.actors_by_kind.get(kind, 0)) for kind in kinds],
        types=[
            (kind, type_labels.get(kind, kind), count)
            for kind, count in measures.links_by_type.items()
        ],
        matrix_columns=[(kind, kind_labels[kind]) for kind in kinds],
        matrix_rows=[
            (
                kind,
                kind_labels[kind],
                [measures.kind_matrix.get(kind, {}).get(target, 0) for target in kinds],
                sum(measures.kind_matrix.get(kind, {}).values()),
            )
            for kind in kinds
        ],
        isolated=linked(measures.isolated),
        isolated_count=len(measures.isolated) if isolated_count is None else isolated_count,
        unlinked_enterprises=linked(measures.unlinked_enterprises),
        unlinked_count=(
            len(measures.unlinked_enterprises) if unlinked_count is None else unlinked_count
        ),
        absent_kinds=[kind_labels.get(kind, kind) for kind in measures.absent_kinds],
        most_connected=ranked(measures.most_connected),
        brokers=ranked(measures.brokers),
        complete=complete,
    )
