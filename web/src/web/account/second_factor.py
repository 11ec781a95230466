"""The second step of signing in: a code from a second factor, or setting one up first."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from web.account.code_forms import CodeForm, Method, MethodChoiceForm
from web.account.forms import SignInForm
from web.account.qr import authenticator_setup_of, setup_context
from web.account.signing_in import ENROLMENT, CurrentStep, Step, finish, step_page
from web.authorities import PageAuthority
from web.gateway import ApiAnswer
from web.i18n import gettext as _
from web.pages import authority_base, render
from web.sessions.dependencies import CheckedForm, keep_on_session
from web.sessions.models import SignInStep

router = APIRouter(include_in_schema=False)

PAGES: dict[Method, str] = {
    "totp": "authenticator-code",
    "email_code": "email-code",
    "recovery_code": "recovery-code",
}


def _code_page(
    request: Request, step: SignInStep, form: CodeForm, *, status: int = 200
) -> HTMLResponse:
    return render(
        request,
        "account/sign_in_code.html",
        {"form": form, "step": step, "pages": PAGES},
        status=status,
    )


async def _start_again(request: Request, step: Step) -> HTMLResponse:
    """The sign-in page, saying why: identity will not take this sign-in's codes any more."""
    await step.forget(request)
    form = SignInForm()
    form.start_again()
    return render(request, "account/sign_in.html", {"form": form}, status=400)


async def _answer(request: Request, step: Step, method: Method, form_data: FormData) -> Response:
    form = CodeForm(method=method)
    if method not in step.step.methods or step.step.status in ENROLMENT:
        return RedirectResponse(f"{authority_base(request)}{step_page(step.step)}", 303)
    code = form.read(form_data)
    if code is None:
        return _code_page(request, step.step, form, status=400)
    answer = await step.call(request, "", {"method": method, "code": code})
    if answer.status == 200 and isinstance(answer.body, dict):
        return await finish(request, step.session, answer.body)
    if answer.error_code == "challenge_invalid":
        return await _start_again(request, step)
    form.refused(answer.error_code, answer.error_details)
    return _code_page(request, step.step, form, status=400)


async def _method_page(request: Request, step: Step, method: Method) -> Response:
    if method not in step.step.methods or step.step.status in ENROLMENT:
        return RedirectResponse(f"{authority_base(request)}{step_page(step.step)}", 303)
    return _code_page(request, step.step, CodeForm(method=method))


@router.get("/{authority}/account/sign-in/authenticator-code")
async def authenticator_code_page(
    request: Request, authority: PageAuthority, step: CurrentStep
) -> Response:
    """The field for the code the authenticator app shows."""
    return await _method_page(request, step, "totp")


@router.post("/{authority}/account/sign-in/authenticator-code")
async def authenticator_code(
    request: Request, authority: PageAuthority, form_data: CheckedForm, step: CurrentStep
) -> Response:
    """Finish signing in with the authenticator app's code."""
    return await _answer(request, step, "totp", form_data)


@router.get("/{authority}/account/sign-in/email-code")
async def email_code_page(
    request: Request, authority: PageAuthority, step: CurrentStep
) -> Response:
    """The field for the emailed code, and "Send a new code"."""
    return await _method_page(request, step, "email_code")


@router.post("/{authority}/account/sign-in/email-code")
async def email_code(
    request: Request, authority: PageAuthority, form_data: CheckedForm, step: CurrentStep
) -> Response:
    """Finish signing in with the emailed code."""
    return await _answer(request, step, "email_code", form_data)


@router.get("/{authority}/account/sign-in/recovery-code")
async def recovery_code_page(
    request: Request, authority: PageAuthority, step: CurrentStep
) -> Response:
    """The field for one of the recovery codes."""
    return await _method_page(request, step, "recovery_code")


@router.post("/{authority}/account/sign-in/recovery-code")
async def recovery_code(
    request: Request, authority: PageAuthority, form_data: CheckedForm, step: CurrentStep
) -> Response:
    """Finish signing in with a recovery code (each works once)."""
    return await _answer(request, step, "recovery_code", form_data)


@router.post("/{authority}/account/sign-in/email-code/new")
async def send_sign_in_code(
    request: Request, authority: PageAuthority, _form: CheckedForm, step: CurrentStep
) -> Response:
    """Email a new sign-in code ("Send a new code"); the earlier one stops working."""
    answer = await step.call(request, "/email-code", {})
    if answer.status == 202 and isinstance(answer.body, dict):
        sent = step.step.model_copy(update={"code_sent_to": answer.body.get("code_sent_to")})
        await keep_on_session(request, step.session, sign_in_step=sent)
        return RedirectResponse(f"{authority_base(request)}/account/sign-in/email-code", 303)
    if answer.error_code == "challenge_invalid":
        return await _start_again(request, step)
    form = CodeForm(method="email_code")
    form.refused(answer.error_code)
    return _code_page(request, step.step, form, status=400)


# Setting up a second factor while signing in: required for staff where the authority says
# so, else offered once with "set this up later".


def _choice_page(
    request: Request, step: SignInStep, form: MethodChoiceForm, *, status: int = 200
) -> HTMLResponse:
    return render(
        request, "account/set_up_second_factor.html", {"form": form, "step": step}, status=status
    )


@router.get("/{authority}/account/sign-in/set-up-second-factor")
async def choose_factor_page(
    request: Request, authority: PageAuthority, step: CurrentStep
) -> Response:
    """The choice of an authenticator app or emailed codes (and "later", when allowed)."""
    if step.step.status not in ENROLMENT:
        return RedirectResponse(f"{authority_base(request)}{step_page(step.step)}", 303)
    return _choice_page(request, step.step, MethodChoiceForm())


def _enrolment_refused(request: Request, step: Step, answer: ApiAnswer) -> HTMLResponse:
    form = MethodChoiceForm()
    if step.step.status == "enrolment_required" and answer.error_code == "method_not_available":
        form.errors["method"] = _("You must set up two-factor sign-in before you can sign in")
    else:
        form.errors["method"] = CodeForm(method="totp").refused_message(answer.error_code)
    return _choice_page(request, step.step, form, status=400)


async def _begin(request: Request, step: Step, method: str) -> Response:
    answer = await step.call(request, "/enrolment", {"method": method})
    if answer.status != 200 or not isinstance(answer.body, dict):
        if answer.error_code == "challenge_invalid":
            return await _start_again(request, step)
        if method == "email_code" and answer.error_code == "code_recently_sent":
            form = CodeForm(method="email_code")
            form.refused(answer.error_code)
            return _email_enrolment_page(request, step.step, form, status=400)
        return _enrolment_refused(request, step, answer)
    base = authority_base(request)
    if method == "totp":
        setup = authenticator_setup_of(step.step.authority, answer.body)
        await keep_on_session(request, step.session, authenticator_setup=setup)
        return RedirectResponse(f"{base}/account/sign-in/set-up-authenticator-app", 303)
    sent = step.step.model_copy(update={"code_sent_to": answer.body.get("code_sent_to")})
    await keep_on_session(request, step.session, sign_in_step=sent)
    return RedirectResponse(f"{base}/account/sign-in/set-up-email-codes", 303)


@router.post("/{authority}/account/sign-in/set-up-second-factor")
async def choose_factor(
    request: Request, authority: PageAuthority, form_data: CheckedForm, step: CurrentStep
) -> Response:
    """Start setting up the chosen factor."""
    if step.step.status not in ENROLMENT:
        return RedirectResponse(f"{authority_base(request)}{step_page(step.step)}", 303)
    form = MethodChoiceForm()
    method = form.read(form_data)
    if method is None:
        return _choice_page(request, step.step, form, status=400)
    return await _begin(request, step, method)


@router.post("/{authority}/account/sign-in/later")
async def set_up_later(
    request: Request, authority: PageAuthority, _form: CheckedForm, step: CurrentStep
) -> Response:
    """Sign in without a second factor ("set this up later"), where identity allows it."""
    answer = await step.call(request, "/postponement", {})
    if answer.status == 200 and isinstance(answer.body, dict):
        return await finish(request, step.session, answer.body)
    if answer.error_code == "challenge_invalid":
        return await _start_again(request, step)
    return _enrolment_refused(request, step, answer)


def _authenticator_page(
    request: Request, step: Step, form: CodeForm, *, status: int = 200
) -> Response:
    setup = step.session.record.authenticator_setup
    if setup is None or setup.authority != step.step.authority:
        return RedirectResponse(
            f"{authority_base(request)}/account/sign-in/set-up-second-factor", 303
        )
    context = {
        "form": form,
        **setup_context(setup),
        "action": f"{authority_base(request)}/account/sign-in/set-up-authenticator-app",
    }
    return render(request, "account/set_up_authenticator_app.html", context, status=status)


@router.get("/{authority}/account/sign-in/set-up-authenticator-app")
async def authenticator_page(
    request: Request, authority: PageAuthority, step: CurrentStep
) -> Response:
    """The QR code and key to put in the app, and the field for its first code."""
    return _authenticator_page(request, step, CodeForm(method="totp"))


async def _confirm(request: Request, step: Step, method: str, form_data: FormData) -> Response:
    form = CodeForm(method="totp" if method == "totp" else "email_code")
    code = form.read(form_data)
    if code is not None:
        answer = await step.call(
            request, "/enrolment/confirmation", {"method": method, "code": code}
        )
        if answer.status == 200 and isinstance(answer.body, dict):
            codes = answer.body.get("recovery_codes")
            return await finish(
                request,
                step.session,
                answer.body["session"],
                recovery_codes=[str(c) for c in codes] if isinstance(codes, list) else None,
            )
        if answer.error_code == "challenge_invalid":
            return await _start_again(request, step)
        form.refused(answer.error_code)
    if method == "totp":
        return _authenticator_page(request, step, form, status=400)
    return _email_enrolment_page(request, step.step, form, status=400)


@router.post("/{authority}/account/sign-in/set-up-authenticator-app")
async def confirm_authenticator(
    request: Request, authority: PageAuthority, form_data: CheckedForm, step: CurrentStep
) -> Response:
    """Confirm the app with its first code and sign in."""
    return await _confirm(request, step, "totp", form_data)


def _email_enrolment_page(
    request: Request, step: SignInStep, form: CodeForm, *, status: int = 200
) -> HTMLResponse:
    base = authority_base(request)
    context = {
        "form": form,
        "code_sent_to": step.code_sent_to,
        "action": f"{base}/account/sign-in/set-up-email-codes",
        "resend": f"{base}/account/sign-in/set-up-email-codes/new",
    }
    return render(request, "account/set_up_email_codes.html", context, status=status)


@router.get("/{authority}/account/sign-in/set-up-email-codes")
async def email_enrolment_page(
    request: Request, authority: PageAuthority, step: CurrentStep
) -> Response:
    """The field for the code just emailed to confirm the address gets them."""
    if step.step.status not in ENROLMENT:
        return RedirectResponse(f"{authority_base(request)}{step_page(step.step)}", 303)
    return _email_enrolment_page(request, step.step, CodeForm(method="email_code"))


@router.post("/{authority}/account/sign-in/set-up-email-codes")
async def confirm_email_codes(
    request: Request, authority: PageAuthority, form_data: CheckedForm, step: CurrentStep
) -> Response:
    """Confirm emailed codes with the code sent and sign in."""
    return await _confirm(request, step, "email_code", form_data)


@router.post("/{authority}/account/sign-in/set-up-email-codes/new")
async def resend_enrolment_code(
    request: Request, authority: PageAuthority, _form: CheckedForm, step: CurrentStep
) -> Response:
    """Email a new code to confirm emailed codes with."""
    return await _begin(request, step, "email_code")
