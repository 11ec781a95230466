"""GOV.UK Frontend's files, served under a versioned path and kept by browsers for a year."""

import hashlib
import json
import mimetypes
import re
from dataclasses import dataclass
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import Response

from kit.errors import NotFound

# The path names the release: a new release is a new path, so a file never changes in place.
FRONTEND_PREFIX = "/assets/govuk-frontend"
IMMUTABLE = "public, max-age=31536000, immutable"
# GDS Transport is licensed for GOV.UK services only; councils' pages use the fallback fonts
# the stylesheet already names, so its @font-face rules are left out.
FONT_FACE = re.compile(r"@font-face\{[^}]*\}")


@dataclass(frozen=True)
class FrontendAssets:
    """The installed GOV.UK Frontend build: its version, stylesheet and other files."""

    root: Path
    version: str
    stylesheet: bytes

    @classmethod
    def load(cls, root: Path) -> "FrontendAssets":
        """Read the build `make install` put under `root` (…/govuk-frontend/dist/govuk)."""
        package = json.loads((root.parents[1] / "package.json").read_text())
        version = str(package["version"])
        css = (root / "govuk-frontend.min.css").read_text()
        css = FONT_FACE.sub("", css).replace("url(/assets/", f"url({FRONTEND_PREFIX}/{version}/")
        return cls(root=root, version=version, stylesheet=css.encode())

    @property
    def base(self) -> str:
        """Where this release's files are served."""
        return f"{FRONTEND_PREFIX}/{self.version}"

    def read(self, name: str) -> tuple[bytes, str] | None:
        """A file's bytes and media type, if the release has it (never outside its folder)."""
        if name == "govuk-frontend.min.css":
            return self.stylesheet, "text/css"
        if name == "govuk-frontend.min.js":
            path = self.root / name
        else:
            path = (self.root / "assets" / name).resolve()
            if not path.is_relative_to((self.root / "assets").resolve()):
                return None
        if not path.is_file():
            return None
        media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if path.suffix == ".js":
            media_type = "text/javascript"
        return path.read_bytes(), media_type


PORTAL_PREFIX = "/assets/portal"
STATIC = Path(__file__).resolve().parent / "static"


@dataclass(frozen=True)
class PortalStyles:
    """The portal's own stylesheet, served under a path named by its content."""

    stylesheet: bytes
    fingerprint: str

    @classmethod
    def load(cls, path: Path = STATIC / "portal.css") -> "PortalStyles":
        """Read the stylesheet and name it by its hash."""
        body = path.read_bytes()
        return cls(stylesheet=body, fingerprint=hashlib.sha256(body).hexdigest()[:12])

    @property
    def url(self) -> str:
        """Where this version of the stylesheet is served."""
        return f"{PORTAL_PREFIX}/{self.fingerprint}/portal.css"


@dataclass(frozen=True)
class PortalScript:
    """One of the portal's own scripts (they only enhance pages), under a path named by content."""

    name: str
    body: bytes
    fingerprint: str

    @classmethod
    def load(cls, name: str) -> "PortalScript":
        """Read the script from the static folder and name it by its hash."""
        body = (STATIC / name).read_bytes()
        return cls(name=name, body=body, fingerprint=hashlib.sha256(body).hexdigest()[:12])

    @property
    def url(self) -> str:
        """Where this version of the script is served."""
        return f"{PORTAL_PREFIX}/{self.fingerprint}/{self.name}"


router = APIRouter(include_in_schema=False)


@router.get(FRONTEND_PREFIX + "/{version}/{name:path}")
async def frontend_file(version: str, name: str, request: Request) -> Response:
    """One file of the GOV.UK Frontend release."""
    assets: FrontendAssets = request.app.state.assets
    found = assets.read(name) if version == assets.version else None
    if found is None:
        raise NotFound()
    body, media_type = found
    return Response(body, media_type=media_type, headers={"cache-control": IMMUTABLE})


@router.get(PORTAL_PREFIX + "/{fingerprint}/portal.css")
async def portal_stylesheet(fingerprint: str, request: Request) -> Response:
    """The portal's own stylesheet, in the version the pages name."""
    styles: PortalStyles = request.app.state.portal_styles
    if fingerprint != styles.fingerprint:
        raise NotFound()
    return Response(styles.stylesheet, media_type="text/css", headers={"cache-control": IMMUTABLE})


@router.get(PORTAL_PREFIX + "/{fingerprint}/{name}.js")
async def portal_script(fingerprint: str, name: str, request: Request) -> Response:
    """One of the portal's own scripts, in the version the pages name."""
    scripts: dict[str, PortalScript] = request.app.state.portal_scripts
    script = scripts.get(f"{name}.js")
    if script is None or fingerprint != script.fingerprint:
        raise NotFound()
    return Response(script.body, media_type="text/javascript", headers={"cache-control": IMMUTABLE})
