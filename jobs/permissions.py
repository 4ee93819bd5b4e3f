"""Who may see a job: the user who asked for it, and curators (every job)."""

from common.permissions import CHANGE, VIEW, PermissionPolicy, is_curator

from .models import Job


class JobPolicy(PermissionPolicy):
    """A user sees and retries their own jobs; a curator all of them."""

    model = Job

    def user_has_permission(self, user, action):
        return user.is_authenticated

    def instances_user_has_permission_for(self, user, action):
        if not user.is_authenticated or action not in (VIEW, CHANGE):
            return Job.objects.none()
        if is_curator(user):
            return Job.objects.all()
        return Job.objects.filter(user=user)


job_policy = JobPolicy()
