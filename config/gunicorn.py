"""Gunicorn settings for the production server: `make serve` runs
`gunicorn --config config/gunicorn.py config.wsgi`.

Each setting can be changed from the environment (below) or with GUNICORN_CMD_ARGS.

Why gthread and not gunicorn's default sync worker: the sync worker proves it is alive only
between requests, so `timeout` is in effect a limit on the length of a request. A cluster
export streams its rows for as long as the list is long; a sync worker was killed by the
timeout after 30 s in the middle of one, and the client was left with a "200" and a file
cut off after 2,000 rows. A gthread worker's main loop proves it is alive every second
while its threads serve requests, so `timeout` only restarts a worker that is truly stuck
and a stream of any length finishes. Should a stream fail part-way all the same (the
database lost mid-export), gunicorn closes the connection without the final empty chunk,
so the client sees a broken transfer, never a complete-looking file.
"""

import multiprocessing
import os

# The WSGI application (also given on the command line by `make serve`).
wsgi_app = "config.wsgi:application"

# HOST=0.0.0.0 in a container; behind a reverse proxy on the same machine 127.0.0.1 is enough.
bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"

# Several processes (WEB_CONCURRENCY, the usual name on hosting platforms), each with a few
# threads. Django is thread-safe; each thread has its own database connection.
workers = int(os.environ.get("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count() + 1, 8)))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))

# A worker whose main loop has not reported for this many seconds is restarted. With gthread
# this does not limit how long a request or a streamed download may take (see above).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# On a restart or a new deployment (SIGHUP, SIGTERM) a worker stops taking requests and has
# this long to finish those in progress, long exports included, before it is stopped.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "120"))
# Kept-alive connections from the reverse proxy.
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
# No max_requests: recycling a worker after N requests would stop its streams too.

# Access and error log on the standard output and error, for the service manager.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")

# No control socket (gunicornc): its default is one fixed path per user, which a second
# server on the machine, a test run for instance, would take over from the first.
control_socket_disable = True


def post_worker_init(worker):
    """Move the loaded application's objects (Django, its apps, the URL and template
    machinery: some 80,000) out of the garbage collector's sight: they live as long as the
    worker, and each full collection traversed them all, a pause of 0.2-0.5 s on the 2-core
    machine that landed on whichever request was running (issue 11: the one slow request in
    five of /api/stakeholders/)."""
    import gc

    gc.freeze()
