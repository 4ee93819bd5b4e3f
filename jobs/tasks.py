"""The background tasks (Django's tasks framework; run by `manage.py db_worker`)."""

from django.tasks import task


@task()
def run_job(job_id):
    """Run the job `job_id` (jobs.services.job_run): an upload, an export or a reclassification."""
    from .services import job_run

    job_run(job_id=job_id)
