# syntax=docker/dockerfile:1.7
#
# Thesis Supervisor bot image.
#   docker build -t thesis-supervisor .
#   docker run --env-file .env -p 8000:8000 thesis-supervisor            # python -m bot run
#   docker run --env-file .env thesis-supervisor python -m bot migrate --backup
#
# Base pinned by full version; bump deliberately (and rebuild for security updates).
ARG PYTHON_IMAGE=python:3.11.11-slim-bookworm
# Major version of pg_dump/psql. pg_dump refuses to dump a server newer than itself,
# so it must be >= the RDS/compose PostgreSQL major (16). Debian bookworm only ships 15,
# hence the PostgreSQL (PGDG) apt repository below.
ARG PG_MAJOR=16

############################
# builder: wheels for the project's runtime dependencies
############################
FROM ${PYTHON_IMAGE} AS builder

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1

# Compilers only live in this stage (for any dependency without a prebuilt wheel).
RUN apt-get update \
 && apt-get install -y --no-install-recommends build-essential \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /src
# Only the lock: the dependency layer is rebuilt when dependencies change, not on every
# code change. Runtime dependencies only (no test extras), exactly the versions CI tested,
# every file checked against its hash.
COPY requirements.lock ./
RUN pip wheel --require-hashes --wheel-dir /wheels -r requirements.lock

############################
# runtime: slim, non-root, no compilers
############################
FROM ${PYTHON_IMAGE} AS runtime
ARG PG_MAJOR

LABEL org.opencontainers.image.title="thesis-supervisor" \
      org.opencontainers.image.description="Telegram thesis submission and review bot" \
      org.opencontainers.image.licenses="proprietary"

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    LOG_FORMAT=json \
    HTTP_HOST=0.0.0.0 \
    HTTP_PORT=8000 \
    DATA_DIR=/app/data

# postgresql-client-${PG_MAJOR}: pg_dump/pg_restore/psql for `python -m bot backup|restore|migrate --backup`.
# apt accepts an ASCII-armoured key in signed-by, so no gnupg is needed.
# fonts-dejavu-core: receipts are PDFs with Cyrillic text (telegram/pdf.py).
RUN set -eux; \
    apt-get update; \
    apt-get install -y --no-install-recommends ca-certificates; \
    python -c "import urllib.request; urllib.request.urlretrieve('https://www.postgresql.org/media/keys/ACCC4CF8.asc', '/usr/share/keyrings/pgdg.asc')"; \
    echo "deb [signed-by=/usr/share/keyrings/pgdg.asc] https://apt.postgresql.org/pub/repos/apt bookworm-pgdg main" \
      > /etc/apt/sources.list.d/pgdg.list; \
    apt-get update; \
    apt-get install -y --no-install-recommends "postgresql-client-${PG_MAJOR}"; \
    apt-get install -y --no-install-recommends fonts-dejavu-core; \
    apt-get clean; \
    rm -rf /var/lib/apt/lists/*; \
    pg_dump --version

RUN groupadd --system --gid 10001 app \
 && useradd --system --uid 10001 --gid app --home-dir /app --shell /usr/sbin/nologin app

WORKDIR /app

# Install the prebuilt dependency wheels only (no network, no build tools needed here).
# The project itself runs from /app (PYTHONPATH) rather than site-packages, because
# `python -m bot migrate` finds alembic.ini and migrations/ next to the bot package.
RUN --mount=type=bind,from=builder,source=/wheels,target=/wheels \
    --mount=type=bind,from=builder,source=/src/requirements.lock,target=/tmp/requirements.lock \
    pip install --no-index --find-links=/wheels --require-hashes -r /tmp/requirements.lock

# The production packages only: the Bot API emulator (tgemu/), the sandbox, bench/ and tests/
# are development tools and never enter the image (infra/check_files.py checks these lines).
COPY --chown=root:root pyproject.toml alembic.ini ./
COPY --chown=root:root api/ api/
COPY --chown=root:root bot/ bot/
COPY --chown=root:root handlers/ handlers/
COPY --chown=root:root services/ services/
COPY --chown=root:root telegram/ telegram/
COPY --chown=root:root storage/ storage/
COPY --chown=root:root migrations/ migrations/
# The Mini App's static files, served by api/webapp.py from /app/webapp (next to api/).
COPY --chown=root:root webapp/index.html webapp/app.css webapp/app.js webapp/telegram.js webapp/
COPY --chown=root:root webapp/vendor/chart.umd.min.js webapp/vendor/chart.js.LICENSE.md webapp/vendor/kurkle-color.LICENSE.md webapp/vendor/
COPY --chown=root:root locales/ locales/
# The guide per role (Markdown and its screenshots), served by api/guide.py from /app/docs/guide.
COPY --chown=root:root docs/guide/ docs/guide/
ENV PYTHONPATH=/app
# Every catalog is read once here: a syntax error in a .ftl file fails the build.
RUN python -c "import bot.__main__, api, handlers, services, storage, telegram, migrations; from api.webapp import WebAppFiles; WebAppFiles(); from api.guide import GuideBook; assert len(GuideBook().pages) == 6; from telegram.texts import Texts, languages; [Texts(code) for code in languages()]"

RUN mkdir -p /app/data && chown -R app:app /app/data
USER 10001:10001

EXPOSE 8000

# Liveness only (/health). Readiness (/ready: DB, Redis, S3) is for the load balancer.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["python", "-c", "import os, sys, urllib.request; r = urllib.request.urlopen('http://127.0.0.1:%s/health' % os.environ.get('HTTP_PORT', '8000'), timeout=4); sys.exit(0 if r.status == 200 else 1)"]

# SIGTERM -> graceful shutdown within SHUTDOWN_TIMEOUT_SECONDS (25 s by default);
# the orchestrator must wait longer than that (ECS stopTimeout 60, k8s grace 45).
STOPSIGNAL SIGTERM
CMD ["python", "-m", "bot"]
