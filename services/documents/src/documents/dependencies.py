"""Dependencies every documents route shares: the case as the caller may see it."""

from typing import Annotated

from fastapi import Depends, Request

from documents.cases import CaseFacts
from documents.wiring import StoresDep
from kit.auth import CurrentPrincipal, bearer_token
from kit.authorities import ActiveAuthority


async def case_for_user(
    case_id: str,
    request: Request,
    stores: StoresDep,
    authority: ActiveAuthority,
    _: CurrentPrincipal,
) -> CaseFacts:
    """The case, if the cases service lets the caller see it; not found otherwise."""
    return await stores.cases.visible(
        case_id, authority=authority.slug, authorization=f"Bearer {bearer_token(request)}"
    )


CaseForUser = Annotated[CaseFacts, Depends(case_for_user)]
