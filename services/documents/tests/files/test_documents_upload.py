"""Uploading files to a case: streamed to the bucket, checked by content, nothing kept when
one is refused; downloaded byte for byte as an attachment."""

import hashlib
import io
import zipfile
from datetime import UTC, datetime
from urllib.parse import quote

from tests.support.cases import CasesApi
from tests.support.documents import (
    DocumentsApi,
    DocumentsStore,
    heic,
    item,
    jpeg,
    pdf,
    png,
    program,
    submitted_case,
)

WATFORD_LIMIT = 10 * 1024 * 1024


class TestUploadAndDownload:
    async def test_several_files_in_one_request_are_kept_and_come_back_byte_for_byte(
        self, cases_api: CasesApi, documents_api: DocumentsApi, documents_store: DocumentsStore
    ) -> None:
        applicant = await cases_api.person("applicant")
        case = await submitted_case(cases_api, applicant)
        letter = pdf(300_000, seed=case["id"])
        photo = png(50_000)
        uploaded = await documents_api.upload(
            applicant,
            case["id"],
            [
                ("Eviction notice.pdf", letter, item(person="julia jules", description="Notice")),
                ("IMG_0001.png", photo, item(person="Jamie Jules", classification="photographs")),
            ],
        )
        assert [d["file_name"] for d in uploaded] == ["Eviction notice.pdf", "IMG_0001.png"]
        notice = uploaded[0]
        assert notice["person"] == "Julia Jules"  # the case's own spelling
        assert notice["description"] == "Notice"
        assert notice["classification_label"] == "Proof of identity"
        assert notice["state"] == "uploaded"
        assert notice["size"] == len(letter)
        assert notice["sha256"] == hashlib.sha256(letter).hexdigest()
        assert notice["content_type"] == "application/pdf"
        assert uploaded[1]["content_type"] == "image/png"
        listed = await documents_api.listed(applicant, case["id"])
        assert {d["id"] for d in listed} == {d["id"] for d in uploaded}
        [record] = [
            r for r in await documents_store.records(case["id"]) if r["_id"] == notice["id"]
        ]
        assert record["key"] == f"watford/{notice['id']}"
        assert documents_store.file(record["key"]) == letter

        response = await documents_api.call(
            "GET", applicant, f"/cases/{case['id']}/documents/{notice['id']}/file"
        )
        assert response.status_code == 200
        assert response.content == letter
        assert response.headers["content-type"] == "application/pdf"
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["content-disposition"] == (
            "attachment; filename=\"Eviction notice.pdf\"; filename*=UTF-8''Eviction%20notice.pdf"
        )

    async def test_phone_photos_are_accepted_where_images_are(
        self, cases_api: CasesApi, documents_api: DocumentsApi
    ) -> None:
        applicant = await cases_api.person("applicant")
        case = await submitted_case(cases_api, applicant)
        uploaded = await documents_api.upload(
            applicant,
            case["id"],
            [
                ("IMG_0002.HEIC", heic(), item()),
                ("photo.jpg", jpeg(), item()),
                # A phone may name a photo wrongly: its content says what it is.
                ("camera", jpeg(), item()),
            ],
        )
        assert [d["content_type"] for d in uploaded] == ["image/heic", "image/jpeg", "image/jpeg"]

    async def test_office_documents_are_told_from_other_zip_files_by_content(
        self, cases_api: CasesApi, documents_api: DocumentsApi
    ) -> None:
        applicant = await cases_api.person("applicant")
        case = await submitted_case(cases_api, applicant)

        def archive(*members: str) -> bytes:
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w") as written:
                for member in members:
                    written.writestr(member, "<xml/>")
            return buffer.getvalue()

        word = archive("[Content_Types].xml", "word/document.xml")
        [kept] = await documents_api.upload(applicant, case["id"], [("letter.docx", word, item())])
        assert kept["content_type"].endswith("wordprocessingml.document")
        # Watford takes Word documents, not zip files named like them.
        renamed = archive("holiday.jpg")
        refused = await documents_api.send(
            applicant, case["id"], [("letter.docx", renamed, item())]
        )
        assert refused.status_code == 415, refused.text

    async def test_the_name_given_is_shown_but_never_the_key(
        self, cases_api: CasesApi, documents_api: DocumentsApi, documents_store: DocumentsStore
    ) -> None:
        applicant = await cases_api.person("applicant")
        case = await submitted_case(cases_api, applicant)
        name = "../../watford/Ünïcode; naïve.pdf"
        [document] = await documents_api.upload(applicant, case["id"], [(name, pdf(), item())])
        assert document["file_name"] == "Ünïcode; naïve.pdf"
        [record] = await documents_store.records(case["id"])
        assert record["key"] == f"watford/{document['id']}"
        response = await documents_api.call(
            "GET", applicant, f"/cases/{case['id']}/documents/{document['id']}/file"
        )
        assert response.headers["content-disposition"] == (
            'attachment; filename="_n_code_ na_ve.pdf"; '
            f"filename*=UTF-8''{quote(document['file_name'], safe='')}"
        )


class TestRefusals:
    async def test_a_refused_type_stops_the_upload_and_keeps_nothing(
        self, cases_api: CasesApi, documents_api: DocumentsApi, documents_store: DocumentsStore
    ) -> None:
        applicant = await cases_api.person("applicant")
        case = await submitted_case(cases_api, applicant)
        started = datetime.now(UTC)
        response = await documents_api.send(
            applicant,
            case["id"],
            [
                ("fine.pdf", pdf(200_000), item()),
                ("invoice.pdf", program(), item()),
                ("big.pdf", pdf(WATFORD_LIMIT + 1), item()),
            ],
        )
        assert response.status_code == 415, response.text
        error = response.json()["error"]
        assert error["code"] == "file_type_not_allowed"
        assert error["details"]["file"] == 1
        assert error["details"]["file_name"] == "invoice.pdf"
        assert "invoice.pdf" in error["message"]
        assert await documents_store.records(case["id"]) == []
        assert await documents_store.orphans("watford", since=started) == []

    async def test_a_file_over_the_limit_stops_the_upload_and_keeps_nothing(
        self, cases_api: CasesApi, documents_api: DocumentsApi, documents_store: DocumentsStore
    ) -> None:
        applicant = await cases_api.person("applicant")
        case = await submitted_case(cases_api, applicant)
        started = datetime.now(UTC)
        response = await documents_api.send(
            applicant,
            case["id"],
            [("small.pdf", pdf(100_000), item()), ("big.pdf", pdf(WATFORD_LIMIT + 1), item())],
        )
        assert response.status_code == 413, response.text
        error = response.json()["error"]
        assert error["code"] == "upload_too_large"
        assert error["details"]["file"] == 1
        assert "10 MB" in error["message"]
        assert await documents_store.records(case["id"]) == []
        assert await documents_store.orphans("watford", since=started) == []

    async def test_a_type_the_authority_does_not_take_is_refused(
        self, cases_api: CasesApi, documents_api: DocumentsApi
    ) -> None:
        applicant = await cases_api.person("applicant")
        case = await submitted_case(cases_api, applicant)
        # Watford takes no zip files, whatever their name.
        response = await documents_api.send(
            applicant, case["id"], [("archive.zip", b"PK\x03\x04" + b"\x00" * 600, item())]
        )
        assert response.status_code == 415, response.text

    async def test_bad_descriptions_are_refused_before_any_file_is_read(
        self, cases_api: CasesApi, documents_api: DocumentsApi
    ) -> None:
        applicant = await cases_api.person("applicant")
        case = await submitted_case(cases_api, applicant)
        cases = {
            "unknown field": (item(colour="red"), 422, "validation_failed"),
            "long description": (item(description="x" * 501), 422, "validation_failed"),
            "unknown classification": (
                item(classification="weather"),
                422,
                "unknown_classification",
            ),
            "not on the case": (item(person="Someone Else"), 422, "person_not_on_case"),
            "sharing is for staff": (
                item(shared_with_landlord=True),
                403,
                "not_allowed_on_document",
            ),
        }
        for what, (described, status, code) in cases.items():
            response = await documents_api.send(
                applicant, case["id"], [("a.pdf", pdf(), described)]
            )
            assert response.status_code == status, (what, response.text)
            assert response.json()["error"]["code"] == code, what
        not_a_form = await documents_api.call(
            "POST", applicant, f"/cases/{case['id']}/documents", json={"documents": []}
        )
        assert not_a_form.status_code == 415, not_a_form.text
        assert not_a_form.json()["error"]["code"] == "unsupported_media_type"
        url = f"/cases/{case['id']}/documents"
        form = {"Content-Type": "multipart/form-data; boundary=xyz"}
        broken = {
            "not multipart inside": (b"garbage", 400, "form_unreadable"),
            "files before descriptions": (
                b'--xyz\r\nContent-Disposition: form-data; name="files"; filename="a.pdf"\r\n'
                b"\r\n%PDF-1.4\r\n--xyz--\r\n",
                422,
                "descriptions_first",
            ),
            "descriptions not JSON": (
                b'--xyz\r\nContent-Disposition: form-data; name="documents"\r\n\r\n{nope'
                b"\r\n--xyz--\r\n",
                422,
                "documents_unreadable",
            ),
            "a part without a name": (
                b"--xyz\r\nContent-Disposition: form-data\r\n\r\nx\r\n--xyz--\r\n",
                400,
                "form_unreadable",
            ),
        }
        for what, (body, status, code) in broken.items():
            response = await documents_api.call("POST", applicant, url, content=body, headers=form)
            assert response.status_code == status, (what, response.text)
            assert response.json()["error"]["code"] == code, what

    async def test_a_retried_upload_with_its_key_stores_one_document(
        self, cases_api: CasesApi, documents_api: DocumentsApi, documents_store: DocumentsStore
    ) -> None:
        applicant = await cases_api.person("applicant")
        case = await submitted_case(cases_api, applicant)
        files = [("a.pdf", pdf(), item())]
        key = {"Idempotency-Key": "upload-1"}
        first = await documents_api.send(applicant, case["id"], files, headers=key)
        again = await documents_api.send(applicant, case["id"], files, headers=key)
        assert first.status_code == again.status_code == 201
        assert first.json() == again.json()
        assert len(await documents_store.records(case["id"])) == 1
