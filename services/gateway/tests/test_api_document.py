"""One OpenAPI document per authority, merged from every service, and its reference page."""

import asyncio
import copy
import json
import socket
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from openapi_spec_validator import OpenAPIV31SpecValidator, validate
from tests.support.polling import status_reached

from gateway.api_document import METHODS, ApiDocument, merge
from gateway.config import SERVICES, settings
from gateway.registry.models import Authority
from gateway.registry.seed import load_seed
from gateway.routing import is_public
from portalstack.endpoints import Stack

MintToken = Callable[..., Awaitable[str]]
RegisterAuthority = Callable[..., Awaitable[str]]
Json = dict[str, Any]

SEEDED = ("watford", "kingston", "rugby", "housing-ombudsman")
EVERY_SERVICE = (*SERVICES, "gateway")
# Far beyond any fetch limit: a service this slow counts as not answering.
LATE_SECONDS = 30.0


def assert_error(response: httpx.Response, status: int, code: str) -> None:
    """The response is the standard error body with this status and code."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == code


def operations(document: Json) -> Iterator[tuple[str, str, Json]]:
    """Every (path, method, operation) of a document."""
    for path, item in document["paths"].items():
        for method in METHODS:
            if method in item:
                yield path, method, item[method]


def pointer(document: Json, ref: str) -> Any:
    """What a local `$ref` points at (KeyError if nothing)."""
    assert ref.startswith("#/"), ref
    node: Any = document
    for part in ref[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def refs(node: Any) -> Iterator[str]:
    """Every `$ref` string in part of a document."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            else:
                yield from refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from refs(item)


def inlined(document: Json, node: Any, seen: tuple[str, ...] = ()) -> Any:
    """Part of a document with every reference replaced by what it points at.

    Component names may differ between documents; what they stand for must not.
    """
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str):
            if ref in seen:
                return {"recursive": True}
            return inlined(document, pointer(document, ref), (*seen, ref))
        return {key: inlined(document, value, seen) for key, value in node.items()}
    if isinstance(node, list):
        return [inlined(document, item, seen) for item in node]
    return node


@pytest.fixture(scope="module")
def own_documents(stack: Stack) -> dict[str, Json]:
    """Each service's own document, fetched directly from its port."""
    documents = {}
    for service in EVERY_SERVICE:
        response = httpx.get(f"{stack.service_urls[service]}/openapi.json", timeout=10.0)
        response.raise_for_status()
        documents[service] = response.json()
    return documents


async def merged_document(gateway: httpx.AsyncClient, slug: str) -> Json:
    """The gateway's merged document for one authority."""
    response = await gateway.get(f"/{slug}/api/openapi.json")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    document: Json = response.json()
    return document


class TestEveryRouteIsListed:
    @pytest.mark.parametrize("slug", SEEDED)
    async def test_each_service_route_appears_under_its_gateway_path(
        self, gateway: httpx.AsyncClient, own_documents: dict[str, Json], slug: str
    ) -> None:
        document = await merged_document(gateway, slug)
        expected = {
            (f"/{slug}/api/{service}{path}", method)
            for service, own in own_documents.items()
            for path, method, _ in operations(own)
            if path != "/metrics"
        }
        listed = {(path, method) for path, method, _ in operations(document)}
        assert listed == expected

    async def test_the_gateways_own_authority_routes_are_listed(
        self, gateway: httpx.AsyncClient
    ) -> None:
        paths = (await merged_document(gateway, "kingston"))["paths"]
        assert set(paths["/kingston/api/gateway/authorities"]) == {"get", "post"}
        assert set(paths["/kingston/api/gateway/authorities/{slug}"]) == {"get", "patch"}

    async def test_operations_keep_their_meaning_under_a_service_tag(
        self, gateway: httpx.AsyncClient, own_documents: dict[str, Json]
    ) -> None:
        document = await merged_document(gateway, "watford")
        for service, own in own_documents.items():
            for path, method, operation in operations(own):
                if path == "/metrics":
                    continue
                exposed = document["paths"][f"/watford/api/{service}{path}"][method]
                assert exposed["tags"] == [service]
                assert exposed.get("summary") == operation.get("summary")
                assert exposed["operationId"].startswith(f"{service}_")
                for part in ("parameters", "requestBody"):
                    assert inlined(document, exposed.get(part)) == inlined(
                        own, operation.get(part)
                    ), (service, path, method, part)
                # Every answer the service documents stays as it is; the gateway adds its own
                # (and says that a 429 comes with Retry-After).
                for status, answer in operation["responses"].items():
                    kept = inlined(document, exposed["responses"][status])
                    if status == "429":
                        kept["headers"].pop("Retry-After")
                        kept = {key: value for key, value in kept.items() if value != {}}
                    assert kept == inlined(own, answer), (service, path, method, status)

    async def test_metrics_are_never_listed(self, gateway: httpx.AsyncClient) -> None:
        document = await merged_document(gateway, "rugby")
        assert not [path for path in document["paths"] if path.endswith("/metrics")]


class TestDocumentIsSound:
    async def test_it_is_a_valid_openapi_3_1_document(self, gateway: httpx.AsyncClient) -> None:
        document = await merged_document(gateway, "watford")
        assert document["openapi"] == "3.1.0"
        validate(document, cls=OpenAPIV31SpecValidator)

    async def test_every_reference_resolves_inside_the_document(
        self, gateway: httpx.AsyncClient
    ) -> None:
        document = await merged_document(gateway, "watford")
        found = list(refs(document))
        assert found
        for ref in found:
            assert isinstance(pointer(document, ref), dict), ref

    async def test_operation_ids_are_unique(self, gateway: httpx.AsyncClient) -> None:
        document = await merged_document(gateway, "watford")
        ids = [operation["operationId"] for _, _, operation in operations(document)]
        assert len(ids) == len(set(ids))

    async def test_one_tag_per_service(self, gateway: httpx.AsyncClient) -> None:
        document = await merged_document(gateway, "watford")
        assert [tag["name"] for tag in document["tags"]] == list(EVERY_SERVICE)
        assert all(tag["description"] for tag in document["tags"])

    async def test_the_description_names_the_authority_written_into_the_paths(
        self, gateway: httpx.AsyncClient
    ) -> None:
        document = await merged_document(gateway, "housing-ombudsman")
        assert "/housing-ombudsman/api/{service}/" in document["info"]["description"]
        assert "did not answer" not in document["info"]["description"]
        assert all(path.startswith("/housing-ombudsman/api/") for path in document["paths"])


class TestSecurity:
    async def test_every_operation_but_the_public_ones_needs_a_bearer_token(
        self, gateway: httpx.AsyncClient
    ) -> None:
        document = await merged_document(gateway, "watford")
        assert document["components"]["securitySchemes"] == {
            "bearerAuth": {
                "type": "http",
                "scheme": "bearer",
                "bearerFormat": "JWT",
                "description": document["components"]["securitySchemes"]["bearerAuth"][
                    "description"
                ],
            }
        }
        public = []
        for path, method, operation in operations(document):
            service, _, service_path = path.removeprefix("/watford/api/").partition("/")
            if is_public(service, method.upper(), "/" + service_path):
                public.append(path)
                assert "security" not in operation, path
            else:
                assert operation["security"] == [{"bearerAuth": []}], path
        assert "/watford/api/identity/.well-known/jwks.json" in public
        assert "/watford/api/cases/healthz" in public

    async def test_what_the_document_calls_public_the_gateway_lets_through(
        self, gateway: httpx.AsyncClient
    ) -> None:
        document = await merged_document(gateway, "watford")
        for path, method, operation in operations(document):
            if method == "get" and "security" not in operation and "{" not in path:
                assert (await gateway.get(path)).status_code == 200, path
            if method == "get" and "security" in operation and "{" not in path:
                assert (await gateway.get(path)).status_code == 401, path


class TestGatewayAnswers:
    async def test_every_operation_lists_what_the_gateway_itself_may_answer(
        self, gateway: httpx.AsyncClient
    ) -> None:
        document = await merged_document(gateway, "watford")
        for path, method, operation in operations(document):
            answers = operation["responses"]
            expected = {"429", "503", "504"}
            if "security" in operation:
                expected |= {"401", "403"}
            if "requestBody" in operation:
                expected |= {"400", "413"}  # a body that is not JSON, or too large
            assert expected <= set(answers), (method, path, sorted(answers))
            for status in expected - {"503"}:  # readiness answers 503 with its own body
                schema = inlined(document, answers[status])["content"]["application/json"]
                assert schema["schema"]["required"] == ["error"], (method, path, status)
            assert "Retry-After" in answers["429"]["headers"], (method, path)

    async def test_an_update_that_needs_if_match_declares_it_required(
        self, gateway: httpx.AsyncClient
    ) -> None:
        document = await merged_document(gateway, "watford")
        change = document["paths"]["/watford/api/identity/me"]["patch"]
        if_match = [each for each in change.get("parameters", []) if each["name"] == "If-Match"]
        assert [(each["in"], each["required"]) for each in if_match] == [("header", True)]
        assert "428" in change["responses"]


class TestCaching:
    async def test_an_unchanged_document_answers_not_modified(
        self, gateway: httpx.AsyncClient
    ) -> None:
        first = await gateway.get("/watford/api/openapi.json")
        again = await gateway.get("/watford/api/openapi.json")
        assert first.headers["etag"] == again.headers["etag"]
        unchanged = await gateway.get(
            "/watford/api/openapi.json", headers={"If-None-Match": first.headers["etag"]}
        )
        assert unchanged.status_code == 304
        assert unchanged.content == b""

    async def test_each_authority_has_its_own_document(self, gateway: httpx.AsyncClient) -> None:
        watford = await gateway.get("/watford/api/openapi.json")
        rugby = await gateway.get("/rugby/api/openapi.json")
        assert watford.headers["etag"] != rugby.headers["etag"]


class TestDocsPage:
    async def test_page_lists_operations_without_outside_resources(
        self, gateway: httpx.AsyncClient
    ) -> None:
        response = await gateway.get("/kingston/api/docs")
        assert response.status_code == 200
        assert response.headers["content-type"] == "text/html; charset=utf-8"
        page = response.text
        assert page.startswith("<!doctype html>")
        kingston = next(a for a in load_seed(settings.authorities_seed) if a.slug == "kingston")
        assert f"<h1>Housing Portal API: {kingston.name}</h1>" in page
        for path in (
            "/kingston/api/identity/.well-known/jwks.json",
            "/kingston/api/cases/healthz",
            "/kingston/api/gateway/authorities/{slug}",
        ):
            assert f"<code>{path}</code>" in page
        for service in EVERY_SERVICE:
            assert f'<section id="tag-{service}">' in page
        assert "<script" not in page
        assert "<link" not in page
        assert "src=" not in page
        assert 'href="openapi.json"' in page

    async def test_page_names_the_schemas_of_requests_and_answers(
        self, gateway: httpx.AsyncClient
    ) -> None:
        page = (await gateway.get("/watford/api/docs")).text
        create = page[page.index("/watford/api/gateway/authorities</code>") :]
        create = create[create.index('<td class="method">post</td>') :].split("</tr>")[0]
        assert "Create an authority" in create
        assert "<td>Authority</td>" in create
        assert "<code>201</code> Authority" in create
        assert "<code>409</code> ErrorBody" in create


class TestRefusals:
    @pytest.mark.parametrize("what", ["openapi.json", "docs"])
    async def test_unknown_authority_is_not_found(
        self, gateway: httpx.AsyncClient, what: str
    ) -> None:
        assert_error(await gateway.get(f"/nowhere-council/api/{what}"), 404, "authority_not_found")

    async def test_only_reading_is_allowed(self, gateway: httpx.AsyncClient) -> None:
        response = await gateway.post("/watford/api/openapi.json", json={})
        assert_error(response, 405, "method_not_allowed")
        assert response.headers["allow"] == "GET, HEAD"

    async def test_a_disabled_authority_has_no_document(
        self,
        gateway: httpx.AsyncClient,
        mint_token: MintToken,
        register_authority: RegisterAuthority,
    ) -> None:
        slug = await register_authority("Testford District Council")
        token = await mint_token(authority="watford", roles=("platform_admin",))
        admin = {"Authorization": f"Bearer {token}"}
        created = await gateway.get(f"/watford/api/gateway/authorities/{slug}", headers=admin)
        await status_reached(gateway, f"/{slug}/api/openapi.json", 200)
        disabled = await gateway.patch(
            f"/watford/api/gateway/authorities/{slug}",
            json={"status": "disabled"},
            headers={**admin, "If-Match": created.headers["etag"]},
        )
        assert disabled.status_code == 200, disabled.text
        for what in ("openapi.json", "docs"):
            response = await status_reached(gateway, f"/{slug}/api/{what}", 404)
            assert_error(response, 404, "authority_not_found")


@pytest.fixture
def watford() -> Authority:
    """The seeded Watford authority, as the registry holds it."""
    return next(a for a in load_seed(settings.authorities_seed) if a.slug == "watford")


@pytest.fixture
def refusing_address() -> Iterator[str]:
    """An address whose port is taken but never accepts a connection."""
    with socket.socket() as reserved:
        reserved.bind(("127.0.0.1", 0))
        yield f"http://127.0.0.1:{reserved.getsockname()[1]}"


@dataclass
class LateService:
    """A service that answers with a valid API document, but only long after being asked."""

    url: str
    asked: list[bytes] = field(default_factory=list)


@pytest.fixture
async def late_service() -> AsyncIterator[LateService]:
    """A service slower than any fetch limit: waited for, its document would be merged."""
    answering: list[asyncio.Task[None]] = []
    document = {
        "openapi": "3.1.0",
        "info": {"title": "late", "version": "1"},
        "paths": {"/late": {"get": {"responses": {"200": {"description": "Late."}}}}},
    }
    body = json.dumps(document).encode()
    head = f"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {len(body)}"

    async def answer_late(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        answering.append(task)
        try:
            service.asked.append(await reader.readuntil(b"\r\n\r\n"))
            await asyncio.sleep(LATE_SECONDS)
            writer.write(f"{head}\r\nconnection: close\r\n\r\n".encode() + body)
            await writer.drain()
        except (OSError, asyncio.IncompleteReadError):
            pass  # the caller gave up and hung up
        finally:
            writer.close()

    server = await asyncio.start_server(answer_late, "127.0.0.1", 0)
    service = LateService(f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}")
    yield service
    for task in answering:
        task.cancel()
    await asyncio.gather(*answering, return_exceptions=True)
    server.close()
    await server.wait_closed()


class TestServiceDown:
    async def test_the_rest_is_served_and_the_missing_service_named(
        self,
        stack: Stack,
        own_documents: dict[str, Json],
        watford: Authority,
        refusing_address: str,
        late_service: LateService,
    ) -> None:
        pools = {service: [stack.service_urls[service]] for service in SERVICES}
        pools["cases"] = [refusing_address]
        pools["documents"] = [late_service.url]
        # Long enough for a live service on a busy test machine, short next to a hung one.
        document = ApiDocument(
            pools, own_api=lambda: own_documents["gateway"], version="1", fetch_timeout=2.0
        )
        rendered = await document.for_authority(watford)
        merged = rendered.document
        # It was asked, and its document came only after the fetch limit: it was left out.
        assert len(late_service.asked) == 1
        assert "/watford/api/documents/late" not in merged["paths"]
        assert "did not answer just now: cases, documents" in merged["info"]["description"]
        assert [tag["name"] for tag in merged["tags"]] == ["identity", "notifications", "gateway"]
        assert "/watford/api/identity/healthz" in merged["paths"]
        assert not [
            p
            for p in merged["paths"]
            if p.startswith(("/watford/api/cases/", "/watford/api/documents/"))
        ]
        validate(merged, cls=OpenAPIV31SpecValidator)

    async def test_a_service_that_answers_again_is_listed_again(
        self,
        stack: Stack,
        own_documents: dict[str, Json],
        watford: Authority,
        refusing_address: str,
    ) -> None:
        pools = {"cases": [refusing_address, stack.service_urls["cases"]]}
        document = ApiDocument(
            pools, own_api=lambda: own_documents["gateway"], version="1", fetch_timeout=0.5
        )
        merged = (await document.for_authority(watford)).document
        assert "/watford/api/cases/healthz" in merged["paths"]
        assert "did not answer" not in merged["info"]["description"]

    async def test_an_authority_without_case_modules_lists_only_what_it_is_served(
        self, stack: Stack, own_documents: dict[str, Json], watford: Authority
    ) -> None:
        pools = {service: [stack.service_urls[service]] for service in SERVICES}
        document = ApiDocument(pools, own_api=lambda: own_documents["gateway"], version="1")
        bare = watford.model_copy(update={"modules": []})
        merged = (await document.for_authority(bare)).document
        assert [tag["name"] for tag in merged["tags"]] == ["identity", "notifications", "gateway"]


class TestRebuild:
    async def test_rebuilt_only_when_a_source_changes(
        self, stack: Stack, own_documents: dict[str, Json], watford: Authority
    ) -> None:
        own = copy.deepcopy(own_documents["gateway"])
        pools = {"identity": [stack.service_urls["identity"]]}
        # No caching of the sources: every call fetches again and compares.
        document = ApiDocument(pools, own_api=lambda: own, version="1", ttl=0.0)
        first = await document.for_authority(watford)
        assert await document.for_authority(watford) is first
        own["paths"]["/healthz"]["get"]["summary"] = "Alive"
        changed = await document.for_authority(watford)
        assert changed is not first
        assert changed.document["paths"]["/watford/api/gateway/healthz"]["get"]["summary"] == (
            "Alive"
        )


class TestSchemaNames:
    """Real service documents, one changed so that the services' schemas clash."""

    def test_schemas_defined_differently_are_prefixed_per_service(
        self, own_documents: dict[str, Json]
    ) -> None:
        cases = copy.deepcopy(own_documents["cases"])
        cases["components"]["schemas"]["Health"]["properties"]["queue"] = {"type": "string"}
        sources = {"identity": own_documents["identity"], "cases": cases}
        merged = merge(sources, slug="watford", title="t", version="1")
        schemas = merged["components"]["schemas"]
        assert "Health" not in schemas
        assert "queue" in schemas["cases_Health"]["properties"]
        assert "queue" not in schemas["identity_Health"]["properties"]
        answer = merged["paths"]["/watford/api/cases/healthz"]["get"]["responses"]["200"]
        assert answer["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/cases_Health"
        }
        assert "ErrorBody" in schemas
        for ref in refs(merged):
            pointer(merged, ref)

    def test_a_shared_schema_that_refers_to_a_clashing_one_is_split_too(
        self, own_documents: dict[str, Json]
    ) -> None:
        cases = copy.deepcopy(own_documents["cases"])
        cases["components"]["schemas"]["ErrorDetail"]["properties"]["hint"] = {"type": "string"}
        sources = {"identity": own_documents["identity"], "cases": cases}
        merged = merge(sources, slug="watford", title="t", version="1")
        schemas = merged["components"]["schemas"]
        assert {"cases_ErrorBody", "identity_ErrorBody"} <= set(schemas)
        assert "ErrorBody" not in schemas
        assert schemas["cases_ErrorBody"]["properties"]["error"] == {
            "$ref": "#/components/schemas/cases_ErrorDetail"
        }
        assert "hint" in schemas["cases_ErrorDetail"]["properties"]
        assert "Health" in schemas
        for ref in refs(merged):
            pointer(merged, ref)
        validate(merged, cls=OpenAPIV31SpecValidator)
