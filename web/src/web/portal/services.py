"""The services an authority offers, named and described in the person's language."""

from dataclasses import dataclass

from web.gateway import AuthorityProfile
from web.i18n import gettext as _


@dataclass(frozen=True)
class OfferedService:
    """One service (module) on an authority's home page."""

    module: str
    name: str
    description: str


def _described(module: str) -> tuple[str, str] | None:
    """A module's name and description, translated; None for a module the portal cannot show."""
    descriptions = {
        "homelessness": (
            _("Homelessness"),
            _("Get help if you are homeless or at risk of losing your home."),
        ),
        "housing_register": (
            _("Housing register"),
            _("Apply to join the housing register for council or housing association homes."),
        ),
        "housing_advice": (
            _("Housing advice"),
            _("Ask for advice about renting, your landlord or keeping your home."),
        ),
        "complaints": (
            _("Complaints"),
            _("Bring a complaint about a landlord and follow its progress."),
        ),
    }
    return descriptions.get(module)


def offered_services(authority: AuthorityProfile) -> list[OfferedService]:
    """Only the services this authority offers, in its own order."""
    offered = []
    for module in authority.modules:
        described = _described(module)
        if described is not None:
            offered.append(OfferedService(module, *described))
    return offered
