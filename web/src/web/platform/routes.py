"""The platform administrator's pages: list, create, change and disable authorities."""

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from contracts.fields import AUTHORITY_SLUG_PATTERN
from kit.errors import NotFound
from web.i18n import gettext as _
from web.pages import authority_base, render
from web.paging import Trail
from web.platform.forms import AuthorityForm, kind_name, module_name
from web.roles import PlatformAdmin, RoleHolder
from web.sessions.dependencies import CheckedForm

router = APIRouter(include_in_schema=False)
REGISTRY = "/gateway/authorities"
PAGE_SIZE = "20"
# The authority a page is about, from its address: only a slug goes into an API path.
Slug = Annotated[str, Path(pattern=AUTHORITY_SLUG_PATTERN, max_length=63)]


def _if_match(revision: str) -> dict[str, str]:
    """The header that makes a change only if the authority is still at this version."""
    return {"If-Match": f'"{revision}"'} if revision.isdigit() else {}


async def _authority(admin: RoleHolder, slug: str) -> dict[str, Any]:
    answer = await admin.call("GET", f"{REGISTRY}/{slug}")
    if answer.status != 200 or not isinstance(answer.body, dict):
        raise NotFound()
    return answer.body


@router.get("/{authority}/platform/authorities")
async def authorities(request: Request, admin: PlatformAdmin) -> Response:
    """Every authority, in order of short name, a page at a time."""
    trail = Trail.of(request)
    params = {"limit": PAGE_SIZE}
    if trail.cursor:
        params["cursor"] = trail.cursor
    answer = await admin.call("GET", REGISTRY, params=params)
    if answer.status == 400:
        return RedirectResponse(f"{authority_base(request)}/platform/authorities", status_code=303)
    body = answer.body if isinstance(answer.body, dict) else {}
    rows = [
        {
            "slug": item["slug"],
            "name": item["name"],
            "kind": kind_name(str(item["kind"])),
            "modules": ", ".join(module_name(str(m)) for m in item.get("modules", [])),
            "active": item.get("status") == "active",
        }
        for item in body.get("items", [])
    ]
    path = f"{authority_base(request)}/platform/authorities"
    context = {"rows": rows, "paging": trail.links(path, body.get("next_cursor"))}
    return render(request, "platform/authorities.html", context)


@router.get("/{authority}/platform/authorities/new")
async def new_authority_page(request: Request, admin: PlatformAdmin) -> HTMLResponse:
    """The form to add an authority."""
    return render(request, "platform/authority_form.html", {"form": AuthorityForm(), "new": True})


@router.post("/{authority}/platform/authorities/new")
async def new_authority(request: Request, admin: PlatformAdmin, form_data: CheckedForm) -> Response:
    """Add it to the registry: every service hears of it."""
    form = AuthorityForm()
    context = {"form": form, "new": True}
    body = form.read(form_data, creating=True)
    if body is None:
        return render(request, "platform/authority_form.html", context, status=400)
    answer = await admin.call("POST", REGISTRY, body=body)
    if answer.status != 201:
        form.refused(answer.error_code, answer.error_details)
        return render(request, "platform/authority_form.html", context, status=400)
    return RedirectResponse(
        f"{authority_base(request)}/platform/authorities/{form.slug}/created", status_code=303
    )


@router.get("/{authority}/platform/authorities/{slug}/change")
async def change_authority_page(request: Request, admin: PlatformAdmin, slug: Slug) -> HTMLResponse:
    """The form to change an authority, filled in with its fields now."""
    form = AuthorityForm.of(await _authority(admin, slug))
    return render(request, "platform/authority_form.html", {"form": form, "new": False})


@router.post("/{authority}/platform/authorities/{slug}/change")
async def change_authority(
    request: Request, admin: PlatformAdmin, slug: Slug, form_data: CheckedForm
) -> Response:
    """Change it in the registry, only if no one else changed it since the form was filled in."""
    form = AuthorityForm(slug=slug)
    context: dict[str, Any] = {"form": form, "new": False}
    body = form.read(form_data, creating=False)
    if body is None:
        return render(request, "platform/authority_form.html", context, status=400)
    answer = await admin.call(
        "PATCH", f"{REGISTRY}/{slug}", body=body, headers=_if_match(form.revision)
    )
    if answer.status == 404:
        raise NotFound()
    if answer.status in {412, 428}:
        # Show what is there now, to change again from.
        current = AuthorityForm.of(await _authority(admin, slug))
        current.changed_elsewhere()
        context["form"] = current
        return render(request, "platform/authority_form.html", context, status=409)
    if answer.status != 200:
        form.refused(answer.error_code, answer.error_details)
        return render(request, "platform/authority_form.html", context, status=400)
    return RedirectResponse(
        f"{authority_base(request)}/platform/authorities/{slug}/changed", status_code=303
    )


STATUS_CHANGES = {"disable": "disabled", "enable": "active"}


def _status_change(change: str) -> str:
    status = STATUS_CHANGES.get(change)
    if status is None:
        raise NotFound()
    return status


@router.get("/{authority}/platform/authorities/{slug}/{change}")
async def status_page(
    request: Request, admin: PlatformAdmin, slug: Slug, change: str
) -> HTMLResponse:
    """Check the authority before taking it off the air (or putting it back), or say it is done."""
    done = DONE.get(change)
    if done is not None:
        title, text = done()
        return render(request, "platform/done.html", {"title": title, "text": text})
    _status_change(change)
    authority = await _authority(admin, slug)
    return render(request, "platform/status.html", {"authority": authority, "change": change})


@router.post("/{authority}/platform/authorities/{slug}/{change}")
async def change_status(
    request: Request, admin: PlatformAdmin, slug: Slug, change: str, form_data: CheckedForm
) -> Response:
    """Disable or enable it in the registry, if it is still as the page showed it."""
    status = _status_change(change)
    revision = form_data.get("revision")
    answer = await admin.call(
        "PATCH",
        f"{REGISTRY}/{slug}",
        body={"status": status},
        headers=_if_match(revision if isinstance(revision, str) else ""),
    )
    if answer.status == 404:
        raise NotFound()
    if answer.status != 200:
        authority = await _authority(admin, slug)
        stale = answer.status in {412, 428}
        context = {"authority": authority, "change": change, "stale": stale, "failed": True}
        return render(request, "platform/status.html", context, status=409 if stale else 400)
    outcome = "disabled" if status == "disabled" else "enabled"
    return RedirectResponse(
        f"{authority_base(request)}/platform/authorities/{slug}/{outcome}", status_code=303
    )


DONE = {
    "created": lambda: (_("Authority created"), _("Every service now knows about it")),
    "changed": lambda: (_("Authority changed"), _("Its pages show the changes within a minute")),
    "disabled": lambda: (_("Authority disabled"), _("Its portal no longer answers anyone")),
    "enabled": lambda: (_("Authority enabled"), _("Its portal is open again")),
}
