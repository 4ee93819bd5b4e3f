"""manage.py prune_jobs: remove the files of old checks and exports, keeping the jobs."""

from django.conf import settings
from django.core.management.base import BaseCommand

from jobs.services import jobs_prune


class Command(BaseCommand):
    help = (
        "Remove the stored files of checked uploads never confirmed (older than "
        "REGISTRY_JOB_CHECK_KEEP_HOURS) and of exports (older than "
        "REGISTRY_JOB_EXPORT_KEEP_DAYS); the jobs are kept, their pages say the file expired. "
        "Run it daily beside the workers."
    )

    def handle(self, *args, **options):
        removed = jobs_prune()
        for item in removed:
            if item.job is None:
                self.stdout.write(f"removed {item.path} (part of an unfinished export)")
            else:
                what = "check" if item.job.dry_run else "export"
                self.stdout.write(f"removed {item.path} ({what}, job {item.job.pk})")
        self.stdout.write(
            f"removed {len(removed)} file(s); checks are kept "
            f"{settings.REGISTRY_JOB_CHECK_KEEP_HOURS} h, exports "
            f"{settings.REGISTRY_JOB_EXPORT_KEEP_DAYS} days"
        )
