# Cluster Registry: `make run` serves the app with demo data; `make test` runs every check
# (against a throwaway PostgreSQL and Redis: scripts/with-postgres, scripts/with-redis).
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PORT ?= 8000

.PHONY: run serve test lint format bench bench-scale fuzz clean

$(STAMP): requirements.txt .python-version
	@test -x $(PY) || $$(scripts/find-python) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $(STAMP)

# A background worker (big uploads, reclassification: docs/deployment.md "Background jobs")
# runs beside the development server, on the same SQLite file, and stops with it.
run: $(STAMP)
	$(PY) manage.py migrate --noinput
	PORT=$(PORT) $(PY) manage.py load_demo
	@$(PY) manage.py db_worker --no-reload --verbosity 0 & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	  $(PY) manage.py runserver 127.0.0.1:$(PORT)

# The production server: gunicorn (config/gunicorn.py) with DJANGO_DEBUG=0 on DATABASE_URL,
# after migrating and collecting the static files; see docs/deployment.md for the settings.
# Its workers share a file cache in var/cache unless DJANGO_CACHE_BACKEND names another or
# DJANGO_CACHE_LOCATION is a Redis URL (several servers): a per-process memory cache would
# keep serving a network's old measures in other workers.
serve: $(STAMP)
	@test -n "$$DJANGO_SECRET_KEY" || { echo 'make serve: set DJANGO_SECRET_KEY, a long random string kept secret (e.g. python3 -c "import secrets; print(secrets.token_urlsafe(50))"); see docs/deployment.md' >&2; exit 2; }
	@test -n "$$DATABASE_URL" || echo 'make serve: DATABASE_URL is not set: serving the SQLite file db.sqlite3' >&2
	DJANGO_DEBUG=0 $(PY) manage.py migrate --noinput
	DJANGO_DEBUG=0 $(PY) manage.py collectstatic --noinput
	case "$$DJANGO_CACHE_BACKEND,$$DJANGO_CACHE_LOCATION" in ,redis://* | ,rediss://* | ,unix://*) ;; \
	  ,*) export DJANGO_CACHE_BACKEND=django.core.cache.backends.filebased.FileBasedCache \
	        DJANGO_CACHE_LOCATION="$(CURDIR)/var/cache" ;; esac; \
	exec env DJANGO_DEBUG=0 DJANGO_CONN_MAX_AGE=$${DJANGO_CONN_MAX_AGE:-60} PORT=$(PORT) \
	  $(VENV)/bin/gunicorn --config config/gunicorn.py config.wsgi:application

test: $(STAMP)
	scripts/ensure-chromium
	scripts/ensure-gettext
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	scripts/with-postgres scripts/with-redis sh -c '$(PY) manage.py makemigrations --check --dry-run && $(VENV)/bin/pytest $(PYTEST_ARGS)'

lint: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: $(STAMP)
	scripts/with-postgres $(PY) -m bench

# National scale (issue 11): 10k clusters / 1M stakeholders / 5M relationships generated into a
# throwaway PostgreSQL, then every public page, export, import and throughput measured
# (bench/scale_bench.py; SCALE_CLUSTERS, SCALE_STAKEHOLDERS, SCALE_RELATIONSHIPS... for less).
# The server is sized as a national registry's would be (shared_buffers a quarter of memory).
BENCH_PG_OPTIONS ?= -c shared_buffers=2GB -c work_mem=64MB -c maintenance_work_mem=1GB -c effective_cache_size=12GB
bench-scale: $(STAMP)
	scripts/ensure-wrk
	PG_EXTRA_OPTIONS="$(BENCH_PG_OPTIONS)" scripts/with-postgres $(PY) bench/scale_bench.py

# schemathesis with every check against the API served with the demo data on a throwaway
# PostgreSQL, anonymously, as an editor and as a curator (scripts/fuzz-api, schemathesis.toml);
# FUZZ_EXAMPLES (default 100) cases per operation. `make test` runs a quicker in-process pass.
fuzz: $(STAMP)
	scripts/fuzz-api

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
