"""One OpenAPI document per authority: every service's API as the gateway exposes it."""

import asyncio
import hashlib
import html
import json
import re
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import aiohttp
from starlette.types import Receive, Scope, Send

from gateway.operators import is_operator_path
from gateway.registry.models import Authority
from gateway.registry.view import RegistryView
from gateway.routing import is_public
from kit import context, logs
from kit.errors import error_response

log = logs.get_logger("gateway.api_document")

OPENAPI_VERSION = "3.1.0"
GATEWAY = "gateway"
BEARER = "bearerAuth"
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
COMPONENT_REF = re.compile(r"^#/components/(?P<section>[^/]+)/(?P<name>[^/]+)$")
WHAT = frozenset({"openapi.json", "docs"})

Json = dict[str, Any]
ComponentKey = tuple[str, str]

# The standard error body, for the answers the gateway gives itself.
GATEWAY_ERROR = "GatewayErrorBody"
GATEWAY_ERROR_SCHEMA: Json = {
    "title": GATEWAY_ERROR,
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "details": {},
            },
        }
    },
}
RETRY_AFTER: Json = {
    "description": "Seconds to wait before trying again.",
    "schema": {"type": "integer", "minimum": 0},
}


@dataclass(frozen=True)
class DocumentRoute:
    """The route template the API document's requests are measured and logged under."""

    path: str


@dataclass(frozen=True)
class Sources:
    """The services' own documents as last fetched, and the services that did not answer."""

    documents: dict[str, Json]
    missing: tuple[str, ...]
    fingerprint: str
    fetched_at: float


@dataclass(frozen=True)
class Rendered:
    """One authority's merged document, as JSON and as the HTML reference page."""

    key: tuple[str, int]
    document: Json
    json: bytes
    html: bytes

    def etag(self, what: str) -> str:
        """A strong validator of one representation."""
        body = self.json if what == "openapi.json" else self.html
        return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


class ApiDocument:
    """Fetches each service's OpenAPI document and merges them, per authority, into one."""

    def __init__(
        self,
        pools: Mapping[str, Sequence[str]],
        *,
        own_api: Callable[[], Json],
        version: str,
        fetch_timeout: float = 2.0,
        ttl: float = 30.0,
        degraded_ttl: float = 5.0,
    ) -> None:
        self.pools = {service: [url.rstrip("/") for url in urls] for service, urls in pools.items()}
        self.own_api = own_api
        self.version = version
        self.fetch_timeout = fetch_timeout
        self.ttl = ttl
        # A document missing a service is fetched again sooner, so it heals quickly.
        self.degraded_ttl = degraded_ttl
        self._sources: Sources | None = None
        self._rendered: dict[str, Rendered] = {}
        self._lock = asyncio.Lock()

    async def for_authority(self, authority: Authority) -> Rendered:
        """The merged document for this authority, rebuilt only when a source changed."""
        sources = await self.sources()
        key = (sources.fingerprint, authority.revision)
        cached = self._rendered.get(authority.slug)
        if cached is not None and cached.key == key:
            return cached
        services = [s for s in sources.documents if s == GATEWAY or authority.serves(s)]
        missing = [s for s in sources.missing if authority.serves(s)]
        document = merge(
            {service: sources.documents[service] for service in services},
            slug=authority.slug,
            title=f"Housing Portal API: {authority.name}",
            version=self.version,
            missing=missing,
        )
        rendered = Rendered(
            key=key,
            document=document,
            json=json.dumps(document, ensure_ascii=False).encode(),
            html=render_html(document).encode(),
        )
        self._rendered[authority.slug] = rendered
        return rendered

    async def sources(self) -> Sources:
        """The services' documents, fetched again once the cached ones are too old."""
        if self._fresh(self._sources):
            assert self._sources is not None
            return self._sources
        async with self._lock:
            # Another request may have fetched them while this one waited for the lock.
            if self._fresh(self._sources):
                assert self._sources is not None
                return self._sources
            self._sources = await self._fetch_all()
            return self._sources

    def _fresh(self, sources: Sources | None) -> bool:
        if sources is None:
            return False
        ttl = self.degraded_ttl if sources.missing else self.ttl
        return time.monotonic() - sources.fetched_at < ttl

    async def _fetch_all(self) -> Sources:
        timeout = aiohttp.ClientTimeout(total=self.fetch_timeout)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            fetched = await asyncio.gather(
                *(self._fetch(session, service, urls) for service, urls in self.pools.items())
            )
        documents = {
            service: document
            for service, document in zip(self.pools, fetched, strict=True)
            if document is not None
        }
        documents[GATEWAY] = self.own_api()
        missing = tuple(s for s, d in zip(self.pools, fetched, strict=True) if d is None)
        digest = hashlib.sha256()
        for service, document in documents.items():
            digest.update(service.encode())
            digest.update(json.dumps(document, sort_keys=True).encode())
        digest.update(repr(missing).encode())
        return Sources(documents, missing, digest.hexdigest(), time.monotonic())

    async def _fetch(
        self, session: aiohttp.ClientSession, service: str, urls: Sequence[str]
    ) -> Json | None:
        """One service's document from the first member of its pool that answers."""
        for url in urls:
            try:
                async with session.get(f"{url}/openapi.json") as response:
                    if response.status != 200:
                        raise ValueError(f"status {response.status}")
                    document = await response.json(content_type=None)
                if not (
                    isinstance(document, dict)
                    and isinstance(document.get("paths"), dict)
                    and all(isinstance(item, dict) for item in document["paths"].values())
                    and isinstance(document.get("components", {}), dict)
                ):
                    raise ValueError("not an OpenAPI document")
                return document
            except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
                log.warning(
                    "service API document unavailable",
                    extra={"service": service, "upstream": url, "reason": repr(exc)},
                )
        return None


def merge(
    sources: Mapping[str, Json],
    *,
    slug: str,
    title: str,
    version: str,
    missing: Sequence[str] = (),
) -> Json:
    """Merge each service's document into one, with paths as the gateway exposes them."""
    names = _component_names(sources)
    components: dict[str, Json] = {}
    for service, document in sources.items():
        for section, entries in (document.get("components") or {}).items():
            if section == "securitySchemes" or not isinstance(entries, dict):
                continue  # the gateway's own scheme replaces each service's
            merged = components.setdefault(section, {})
            for name, definition in entries.items():
                merged[names[service][(section, name)]] = _rewrite(definition, names[service])
    components.setdefault("schemas", {})[GATEWAY_ERROR] = GATEWAY_ERROR_SCHEMA
    components["securitySchemes"] = {
        BEARER: {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "JWT",
            "description": "An access token from identity's sign-in, issued for this authority.",
        }
    }
    paths: Json = {}
    operation_ids: set[str] = set()
    for service, document in sources.items():
        for path, item in (document.get("paths") or {}).items():
            if is_operator_path(path) or not isinstance(item, dict):
                continue
            exposed: Json = {}
            for key, value in item.items():
                if key in METHODS and isinstance(value, dict):
                    exposed[key] = _operation(
                        value,
                        service=service,
                        method=key,
                        path=path,
                        names=names[service],
                        taken=operation_ids,
                    )
                else:
                    exposed[key] = _rewrite(value, names[service])
            paths[f"/{slug}/api/{service}{path}"] = exposed
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": title,
            "version": version,
            "description": _description(slug, services=list(sources), missing=missing),
        },
        "tags": [
            {"name": service, "description": _tag_description(service, document)}
            for service, document in sources.items()
        ],
        "paths": paths,
        "components": components,
    }


def _description(slug: str, *, services: Sequence[str], missing: Sequence[str]) -> str:
    text = (
        f"Every path is written for this authority: `/{slug}/api/{{service}}/...` reaches the "
        "service of that name through the gateway, and on the authority's own host name "
        "`/api/{service}/...` does the same. Operations marked with bearerAuth need an access "
        "token issued for this authority.\n\n"
        f"Services: {', '.join(services)}."
    )
    if missing:
        text += (
            f"\n\nNot listed because they did not answer just now: {', '.join(missing)}. "
            "Their operations still exist; reload this document in a moment."
        )
    return text


def _tag_description(service: str, document: Json) -> str:
    info = document.get("info") or {}
    described = str(info.get("description") or info.get("title") or "")
    return described or f"The {service} service."


def _operation(
    operation: Json,
    *,
    service: str,
    method: str,
    path: str,
    names: Mapping[ComponentKey, str],
    taken: set[str],
) -> Json:
    """A service's operation as the gateway exposes it: own tag, unique id, its security."""
    exposed: Json = _rewrite(operation, names)
    exposed["tags"] = [service]
    base = f"{service}_{operation.get('operationId') or _derived_id(method, path)}"
    operation_id, number = base, 1
    while operation_id in taken:
        number += 1
        operation_id = f"{base}_{number}"
    taken.add(operation_id)
    exposed["operationId"] = operation_id
    exposed.pop("security", None)
    secured = not is_public(service, method.upper(), path)
    if secured:
        exposed["security"] = [{BEARER: []}]
    answers = exposed.setdefault("responses", {})
    for status, description in _gateway_answers(
        secured=secured, has_body="requestBody" in exposed
    ).items():
        if status not in answers:
            answer: Json = {
                "description": description,
                "content": {
                    "application/json": {
                        "schema": {"$ref": f"#/components/schemas/{GATEWAY_ERROR}"}
                    }
                },
            }
            answers[status] = answer
    # However the service describes its own 429, the gateway's comes with Retry-After too.
    answers["429"].setdefault("headers", {}).setdefault("Retry-After", RETRY_AFTER)
    return exposed


def _gateway_answers(*, secured: bool, has_body: bool) -> dict[str, str]:
    """What the gateway itself may answer for an operation, and why."""
    answers = {
        "429": "Too many requests from this address or person: wait, then try again",
        "503": "The portal is starting or the service is unavailable: try again shortly",
        "504": "The service took too long to answer",
    }
    if secured:
        answers["401"] = "Not signed in, or the access token is not valid here"
        answers["403"] = "Access to this authority is restricted or the account inactive"
    if has_body:
        answers["413"] = "The body is larger than this authority accepts"
    return answers


def _derived_id(method: str, path: str) -> str:
    words = re.sub(r"[^A-Za-z0-9]+", "_", path).strip("_")
    return f"{method}_{words}" if words else method


def _component_names(sources: Mapping[str, Json]) -> dict[str, dict[ComponentKey, str]]:
    """Each service's component names in the merged document.

    A name that services define differently is prefixed with the service, in every service
    that has it; so is a shared definition that refers to such a name, since it then means
    something different in each service.
    """
    definitions: dict[ComponentKey, dict[str, Any]] = {}
    for service, document in sources.items():
        for section, entries in (document.get("components") or {}).items():
            if section == "securitySchemes" or not isinstance(entries, dict):
                continue
            for name, definition in entries.items():
                definitions.setdefault((section, name), {})[service] = definition
    split = {
        key
        for key, by_service in definitions.items()
        if len({json.dumps(d, sort_keys=True) for d in by_service.values()}) > 1
    }
    grown = True
    while grown:
        grown = False
        for key, by_service in definitions.items():
            if key in split or len(by_service) < 2:
                continue
            if _references(next(iter(by_service.values()))) & split:
                split.add(key)
                grown = True
    used = {key for key in definitions if key not in split}
    names: dict[str, dict[ComponentKey, str]] = {service: {} for service in sources}
    for (section, name), by_service in definitions.items():
        for service in by_service:
            new = name
            if (section, name) in split:
                new = f"{service}_{name}"
                while (section, new) in used:
                    new += "_"
                used.add((section, new))
            names[service][(section, name)] = new
    return names


def _references(node: Any) -> set[ComponentKey]:
    """Every component a part of a document refers to."""
    found: set[ComponentKey] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                match = COMPONENT_REF.match(value)
                if match is not None:
                    found.add((match["section"], match["name"]))
            elif key == "discriminator" and isinstance(value, dict):
                for target in (value.get("mapping") or {}).values():
                    found |= _references({"$ref": target})
            else:
                found |= _references(value)
    elif isinstance(node, list):
        for item in node:
            found |= _references(item)
    return found


def _rewrite(node: Any, names: Mapping[ComponentKey, str]) -> Any:
    """A copy of part of a service's document with its component references renamed."""
    if isinstance(node, dict):
        copy: Json = {}
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                copy[key] = _renamed_ref(value, names)
            elif (
                key == "discriminator"
                and isinstance(value, dict)
                and isinstance(value.get("mapping"), dict)
            ):
                mapping = {
                    k: _renamed_ref(v, names) if isinstance(v, str) else v
                    for k, v in value["mapping"].items()
                }
                copy[key] = {**value, "mapping": mapping}
            else:
                copy[key] = _rewrite(value, names)
        return copy
    if isinstance(node, list):
        return [_rewrite(item, names) for item in node]
    return node


def _renamed_ref(ref: str, names: Mapping[ComponentKey, str]) -> str:
    match = COMPONENT_REF.match(ref)
    if match is None:
        return ref
    section, name = match["section"], match["name"]
    return f"#/components/{section}/{names.get((section, name), name)}"


STYLE = """
body{font:15px/1.5 system-ui,sans-serif;margin:0;color:#1b1b1b;background:#fff}
header,main,nav{max-width:72rem;margin:0 auto;padding:0 1rem}
header{padding-top:1rem}h1{font-size:1.6rem}h2{border-bottom:2px solid #1d70b8;margin-top:2rem}
table{border-collapse:collapse;width:100%}th,td{text-align:left;vertical-align:top;
padding:.35rem .5rem;border-bottom:1px solid #ddd}code{font-size:.9em}
.method{font-weight:700;text-transform:uppercase;font-family:monospace}
.public{color:#00703c}.token{color:#6f2c00}ul.responses{margin:0;padding-left:1rem}
"""


def render_html(document: Json) -> str:
    """A readable, self-contained reference page of a merged document."""
    info = document.get("info") or {}
    title = str(info.get("title") or "API")
    groups: dict[str, list[str]] = {str(tag["name"]): [] for tag in document.get("tags") or []}
    for path, item in (document.get("paths") or {}).items():
        for method in METHODS:
            operation = item.get(method)
            if isinstance(operation, dict):
                for tag in operation.get("tags") or ["other"]:
                    groups.setdefault(str(tag), []).append(_row(document, method, path, operation))
    descriptions = {
        str(t["name"]): str(t.get("description", "")) for t in document.get("tags") or []
    }
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}</title><style>{STYLE}</style></head><body>",
        f"<header><h1>{_e(title)}</h1>",
        *(f"<p>{_e(paragraph)}</p>" for paragraph in _paragraphs(info.get("description"))),
        '<p><a href="openapi.json">The OpenAPI document (JSON)</a></p></header>',
        "<nav><ul>",
        *(
            f'<li><a href="#tag-{_e(tag)}">{_e(tag)}</a> ({len(rows)})</li>'
            for tag, rows in groups.items()
        ),
        "</ul></nav><main>",
    ]
    for tag, rows in groups.items():
        parts += [
            f'<section id="tag-{_e(tag)}"><h2>{_e(tag)}</h2>',
            f"<p>{_e(descriptions.get(tag, ''))}</p>",
            "<table><thead><tr><th>Method</th><th>Path</th><th>Summary</th><th>Access</th>"
            "<th>Request</th><th>Responses</th></tr></thead><tbody>",
            *rows,
            "</tbody></table></section>",
        ]
    parts.append("</main></body></html>")
    return "\n".join(parts)


def _row(document: Json, method: str, path: str, operation: Json) -> str:
    summary = str(operation.get("summary") or operation.get("operationId") or "")
    access = (
        '<span class="token">token</span>'
        if operation.get("security")
        else '<span class="public">public</span>'
    )
    body = _resolve(document, operation.get("requestBody"))
    request = ", ".join(_content_labels(body)) if body else ""
    responses = [
        f"<li><code>{_e(status)}</code> {_e(', '.join(_content_labels(answer)) or '-')}</li>"
        for status, answer in (operation.get("responses") or {}).items()
        for answer in [_resolve(document, answer)]
    ]
    return (
        f'<tr><td class="method">{_e(method)}</td><td><code>{_e(path)}</code></td>'
        f"<td>{_e(summary)}</td><td>{access}</td><td>{_e(request)}</td>"
        f'<td><ul class="responses">{"".join(responses)}</ul></td></tr>'
    )


def _resolve(document: Json, node: Any) -> Json:
    """A request body or response, following one reference to the components."""
    if isinstance(node, dict) and isinstance(node.get("$ref"), str):
        match = COMPONENT_REF.match(node["$ref"])
        if match is not None:
            found = (document.get("components") or {}).get(match["section"], {})
            resolved = found.get(match["name"])
            return resolved if isinstance(resolved, dict) else {}
    return node if isinstance(node, dict) else {}


def _content_labels(carrier: Json) -> list[str]:
    return [
        _schema_label(media.get("schema"))
        for media in (carrier.get("content") or {}).values()
        if isinstance(media, dict)
    ]


def _schema_label(schema: Any) -> str:
    """A short name for a schema: its component name, or its shape."""
    if not isinstance(schema, dict):
        return "any"
    ref = schema.get("$ref")
    if isinstance(ref, str):
        return ref.rsplit("/", 1)[-1]
    for combined in ("anyOf", "oneOf", "allOf"):
        if isinstance(schema.get(combined), list):
            return " | ".join(_schema_label(part) for part in schema[combined])
    if schema.get("type") == "array":
        return f"array of {_schema_label(schema.get('items'))}"
    return str(schema.get("title") or schema.get("type") or "any")


def _paragraphs(text: Any) -> Iterable[str]:
    return [part.strip() for part in str(text or "").split("\n\n") if part.strip()]


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


async def serve(
    scope: Scope,
    receive: Receive,
    send: Send,
    *,
    slug: str,
    what: str,
    document: ApiDocument,
    registry: RegistryView,
) -> None:
    """Answer `/{authority}/api/openapi.json` (the merged document) or `/docs` (its page)."""
    scope["route"] = DocumentRoute(f"/{{authority}}/api/{what if what in WHAT else 'unknown'}")
    headers = dict(scope["headers"])
    request_id = context.request_id.get() or context.accept_request_id(
        headers.get(b"x-request-id", b"").decode("latin-1") or None
    )
    own = {"X-Request-ID": request_id}

    async def fail(
        status: int, code: str, message: str, extra: dict[str, str] | None = None
    ) -> None:
        response = error_response(status, code, message, headers={**own, **(extra or {})})
        await response(scope, receive, send)

    if what not in WHAT:
        await fail(404, "not_found", "Not found.")
        return
    method: str = scope["method"]
    if method not in ("GET", "HEAD"):
        await fail(
            405, "method_not_allowed", "This address only answers GET.", {"Allow": "GET, HEAD"}
        )
        return
    if not registry.loaded.is_set():
        message = "The portal is starting; try again in a moment."
        await fail(503, "starting", message, {"Retry-After": "2"})
        return
    authority = registry.get(slug)
    if authority is None or authority.status != "active":
        await fail(404, "authority_not_found", "There is no housing service at this address.")
        return
    rendered = await document.for_authority(authority)
    etag = rendered.etag(what)
    body, content_type = (
        (rendered.json, b"application/json")
        if what == "openapi.json"
        else (rendered.html, b"text/html; charset=utf-8")
    )
    response_headers = [
        (b"etag", etag.encode()),
        (b"cache-control", b"no-cache"),
        (b"x-request-id", request_id.encode()),
    ]
    matches = [
        tag.strip() for tag in headers.get(b"if-none-match", b"").decode("latin-1").split(",")
    ]
    if etag in matches or "*" in matches:
        await send({"type": "http.response.start", "status": 304, "headers": response_headers})
        await send({"type": "http.response.body", "body": b""})
        return
    response_headers += [
        (b"content-type", content_type),
        (b"content-length", str(len(body)).encode()),
    ]
    await send({"type": "http.response.start", "status": 200, "headers": response_headers})
    await send({"type": "http.response.body", "body": b"" if method == "HEAD" else body})
