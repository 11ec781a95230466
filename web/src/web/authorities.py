"""The authority a page belongs to, read from the gateway's directory and kept for a moment."""

import re
import time
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from contracts.fields import AUTHORITY_SLUG
from web.gateway import AuthorityProfile, AuthorityUnknown, GatewayClient, GatewayUnavailable

SLUG = re.compile(rf"^{AUTHORITY_SLUG}$")


@dataclass
class AuthorityCache:
    """Each authority's public details, reused for `seconds` before the gateway is asked again."""

    gateway: GatewayClient
    seconds: float
    _held: dict[str, tuple[float, AuthorityProfile]]
    _directory: tuple[float, list[AuthorityProfile]] | None = None

    async def directory(self) -> list[AuthorityProfile]:
        """Every authority that uses the portal, in name order."""
        now = time.monotonic()
        if self._directory is not None and now - self._directory[0] < self.seconds:
            return self._directory[1]
        authorities = await self.gateway.authorities()
        self._directory = (now, authorities)
        return authorities

    async def get(self, slug: str) -> AuthorityProfile:
        """The authority's details; AuthorityUnknown when there is no such active authority."""
        if not SLUG.match(slug):
            raise AuthorityUnknown(slug)
        held = self._held.get(slug)
        now = time.monotonic()
        if held is not None and now - held[0] < self.seconds:
            return held[1]
        try:
            profile = await self.gateway.authority(slug)
        except GatewayUnavailable:
            if held is None:
                raise
            # Details last read are better than none: the pages that say the service is
            # unavailable still show how to reach the authority.
            return held[1]
        self._held[slug] = (now, profile)
        return profile


def authority_cache(request: Request) -> AuthorityCache:
    """This worker's authority cache."""
    cache: AuthorityCache = request.app.state.authorities
    return cache


async def page_authority(authority: str, request: Request) -> AuthorityProfile:
    """The authority named in the page's path; not found when there is none."""
    profile = await authority_cache(request).get(authority)
    request.state.authority = profile
    return profile


PageAuthority = Annotated[AuthorityProfile, Depends(page_authority)]
