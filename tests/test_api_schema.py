"""The OpenAPI schema at /api/schema/, its docs pages, and schemathesis runs of every
operation it describes (anonymous and as a curator): never a server error."""

import itertools
import re

import pytest
import schemathesis
from django.contrib.staticfiles import finders
from django.core import signals
from django.db import close_old_connections
from drf_spectacular.validation import validate_schema
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from clusters import services as cluster_services
from clusters.choices import ClusterType, PublicationStatus
from clusters.models import Benchmark
from stakeholders import services as stakeholder_services
from stakeholders.choices import Kind
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """Hash the factories' passwords quickly: these tests log in with tokens, not passwords."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


SCHEMA_URL = "/api/schema/?format=json"
EXTERNAL = re.compile(r"cdn|unpkg|jsdelivr|googleapis|gstatic|https?://(?!testserver)", re.I)


def test_schema_is_valid_openapi_3():
    """The schema validates against the OpenAPI 3 specification and lists every resource."""
    response = APIClient().get(SCHEMA_URL)
    assert response.status_code == 200
    schema = response.json()
    validate_schema(schema)
    assert schema["openapi"].startswith("3.")
    for resource in (
        "clusters",
        "figures",
        "stakeholders",
        "memberships",
        "relationships",
        "sectors",
        "regions",
        "benchmarks",
        "initiatives",
        "indicators",
        "indicators/catalogue",
    ):
        assert f"/api/{resource}/" in schema["paths"]
    cluster_list = schema["paths"]["/api/clusters/"]["get"]
    parameters = {parameter["name"] for parameter in cluster_list["parameters"]}
    assert {"state", "state_id", "cluster_type", "classification_status", "ordering"} <= parameters
    assert "tokenAuth" in schema["components"]["securitySchemes"]


VERSIONED_WRITES = {
    ("put", "/api/clusters/{slug}/"),
    ("patch", "/api/clusters/{slug}/"),
    ("post", "/api/clusters/{slug}/transition/"),
    ("put", "/api/stakeholders/{slug}/"),
    ("patch", "/api/stakeholders/{slug}/"),
    ("put", "/api/initiatives/{slug}/"),
    ("patch", "/api/initiatives/{slug}/"),
}


def test_every_operation_documents_the_statuses_it_answers():
    """Each operation lists the errors it answers, each with a JSON body: 401 everywhere (a
    token that is not valid); lists 400 (a filter, a page size) and 404 (a cursor, a page);
    a record 404; writes 400, 403 and 415 (DELETE no 400), versioned edits 412 and If-Match.
    Reads need no token (the security allows none); writes do."""
    paths = APIClient().get(SCHEMA_URL).json()["paths"]
    for path, operations in paths.items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            detail = "{" in path
            where = (method, path)
            assert "401" in codes, where
            for code, response in operation["responses"].items():
                if code >= "400":
                    assert "application/json" in response["content"], where
            if method == "get":
                assert {} in operation["security"], where
                assert ({"404"} if detail else {"400", "404"}) <= codes, where
                continue
            assert {} not in operation["security"], where
            assert {"403"} <= codes, where
            assert ("400" in codes) == (method != "delete"), where
            assert ("415" in codes) == (method != "delete"), where
            assert ("404" in codes) == detail, where
            assert ("412" in codes) == (where in VERSIONED_WRITES), where
            headers = {p["name"] for p in operation.get("parameters", []) if p["in"] == "header"}
            assert ("If-Match" in headers) == (where in VERSIONED_WRITES), where


def test_schema_is_served_as_yaml_by_default():
    response = APIClient().get("/api/schema/")
    assert response.status_code == 200
    assert response.content.startswith(b"openapi: 3.")


@pytest.mark.parametrize("url", ["/api/docs/", "/api/redoc/"])
def test_docs_pages_load_nothing_from_another_site(url):
    """Swagger UI and Redoc come from our static files (the sidecar), not from a CDN."""
    response = APIClient().get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert not EXTERNAL.search(html), EXTERNAL.search(html)
    assets = re.findall(r'(?:src|href)="/static/([^"]+)"', html)
    assert assets
    for asset in assets:
        assert finders.find(asset), asset
    assert "/api/schema/" in html


# Every POST: its status and headers that a WSGI server accepts -----------------------------


def post_bodies():
    """Return {POST path of the schema: (path filled in, body, expected status)}, with the
    rows the bodies name."""
    agency = factories.AgencyFactory()
    cluster = factories.ClusterFactory(agency=agency)
    draft = factories.ClusterFactory(status=PublicationStatus.DRAFT, agency=agency)
    maker = factories.StakeholderFactory(name="Knitting unit")
    dealer = factories.StakeholderFactory(name="Yarn dealer", kind=Kind.SUPPLIER)
    stakeholder_services.stakeholder_link_to_cluster(stakeholder=maker, cluster=cluster)
    stakeholder_services.stakeholder_link_to_cluster(stakeholder=dealer, cluster=cluster)
    bank = factories.StakeholderFactory(name="Bank", kind=Kind.INSTITUTION)
    return {
        "/api/clusters/": (
            "/api/clusters/",
            {"product": "Locks", "place": "Aligarh", "cluster_type": "industrial"},
            201,
        ),
        "/api/clusters/{slug}/transition/": (
            f"/api/clusters/{draft.slug}/transition/",
            {"action": "submitted"},
            200,
        ),
        "/api/figures/": (
            "/api/figures/",
            {"cluster": cluster.slug, "measure": "employment", "value": 5000, "source": "Survey"},
            201,
        ),
        "/api/stakeholders/": (
            "/api/stakeholders/",
            {"name": "Dyeing unit", "kind": "enterprise", "cluster": cluster.slug},
            201,
        ),
        "/api/memberships/": (
            "/api/memberships/",
            {"cluster": cluster.slug, "stakeholder": bank.slug},
            201,
        ),
        "/api/relationships/": (
            "/api/relationships/",
            {
                "cluster": cluster.slug,
                "source": dealer.slug,
                "target": maker.slug,
                "kind": "supplies",
            },
            201,
        ),
        "/api/initiatives/": (
            "/api/initiatives/",
            {"cluster": cluster.slug, "scheme": "sfurti", "title": "Soft interventions"},
            201,
        ),
        "/api/indicators/": (
            "/api/indicators/",
            {"cluster": cluster.slug, "indicator": "new-markets", "year": "2023-24", "value": 3},
            201,
        ),
        "/api/benchmarks/": (
            "/api/benchmarks/",
            {
                "cluster_type": "handicraft",
                "measure": "artisan_count",
                "threshold": 500,
                "authority": "State handicrafts board",
            },
            201,
        ),
    }


def test_every_post_answers_its_status_with_headers_a_wsgi_server_accepts(curator):
    """Every POST of the schema succeeds with its status (201 for a create), and every
    header value is a str: wsgiref (runserver) refuses a str subclass such as DRF's
    Hyperlink, which turned a successful create into a 500."""
    schema = APIClient().get(SCHEMA_URL).json()
    posts = {path for path, operations in schema["paths"].items() if "post" in operations}
    bodies = post_bodies()
    assert posts == set(bodies), "give every POST operation a body here"
    token, _created = Token.objects.get_or_create(user=curator)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")

    for path, (url, body, expected) in bodies.items():
        response = client.post(url, body, format="json")
        assert response.status_code == expected, (path, response.content)
        for name, value in response.items():
            assert type(name) is str and type(value) is str, (path, name, type(value))
        if expected == 201 and "Location" in response:
            assert response["Location"] == response.json()["url"]


# Schemathesis ------------------------------------------------------------------------------


@pytest.fixture
def one_connection():
    """Keep the test's database connection across requests made through the WSGI handler.

    Django closes connections at the end of each request; the test client stops that, and so
    must we, or the test's transaction (and its data) would go with the first request.
    """
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def registry_data():
    """A little of everything; return {resource: the lookup value of one of its rows}."""
    agency = factories.AgencyFactory(slug="agency")
    sector = factories.SectorFactory(name="Textiles", slug="textiles")
    cluster = factories.ClusterFactory(
        product="Knitwear",
        place="Tirupur",
        agency=agency,
        sector=sector,
        cluster_type=ClusterType.INDUSTRIAL,
        figures={"enterprise_count": 3200, "annual_turnover": 10**10},
        provenance=cluster_services.Provenance(year="2010-11", source="Profile"),
    )
    factories.ClusterFactory(status=PublicationStatus.DRAFT, agency=agency)
    relationship = factories.RelationshipFactory(cluster=cluster)
    bank = factories.StakeholderFactory(name="Bank", kind=Kind.INSTITUTION)
    membership, _new = stakeholder_services.stakeholder_link_to_cluster(
        stakeholder=bank, cluster=cluster
    )
    initiative = factories.InitiativeFactory(
        cluster=cluster, agency=agency, status=PublicationStatus.PUBLISHED
    )
    measurement = factories.IndicatorMeasurementFactory(cluster=cluster, year=2023)
    return {
        "clusters": cluster.slug,
        "initiatives": initiative.slug,
        "indicators": measurement.pk,
        "indicators/catalogue": "new-markets",
        "stakeholders": bank.slug,
        "relationships": relationship.pk,
        "memberships": membership.pk,
        "figures": cluster.figures.first().pk,
        "benchmarks": Benchmark.objects.first().pk,
        "sectors": sector.slug,
        "regions": "west-bengal",
        # Body fields naming rows (a relationship's ends must be members of its cluster).
        "cluster": cluster.slug,
        "stakeholder": bank.slug,
        "source": relationship.target.slug,
        "target": relationship.source.slug,
    }


def aim_at_real_rows(case, rows):
    """Point every other generated valid request at existing rows (in the path and the
    body's references), so that it gets past the look-ups into the services; random slugs
    and ids would nearly always be 404 or 400. Invalid requests stay as generated: made
    valid, they would no longer be what their checks expect."""
    if next(COIN) % 2 or case.meta is None or not case.meta.generation.mode.is_positive:
        return
    resource = case.operation.path.split("/")[2]
    if case.operation.path.startswith("/api/indicators/catalogue/"):
        resource = "indicators/catalogue"
    for name in case.path_parameters or {}:
        case.path_parameters[name] = rows[resource]
    if isinstance(case.body, dict):
        for name in ("cluster", "stakeholder", "source", "target"):
            if name in case.body:
                case.body[name] = rows[name]


COIN = itertools.count()


def load_schema():
    """Return the schema as the app serves it (no database needed to build it), with the
    configuration of schemathesis.toml (found from the working directory, the project's),
    which `make fuzz` uses too, and its check tests/api_checks.py."""
    from config.wsgi import application

    loaded = schemathesis.openapi.from_wsgi(SCHEMA_URL, application)
    assert loaded.config.config_path, "run pytest from the project directory"
    # Every phase `make fuzz` runs but the stateful one (sequences of requests, minutes
    # more): the coverage phase's boundary and invalid cases of each parameter (most of the
    # two and a half minutes this file takes), then fuzzing bounded by max_examples below.
    assert loaded.config.phases.coverage.enabled
    return loaded


schema = load_schema()
# The WSGI transport hands the checks the body as the app sent it, not gunzipped as an HTTP
# client would: ask for it uncompressed (`make fuzz` goes over HTTP, gzip and all).
IDENTITY = {"Accept-Encoding": "identity"}
FUZZ = settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)


def test_the_suite_runs_every_check_as_make_fuzz_does():
    """Every check schemathesis has (`--checks all` of `make fuzz`) and ours are on for every
    operation here, with the allowances of schemathesis.toml."""
    from schemathesis.checks import CHECKS

    names = {check.__name__ for check in CHECKS.get_all() if not isinstance(check, type)}
    assert {"refusals_name_a_rule", "positive_data_acceptance", "ignored_auth"} <= names
    for result in schema.get_all_operations():
        config = schema.config.checks_config_for(operation=result.ok())
        assert all(config.get_by_name(name=name).enabled for name in names)
    stale = schema["/api/clusters/{slug}/"]["PATCH"]
    allowed = schema.config.checks_config_for(operation=stale).positive_data_acceptance
    assert "412" in allowed.expected_statuses


@schema.parametrize()
@FUZZ
def test_every_check_anonymously(case, one_connection, registry_data):
    """Every operation, with generated valid and invalid input and no token, passes every
    check: no server error, status codes, content types, headers and bodies as documented,
    invalid input refused, valid input accepted (but for the rules of schemathesis.toml),
    writes refused without a token."""
    aim_at_real_rows(case, registry_data)
    case.call_and_validate(headers=IDENTITY)


@schema.parametrize()
@FUZZ
def test_every_check_as_a_curator(case, one_connection, registry_data, curator):
    """The same as a curator with a token, so that writes run through the services."""
    token, _created = Token.objects.get_or_create(user=curator)
    aim_at_real_rows(case, registry_data)
    case.call_and_validate(headers={**IDENTITY, "Authorization": f"Token {token.key}"})
