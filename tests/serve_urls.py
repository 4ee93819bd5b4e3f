"""The site's URLs plus a slow stream, for the production-server tests only."""

import time

from django.http import StreamingHttpResponse
from django.urls import path

from config.urls import handler500
from config.urls import urlpatterns as site_urlpatterns

__all__ = ["handler500", "urlpatterns"]


def slow_stream(request):
    """Stream `seconds` lines, one a second, then "end": longer than the worker timeout."""
    seconds = int(request.GET.get("seconds", "5"))

    def lines():
        for number in range(seconds):
            yield f"line {number}\n"
            time.sleep(1)
        yield "end\n"

    return StreamingHttpResponse(lines(), content_type="text/plain")


urlpatterns = [path("_test/slow-stream", slow_stream), *site_urlpatterns]
