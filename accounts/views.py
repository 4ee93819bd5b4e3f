"""Sign-in (rate-limited by django-axes), the password pages and the user's profile.

The pages are django.contrib.auth's views with our templates; the sign-in view also turns
a django-axes lock-out (of an account, or of an address: accounts/lockout.py) into our own
page that says how long to wait, and password reset requests are limited (throttle.py).
"""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.template.response import TemplateResponse
from django.urls import reverse_lazy
from django.views.generic import TemplateView

from . import auth_log, throttle
from .lockout import ADDRESS, address_failure_limit, client_ip
from .roles import account_role


def cool_off_minutes():
    """Return how many minutes a locked-out account waits (AXES_COOLOFF_TIME), or None."""
    cool_off = getattr(settings, "AXES_COOLOFF_TIME", None)
    if cool_off is None:
        return None
    if callable(cool_off) or isinstance(cool_off, str):
        # A callable or dotted path computes it per request; say "a while" rather than guess.
        return None
    if isinstance(cool_off, int | float):
        return max(1, round(cool_off * 60))
    return max(1, round(cool_off.total_seconds() / 60))


class SignInView(auth_views.LoginView):
    """The sign-in form; a locked-out account gets a clear page instead (HTTP 429)."""

    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        # django-axes flags the request when this attempt reached, or ran into, the limit;
        # its middleware would then answer with a plain-text message. Answer with our page,
        # and clear the flag so that the middleware leaves our answer alone.
        if getattr(request, "axes_locked_out", False):
            request.axes_locked_out = False
            by_address = getattr(request, "registry_lockout", None) == ADDRESS
            return TemplateResponse(
                request,
                "registration/locked_out.html",
                {
                    "by_address": by_address,
                    "failure_limit": address_failure_limit()
                    if by_address
                    else getattr(settings, "AXES_FAILURE_LIMIT", 5),
                    "cool_off_minutes": cool_off_minutes(),
                },
                status=429,
            )
        return response


class SignOutView(auth_views.LogoutView):
    """Sign out (POST only, as Django requires) and return to the home page."""

    next_page = "/"


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "registration/change_password.html"
    success_url = reverse_lazy("accounts:password_change_done")


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "registration/change_password_done.html"


class PasswordResetView(auth_views.PasswordResetView):
    """Ask for a reset link: at most REGISTRY_PASSWORD_RESET_PER_EMAIL mails to an address
    and REGISTRY_PASSWORD_RESET_PER_IP requests from a client address an hour; beyond, a
    429 page and no mail (counted whether or not the address has an account, so the answer
    tells nothing about accounts)."""

    template_name = "registration/reset_password.html"
    email_template_name = "registration/reset_password_email.txt"
    subject_template_name = "registration/reset_password_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def post(self, request, *args, **kwargs):
        address = client_ip(request)
        if not throttle.hit("reset-ip", address, limit=settings.REGISTRY_PASSWORD_RESET_PER_IP):
            return self.too_many("address")
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        email = form.cleaned_data["email"].strip().lower()
        limit = settings.REGISTRY_PASSWORD_RESET_PER_EMAIL
        if not throttle.hit("reset-email", email, limit=limit):
            return self.too_many("e-mail")
        return super().form_valid(form)

    def too_many(self, scope):
        """Answer 429 (Too Many Requests) with our page; log it without the e-mail address."""
        auth_log.logger.warning(
            "password reset throttled per %s address=%s",
            scope,
            auth_log.client_address(self.request),
        )
        response = TemplateResponse(
            self.request, "registration/reset_password_throttled.html", status=429
        )
        response["Retry-After"] = str(throttle.HOUR)
        return response


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "registration/reset_password_sent.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "registration/reset_password_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "registration/reset_password_complete.html"


class ProfileView(LoginRequiredMixin, TemplateView):
    """The signed-in user's username, agency and role, with links to what they may do."""

    template_name = "registration/profile.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["role"] = account_role(self.request.user)
        return context
