"""Helpers for the tests of several processes on one database and one Redis: other Django
processes (a shell, app servers, later a worker) started against the test database."""

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

BASE_DIR = Path(__file__).resolve().parents[1]


def free_port():
    """Return a TCP port on loopback that nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def redis_url():
    """Return the Redis of `make test` (scripts/with-redis), or skip the test without one."""
    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.skip("REDIS_URL is not set: run under scripts/with-redis (make test does)")
    return url


def redis_caches(url):
    """Return a CACHES setting on the Redis at `url`, as DJANGO_CACHE_LOCATION=url sets."""
    return {
        "default": {
            "BACKEND": "common.cache.RegistryRedisCache",
            "LOCATION": url,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }


def test_database_url():
    """Return a DATABASE_URL naming the test database (pytest-django's test_<name>)."""
    settings = connection.settings_dict
    if connection.vendor != "postgresql":
        pytest.skip("several processes share PostgreSQL only (make test)")
    password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
    host = settings["HOST"] or "127.0.0.1"
    port = settings["PORT"] or 5432
    return f"postgres://{settings['USER']}{password}@{host}:{port}/{settings['NAME']}"


# Not a test, for pytest: it is a helper named like the settings it returns.
test_database_url.__test__ = False


def process_env(**extra):
    """Return the environment of another process of the site on the test database and the
    Redis cache: no make variables, no replica, `extra` on top."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("MAKE", "DJANGO_", "DATABASE_", "PUBLIC_PAGE_CACHE"))
    }
    env.update(
        {
            "DATABASE_URL": test_database_url(),
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DJANGO_CACHE_LOCATION": redis_url(),
        }
    )
    env.update(extra)
    return env


def run_in_other_process(code, **extra_env):
    """Run Python `code` in a new Django process (`manage.py shell -c`) on the test database
    and Redis; return its standard output, failing the test if it fails."""
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=BASE_DIR,
        env=process_env(**extra_env),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


# Several servers on one database and one Redis ------------------------------------------------


class Topology:
    """App servers and other processes of the site (a worker, later) on loopback, sharing the
    test database and one Redis, as in production (docs/deployment.md). Each process's output
    goes to a log file in `log_dir`, shown when it fails to start."""

    def __init__(self, log_dir, **env):
        self.log_dir = Path(log_dir)
        self.env = process_env(
            DJANGO_DEBUG="0",
            DJANGO_SECRET_KEY="topology-test-" + "k" * 50,
            DJANGO_ALLOWED_HOSTS="127.0.0.1",
            # Plain HTTP on loopback: the session cookie must come back without TLS.
            DJANGO_SECURE_COOKIES="0",
            PUBLIC_PAGE_CACHE_SECONDS="600",
            **env,
        )
        self.servers = {}
        self._processes = []

    def start_server(self, name, *, workers=2, threads=2, make_serve=False):
        """Start gunicorn (config/gunicorn.py) as server `name` on a free port, or with
        `make_serve` the whole `make serve` (migrate, collectstatic, gunicorn); return its
        base URL once /healthz answers 200."""
        port = free_port()
        env = dict(
            self.env,
            PORT=str(port),
            HOST="127.0.0.1",
            WEB_CONCURRENCY=str(workers),
            GUNICORN_THREADS=str(threads),
            DJANGO_STATIC_ROOT=str(self.log_dir / f"{name}-static"),
        )
        gunicorn = Path(sys.executable).with_name("gunicorn")
        command = [str(gunicorn), "--config", "config/gunicorn.py", "config.wsgi:application"]
        if make_serve:
            command = ["make", "--no-print-directory", "serve"]
        log = self._start(name, command, env)
        base = f"http://127.0.0.1:{port}"
        self._wait_until_healthy(name, base, log)
        self.servers[name] = base
        return base

    def start_manage(self, name, *args):
        """Start `manage.py ARGS` (e.g. "db_worker") as process `name`; return the Popen."""
        self._start(name, [sys.executable, "manage.py", *args], self.env)
        return self._processes[-1][1]

    def _start(self, name, command, env):
        log_path = self.log_dir / f"{name}.log"
        log = log_path.open("wb")
        process = subprocess.Popen(
            command,
            cwd=BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self._processes.append((name, process, log))
        return log_path

    def _wait_until_healthy(self, name, base, log_path):
        import time
        import urllib.request

        process = self._processes[-1][1]
        deadline = time.monotonic() + 120
        while True:
            if process.poll() is not None:
                pytest.fail(f"server {name} exited {process.returncode}:\n{log_path.read_text()}")
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"server {name} did not answer in 120 s:\n{log_path.read_text()}")
            time.sleep(0.3)

    def stop(self, name=None, sig=None):
        """Stop process `name` (every process when None), with SIGTERM or `sig`."""
        import signal

        for entry in list(self._processes):
            process_name, process, log = entry
            if name is not None and process_name != name:
                continue
            if process.poll() is None:
                os.killpg(process.pid, sig or signal.SIGTERM)
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()
            log.close()
            self._processes.remove(entry)
            self.servers.pop(process_name, None)
