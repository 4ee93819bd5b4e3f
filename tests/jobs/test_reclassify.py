"""A benchmark change reclassifies its clusters at once when they are few, by a job when
they are more than REGISTRY_JOB_ROWS (admin and API alike)."""

from django.urls import reverse

from clusters.models import Benchmark, Cluster
from jobs.choices import JobKind, JobState
from jobs.models import Job
from tests import factories
from tests.api.test_clusters import token_client


def change_industrial_threshold(client, threshold):
    benchmark = Benchmark.objects.get(cluster_type="industrial", country="")
    return client.post(
        reverse("admin:clusters_benchmark_change", args=[benchmark.pk]),
        {
            "cluster_type": "industrial",
            "measure": "enterprise_count",
            "threshold": str(threshold),
            "currency": "INR",
            "country": "",
            "authority": "UNIDO",
            "source": benchmark.source,
        },
    )


def test_many_clusters_are_reclassified_by_a_job(
    curator_client, curator, job_settings, run_worker, django_capture_on_commit_callbacks
):
    """Three industrial clusters, threshold 2: the admin queues a job and says so; the
    benchmark is saved at once, the clusters change when the worker has run the job."""
    clusters = [factories.ClusterFactory(figures={"enterprise_count": 70}) for _ in range(3)]
    job_settings.REGISTRY_JOB_ROWS = 2
    with django_capture_on_commit_callbacks(execute=True):
        response = change_industrial_threshold(curator_client, 50)
    assert response.status_code == 302
    job = Job.objects.get()
    assert (job.kind, job.state, job.total, job.user) == (
        JobKind.RECLASSIFY,
        JobState.QUEUED,
        3,
        curator,
    )
    assert Cluster.objects.filter(classification_status="qualifies").count() == 0
    messages = curator_client.get(response["Location"]).content.decode()
    assert job.get_absolute_url() in messages

    run_worker()

    job.refresh_from_db()
    assert job.state == JobState.DONE, job.message
    assert job.updated_count == 3
    for cluster in clusters:
        cluster.refresh_from_db()
        assert cluster.classification_status == "qualifies"
    reasons = set(
        Cluster.history.filter(classification_status="qualifies").values_list(
            "history_change_reason", flat=True
        )
    )
    assert len(reasons) == 1 and next(iter(reasons)).startswith("benchmark changed")
    assert (
        "3 clusters changed classification"
        in curator_client.get(job.get_absolute_url()).content.decode()
    )


def test_few_clusters_are_reclassified_at_once(curator_client, job_settings):
    """Up to the threshold: reclassified in the request, no job."""
    cluster = factories.ClusterFactory(figures={"enterprise_count": 70})
    job_settings.REGISTRY_JOB_ROWS = 5
    change_industrial_threshold(curator_client, 50)
    cluster.refresh_from_db()
    assert cluster.classification_status == "qualifies"
    assert not Job.objects.exists()


def test_the_api_reclassifies_by_a_job_too(
    job_settings, run_worker, django_capture_on_commit_callbacks, db
):
    """A curator's benchmark through the API: above the threshold a job reclassifies."""
    cluster = factories.ClusterFactory(figures={"annual_turnover": 200_000_000})
    factories.ClusterFactory(figures={"annual_turnover": 1})
    job_settings.REGISTRY_JOB_ROWS = 1
    api = token_client(factories.CuratorFactory())
    body = {
        "cluster_type": "industrial",
        "measure": "annual_turnover",
        "threshold": 100_000_000,
        "authority": "Cluster Observatory India",
    }
    with django_capture_on_commit_callbacks(execute=True):
        assert api.post("/api/benchmarks/", body).status_code == 201
    assert Job.objects.get().kind == JobKind.RECLASSIFY
    run_worker()
    cluster.refresh_from_db()
    assert cluster.classification_status == "qualifies"
