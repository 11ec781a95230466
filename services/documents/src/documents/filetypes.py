"""A file's type told from its first bytes, and whether an authority accepts it."""

from collections.abc import Sequence
from dataclasses import dataclass

from kit.authorities import Authority

# Enough of the start of a file to tell every type below.
SNIFF_BYTES = 512


@dataclass(frozen=True)
class Family:
    """Files that look alike at the start: the extensions they go by, and a default type."""

    name: str
    extensions: tuple[str, ...]
    content_type: str


PDF = Family("pdf", (".pdf",), "application/pdf")
JPEG = Family("jpeg", (".jpg", ".jpeg", ".jpe"), "image/jpeg")
PNG = Family("png", (".png",), "image/png")
GIF = Family("gif", (".gif",), "image/gif")
TIFF = Family("tiff", (".tif", ".tiff"), "image/tiff")
HEIC = Family("heic", (".heic", ".heif"), "image/heic")
BMP = Family("bmp", (".bmp",), "image/bmp")
# Office Open XML, OpenDocument and plain zip archives are all zip files: the name of the
# first file inside tells them apart.
OFFICE = Family(
    "office",
    (".docx", ".xlsx", ".pptx"),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
)
OPEN_DOCUMENT = Family("opendocument", (".odt", ".ods"), "application/vnd.oasis.opendocument.text")
ZIP = Family("zip", (".zip",), "application/zip")
_OFFICE_PARTS = ("[Content_Types].xml", "_rels/", "docProps/", "word/", "xl/", "ppt/", "customXml/")
# Word 97-2003, Excel 97-2003 and Outlook messages are all compound files.
COMPOUND = Family("compound", (".doc", ".xls", ".ppt", ".msg"), "application/x-ole-storage")
RTF = Family("rtf", (".rtf",), "application/rtf")
TEXT = Family("text", (".txt", ".csv", ".eml", ".mht", ".xml"), "text/plain")

CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".jpe": "image/jpeg",
    ".png": "image/png",
    ".gif": "image/gif",
    ".tif": "image/tiff",
    ".tiff": "image/tiff",
    ".heic": "image/heic",
    ".heif": "image/heif",
    ".bmp": "image/bmp",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    ".zip": "application/zip",
    ".doc": "application/msword",
    ".xls": "application/vnd.ms-excel",
    ".ppt": "application/vnd.ms-powerpoint",
    ".msg": "application/vnd.ms-outlook",
    ".rtf": "application/rtf",
    ".txt": "text/plain",
    ".csv": "text/csv",
    ".eml": "message/rfc822",
    ".mht": "message/rfc822",
    ".xml": "application/xml",
}

# Photos from a phone: where an authority takes JPEG photos it takes an iPhone's HEIC ones.
PHOTO_EXTENSIONS = frozenset({".jpg", ".jpeg"})
_HEIF_BRANDS = frozenset({b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"})


def _looks_like_text(start: bytes) -> bool:
    if b"\x00" in start:
        return False
    try:
        start.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the end of the sniffed bytes is still text.
        if exc.start < len(start) - 3:
            return False
    return True


def _zip_kind(start: bytes) -> Family:
    """An Office document, an OpenDocument or another zip, by its first member's name."""
    if len(start) < 30:
        return ZIP
    length = int.from_bytes(start[26:28], "little")
    first = start[30 : 30 + length].decode("utf-8", "replace")
    if first.startswith(_OFFICE_PARTS):
        return OFFICE
    if first == "mimetype" and b"application/vnd.oasis.opendocument" in start[:200]:
        return OPEN_DOCUMENT
    return ZIP


def sniff(start: bytes) -> Family | None:
    """The family a file's first bytes belong to, if it is one we know."""
    if start.startswith(b"%PDF-"):
        return PDF
    if start.startswith(b"\xff\xd8\xff"):
        return JPEG
    if start.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if start.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if start.startswith((b"II*\x00", b"MM\x00*")):
        return TIFF
    if len(start) >= 12 and start[4:8] == b"ftyp" and start[8:12] in _HEIF_BRANDS:
        return HEIC
    if start.startswith(b"BM") and len(start) >= 14:
        return BMP
    if start.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _zip_kind(start)
    if start.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return COMPOUND
    if start.startswith(b"{\\rtf"):
        return RTF
    if start and _looks_like_text(start):
        return TEXT
    return None


def extension_of(file_name: str) -> str:
    """The lower-case extension of a name, with its dot ('' if none)."""
    base = file_name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    if "." not in base.strip("."):
        return ""
    return "." + base.rsplit(".", 1)[-1].lower()


def accepted_extensions(authority: Authority) -> frozenset[str]:
    """The extensions the authority takes, HEIC photos included where it takes JPEG ones."""
    allowed = set(authority.uploads.allowed_extensions)
    if allowed & PHOTO_EXTENSIONS:
        allowed |= {".heic", ".heif"}
    return frozenset(allowed)


@dataclass(frozen=True)
class Accepted:
    """A file's type as stored: its extension and content type."""

    extension: str
    content_type: str


def accept(start: bytes, *, file_name: str, allowed: frozenset[str]) -> Accepted | None:
    """The type a file is stored as, if its content is of a type the authority accepts.

    The content decides the family; the name only chooses among the family's extensions
    (a `.docx` and a `.zip` both start as zip files)."""
    family = sniff(start)
    if family is None:
        return None
    permitted: Sequence[str] = [ext for ext in family.extensions if ext in allowed]
    if not permitted:
        return None
    named = extension_of(file_name)
    extension = named if named in permitted else permitted[0]
    return Accepted(extension, CONTENT_TYPES.get(extension, family.content_type))
