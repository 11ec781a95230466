# Image of the web service (the portal's pages); build from the repository root:
#   docker build -f deploy/docker/web.Dockerfile -t housing-portal/web .
# Unlike the API services it also needs GOV.UK Frontend from npm and the compiled Welsh
# catalogue.
FROM node:20-slim AS assets
WORKDIR /src
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev --no-audit --no-fund


FROM python:3.11-slim AS build

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH

WORKDIR /src
COPY constraints.txt constraints.txt
COPY contracts contracts
COPY kit kit
COPY web web
# The catalogues (the portal's and the shared vocabulary's) are compiled into the packages
# before they are installed (make install does the same on a developer's machine); the .po
# files are kept up to date in the repository.
RUN pip install --constraint constraints.txt babel \
    && pybabel compile --directory contracts/src/contracts/translations --locale cy \
    && pybabel compile --directory web/src/web/translations --locale cy \
    && pip install --constraint constraints.txt ./contracts ./kit ./web


FROM python:3.11-slim

ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PROMETHEUS_MULTIPROC_DIR=/tmp/prometheus \
    WEB_CONCURRENCY=2 \
    WEB_ASSETS_DIR=/app/node_modules/govuk-frontend/dist/govuk

RUN groupadd --system --gid 10001 portal \
    && useradd --system --uid 10001 --gid portal --no-create-home \
       --home-dir /nonexistent --shell /usr/sbin/nologin portal

COPY --from=build /opt/venv /opt/venv
WORKDIR /app
COPY --from=assets /src/node_modules/govuk-frontend node_modules/govuk-frontend

USER 10001:10001
EXPOSE 8000

HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=6 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/readyz', timeout=3)"]

# The metrics folder is emptied on every start (see service.Dockerfile); exec keeps gunicorn
# as PID 1 so it receives SIGTERM and drains its workers.
CMD ["sh", "-c", "rm -rf \"$PROMETHEUS_MULTIPROC_DIR\" && mkdir -p \"$PROMETHEUS_MULTIPROC_DIR\" && exec gunicorn web.main:app -k kit.server.Worker --no-control-socket --keep-alive 30 -b 0.0.0.0:8000 -w \"${WEB_CONCURRENCY:-2}\""]
