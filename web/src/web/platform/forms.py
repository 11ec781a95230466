"""The form of an authority's registry entry: who it is, how it looks, what it offers."""

import re
from dataclasses import dataclass, field
from typing import Any

from starlette.datastructures import FormData

from web.account.registration_forms import Errors
from web.i18n import gettext as _
from web.staff.forms import text_of

KINDS = ("council", "ombudsman")
MODULES = ("homelessness", "housing_register", "housing_advice", "complaints")
MEGABYTE = 1024 * 1024
COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
# Where each part of the API's body is on the form.
FIELD_OF = {
    ("slug",): "slug",
    ("name",): "name",
    ("kind",): "kind",
    ("modules",): "modules",
    ("branding", "colour"): "colour",
    ("branding", "logo_url"): "logo_url",
    ("contact", "email"): "contact_email",
    ("contact", "phone"): "contact_phone",
    ("contact", "website"): "contact_website",
    ("hosts",): "hosts",
    ("uploads", "max_bytes"): "max_megabytes",
    ("uploads", "allowed_extensions"): "extensions",
    ("uploads",): "max_megabytes",
    ("staff_two_factor_required",): "staff_two_factor",
}
# The order of the fields on the page, for the error summary.
FIELD_ORDER = (
    "slug",
    "name",
    "kind",
    "modules",
    "colour",
    "logo_url",
    "contact_email",
    "contact_phone",
    "contact_website",
    "hosts",
    "max_megabytes",
    "extensions",
    "staff_two_factor",
)


def kind_name(kind: str) -> str:
    """A kind of authority, in the page's language."""
    return {"council": _("Council"), "ombudsman": _("Ombudsman")}.get(kind, kind)


def module_name(module: str) -> str:
    """A service an authority offers, in the page's language."""
    return {
        "homelessness": _("Homelessness"),
        "housing_register": _("Housing register"),
        "housing_advice": _("Housing advice"),
        "complaints": _("Complaints"),
    }.get(module, module)


def field_error(name: str) -> str:
    """What to do about a field the registry refused."""
    return {
        "slug": _(
            "Enter a short name of lower case letters, numbers and single hyphens, like north-town"
        ),
        "name": _("Enter the authority's name, 200 characters at most"),
        "kind": _("Select the kind of authority"),
        "modules": _("Select the services the authority offers"),
        "colour": _("Enter a colour as # and 6 letters or numbers, like #1d70b8"),
        "logo_url": _("Enter the logo's address, 2048 characters at most"),
        "contact_email": _("Enter an email address in the correct format, like name@example.com"),
        "contact_phone": _("Enter a phone number, 40 characters at most"),
        "contact_website": _("Enter the website's address, 2048 characters at most"),
        "hosts": _(
            "Enter host names like portal.example.gov.uk, one a line, each once, 20 at most"
        ),
        "max_megabytes": _("Enter the largest file size in megabytes, like 10"),
        "extensions": _("Enter file types with their dot, like .pdf .jpg, each once"),
        "staff_two_factor": _("Select whether staff must use a second factor"),
    }[name]


def _lines(text: str) -> list[str]:
    return [line.strip().lower() for line in text.splitlines() if line.strip()]


def _extensions(text: str) -> list[str]:
    words = [word.strip().lower() for word in re.split(r"[\s,]+", text) if word.strip()]
    return [word if word.startswith(".") else f".{word}" for word in words]


@dataclass
class AuthorityForm(Errors):
    """An authority's registry fields as typed on the page."""

    slug: str = ""
    name: str = ""
    kind: str = ""
    modules: list[str] = field(default_factory=list)
    colour: str = ""
    logo_url: str = ""
    contact_email: str = ""
    contact_phone: str = ""
    contact_website: str = ""
    hosts: str = ""
    max_megabytes: str = "10"
    extensions: str = ".pdf .jpg .jpeg .png"
    staff_two_factor: str = "yes"
    # The version of the authority the form was filled in from (changes only).
    revision: str = ""

    @classmethod
    def of(cls, authority: dict[str, Any]) -> "AuthorityForm":
        """The form filled in with an authority's current fields."""
        branding = authority.get("branding") or {}
        contact = authority.get("contact") or {}
        uploads = authority.get("uploads") or {}
        megabytes = int(uploads.get("max_bytes", 0)) / MEGABYTE
        return cls(
            slug=str(authority.get("slug", "")),
            name=str(authority.get("name", "")),
            kind=str(authority.get("kind", "")),
            modules=[str(module) for module in authority.get("modules", [])],
            colour=str(branding.get("colour") or ""),
            logo_url=str(branding.get("logo_url") or ""),
            contact_email=str(contact.get("email") or ""),
            contact_phone=str(contact.get("phone") or ""),
            contact_website=str(contact.get("website") or ""),
            hosts="\n".join(str(host) for host in authority.get("hosts", [])),
            max_megabytes=f"{megabytes:g}",
            extensions=" ".join(str(e) for e in uploads.get("allowed_extensions", [])),
            staff_two_factor="yes" if authority.get("staff_two_factor_required") else "no",
            revision=str(authority.get("revision", "")),
        )

    def read(self, form: FormData, *, creating: bool) -> dict[str, Any] | None:
        """The registry's body when the fields are right, else None with the errors set."""
        if creating:
            self.slug = text_of(form, "slug").lower()
        for name in (
            "name",
            "kind",
            "colour",
            "logo_url",
            "contact_email",
            "contact_phone",
            "contact_website",
            "max_megabytes",
            "extensions",
            "staff_two_factor",
            "revision",
        ):
            setattr(self, name, text_of(form, name))
        hosts = form.get("hosts")
        self.hosts = hosts if isinstance(hosts, str) else ""
        self.modules = [m for m in form.getlist("modules") if isinstance(m, str) and m in MODULES]
        if creating and not self.slug:
            self.errors["slug"] = _("Enter a short name for the authority's addresses")
        if not self.name:
            self.errors["name"] = _("Enter the authority's name")
        if self.kind not in KINDS:
            self.errors["kind"] = field_error("kind")
        if not COLOUR.match(self.colour):
            self.errors["colour"] = field_error("colour")
        megabytes = self._megabytes()
        if megabytes is None:
            self.errors["max_megabytes"] = field_error("max_megabytes")
        if not _extensions(self.extensions):
            self.errors["extensions"] = _("Enter the file types people may upload, like .pdf")
        if self.staff_two_factor not in {"yes", "no"}:
            self.errors["staff_two_factor"] = field_error("staff_two_factor")
        if self.errors or megabytes is None:
            self._order()
            return None
        body: dict[str, Any] = {
            "name": self.name,
            "kind": self.kind,
            "modules": self.modules,
            "branding": {"colour": self.colour, "logo_url": self.logo_url or None},
            "contact": {
                "email": self.contact_email or None,
                "phone": self.contact_phone or None,
                "website": self.contact_website or None,
            },
            "hosts": _lines(self.hosts),
            "uploads": {
                "max_bytes": megabytes,
                "allowed_extensions": _extensions(self.extensions),
            },
            "staff_two_factor_required": self.staff_two_factor == "yes",
        }
        if creating:
            body["slug"] = self.slug
        return body

    def _megabytes(self) -> int | None:
        try:
            value = float(self.max_megabytes)
        except ValueError:
            return None
        if not 0 < value <= 10_000:
            return None
        return max(1, int(value * MEGABYTE))

    def _order(self) -> None:
        self.errors = {name: self.errors[name] for name in FIELD_ORDER if name in self.errors}

    def refused(self, code: str | None, details: Any) -> None:
        """Set the errors that explain the registry's refusal."""
        if code == "authority_exists":
            self.errors["slug"] = _("There is already an authority with this short name")
        elif code == "host_taken":
            host = details.get("host", "") if isinstance(details, dict) else ""
            self.errors["hosts"] = _("Another authority already uses the host name %(host)s") % {
                "host": host
            }
        elif code == "validation_failed" and isinstance(details, list):
            for problem in details:
                where = problem.get("loc", []) if isinstance(problem, dict) else []
                parts = tuple(str(part) for part in where[1:] if not str(part).isdigit())
                for length in range(len(parts), 0, -1):
                    name = FIELD_OF.get(parts[:length])
                    if name is not None:
                        self.errors[name] = field_error(name)
                        break
        if not self.errors:
            self.errors["name"] = _("Sorry, the authority could not be saved. Try again later")
        self._order()

    def changed_elsewhere(self) -> None:
        """Set the error for a change made from a version someone else has changed since."""
        self.errors["name"] = _(
            "Someone else changed this authority after you opened this page. The form now "
            "shows their changes: make your changes again and save"
        )

    def kind_choices(self) -> list[dict[str, Any]]:
        """The kind radios' items."""
        return [{"value": k, "text": kind_name(k), "checked": k == self.kind} for k in KINDS]

    def module_choices(self) -> list[dict[str, Any]]:
        """The services checkboxes' items."""
        return [{"value": m, "text": module_name(m), "checked": m in self.modules} for m in MODULES]

    def two_factor_choices(self) -> list[dict[str, Any]]:
        """The second factor radios' items."""
        return [
            {"value": "yes", "text": _("Yes"), "checked": self.staff_two_factor == "yes"},
            {"value": "no", "text": _("No"), "checked": self.staff_two_factor == "no"},
        ]
