"""The language switcher: Django's `set_language`, reachable from cached public pages.

Anonymous pages are served from the shared page cache (common.page_cache), so a CSRF token
in their header would be another reader's. Choosing a language changes nothing but the
reader's own language cookie, so the switcher's POST needs no token: the view is Django's
own, exempt from the CSRF check. It remembers the choice in the language cookie (and the
session of a signed-in user) and goes back to the page the reader came from.
"""

from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

set_language = csrf_exempt(require_POST(django_set_language))
