"""The geographic map of clusters, `/clusters/map/?<the list's filters>`.

The clusters of the public list, filtered by the same FilterSet and URL parameters: India's
states drawn on the server as SVG and shaded by how many of the clusters each has, or by
their employment (`measure=employment`); a dot for each cluster with coordinates, linked to
its profile; a legend, and a table with the same numbers. Complete without JavaScript;
anonymous readers get it from the page cache like the list.
"""

import math
from dataclasses import dataclass

from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.generic import TemplateView

from clusters import geography, selectors
from clusters.choices import ClassificationStatus
from clusters.filtersets import ClusterFilterSet
from common.local_names import reader_name
from common.numbers import format_count
from common.page_cache import kept_until_public_change
from public.views.lists import (
    ClusterListView,
    active_filters,
    filter_errors,
    without_blanks,
)

# Drawn dots at most: the biggest clusters; the table and the downloads have them all.
DOT_LIMIT = 400
CLASSES = 5
MEASURES = {
    "clusters": gettext_lazy("Number of clusters"),
    "employment": gettext_lazy("Employment"),
}
# Not filters of the list: the map's own parameters, and the list's paging and sorting.
MAP_PARAMETERS = ("measure", "page", "ordering")


def _nice(value):
    """Return the smallest of 1, 2, 2.5 and 5 × 10^k that is at least `value`."""
    if value <= 10:
        return value
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if step * power >= value:
            return int(step * power)
    return value


def class_breaks(values, classes=CLASSES):
    """Return the upper bounds of at most `classes` classes of the positive `values`
    (quantiles rounded to round numbers; the last is the largest value)."""
    values = sorted(value for value in values if value)
    if not values:
        return []
    uppers = []
    for number in range(1, classes + 1):
        quantile = values[min(len(values) - 1, math.ceil(number * len(values) / classes) - 1)]
        upper = quantile if number == classes else _nice(quantile)
        if not uppers or upper > uppers[-1]:
            uppers.append(upper)
    uppers[-1] = max(uppers[-1], values[-1])
    return uppers


def class_of(value, uppers):
    """Return the class (1 up) of a positive `value` among the classes of `uppers`."""
    for number, upper in enumerate(uppers, start=1):
        if value <= upper:
            return number
    return len(uppers)


@dataclass(frozen=True)
class LegendClass:
    """A class of the shading: its CSS class and its label ("6–20")."""

    css: str
    label: str


@dataclass(frozen=True)
class StateRow:
    """A state on the map and in the table."""

    code: str
    name: str
    path: str
    url: str
    clusters: int
    employment: int | None
    employment_known: int
    css: str
    label: str


def legend_classes(uppers, by_employment):
    """Return the legend of the shading: none, not recorded (by employment), the classes."""
    legend = [LegendClass(css="geo-shade-0", label=_("No matching clusters"))]
    if by_employment:
        legend.append(LegendClass(css="geo-shade-unknown", label=_("Employment not recorded")))
    lower = 1
    for number, upper in enumerate(uppers, start=1):
        label = (
            format_count(upper)
            if lower == upper
            else f"{format_count(lower)}–{format_count(upper)}"
        )
        legend.append(LegendClass(css=f"geo-shade-{number}", label=label))
        lower = upper + 1
    return legend


def shade(name, total, by_employment, uppers):
    """Return the CSS class and the accessible name of a place (a state or a district) with
    the PlaceTotal `total` (None: no matching cluster)."""
    clusters = total.clusters if total else 0
    employment = total.employment if total else None
    known = total.employment_known if total else 0
    if not clusters:
        css, label = "geo-shade-0", _("%(state)s: no matching clusters")
    elif by_employment and employment is None:
        css = "geo-shade-unknown"
        label = ngettext(
            "%(state)s: %(clusters)s cluster, employment not recorded",
            "%(state)s: %(clusters)s clusters, employment not recorded",
            clusters,
        )
    elif by_employment:
        css = f"geo-shade-{class_of(employment, uppers)}"
        label = ngettext(
            "%(state)s: employment %(employment)s (known for %(known)s of %(clusters)s cluster)",
            "%(state)s: employment %(employment)s (known for %(known)s of %(clusters)s clusters)",
            clusters,
        )
    else:
        css = f"geo-shade-{class_of(clusters, uppers)}"
        label = ngettext(
            "%(state)s: %(clusters)s cluster", "%(state)s: %(clusters)s clusters", clusters
        )
    return css, label % {
        "state": name,
        "clusters": format_count(clusters),
        "employment": format_count(employment),
        "known": format_count(known),
    }


def _query_with(data, **values):
    query = data.copy()
    for name in ("page", *values):
        query.pop(name, None)
    for name, value in values.items():
        if value:
            query[name] = value
    return query.urlencode()


# The map's many shapes are written here rather than by the template: a few hundred links
# through the template engine cost more than the rest of the page (each number localised).
def states_svg(rows):
    """Return the SVG links of the states: their accessible name, tooltip and shading."""
    return mark_safe(
        "".join(
            f'<a href="{escape(row.url)}" aria-label="{escape(row.label)}" '
            f'class="geo-state {row.css}" data-code="{row.code}">'
            f'<title>{escape(row.label)}</title><path d="{row.path}"/></a>'
            for row in rows
        )
    )


def districts_svg(rows):
    """Return the SVG shapes of a state's districts: a district with matching clusters links
    to its row of the table, one without is an image named by its label."""
    return mark_safe(
        "".join(
            (
                f'<a href="{row.url}" aria-label="{escape(row.label)}" '
                f'class="geo-state geo-district {row.css}">'
                f'<title>{escape(row.label)}</title><path d="{row.path}"/></a>'
            )
            if row.url
            else (
                f'<g role="img" aria-label="{escape(row.label)}" '
                f'class="geo-state geo-district {row.css}">'
                f'<title>{escape(row.label)}</title><path d="{row.path}"/></g>'
            )
            for row in rows
        )
    )


def dots_svg(dots):
    """Return the SVG links of the dots, each named by its <title> (the cluster, its
    classification and its figure) and linked to the cluster's profile."""
    return mark_safe(
        "".join(
            f'<a href="{escape(dot["url"])}" class="geo-dot {dot["css"]}">'
            f"<title>{escape(dot['label'])}</title>"
            f'<circle cx="{dot["x"]:g}" cy="{dot["y"]:g}" r="{dot["r"]:g}"/></a>'
            for dot in dots
        )
    )


def single_state(filterset):
    """Return the Indian Region the valid `filterset` narrows to when its state filters
    (`state=<slug>`, `state_id=`) name exactly one, else None."""
    data = filterset.form.cleaned_data
    chosen = {region.pk: region for region in data.get("state") or []}
    chosen.update({region.pk: region for region in data.get("state_id") or []})
    if len(chosen) != 1:
        return None
    (region,) = chosen.values()
    return region if region.country == "IN" and region.code else None


def _sum_totals(totals):
    result = None
    for total in totals:
        result = geography.add_totals(result, total)
    return result


class ClusterGeoMapView(TemplateView):
    """The geographic map of the published clusters the list's filters select."""

    template_name = "public/clusters/geo_map.html"

    def get(self, request, *args, **kwargs):
        request.GET = without_blanks(request.GET)
        self.options = kept_until_public_change(
            "cluster-filter-options", selectors.cluster_filter_options
        )
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        data = self.request.GET
        measure = data.get("measure") if data.get("measure") in MEASURES else "clusters"
        filters = data.copy()
        filters.pop("measure", None)
        filterset = ClusterFilterSet(filters, queryset=selectors.cluster_list())
        valid = filterset.is_valid()
        labels = ClusterListView.get_value_labels(self)
        chips = active_filters(data, filterset, labels)
        list_query = _query_with(filters)
        context.update(
            filterset=filterset,
            filter_errors=[] if valid else filter_errors(filterset),
            chips=chips,
            query=data,
            measure=measure,
            measure_choices=list(MEASURES.items()),
            filter_fields=[(name, value) for name in filters for value in filters.getlist(name)],
            list_url=reverse("clusters:cluster_list") + ("?" + list_query if list_query else ""),
            export_query=list_query,
            width=geography.WIDTH,
            height=geography.HEIGHT,
        )
        if valid:
            region = single_state(filterset)
            districts = geography.state_districts(region.code) if region else None
            if districts:
                context.update(
                    self.district_context(filterset.qs, data, measure, region, districts)
                )
            else:
                context.update(self.map_context(filterset.qs, data, measure))
        return context

    def district_context(self, queryset, data, measure, region, districts):
        """Return the map of one state's districts, each shaded by the clusters of `queryset`
        whose district names it; the clusters whose district names none are listed."""
        by_employment = measure == "employment"
        by_district, unmatched, unrecorded = {}, {}, None
        for text, total in geography.totals_by_district(queryset):
            shape = districts.match(text)
            if shape is not None:
                by_district[shape.key] = geography.add_totals(by_district.get(shape.key), total)
            elif text.strip():
                name = " ".join(text.split())
                unmatched[name] = geography.add_totals(unmatched.get(name), total)
            else:
                unrecorded = geography.add_totals(unrecorded, total)

        def value(total):
            return total.employment if by_employment else total.clusters

        uppers = class_breaks(value(total) for total in by_district.values() if value(total))
        rows = []
        for number, shape in enumerate(districts.districts, start=1):
            total = by_district.get(shape.key)
            css, label = shade(shape.name, total, by_employment, uppers)
            rows.append(
                StateRow(
                    code=f"geo-district-{number}",
                    name=shape.name,
                    path=shape.path,
                    url=f"#geo-district-{number}" if total else "",
                    clusters=total.clusters if total else 0,
                    employment=total.employment if total else None,
                    employment_known=total.employment_known if total else 0,
                    css=css,
                    label=label,
                )
            )
        points, located = geography.cluster_points(
            queryset, by_employment=by_employment, limit=DOT_LIMIT
        )
        projection = districts.projection
        inside = [p for p in points if projection.contains(p["latitude"], p["longitude"])]
        dots = self.dots(inside, by_employment, project=projection.project)
        matched = [row for row in rows if row.clusters]
        everything = [*by_district.values(), *unmatched.values()]
        if unrecorded:
            everything.append(unrecorded)
        state_total = _sum_totals(everything)
        base = reverse("clusters:cluster_geo_map")
        india_query = _query_with(data, state="", state_id="")
        return {
            "state_map": region,
            "width": f"{projection.width:g}",
            "height": f"{projection.height:g}",
            "states_svg": districts_svg(rows),
            "dots_svg": dots_svg(dots),
            "table_rows": sorted(
                matched, key=lambda row: (-value(row) if value(row) else 0, row.name)
            ),
            "unmatched": sorted(unmatched.items(), key=lambda item: (-item[1].clusters, item[0])),
            "unmatched_total": _sum_totals(unmatched.values()),
            "unrecorded": unrecorded,
            "state_total": state_total,
            "disputed": districts.disputed,
            "boundaries_source": districts.source,
            "legend": legend_classes(uppers, by_employment),
            "dots": dots,
            "dots_located": located,
            "dots_capped": located > len(points),
            "dots_outside": len(points) - len(inside),
            "status_legend": [
                (value, label, f"geo-dot--{value.replace('_', '-')}")
                for value, label in ClassificationStatus.choices
            ],
            "india_url": base + ("?" + india_query if india_query else ""),
            "result_count": state_total.clusters if state_total else 0,
        }

    def map_context(self, queryset, data, measure):
        """Return the map's states, dots, legends and lists of the clusters in `queryset`."""
        by_employment = measure == "employment"
        states, countries, no_state = geography.totals_by_place(queryset)
        regions = kept_until_public_change("indian-regions", geography.indian_regions)
        shapes, disputed, source = geography.boundaries()
        totals = {regions[shape.code].pk: shape.code for shape in shapes if shape.code in regions}
        by_code = {totals[pk]: total for pk, total in states.items() if pk in totals}

        def value(total):
            return total.employment if by_employment else total.clusters

        uppers = class_breaks(value(total) for total in by_code.values() if value(total))
        legend = legend_classes(uppers, by_employment)

        base = reverse("clusters:cluster_geo_map")
        rows = []
        for shape in shapes:
            region = regions.get(shape.code)
            total = by_code.get(shape.code)
            clusters = total.clusters if total else 0
            employment = total.employment if total else None
            known = total.employment_known if total else 0
            css, label = shade(shape.name, total, by_employment, uppers)
            query = _query_with(data, state=region.slug if region else "", state_id="", country="")
            rows.append(
                StateRow(
                    code=shape.code,
                    name=shape.name,
                    path=shape.path,
                    url=f"{base}?{query}",
                    clusters=clusters,
                    employment=employment,
                    employment_known=known,
                    css=css,
                    label=label,
                )
            )

        points, located = geography.cluster_points(
            queryset, by_employment=by_employment, limit=DOT_LIMIT
        )
        dots = self.dots(points, by_employment)
        india = [row for row in rows if row.clusters]
        india_total = geography.PlaceTotal(
            clusters=sum(row.clusters for row in india) + (no_state.clusters if no_state else 0),
            employment=None,
            employment_known=sum(row.employment_known for row in india)
            + (no_state.employment_known if no_state else 0),
        )
        employment_values = [row.employment for row in india if row.employment is not None]
        if no_state and no_state.employment is not None:
            employment_values.append(no_state.employment)
        list_base = reverse("clusters:cluster_list")
        return {
            "states": rows,
            "states_svg": states_svg(rows),
            "dots_svg": dots_svg(dots),
            "table_rows": sorted(
                india, key=lambda row: (-value(row) if value(row) else 0, row.name)
            ),
            "india_total": india_total,
            "india_employment": sum(employment_values) if employment_values else None,
            "no_state": no_state,
            "disputed": disputed,
            "boundaries_source": source,
            "legend": legend,
            "dots": dots,
            "dots_located": located,
            "dots_capped": located > len(dots),
            "status_legend": [
                (value, label, f"geo-dot--{value.replace('_', '-')}")
                for value, label in ClassificationStatus.choices
            ],
            "other_countries": [
                (
                    country,
                    total,
                    f"{list_base}?{_query_with(data, country=country, state='', state_id='', measure='')}",
                )
                for country, total in countries.items()
            ],
            "result_count": india_total.clusters + sum(t.clusters for t in countries.values()),
        }

    def dots(self, points, by_employment, project=geography.project):
        """Return what each dot draws: position, radius, status class and accessible name."""
        status_labels = dict(ClassificationStatus.choices)
        # One reverse() for all the dots: a profile's address is this with its slug.
        profile = reverse("clusters:cluster_detail", kwargs={"slug": "-"})
        largest = max((point["employment"] or 0 for point in points), default=0)
        dots = []
        for point in points:
            x, y = project(point["latitude"], point["longitude"])
            employment = point["employment"]
            if by_employment and employment is None:
                radius, known = 2.5, False
                figure = _("employment not recorded")
            elif by_employment:
                radius = 2.5 + 9.5 * math.sqrt(employment / largest) if largest else 2.5
                known = True
                figure = _("employment %(value)s") % {"value": format_count(employment)}
            else:
                radius, known, figure = 3.5, True, ""
            status = point["classification_status"]
            name = f"{point['product']}, {point['place']}"
            local, _code = reader_name(point.get("local_names"))
            if local:
                name = f"{local} · {name}"
            details = ", ".join(filter(None, [str(status_labels.get(status, status)), figure]))
            dots.append(
                {
                    "x": x,
                    "y": y,
                    "r": round(radius, 1),
                    "css": f"geo-dot--{status.replace('_', '-')}"
                    + ("" if known else " geo-dot--unknown"),
                    "label": f"{name} ({details})",
                    "url": profile.replace("/-/", f"/{point['slug']}/"),
                }
            )
        # The small on top of the big, so every dot can be reached by a pointer.
        return dots[::-1] if by_employment else dots
