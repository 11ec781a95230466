"""The applicant's letters: every letter sent to them, NEW until they open it, each opened as
its PDF and acknowledged with one button."""

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response

from contracts import words
from kit.errors import NotFound
from web.account.identity import items_of
from web.cases.applications import ApplicantDep, CaseId
from web.cases.rendering import see_other
from web.gateway import GatewayUnavailable
from web.i18n import current_language, format_moment
from web.pages import authority_base, render
from web.paging import Trail
from web.sessions.dependencies import CheckedForm

router = APIRouter(include_in_schema=False)

LetterId = Annotated[str, Path(pattern=r"^[0-9a-f]{32}$")]
PAGE_SIZE = "20"


def shown(letter: dict[str, Any]) -> dict[str, Any]:
    """A letter as the list shows it, in the page's language."""
    return {
        **letter,
        "template_text": words.letter_template(letter["template"], current_language.get()),
        "issued_text": format_moment(letter["issued_at"]),
        "acknowledged_text": format_moment(letter["acknowledged_at"])
        if letter.get("acknowledged_at")
        else None,
    }


@router.get("/{authority}/letters")
async def letters_page(request: Request, applicant: ApplicantDep) -> Response:
    """Your letters, newest first: who sent each and when, NEW until opened."""
    trail = Trail.of(request)
    params = {"limit": PAGE_SIZE, **({"cursor": trail.cursor} if trail.cursor else {})}
    answer = await applicant.call("GET", "/letters", params=params)
    if answer.status == 400 and trail.cursor:
        answer = await applicant.call("GET", "/letters", params={"limit": PAGE_SIZE})
    if answer.status != 200 or not isinstance(answer.body, dict):
        raise GatewayUnavailable(f"letters answered {answer.status}")
    following = answer.body.get("next_cursor")
    context = {
        "letters": [shown(letter) for letter in items_of(answer)],
        "paging": trail.links(
            f"{authority_base(request)}/letters", following if isinstance(following, str) else None
        ),
        "acknowledged": request.query_params.get("acknowledged") == "yes",
    }
    return render(request, "letters/letters.html", context)


@router.get("/{authority}/letters/{case_id}/{letter_id}/pdf")
async def letter_pdf(
    request: Request, applicant: ApplicantDep, case_id: CaseId, letter_id: LetterId
) -> Response:
    """The letter's PDF, passed on as it arrives; opening it is what clears NEW."""
    download = await applicant.download(f"/cases/cases/{case_id}/letters/{letter_id}/pdf")
    return download.as_pdf("letter.pdf", shown=True)


@router.post("/{authority}/letters/{case_id}/{letter_id}/acknowledge")
async def acknowledge(
    request: Request,
    applicant: ApplicantDep,
    case_id: CaseId,
    letter_id: LetterId,
    form: CheckedForm,
) -> Response:
    """Acknowledge the letter; pressing again changes nothing."""
    answer = await applicant.call("POST", f"/cases/{case_id}/letters/{letter_id}/acknowledge")
    if answer.status == 404:
        raise NotFound()
    if answer.status != 200:
        raise GatewayUnavailable(f"acknowledge answered {answer.status}")
    return see_other(f"{authority_base(request)}/letters?acknowledged=yes")
