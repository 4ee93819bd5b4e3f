from django.apps import AppConfig


class JobsConfig(AppConfig):
    """Background jobs: big uploads and reclassifications, run by `manage.py db_worker`."""

    name = "jobs"
