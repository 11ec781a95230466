"""What a use case run for one authority starts from: the authority served and the client."""

from kit.authorities import Authority
from kit.clients import ClientInfo


class ForAuthority:
    """A use case run for one authority at one client's request."""

    def __init__(self, *, authority: Authority, client: ClientInfo) -> None:
        self.authority = authority
        self.slug = authority.slug
        self.client = client
