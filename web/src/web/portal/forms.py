"""The front door's form: which authority's portal to use."""

from dataclasses import dataclass, field

from starlette.datastructures import FormData

from web.gateway import AuthorityProfile
from web.i18n import gettext as _

FIELD = "authority"


@dataclass
class ChooseAuthority:
    """Radios of every authority; an error when none is chosen."""

    authorities: list[AuthorityProfile]
    chosen: str | None = None
    errors: dict[str, str] = field(default_factory=dict)

    def radio_items(self) -> list[dict[str, object]]:
        """The radios, as GOV.UK Frontend's macro takes them."""
        return [
            {"value": a.slug, "text": a.name, "checked": a.slug == self.chosen}
            for a in self.authorities
        ]

    def validate(self, form: FormData) -> AuthorityProfile | None:
        """The chosen authority, or None with the error set."""
        value = form.get(FIELD)
        self.chosen = value if isinstance(value, str) else None
        for authority in self.authorities:
            if authority.slug == self.chosen:
                return authority
        self.errors[FIELD] = _("Select the council or organisation you want to use")
        return None
