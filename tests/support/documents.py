"""A test client for the documents API through the gateway, the documents store and its bucket,
and files of every kind to upload."""

import hashlib
import json
import uuid
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from minio import Minio
from pymongo import AsyncMongoClient
from tests.support.cases import Caller, CasesApi
from tests.support.polling import eventually
from tests.support.stack import MintToken

from documents.config import Settings
from gateway.config import Settings as GatewaySettings
from kit.mongo import Mongo
from portalstack.endpoints import Stack
from portalstack.settings import BUCKET

Json = dict[str, Any]
ADMIN_API = "/watford/api/gateway/authorities"
COPIES = ("portal_identity", "portal_cases", "portal_documents", "portal_notifications")
NewAuthority = Callable[..., Awaitable[str]]
# More pages than any test makes: a cursor that never moves on fails instead of looping.
MAX_PAGES = 50


def pdf(size: int = 2000, *, seed: str = "") -> bytes:
    """A file that starts like a PDF, of about `size` bytes, different for each seed."""
    head = b"%PDF-1.7\n% " + hashlib.sha256(seed.encode()).hexdigest().encode() + b"\n"
    return head + b"0" * max(0, size - len(head))


def png(size: int = 2000) -> bytes:
    """A file that starts like a PNG."""
    head = b"\x89PNG\r\n\x1a\n" + zlib.compress(b"photo")
    return head + b"\x00" * max(0, size - len(head))


def jpeg(size: int = 2000) -> bytes:
    """A file that starts like a camera JPEG."""
    head = b"\xff\xd8\xff\xe1\x00\x18Exif\x00\x00"
    return head + b"\x01" * max(0, size - len(head))


def heic(size: int = 2000) -> bytes:
    """A file that starts like an iPhone's HEIC photo."""
    head = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"
    return head + b"\x02" * max(0, size - len(head))


def program(size: int = 2000) -> bytes:
    """A Windows program: never accepted, whatever its name."""
    head = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"
    return head + b"\x00" * max(0, size - len(head))


def item(**fields: Any) -> Json:
    """What one uploaded file is: a classification and whatever else is given."""
    return {"classification": "proof_of_identity", **fields}


class DocumentsApi:
    """The documents API through the gateway."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http

    async def call(
        self,
        method: str,
        caller: Caller,
        path: str,
        *,
        authority: str | None = None,
        **options: Any,
    ) -> httpx.Response:
        """Call the documents service at the caller's authority (or another) as the caller."""
        headers = {**caller.headers, **options.pop("headers", {})}
        return await self.http.request(
            method,
            f"/{authority or caller.authority}/api/documents{path}",
            headers=headers,
            **options,
        )

    async def send(
        self,
        caller: Caller,
        case_id: str,
        files: list[tuple[str, bytes, Json]],
        *,
        headers: dict[str, str] | None = None,
        authority: str | None = None,
    ) -> httpx.Response:
        """Upload files (name, content, what it is) in one request; the raw answer."""
        return await self.call(
            "POST",
            caller,
            f"/cases/{case_id}/documents",
            authority=authority,
            data={"documents": json.dumps([described for _, _, described in files])},
            files=[
                ("files", (name, content, "application/octet-stream")) for name, content, _ in files
            ],
            headers=headers or {},
            timeout=60,
        )

    async def upload(
        self, caller: Caller, case_id: str, files: list[tuple[str, bytes, Json]]
    ) -> list[Json]:
        """Upload files; expects them kept; the documents."""
        response = await self.send(caller, case_id, files)
        assert response.status_code == 201, response.text
        items: list[Json] = response.json()["items"]
        return items

    async def listed(
        self, caller: Caller, case_id: str, *, copies: bool = False, **params: Any
    ) -> list[Json]:
        """Every document of a case the caller sees, page after page; the copy of the
        application the portal keeps only if asked for."""
        items: list[Json] = []
        cursor = None
        for _ in range(MAX_PAGES):
            response = await self.call(
                "GET",
                caller,
                f"/cases/{case_id}/documents",
                params={**params, **({"cursor": cursor} if cursor else {})},
            )
            assert response.status_code == 200, response.text
            page = response.json()
            items += [i for i in page["items"] if copies or i["source"] != "generated"]
            cursor = page["next_cursor"]
            if cursor is None:
                return items
        raise AssertionError(f"the pages did not end after {MAX_PAGES}")

    async def change(
        self,
        method: str,
        caller: Caller,
        document: Json,
        path: str = "",
        body: Json | None = None,
        *,
        status: int = 200,
    ) -> httpx.Response:
        """Change a document as read (If-Match its version); check the status."""
        response = await self.call(
            method,
            caller,
            f"/cases/{document['case_id']}/documents/{document['id']}{path}",
            json=body,
            headers={"If-Match": f'"{document["version"]}"'},
        )
        assert response.status_code == status, response.text
        return response

    async def request(self, officer: Caller, case_id: str, **body: Any) -> Json:
        """Ask for a document; expects it made."""
        response = await self.call(
            "POST",
            officer,
            f"/cases/{case_id}/requests",
            json={"classification": "proof_of_income", **body},
        )
        assert response.status_code == 201, response.text
        made: Json = response.json()
        return made

    async def requests(self, caller: Caller, case_id: str) -> Json:
        """Documents required and supplied on a case."""
        response = await self.call("GET", caller, f"/cases/{case_id}/requests")
        assert response.status_code == 200, response.text
        listed: Json = response.json()
        return listed


class DocumentsStore:
    """The documents service's own database and the files in its bucket."""

    def __init__(self, stack: Stack) -> None:
        self.client: AsyncMongoClient[Json] = AsyncMongoClient(stack.mongo_url, tz_aware=True)
        self.db = self.client[Settings().mongo_db]
        endpoint = urlsplit(stack.s3_url)
        self.bucket = Minio(
            endpoint.netloc,
            access_key=stack.s3_access_key,
            secret_key=stack.s3_secret_key,
            secure=False,
        )

    async def records(self, case_id: str, *, copies: bool = False) -> list[Json]:
        """Every document record of a case, whoever may see it; the copy of the application
        the portal keeps only if asked for."""
        query: Json = {"case_id": case_id}
        if not copies:
            query["source"] = {"$ne": "generated"}
        return await self.db.documents.find(query).to_list(None)

    def has_file(self, key: str) -> bool:
        """Whether the bucket holds a file under this key."""
        return any(True for _ in self.bucket.list_objects(BUCKET, prefix=key))

    def file(self, key: str) -> bytes:
        """A file's bytes as the bucket holds them."""
        response = self.bucket.get_object(BUCKET, key)
        try:
            return response.read()
        finally:
            response.close()
            response.release_conn()

    async def orphans(self, authority: str, *, since: datetime) -> list[str]:
        """Files of an authority written since a moment that no record and no upload under way
        accounts for."""
        listing = self.bucket.list_objects(BUCKET, prefix=f"{authority}/")
        # The store keeps times to the second.
        after = since.replace(microsecond=0)
        keys = [
            str(found.object_name)
            for found in listing
            if found.last_modified is None or found.last_modified >= after
        ]
        ids = [key.split("/", 1)[1] for key in keys]
        known = {
            str(r["_id"])
            for r in await self.db.documents.find({"_id": {"$in": ids}}, {"_id": 1}).to_list(None)
        }
        pending = {
            str(r["_id"])
            for r in await self.db.upload_intents.find({"_id": {"$in": ids}}, {"_id": 1}).to_list(
                None
            )
        }
        # A file removed since it was listed (a withdrawal elsewhere) is no orphan.
        return [
            key
            for key, document_id in zip(keys, ids, strict=True)
            if document_id not in known | pending and self.has_file(key)
        ]

    async def events(self, case_id: str) -> list[Json]:
        """Every envelope about a case, oldest first."""
        found = (
            await self.db.outbox.find({"message.subject": case_id})
            .sort([("created_at", 1)])
            .to_list(1000)
        )
        return [record["message"] for record in found]


async def submitted_case(cases: CasesApi, applicant: Caller) -> Json:
    """A homelessness referral submitted by the applicant, with a household of two, once the
    portal has kept the copy of it among its documents (so that nothing arrives later)."""
    from tests.support.cases import HOUSEHOLD, REFERRAL

    members = [
        *HOUSEHOLD,
        {"name": "Jamie Jules", "date_of_birth": "2012-03-04", "relationship": "child"},
    ]
    case = await cases.create(
        applicant,
        {"kind": "homelessness", "answers": REFERRAL, "household": members, "submit": True},
    )
    await copy_kept(DocumentsApi(cases.http), applicant, str(case["id"]))
    return case


async def copy_kept(documents: "DocumentsApi", caller: Caller, case_id: str) -> Json:
    """The copy of a submitted application among its documents, once the portal has kept it."""

    async def the_copy() -> Json | None:
        listed = await documents.listed(caller, case_id, copies=True)
        return next((item for item in listed if item["source"] == "generated"), None)

    found: Json = await eventually(the_copy, within=30, what=f"the copy of {case_id}")
    return found


@pytest.fixture
async def documents_api(gateway: httpx.AsyncClient) -> DocumentsApi:
    """The documents API through the gateway."""
    return DocumentsApi(gateway)


@pytest.fixture
async def documents_store(stack: Stack) -> AsyncIterator[DocumentsStore]:
    """The documents service's database and bucket."""
    store = DocumentsStore(stack)
    yield store
    await store.client.close()


@pytest.fixture
async def platform_admin(mint_token: MintToken) -> dict[str, str]:
    """The headers of a platform administrator."""
    token = await mint_token(authority="watford", roles=("platform_admin",), lifetime=1800)
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
async def new_authority(
    gateway: httpx.AsyncClient, platform_admin: dict[str, str], stack: Stack
) -> AsyncIterator[NewAuthority]:
    """Registers an authority through the admin API; removed from every copy afterwards."""
    slugs: list[str] = []

    async def register(**fields: Any) -> str:
        slug = f"test-{uuid.uuid4().hex[:10]}"
        slugs.append(slug)
        body = {
            "slug": slug,
            "name": "Testford District Council",
            "kind": "council",
            "modules": ["homelessness"],
            "uploads": {"max_bytes": 1_000_000, "allowed_extensions": [".pdf"]},
            "branding": {"colour": "#335577"},
            **fields,
        }
        created = await gateway.post(ADMIN_API, json=body, headers=platform_admin)
        assert created.status_code == 201, created.text
        return slug

    yield register
    mongo = Mongo(stack.mongo_url, GatewaySettings().mongo_db)
    for slug in slugs:
        await mongo.db["authorities"].delete_one({"_id": slug})
        for database in COPIES:
            await mongo.client[database]["authorities"].delete_one({"_id": slug})
    await mongo.close()
