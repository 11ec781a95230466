"""What a use case run for one authority starts from: the authority served and the client."""

from dataclasses import dataclass, field

from kit.authorities import Authority
from kit.clients import ClientInfo


@dataclass(kw_only=True)
class ForAuthority:
    """A use case run for one authority at one client's request; subclasses add their stores."""

    authority: Authority
    client: ClientInfo
    slug: str = field(init=False)

    def __post_init__(self) -> None:
        self.slug = self.authority.slug
