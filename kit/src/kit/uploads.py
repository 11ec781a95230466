"""Upload limits the gateway and the documents service both apply, so they always agree."""

# Files one upload request may carry.
MAX_FILES_PER_UPLOAD = 10
# Room for multipart boundaries and form fields around the uploaded files.
MULTIPART_ALLOWANCE = 1024 * 1024


def upload_body_limit(max_bytes: int) -> int:
    """Largest upload request body: the authority's file limit, and room for the form.

    Each file may be up to the limit, and the files of one request together too: more files
    than that go in further requests."""
    return max_bytes + MULTIPART_ALLOWANCE


# The portal's pages that take files: their address ends so, and the gateway lets their form
# be as large as an upload to the documents API.
PAGE_UPLOAD_SUFFIX = "/documents/upload"


def is_page_upload(method: str, path: str) -> bool:
    """Whether a page request sends files."""
    return method == "POST" and path.endswith(PAGE_UPLOAD_SUFFIX)
