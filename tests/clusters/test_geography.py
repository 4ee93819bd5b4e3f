"""Where clusters are (clusters/geography.py): the one rule for coordinates, as the workspace
form, the importer and the API apply it; the boundaries; the reserved slugs."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from clusters import geography, services
from clusters.imports import ClusterImporter
from clusters.models import Cluster
from clusters.regions import INDIAN_REGIONS
from tests import factories
from tests.accounts.people import make_people
from tests.api.test_clusters import token_client
from tests.workspace.test_editing import new_cluster_data

D = Decimal


@pytest.mark.parametrize(
    ("latitude", "longitude", "country", "errors"),
    [
        (None, None, "IN", {}),
        (D("30.901"), D("75.8573"), "IN", {}),
        (D("34.1526"), D("77.5771"), "IN", {}),  # Leh, Ladakh
        (D("6.75"), D("93.85"), "IN", {}),  # Great Nicobar
        (D("30.901"), None, "IN", {"longitude"}),
        (None, D("75.8573"), "IN", {"latitude"}),
        (D("75.8573"), D("30.901"), "IN", {"latitude", "longitude"}),  # swapped
        (D("-30.901"), D("75.8573"), "IN", {"latitude"}),  # a sign lost
        (D("51.5"), D("-0.12"), "IN", {"latitude", "longitude"}),
        (D("51.5"), D("-0.12"), "GB", {}),
        (D("95"), D("10"), "IT", {"latitude"}),
        (D("45"), D("190"), "IT", {"longitude"}),
    ],
)
def test_coordinate_errors(latitude, longitude, country, errors):
    """Both or neither; within range; inside India for a cluster in India."""
    found = geography.coordinate_errors(latitude=latitude, longitude=longitude, country=country)
    assert set(found) == set(errors)


def test_the_message_says_where_india_is():
    """The message gives the value and India's extent, so the editor can see the mistake."""
    errors = geography.coordinate_errors(latitude=D("-30.9"), longitude=D("75.85"), country="IN")
    assert errors["latitude"] == "-30.9° is not in India, which lies between 6.4° and 37.4° north."


def test_projection_round_trips():
    """A point projected on the map and read back (the coordinate picker) is the same point."""
    x, y = geography.project(D("30.901"), D("75.8573"))
    latitude, longitude = geography.unproject(x, y)
    assert abs(latitude - 30.901) < 0.01 and abs(longitude - 75.8573) < 0.01
    assert 0 < x < geography.WIDTH and 0 < y < geography.HEIGHT


def test_boundaries_have_every_state_and_union_territory_as_india_depicts_them():
    """The 36 of clusters.regions, Ladakh reaching the Karakoram and Aksai Chin, and the
    former state of Jammu and Kashmir whole (the official Indian depiction)."""
    shapes, disputed, source = geography.boundaries()
    assert [shape.code for shape in shapes] == [code for _name, code, _kind in INDIAN_REGIONS]
    assert all(shape.path.startswith("M") for shape in shapes)
    assert "MIT" in source

    def extent(code):
        path = next(shape.path for shape in shapes if shape.code == code)
        numbers = [
            float(n) for n in path.replace("M", " ").replace("L", " ").replace("Z", " ").split()
        ]
        xs, ys = numbers[0::2], numbers[1::2]
        (north, west), (south, east) = (
            geography.unproject(min(xs), min(ys)),
            geography.unproject(max(xs), max(ys)),
        )
        return north, south, west, east

    north, _south, west, east = extent("IN-LA")
    assert north > 36.5 and west < 73 and east > 80  # Gilgit-Baltistan, Aksai Chin
    _north, _south, west, _east = extent("IN-JK")
    assert west < 73.6  # Muzaffarabad
    north, _south, _west, east = extent("IN-AR")
    assert north > 29 and east > 97


# The form, the importer and the API ask the same rule -------------------------------------


def test_the_workspace_form_refuses_coordinates_outside_india(client, db):
    """The editor's form shows the error at the field and keeps what was typed."""
    people = make_people()
    client.force_login(people.own_editor)
    data = new_cluster_data(latitude="75.8573", longitude="30.9010")
    response = client.post(reverse("editing:cluster_create"), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "75.8573° is not in India" in html
    assert 'value="75.8573"' in html
    assert not Cluster.objects.exists()

    data = new_cluster_data(latitude="30.9010", longitude="")
    html = client.post(reverse("editing:cluster_create"), data).content.decode()
    assert "Give the longitude as well as the latitude" in html

    data = new_cluster_data(latitude="30.9010", longitude="75.8573")
    assert client.post(reverse("editing:cluster_create"), data).status_code == 302
    assert Cluster.objects.get().latitude == D("30.901")


def test_the_importer_names_the_row_and_column(db):
    """An import reports `row N, latitude: message` and writes nothing."""
    text = (
        "product,place,state,country,cluster_type,latitude,longitude\n"
        "Hosiery,Ludhiana,Punjab,IN,industrial,30.9010,75.8573\n"
        "Tiles,Morbi,Gujarat,IN,industrial,-22.8,70.8\n"
        "Brass,Moradabad,Uttar Pradesh,IN,handicraft,28.8,\n"
        "Knitwear,Prato,Tuscany,IT,industrial,43.88,11.1\n"
    )
    result = ClusterImporter().run(text.encode())
    assert [str(error) for error in result.errors] == [
        "row 3, latitude: -22.8° is not in India, which lies between 6.4° and 37.4° north.",
        "row 4, longitude: Give the longitude as well as the latitude, or neither.",
    ]
    assert not Cluster.objects.exists()

    ok = text.replace("-22.8", "22.8").replace("28.8,\n", "28.8,78.77\n")
    result = ClusterImporter().run(ok.encode())
    assert result.ok, result.errors
    assert Cluster.objects.filter(latitude__isnull=False).count() == 4


def test_the_api_refuses_coordinates_outside_india(db):
    """The API answers 400 naming the field, on create and on edit."""
    api = token_client(factories.CuratorFactory())
    body = {
        "product": "Locks",
        "place": "Aligarh",
        "state": "Uttar Pradesh",
        "cluster_type": "industrial",
        "latitude": 27.88,
        "longitude": -78.08,
    }
    response = api.post("/api/clusters/", body)
    assert response.status_code == 400
    assert "longitude" in response.json()
    response = api.post("/api/clusters/", {**body, "longitude": 78.08})
    assert response.status_code == 201, response.content
    slug = response.json()["slug"]
    response = api.patch(
        f"/api/clusters/{slug}/", {"latitude": 78.08}, HTTP_IF_MATCH='"1"', format="json"
    )
    assert response.status_code == 400, response.content
    assert "latitude" in response.json()


# Reserved slugs --------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["map", "Selection", "compare"])
def test_no_cluster_takes_the_address_of_a_page(db, text):
    """A cluster whose product and place slugify to "map" gets "map-2": /clusters/map/ stays
    the map."""
    assert services.unique_slug(Cluster, text) == f"{text.lower()}-2"
    other = services.unique_slug(factories.SectorFactory._meta.model, text)
    assert other == text.lower()  # only clusters' addresses are reserved


def test_bulk_slugs_skip_the_reserved_ones(db):
    """The bulk import's slugs skip them too."""

    class Stand:
        slug = ""

    objects = [Stand(), Stand()]
    services.assign_unique_slugs(Cluster, objects, ["map", "Compare"])
    assert [obj.slug for obj in objects] == ["map-2", "compare-2"]


def test_the_cluster_form_shows_the_point_on_its_map(client, db):
    """The edit form draws India with the cluster's point; a new cluster's shows none."""
    people = make_people()
    client.force_login(people.own_editor)
    html = client.get(reverse("editing:cluster_create")).content.decode()
    assert "data-coordinate-picker" in html and "data-picker-point" not in html
    cluster = factories.ClusterFactory(
        agency=people.agency_a, latitude=D("30.901"), longitude=D("75.8573")
    )
    html = client.get(reverse("editing:cluster_edit", kwargs={"slug": cluster.slug})).content
    x, y = geography.project(D("30.901"), D("75.8573"))
    assert f'<circle cx="{x}" cy="{y}" r="7" data-picker-point/>'.encode() in html


# A state's districts -------------------------------------------------------------------------


def test_every_state_has_its_districts_vendored_and_light():
    """Each of the 36 states and union territories has a district file (808 districts in
    all, as in the source), small enough for one page."""
    total = 0
    for _name, code, _kind in INDIAN_REGIONS:
        districts = geography.state_districts(code)
        assert districts is not None, code
        assert districts.districts, code
        total += len(districts.districts)
        assert (geography.DISTRICTS_DIR / f"{code}.json").stat().st_size < 120_000, code
        svg = sum(len(district.path) for district in districts.districts)
        assert svg < 120_000, code
    assert total == 780  # the 808 features less the 28 disputed specks
    assert geography.state_districts("IN-XX") is None
    assert geography.state_districts("../india-states") is None


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        (" Bara-Banki ", "bara banki"),
        ("LUDHIANA District", "ludhiana"),
        ("Kānchipuram", "kanchipuram"),
        ("Daman & Diu", "daman and diu"),
        ("", ""),
        (None, ""),
    ],
)
def test_district_names_are_normalised(written, expected):
    """Case, accents, punctuation, spaces and a trailing "district" do not count."""
    assert geography.normalise_district(written) == expected


@pytest.mark.parametrize(
    ("code", "written", "boundary"),
    [
        ("IN-PB", "Ludhiana", "Ludhiana"),
        ("IN-PB", "ludhiana district", "Ludhiana"),
        ("IN-PB", "Mohali", "SAS Nagar (Sahibzada Ajit Singh Nagar)"),
        ("IN-PB", "SAS Nagar", "SAS Nagar (Sahibzada Ajit Singh Nagar)"),
        ("IN-KA", "Bangalore", "Bengaluru (Urban)"),
        ("IN-KA", "Bijapur", "Vijayapura"),
        ("IN-CG", "Bijapur", "Bijapur"),  # an alias of Karnataka's is not one here
        ("IN-WB", "Howrah", "Haora"),
        ("IN-WB", "South 24 Parganas", "South 24parganas"),
        ("IN-MH", "Aurangabad", "Chhatrapati Sambhaji Nagar"),
        ("IN-GJ", "Ahmedabad", "Ahmadabad"),
        ("IN-GJ", "Kutch", "Kachchh"),
        ("IN-TN", "Kanchipuram", "Kancheepuram"),  # by the skeleton of the name
        ("IN-BR", "Bhabua", "Kaimur (Bhabua)"),
    ],
)
def test_district_text_matches_its_boundary(code, written, boundary):
    """A cluster's district finds its boundary under its other spellings."""
    match = geography.state_districts(code).match(written)
    assert match is not None and match.name == boundary


def test_district_text_that_names_no_boundary_matches_none():
    """A name of no district of the state (or of another state's) matches nothing."""
    punjab = geography.state_districts("IN-PB")
    assert punjab.match("Atlantis") is None
    assert punjab.match("Pune") is None
    assert punjab.match("") is None


def test_state_projection_fits_the_state_and_places_its_towns():
    """A state's map is 600 units wide, its districts inside the viewBox, and a town lands
    inside its own district's outline box, not its neighbour's."""
    punjab = geography.state_districts("IN-PB")
    projection = punjab.projection
    assert projection.width == geography.STATE_WIDTH
    assert 300 < projection.height < 900
    numbers = [
        float(n) for district in punjab.districts for n in re.findall(r"-?[\d.]+", district.path)
    ]
    xs, ys = numbers[0::2], numbers[1::2]
    assert 0 < min(xs) < 20 and projection.width - 20 < max(xs) < projection.width
    assert 0 < min(ys) < 20 and projection.height - 20 < max(ys) < projection.height

    def box(name):
        district = next(d for d in punjab.districts if d.name == name)
        values = [float(n) for n in re.findall(r"-?[\d.]+", district.path)]
        return min(values[0::2]), max(values[0::2]), min(values[1::2]), max(values[1::2])

    x, y = projection.project(Decimal("30.9010"), Decimal("75.8573"))  # Ludhiana
    x0, x1, y0, y1 = box("Ludhiana")
    assert x0 <= x <= x1 and y0 <= y <= y1
    x0, x1, y0, y1 = box("Amritsar")
    assert not (x0 <= x <= x1 and y0 <= y <= y1)
    assert projection.contains(Decimal("30.9010"), Decimal("75.8573"))
    assert not projection.contains(Decimal("9.93"), Decimal("76.27"))  # Kochi


def test_small_territory_keeps_its_shape_on_its_map():
    """Chandigarh, a tenth of a degree across, fills its own map rather than a speck."""
    chandigarh = geography.state_districts("IN-CH")
    assert chandigarh.projection.width == geography.STATE_WIDTH
    assert chandigarh.districts[0].path.count("L") > 20
