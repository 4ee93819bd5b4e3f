"""The geographic map of clusters, /clusters/map/?<the list's filters>."""

import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse

from clusters.choices import ClusterType, PublicationStatus
from public.views.geo_map import DOT_LIMIT, class_breaks, class_of
from tests.factories import ClusterFactory, foreign_region, region

MAP = "/clusters/map/"
STATE = re.compile(
    r'<a href="([^"]+)" aria-label="([^"]+)" class="geo-state ([a-z0-9-]+)" data-code="([A-Z-]+)">'
)
DOT = re.compile(r'<a href="([^"]+)" class="geo-dot ([a-z -]+)"><title>([^<]+)</title>')


@pytest.fixture(autouse=True)
def _empty_cache():
    """Every test starts without cached pages or options (the cache outlives a test)."""
    cache.clear()
    yield
    cache.clear()


def cluster(state="Punjab", *, lat=None, lon=None, employment=None, enterprises=None, **kwargs):
    figures = {
        name: value
        for name, value in (("employment", employment), ("enterprise_count", enterprises))
        if value is not None
    }
    return ClusterFactory(
        region=region(state),
        latitude=None if lat is None else Decimal(lat),
        longitude=None if lon is None else Decimal(lon),
        figures=figures or None,
        **kwargs,
    )


def states(html):
    return {code: (url, label, css) for url, label, css, code in STATE.findall(html)}


def test_map_url_comes_before_the_profile_pattern():
    """/clusters/map/ is the geographic map, not the profile of a cluster slugged "map"."""
    assert reverse("clusters:cluster_geo_map") == MAP


def test_map_shades_states_by_number_of_clusters_and_links_them(client, db):
    """Each state with matching clusters says how many, and links to the map of that state."""
    cluster("Punjab")
    cluster("Punjab")
    cluster("Gujarat")
    response = client.get(MAP)
    assert response.status_code == 200
    html = response.content.decode()
    shapes = states(html)
    assert len(shapes) == 36
    assert shapes["IN-PB"][1] == "Punjab: 2 clusters"
    assert shapes["IN-GJ"][1] == "Gujarat: 1 cluster"
    assert shapes["IN-KL"][1] == "Kerala: no matching clusters"
    assert shapes["IN-KL"][2] == "geo-shade-0"
    assert shapes["IN-PB"][2] != shapes["IN-KL"][2]
    assert shapes["IN-PB"][0] == "/clusters/map/?state=punjab"
    # The current boundaries: Ladakh and the merged Dadra and Nagar Haveli and Daman and Diu.
    assert "IN-LA" in shapes and "IN-DH" in shapes and "IN-TG" in shapes
    assert "<strong>3</strong> clusters" in html


def test_map_takes_the_lists_filters(client, db):
    """The same parameters as the list: chips, the count and the downloads of the same set."""
    cluster("Punjab", cluster_type=ClusterType.HANDLOOM)
    cluster("Punjab", cluster_type=ClusterType.INDUSTRIAL)
    cluster("Kerala", cluster_type=ClusterType.HANDLOOM)
    html = client.get(MAP, {"cluster_type": "handloom"}).content.decode()
    shapes = states(html)
    assert shapes["IN-PB"][1] == "Punjab: 1 cluster"
    assert shapes["IN-KL"][1] == "Kerala: 1 cluster"
    assert "<strong>2</strong> clusters" in html
    assert 'class="chip"' in html
    assert "/clusters/export.csv?cluster_type=handloom" in html
    # The state links keep the filters, and the list link takes them back.
    assert shapes["IN-PB"][0] == "/clusters/map/?cluster_type=handloom&amp;state=punjab"
    assert 'href="/clusters/?cluster_type=handloom"' in html


DISTRICT = re.compile(
    r'<(a href="#[^"]+"|g role="img") aria-label="([^"]+)" class="geo-state geo-district ([a-z0-9-]+)">'
)


def districts(html):
    return {label.split(":")[0]: (tag, label, css) for tag, label, css in DISTRICT.findall(html)}


def test_state_filter_draws_the_states_districts(client, db):
    """Filtered to one state, the map draws that state's districts (not India's states),
    each shaded by its clusters, and its table gives the same figures by district."""
    cluster("Punjab", district="Ludhiana", employment=5000)
    cluster("Punjab", district="LUDHIANA district", employment=1000)
    cluster("Punjab", district="Mohali")
    cluster("Kerala", district="Ernakulam")
    html = client.get(MAP, {"state": "punjab"}).content.decode()
    assert states(html) == {}
    shapes = districts(html)
    assert len(shapes) == 23
    assert shapes["Ludhiana"][1] == "Ludhiana: 2 clusters"
    assert shapes["Ludhiana"][0].startswith('a href="#geo-district-')
    assert shapes["SAS Nagar (Sahibzada Ajit Singh Nagar)"][1].endswith(": 1 cluster")
    assert shapes["Amritsar"] == ('g role="img"', "Amritsar: no matching clusters", "geo-shade-0")
    assert shapes["Ludhiana"][2] != "geo-shade-0"
    assert "Map of clusters: Punjab by district" in html
    assert "<strong>3</strong> clusters" in html
    table = html.split('id="geo-table"')[1]
    assert re.search(
        r'<tr id="geo-district-\d+">\s*<th scope="row" translate="no">Ludhiana</th>\s*'
        r'<td class="num">2</td>'
        r'\s*<td class="num">6,000</td>\s*<td class="num">2 of 2</td>',
        table,
    )
    assert "Ernakulam" not in html
    assert re.search(r'<th scope="row" translate="no">Punjab</th>\s*<td class="num">3</td>', table)
    # The link back keeps the other filters, and only they.
    html = client.get(MAP, {"state": "punjab", "measure": "employment"}).content.decode()
    assert 'href="/clusters/map/?measure=employment" class="geo-back">Back to all of India' in html


def test_state_filter_by_id_draws_the_districts_too(client, db):
    """`state_id=` is the same one state; two states give India's map."""
    cluster("Kerala", district="Ernakulam")
    kerala = region("Kerala")
    html = client.get(MAP, {"state_id": kerala.pk}).content.decode()
    assert districts(html)["Ernakulam"][1] == "Ernakulam: 1 cluster"
    html = client.get(MAP, {"state": ["kerala", "punjab"]}).content.decode()
    assert districts(html) == {}
    assert states(html)["IN-KL"][1] == "Kerala: 1 cluster"


def test_unmatched_and_unrecorded_districts_are_counted_and_listed(client, db):
    """A cluster whose district names no boundary is counted as "District not matched"
    and named beside the map; one with no district is counted too: none is dropped."""
    cluster("Punjab", district="Ludhiana")
    cluster("Punjab", district="Atlantis", employment=700)
    cluster("Punjab", district="  atlantis ")
    cluster("Punjab", district="")
    html = client.get(MAP, {"state": "punjab"}).content.decode()
    aside = html.split('id="geo-unmatched-heading"')[1].split("</aside>")[0]
    aside = re.sub(r'</?span( translate="no")?>', "", aside)  # the names, marked as data
    assert "Atlantis: 1 cluster" in aside and "atlantis: 1 cluster" in aside
    assert "1 cluster has no district recorded." in aside
    table = html.split('id="geo-table"')[1]
    assert re.search(
        r'District not matched</th>\s*<td class="num">2</td>\s*<td class="num">700</td>'
        r'\s*<td class="num">1 of 2</td>',
        table,
    )
    assert re.search(r'District not recorded</th>\s*<td class="num">1</td>', table)
    assert re.search(r'<th scope="row" translate="no">Punjab</th>\s*<td class="num">4</td>', table)


def test_employment_measure_shades_the_districts(client, db):
    """By employment, a district whose clusters have no figure is "not recorded"."""
    cluster("Punjab", district="Ludhiana", employment=250000)
    cluster("Punjab", district="Amritsar")
    html = client.get(MAP, {"state": "punjab", "measure": "employment"}).content.decode()
    shapes = districts(html)
    assert shapes["Ludhiana"][1] == "Ludhiana: employment 2,50,000 (known for 1 of 1 cluster)"
    assert shapes["Amritsar"][1] == "Amritsar: 1 cluster, employment not recorded"
    assert shapes["Amritsar"][2] == "geo-shade-unknown"
    assert "Shade the districts by" in html and "Employment in the district" in html


def test_state_map_dots_land_in_their_district(client, db):
    """On a state's map a dot is projected for that state: Ludhiana's dot falls inside the
    outline box of Ludhiana's district; one with coordinates outside the state is not drawn
    and the caption says so."""
    cluster("Punjab", district="Ludhiana", lat="30.9010", lon="75.8573", product="Hosiery")
    cluster("Punjab", district="Ludhiana", lat="9.9312", lon="76.2673", product="Misplaced")
    html = client.get(MAP, {"state": "punjab"}).content.decode()
    dots = DOT.findall(html)
    assert [label.split(",")[0] for _url, _css, label in dots] == ["Hosiery"]
    ((x, y),) = [
        (float(a), float(b)) for a, b in re.findall(r'<circle cx="([\d.]+)" cy="([\d.]+)"', html)
    ]
    path = re.search(
        r'aria-label="Ludhiana: [^"]+"[^>]*><title>[^<]+</title><path d="([^"]+)"', html
    )
    numbers = [float(n) for n in re.findall(r"[\d.]+", path.group(1))]
    assert min(numbers[0::2]) <= x <= max(numbers[0::2])
    assert min(numbers[1::2]) <= y <= max(numbers[1::2])
    assert "1 cluster whose coordinates lie outside this state's map is not drawn." in html


def test_state_map_stays_light(client, db):
    """The biggest state's districts add well under 150 KB to the page."""
    cluster("Uttar Pradesh", district="Moradabad")
    html = client.get(MAP, {"state": "uttar-pradesh"}).content
    svg = html.split(b"<svg")[1].split(b"</svg>")[0]
    assert len(districts(html.decode())) == 75
    assert len(svg) < 150_000


@pytest.mark.parametrize("size", [1, 30])
def test_state_map_queries_are_bounded(client, db, django_assert_max_num_queries, size):
    """A state's map costs the same few queries for 1 cluster or 30 in many districts (no
    query per district)."""
    names = ["Ludhiana", "Amritsar", "Patiala", "Mohali", "Atlantis", ""]
    for number in range(size):
        cluster("Punjab", district=names[number % len(names)], lat="30.9", lon="75.85")
    client.get(MAP, {"state": "punjab"})  # the options and regions are cached from here on
    with django_assert_max_num_queries(5):
        response = client.get(MAP, {"state": "punjab", "measure": "employment"})
    assert response.status_code == 200
    assert "Map of clusters: Punjab by district" in response.content.decode()


def test_invalid_filter_shows_the_error_and_no_map(client, db):
    """An invalid filter is reported and gives no map (never everything)."""
    cluster("Punjab")
    html = client.get(MAP, {"enterprise_count_min": "many"}).content.decode()
    assert 'id="filter-errors"' in html
    assert "geo-state" not in html


def test_employment_measure_shades_by_employment_and_says_what_is_missing(client, db):
    """By employment: a state whose clusters have no figure is "not recorded", never zero;
    the table says for how many clusters the figure is known."""
    cluster("Punjab", employment=500000)
    cluster("Punjab")
    cluster("Kerala")
    cluster("Gujarat", employment=1200)
    html = client.get(MAP, {"measure": "employment"}).content.decode()
    shapes = states(html)
    assert shapes["IN-PB"][1] == "Punjab: employment 5,00,000 (known for 1 of 2 clusters)"
    assert shapes["IN-KL"][1] == "Kerala: 1 cluster, employment not recorded"
    assert shapes["IN-KL"][2] == "geo-shade-unknown"
    assert shapes["IN-PB"][2] != shapes["IN-GJ"][2]
    table = html.split('id="geo-table"')[1]
    assert "5,00,000" in table and "1 of 2" in table
    assert re.search(
        r"Kerala</a></th>\s*<td[^>]*>1</td>\s*<td[^>]*><span class=\"unknown\">not recorded", table
    )
    # The switch is a plain form that keeps the filters.
    assert 'name="measure" value="employment" checked' in html


def test_dots_link_to_profiles_coloured_by_classification(client, db):
    """A cluster with coordinates in India is a dot linked to its profile, named with its
    classification; one without coordinates has no dot."""
    located = cluster("Punjab", lat="30.9010", lon="75.8573", product="Hosiery", place="Ludhiana")
    cluster("Punjab", product="Bicycles", place="Ludhiana")
    html = client.get(MAP).content.decode()
    dots = DOT.findall(html)
    assert len(dots) == 1
    url, css, label = dots[0]
    assert url == located.get_absolute_url()
    assert label.startswith("Hosiery, Ludhiana (")
    status = located.classification_status.replace("_", "-")
    assert css == f"geo-dot--{status}"
    assert "1 cluster with coordinates is drawn as a dot." in html


def test_dot_lands_where_its_coordinates_say(client, db):
    """A dot in Ludhiana is drawn inside Punjab's outline box, one in Kochi inside Kerala's."""
    from clusters import geography

    cluster("Punjab", lat="30.9010", lon="75.8573")
    cluster("Kerala", lat="9.9312", lon="76.2673")
    shapes = {shape.code: shape for shape in geography.boundaries()[0]}
    html = client.get(MAP).content.decode()
    points = [
        (float(x), float(y)) for x, y in re.findall(r'<circle cx="([\d.]+)" cy="([\d.]+)"', html)
    ]

    def box(code):
        numbers = [float(n) for n in re.findall(r"[\d.]+", shapes[code].path)]
        xs, ys = numbers[0::2], numbers[1::2]
        return min(xs), max(xs), min(ys), max(ys)

    for code in ("IN-PB", "IN-KL"):
        x0, x1, y0, y1 = box(code)
        assert any(x0 <= x <= x1 and y0 <= y <= y1 for x, y in points), code


def test_employment_dots_are_sized_by_employment(client, db):
    """By employment, the dot of a bigger cluster is bigger; without the figure, a ring."""
    cluster("Punjab", lat="30.9", lon="75.85", employment=100000, product="Big")
    cluster("Punjab", lat="31.3", lon="75.5", employment=1000, product="Small")
    cluster("Punjab", lat="31.6", lon="74.9", product="Unknown")
    html = client.get(MAP, {"measure": "employment"}).content.decode()
    radii = dict(
        re.findall(
            r'class="geo-dot [^"]+"><title>(\w+), [^<]+</title><circle cx="[\d.]+" cy="[\d.]+" r="([\d.]+)"',
            html,
        )
    )
    assert float(radii["Big"]) > float(radii["Small"]) > 0
    assert "geo-dot--unknown" in html


def test_other_countries_are_listed_beside_the_map(client, db):
    """Clusters outside India are counted by country with a link to them."""
    ClusterFactory(region=foreign_region(), country="IT", product="Tiles", place="Sassuolo")
    cluster("Punjab")
    html = client.get(MAP).content.decode()
    aside = html.split('id="geo-abroad-heading"')[1].split("</aside>")[0]
    assert 'href="/clusters/?country=IT"' in aside
    assert "1 cluster" in aside


def test_only_published_clusters_are_on_the_map(client, db):
    """A draft is on no public map."""
    cluster("Punjab", status=PublicationStatus.DRAFT)
    html = client.get(MAP).content.decode()
    assert states(html)["IN-PB"][1] == "Punjab: no matching clusters"


def test_dots_are_capped_with_a_note(client, db, monkeypatch):
    """Past the cap, only the biggest are drawn, and the page says so."""
    monkeypatch.setattr("public.views.geo_map.DOT_LIMIT", 2)
    for enterprises in (10, 20, 30):
        cluster("Punjab", lat="30.9", lon="75.85", enterprises=enterprises)
    html = client.get(MAP).content.decode()
    assert len(DOT.findall(html)) == 2
    assert "The 2 biggest of the 3 clusters with coordinates are drawn as dots" in html
    assert DOT_LIMIT >= 100


def test_list_links_to_the_map_with_the_same_filters(client, db):
    """The list has a Map link carrying its filters."""
    cluster("Punjab")
    html = client.get("/clusters/", {"cluster_type": "industrial"}).content.decode()
    assert 'href="/clusters/map/?cluster_type=industrial"' in html


@pytest.mark.parametrize("size", [1, 30])
def test_map_queries_are_bounded(client, db, django_assert_max_num_queries, size):
    """The page costs the same few queries for 1 cluster or 30 (with filters and dots)."""
    for number in range(size):
        cluster(
            "Punjab" if number % 2 else "Kerala",
            lat="30.9",
            lon="75.85",
            employment=number or None,
        )
    ClusterFactory(region=foreign_region(), country="IT")
    client.get(MAP)  # the options and regions are cached from here on
    with django_assert_max_num_queries(6):
        response = client.get(MAP, {"measure": "employment", "state": "punjab", "q": "Product"})
    assert response.status_code == 200


def test_map_page_stays_light(client, db):
    """The page with every state and a few hundred dots stays well under 300 KB."""
    for number in range(200):
        cluster("Punjab", lat=f"{30 + number / 200:.3f}", lon="75.85")
    html = client.get(MAP).content
    svg = html.split(b"<svg")[1].split(b"</svg>")[0]
    assert len(svg) < 200_000
    assert len(html) < 300_000


def test_class_breaks_are_round_and_cover_the_largest():
    """Classes end on round numbers and the last one holds the largest value."""
    uppers = class_breaks([1, 3, 7, 12, 45, 230, 980])
    assert uppers[-1] == 980
    assert uppers == sorted(set(uppers))
    assert class_of(1, uppers) == 1 and class_of(980, uppers) == len(uppers)
    assert class_breaks([]) == []
    assert class_breaks([4, 4, 4]) == [4]


def test_anonymous_readers_get_the_map_from_the_page_cache_until_a_change(
    client, db, settings, django_assert_num_queries, django_capture_on_commit_callbacks
):
    """A repeated anonymous read costs no query; a change to the registry shows at once."""
    settings.PUBLIC_PAGE_CACHE_SECONDS = 600
    cluster("Punjab")
    assert client.get(MAP)["X-Page-Cache"] == "miss"
    with django_assert_num_queries(0):
        assert client.get(MAP)["X-Page-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        cluster("Punjab")
    response = client.get(MAP)
    assert response["X-Page-Cache"] == "miss"
    assert states(response.content.decode())["IN-PB"][1] == "Punjab: 2 clusters"
