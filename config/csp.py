"""The Content-Security-Policy of the pages whose markup comes from Django REST framework.

Every page gets SECURE_CSP (config/settings.py): scripts and styles from this site only, plus
the per-request nonce that the Swagger UI and Redoc templates give their inline script. Two
third-party pages need more for their styles, and only for styles:

- the browsable API (/api/...) writes `style="..."` attributes and an inline <style> of code
  colours in DRF's own templates;
- Redoc (/api/redoc/) sets style attributes from its script and runs its search in a worker
  made from a `blob:` URL.

Their HTML responses therefore get style-src 'self' 'unsafe-inline' (without the nonce: a
nonce in the list would make browsers ignore 'unsafe-inline') and worker-src 'self' blob:.
script-src stays as strict as everywhere else. Our own templates and DRF's JSON answers are
untouched.
"""

from django.conf import settings
from django.utils.csp import CSP
from rest_framework.renderers import BrowsableAPIRenderer, TemplateHTMLRenderer


def third_party_page_csp():
    """Return SECURE_CSP with the styles and workers that DRF's and Redoc's pages need."""
    return {
        **settings.SECURE_CSP,
        "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
        "worker-src": [CSP.SELF, "blob:"],
    }


class ThirdPartyPagesCSPMiddleware:
    """Give DRF's HTML pages third_party_page_csp(); must sit below the CSP middleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        renderer = getattr(response, "accepted_renderer", None)
        if isinstance(renderer, (BrowsableAPIRenderer, TemplateHTMLRenderer)) and not hasattr(
            response, "_csp_config"
        ):
            # The attribute django.views.decorators.csp.csp_override sets; a view's own
            # override wins.
            response._csp_config = third_party_page_csp()
        return response
