"""Production serving: `make serve` (gunicorn), /healthz, 503 while the database is down, and
`manage.py check --deploy` with the settings of docs/deployment.md.

The server tests start the real `make serve` on a free port against the test database,
through a small TCP proxy that can be "unplugged" to cut the database off without touching
PostgreSQL itself.
"""

import contextlib
import gc
import http.client
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.db import OperationalError, connection, connections
from django.test import Client, RequestFactory
from django.urls import reverse

from common import health
from tests import factories

BASE_DIR = Path(__file__).resolve().parents[1]
# Pages that read the database (no data needed: empty lists are pages too). The sign-in form
# needs none and is still served during an outage; signing in is not (see below).
PAGES = ["/", "/clusters/", "/stakeholders/", "/stats/", "/relationships/"]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# The database cut off, in the test process ----------------------------------------------


@pytest.fixture
def database_down(db):
    """Return go_down(), which makes every new query fail as it does when PostgreSQL is
    stopped, and back(), which undoes it (done at the latest before the test's rollback)."""

    def refuse(*args, **kwargs):
        raise connection.Database.OperationalError(
            "server closed the connection unexpectedly (test: database down)"
        )

    wrapper = connections["default"]  # the real object behind the `connection` proxy

    def go_down():
        wrapper.create_cursor = refuse
        wrapper.get_new_connection = refuse

    def back():
        for name in ("create_cursor", "get_new_connection"):
            wrapper.__dict__.pop(name, None)

    go_down.back = back
    yield go_down
    back()


def test_healthz_is_200_with_no_store_and_no_session(client, db):
    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-store" in response["Cache-Control"]
    # The probe needs no session: no cookie set, no Vary: Cookie.
    assert not response.cookies
    assert "Cookie" not in response.get("Vary", "")


def test_healthz_is_not_redirected_to_https(client, db, settings):
    settings.SECURE_SSL_REDIRECT = True

    assert client.get("/healthz").status_code == 200
    assert client.get("/").status_code == 301


def test_pages_and_healthz_answer_503_while_the_database_is_down_then_200(client, database_down):
    editor = factories.UserFactory()
    signed_in = Client()
    signed_in.force_login(editor)
    database_down()

    health_response = client.get("/healthz")
    assert health_response.status_code == 503
    assert health_response.json()["status"] == "unavailable"
    assert "no-store" in health_response["Cache-Control"]
    for path in PAGES:
        response = client.get(path)
        assert response.status_code == 503, path
        assert response["Retry-After"] == str(health.RETRY_AFTER)
        assert "temporarily unavailable" in response.content.decode()
        assert "Content-Security-Policy" in response
    # A signed-in user's session lives in the database too, and so do the accounts.
    assert signed_in.get("/").status_code == 503
    signing_in = client.post(reverse("accounts:login"), {"username": "a", "password": "b"})
    assert signing_in.status_code == 503

    database_down.back()  # the database is back: no restart, no reset

    assert client.get("/healthz").status_code == 200
    for path in PAGES:
        assert client.get(path).status_code == 200, path
    assert signed_in.get("/").status_code == 200


@pytest.mark.parametrize(
    "url_name",
    ["clusters:cluster_export_csv", "clusters:cluster_export_json", "clusters:cluster_export_xlsx"],
)
# openpyxl leaves its row writer unclosed when the rows fail mid-sheet; harmless here.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_a_download_started_while_the_database_is_down_is_a_503_not_a_broken_200(
    client, database_down, url_name
):
    factories.ClusterFactory()
    database_down()

    response = client.get(reverse(url_name))

    assert response.status_code == 503
    assert not response.streaming
    gc.collect()  # openpyxl's abandoned writer, now, under this test's filterwarnings


def test_handler500_answers_503_for_a_lost_database_and_500_otherwise(db):
    request = RequestFactory().get("/")
    try:
        raise OperationalError("connection refused")
    except OperationalError:
        unavailable = health.server_error(request)
    try:
        raise ValueError("a bug")
    except ValueError:
        broken = health.server_error(request)

    assert unavailable.status_code == 503
    assert unavailable["Retry-After"] == str(health.RETRY_AFTER)
    assert b"temporarily unavailable" in unavailable.content
    assert broken.status_code == 500


def test_a_database_error_that_is_a_bug_stays_a_500():
    from django.db import ProgrammingError

    assert not health.is_database_unavailable(ProgrammingError("no such column"))
    assert health.is_database_unavailable(OperationalError("could not connect"))
    wrapped = RuntimeError("while rendering")
    wrapped.__cause__ = OperationalError("server closed the connection")
    assert health.is_database_unavailable(wrapped)


def test_the_503_page_is_rendered_without_the_database():
    # No `db` fixture: pytest-django fails any query made here.
    response = health.unavailable_response()

    assert response.status_code == 503
    assert b"temporarily unavailable" in response.content
    assert b'href="/static/css/error.css"' in response.content


# manage.py check --deploy ------------------------------------------------------------------

# The production environment of docs/deployment.md ("Steps on a new server").
DEPLOY_ENV = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "DJANGO_ALLOWED_HOSTS": "clusters.example.org",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://clusters.example.org",
    "DATABASE_URL": "postgres://registry:secret@db.example.org:5432/cluster_registry",
    "DJANGO_SECURE_PROXY_SSL_HEADER": "1",
    "DJANGO_SECURE_SSL_REDIRECT": "1",
    "DJANGO_SECURE_HSTS_SECONDS": "31536000",
    "DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS": "1",
    "DJANGO_SECURE_HSTS_PRELOAD": "1",
    "DJANGO_EMAIL_HOST": "smtp.example.org",
    "DJANGO_DEFAULT_FROM_EMAIL": "registry@example.org",
}


def test_check_deploy_reports_nothing_with_the_documented_production_settings():
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_URL"))
    }
    env.update(DEPLOY_ENV)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_every_setting_of_the_deploy_check_is_documented():
    docs = (BASE_DIR / "docs" / "deployment.md").read_text(encoding="utf-8")

    for name in DEPLOY_ENV:
        assert name in docs, name


# The real server: make serve -------------------------------------------------------------


class DatabaseProxy:
    """Forward a local port to PostgreSQL; `unplug()` refuses and cuts every connection."""

    def __init__(self, target):
        self.target = target
        self.port = free_port()
        self._listener = None
        self._sockets = set()
        self._lock = threading.Lock()

    def plug(self):
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        listener.settimeout(0.2)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def unplug(self):
        listener, self._listener = self._listener, None
        if listener is not None:
            listener.close()
        with self._lock:
            sockets, self._sockets = self._sockets, set()
        for sock in sockets:
            self._close(sock)

    def _accept(self, listener):
        while self._listener is listener:
            try:
                client, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            client.settimeout(None)
            upstream.settimeout(None)
            with self._lock:
                self._sockets.update((client, upstream))
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            self._close(source)
            self._close(sink)

    @staticmethod
    def _close(sock):
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
        sock.close()


def get(url, timeout=10):
    """Return (status, headers, body) of a GET, errors included."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


@pytest.fixture(scope="module")
def served(django_db_setup, tmp_path_factory):
    """Start `make serve` on a free port, on the test database through a DatabaseProxy."""
    settings = connection.settings_dict
    if connection.vendor != "postgresql":
        pytest.skip("make serve is tested on PostgreSQL (make test)")
    proxy = DatabaseProxy((settings["HOST"] or "127.0.0.1", int(settings["PORT"] or 5432)))
    proxy.plug()
    port = free_port()
    password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
    env = {key: value for key, value in os.environ.items() if not key.startswith("MAKE")}
    env.update(
        {
            "PORT": str(port),
            "HOST": "127.0.0.1",
            "DATABASE_URL": (
                f"postgres://{settings['USER']}{password}@127.0.0.1:{proxy.port}/{settings['NAME']}"
            ),
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_SETTINGS_MODULE": "tests.serve_settings",
            "DJANGO_STATIC_ROOT": str(tmp_path_factory.mktemp("staticfiles")),
            # Not the working tree's var/cache, which a developer's own `make serve` uses.
            "DJANGO_CACHE_BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "DJANGO_CACHE_LOCATION": str(tmp_path_factory.mktemp("cache")),
            "DJANGO_DB_CONNECT_TIMEOUT": "2",
            # Small, so that the slow stream lasts several worker timeouts.
            "GUNICORN_TIMEOUT": "2",
            "GUNICORN_GRACEFUL_TIMEOUT": "5",
            "WEB_CONCURRENCY": "2",
            "GUNICORN_THREADS": "2",
        }
    )
    log_path = tmp_path_factory.mktemp("serve") / "serve.log"
    log = log_path.open("wb")
    process = subprocess.Popen(
        ["make", "--no-print-directory", "serve"],
        cwd=BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            if process.poll() is not None:
                pytest.fail(f"make serve exited {process.returncode}:\n{log_path.read_text()}")
            try:
                if get(base + "/healthz", timeout=2)[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"make serve did not answer in 120 s:\n{log_path.read_text()}")
            time.sleep(0.5)
        yield base, proxy, log_path
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        log.close()
        proxy.unplug()


def test_make_serve_answers_pages_healthz_and_static_files(served):
    base, _, log_path = served

    status, headers, body = get(base + "/healthz")
    assert status == 200
    assert json.loads(body) == {"status": "ok", "database": "ok"}
    assert "no-store" in headers["Cache-Control"]
    for path in PAGES:
        status, headers, body = get(base + path)
        assert status == 200, path
        assert "Content-Security-Policy" in headers
    status, _, body = get(base + "/static/css/registry.css")
    assert status == 200 and body
    # The production server, not runserver, and not debugging.
    assert "gthread" in log_path.read_text()
    assert get(base + "/no-such-page/")[0] == 404


def test_a_stream_longer_than_the_worker_timeout_finishes(served):
    base, _, _ = served
    seconds = 6  # three times GUNICORN_TIMEOUT=2
    started = time.monotonic()
    connection_ = http.client.HTTPConnection("127.0.0.1", int(base.rsplit(":", 1)[1]), timeout=30)
    connection_.request("GET", f"/_test/slow-stream?seconds={seconds}")
    response = connection_.getresponse()
    # A stream cut short ends without its last chunk: read() raises IncompleteRead.
    body = response.read().decode()
    connection_.close()

    assert response.status == 200
    assert time.monotonic() - started >= seconds
    assert body.splitlines() == [f"line {n}" for n in range(seconds)] + ["end"]


def test_database_outage_answers_503_and_recovers_without_a_restart(served):
    base, proxy, _ = served
    for path in ["/healthz", *PAGES]:  # persistent connections in the workers' threads
        assert get(base + path)[0] == 200

    proxy.unplug()
    try:
        status, headers, body = get(base + "/healthz")
        assert status == 503
        assert json.loads(body)["status"] == "unavailable"
        assert "no-store" in headers["Cache-Control"]
        # A page the anonymous page cache kept before the outage is still served from it
        # (no write can make it stale while the database is down); any other is a 503.
        assert get(base + PAGES[0])[0] == 200
        for path in PAGES * 2:
            status, headers, body = get(base + path + "?not-cached=1")
            assert status == 503, path
            assert headers["Retry-After"] == str(health.RETRY_AFTER)
            assert b"temporarily unavailable" in body
    finally:
        proxy.plug()

    # Back at once: broken persistent connections are replaced (CONN_HEALTH_CHECKS).
    for path in ["/healthz", *PAGES] * 2:
        assert get(base + path)[0] == 200, path
