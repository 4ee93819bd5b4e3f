"""Sign-in, sign-out, passwords and the user's profile."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        # Logging who signs in and out is the one cross-cutting concern we hang on signals:
        # the admin, the site and the API all sign in through django.contrib.auth.
        from django.contrib.auth import signals

        from . import auth_log

        signals.user_logged_in.connect(auth_log.log_login, dispatch_uid="registry.auth.login")
        signals.user_logged_out.connect(auth_log.log_logout, dispatch_uid="registry.auth.logout")
        signals.user_login_failed.connect(
            auth_log.log_login_failed, dispatch_uid="registry.auth.login_failed"
        )
