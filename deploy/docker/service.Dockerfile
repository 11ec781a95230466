# Image of one portal service, chosen by the SERVICE build argument; build from the repository
# root, e.g.:  docker build -f deploy/docker/service.Dockerfile --build-arg SERVICE=cases \
#                 -t housing-portal/cases .
FROM python:3.11-slim AS build
ARG SERVICE

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH

WORKDIR /src
COPY constraints.txt constraints.txt
COPY contracts contracts
COPY kit kit
COPY services/${SERVICE} services/${SERVICE}
# The shared vocabulary's Welsh catalogue, and the service's if it has one, are compiled into
# the packages before they are installed (make install does the same on a developer's
# machine). Regular (not editable) installs, so the runtime stage needs only the virtual
# environment.
RUN pip install --constraint constraints.txt babel \
    && pybabel compile --directory contracts/src/contracts/translations --locale cy \
    && for catalogue in services/${SERVICE}/src/*/translations; do \
         if [ -d "$catalogue" ]; then pybabel compile --directory "$catalogue" --locale cy; fi; \
       done \
    && pip install --constraint constraints.txt ./contracts ./kit ./services/${SERVICE}


FROM python:3.11-slim
ARG SERVICE

ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PROMETHEUS_MULTIPROC_DIR=/tmp/prometheus \
    WEB_CONCURRENCY=2 \
    SERVICE=${SERVICE}

RUN groupadd --system --gid 10001 portal \
    && useradd --system --uid 10001 --gid portal --no-create-home \
       --home-dir /nonexistent --shell /usr/sbin/nologin portal

COPY --from=build /opt/venv /opt/venv
WORKDIR /app
# The gateway seeds its authority registry from this file (GATEWAY_AUTHORITIES_SEED).
COPY deploy/authorities.yaml deploy/authorities.yaml

USER 10001:10001
EXPOSE 8000

HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=6 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/readyz', timeout=3)"]

# The metrics folder is emptied on every start: prometheus-client's multiprocess files from a
# previous run would otherwise be summed into the new one. exec keeps gunicorn as PID 1 so it
# receives SIGTERM and drains its workers. The gateway, given GATEWAY_OPERATIONS_PORT, also
# listens there: the only port its metrics are served on, never published.
CMD ["sh", "-c", "rm -rf \"$PROMETHEUS_MULTIPROC_DIR\" && mkdir -p \"$PROMETHEUS_MULTIPROC_DIR\" && exec gunicorn ${SERVICE}.main:app -k kit.server.Worker --no-control-socket --keep-alive 30 -b 0.0.0.0:8000 ${GATEWAY_OPERATIONS_PORT:+-b 0.0.0.0:$GATEWAY_OPERATIONS_PORT} -w \"${WEB_CONCURRENCY:-2}\""]
