"""Every download's file name ends with its extension, so that it opens in the program
for that kind of file (`knitwear-tirupur-relationships-2026-12-01.csv`, not
`…-relationships.csv-2026-12-01`)."""

import re
from datetime import date

import pytest
from django.urls import URLResolver, get_resolver

from public.views.home_stats import STATS_CHARTS
from tests import factories
from workspace.uploads.services import FORMATS as UPLOAD_FORMATS

pytestmark = pytest.mark.django_db

FILENAME = re.compile(r'filename="([^"]+)"')
# A route naming a file: it ends in an extension (or a converter giving one).
FILE_ROUTE = re.compile(r"\.(\w+|<[^>]+>)$")
# JSON for scripts and the browser, shown rather than saved: no Content-Disposition.
INLINE = {"graph.json", "measures.json", "progress.json"}


def file_routes(patterns=None, prefix=""):
    """Yield the route of every URL pattern of the site (not the API's or the admin's)."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        if route.startswith(("api/", "admin/")):
            continue
        if isinstance(pattern, URLResolver):
            yield from file_routes(pattern.url_patterns, route)
        elif FILE_ROUTE.search(route):
            yield route


def downloads(slug, job="00000000-0000-0000-0000-000000000000"):
    """Return [(route, url, extension)] of every download of the site (`job`: the id of a
    background job with errors)."""
    files = [
        *(
            (f"clusters/export.{extension}", f"/clusters/export.{extension}", extension)
            for extension in ("csv", "xlsx", "json")
        ),
        *(
            (f"clusters/<slug:slug>/{name}", f"/clusters/{slug}/{name}", name.split(".")[1])
            for name in ("graph.graphml", "graph.json", "relationships.csv", "measures.json")
        ),
        *(("stats/<slug:chart>.csv", f"/stats/{chart}.csv", "csv") for chart in STATS_CHARTS),
        ("clusters/selection.csv", "/clusters/selection.csv", "csv"),
        *(
            (f"programmes/export.{extension}", f"/programmes/export.{extension}", extension)
            for extension in ("csv", "xlsx", "json")
        ),
        *(
            (f"programmes/indicators.{extension}", f"/programmes/indicators.{extension}", extension)
            for extension in ("csv", "xlsx")
        ),
    ]
    for prefix in ("stakeholders", "relationships"):
        files += [
            (f"{prefix}/export.<str:file_format>", f"/{prefix}/export.{extension}", extension)
            for extension in ("csv", "xlsx", "json")
        ]
    files += [
        (
            "manage/upload/template/<slug:kind>.<str:extension>",
            f"/manage/upload/template/{kind}.{extension}",
            extension,
        )
        for kind in UPLOAD_FORMATS
        for extension in ("csv", "xlsx")
    ]
    files += [
        (f"manage/jobs/<uuid:pk>/{name}", f"/manage/jobs/{job}/{name}", name.split(".")[1])
        for name in ("progress.json", "errors.csv")
    ]
    return files


def test_every_file_route_of_the_site_is_checked_below():
    """A new download gets its file name checked: add it to `downloads`."""
    assert set(file_routes()) == {route for route, _url, _extension in downloads("x")}


def test_every_download_is_named_with_its_extension_last(client, curator):
    """Each download's Content-Disposition names a file ending in `.<extension>` (the JSON
    shown in the browser has none; its address ends in .json)."""
    from jobs.models import Job, JobError

    cluster = factories.RelationshipFactory().cluster
    client.force_login(curator)
    job = Job.objects.create(user=curator, kind="upload", filename="x.csv", error_count=1)
    JobError.objects.create(job=job, row=2, column="name", message="required")

    for _route, url, extension in downloads(cluster.slug, job.pk):
        response = client.get(url)
        assert response.status_code == 200, url
        disposition = response.get("Content-Disposition")
        if url.rsplit("/", 1)[1] in INLINE:
            assert disposition is None, url
            continue
        assert disposition and disposition.startswith("attachment;"), url
        filename = FILENAME.search(disposition).group(1)
        assert filename.endswith(f".{extension}"), (url, filename)
        assert filename.count(f".{extension}") == 1, (url, filename)


def test_the_relationships_of_a_cluster_download_as_slug_relationships_date_csv(client):
    cluster = factories.RelationshipFactory().cluster
    response = client.get(f"/clusters/{cluster.slug}/relationships.csv")
    today = date.today().isoformat()
    assert FILENAME.search(response["Content-Disposition"]).group(1) == (
        f"{cluster.slug}-relationships-{today}.csv"
    )
    graphml = client.get(f"/clusters/{cluster.slug}/graph.graphml")
    assert FILENAME.search(graphml["Content-Disposition"]).group(1) == (
        f"{cluster.slug}-network-{today}.graphml"
    )
