"""The JSON API root: one NinjaAPI, a router per app, OpenAPI at /api/v1/openapi.json.

Every error of every router answers one shape, ErrorOut (satuklik/core/api_errors.py,
docs/api.md): the handlers below turn the apps' domain errors into it, so the routers
raise and never build error bodies themselves.
"""

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError

from satuklik.accounts import linking, otp
from satuklik.accounts.services import AccountsError
from satuklik.cards.services import CardError
from satuklik.claims.idempotency import IdempotencyError
from satuklik.claims.review import ReviewError
from satuklik.claims.services import ClaimError
from satuklik.claims.workflow import IllegalTransition
from satuklik.core.api_errors import ApiError, ErrorOut, default_error, error_body, validation_problem

api = NinjaAPI(
    title="Satuklik API",
    version="1",
    urls_namespace="api",
    description="Member self-service API for native clients and partners. Every error answers the one "
    "ErrorOut shape: message (translated), code (stable), field, errors, retry_after.",
)


def _answer(request, status, *, code, message, field=None, errors=(), retry_after=None):
    response = api.create_response(
        request,
        error_body(code=code, message=message, field=field, errors=errors, retry_after=retry_after),
        status=status,
    )
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


@api.exception_handler(ApiError)
def _api_error(request, exc: ApiError):
    return _answer(
        request,
        exc.status,
        code=exc.code,
        message=exc.message,
        field=exc.field,
        errors=exc.errors,
        retry_after=exc.retry_after,
    )


@api.exception_handler(AccountsError)
def _accounts_error(request, exc: AccountsError):
    # Password rules: every reason the password was refused.
    problems = [{"field": None, "message": error, "code": exc.code} for error in exc.errors]
    return _answer(
        request, exc.status, code=exc.code, message=exc.message, errors=problems, retry_after=exc.retry_after
    )


@api.exception_handler(otp.OtpError)
def _otp_error(request, exc: otp.OtpError):
    return _answer(request, exc.status, code=exc.code, message=exc.message, retry_after=exc.retry_after)


@api.exception_handler(linking.LinkError)
def _link_error(request, exc: linking.LinkError):
    return _answer(request, exc.status, code=exc.code, message=exc.message)


@api.exception_handler(ClaimError)
def _claim_error(request, exc: ClaimError):
    problems = [{"field": None, "message": message, "code": code} for code, message in getattr(exc, "problems", [])]
    return _answer(request, exc.status, code=exc.code, message=exc.message, field=exc.field, errors=problems)


@api.exception_handler(IdempotencyError)
def _idempotency_error(request, exc: IdempotencyError):
    return _answer(request, exc.status, code=exc.code, message=exc.message)


@api.exception_handler(ReviewError)
def _review_error(request, exc: ReviewError):
    return _answer(request, 422, code="invalid", message=exc.message, field=exc.field_name)


@api.exception_handler(IllegalTransition)
def _illegal_transition(request, exc: IllegalTransition):
    return _answer(request, 409, code="illegal_transition", message=exc.message)


@api.exception_handler(CardError)
def _card_error(request, exc: CardError):
    return _answer(request, 409, code=exc.code, message=exc.message)


@api.exception_handler(PermissionDenied)
def _permission_denied(request, exc: PermissionDenied):
    return _answer(request, 403, code="not_allowed", message=str(exc) or default_error(403)[1])


@api.exception_handler(Http404)
@api.exception_handler(ObjectDoesNotExist)
def _not_found(request, exc):
    # The same answer for an id that does not exist and one another member owns.
    return _answer(request, 404, code="not_found", message=_("There is nothing at this address, or it is not yours."))


@api.exception_handler(ValidationError)
def _validation_error(request, exc: ValidationError):
    problems = [validation_problem(error) for error in exc.errors]
    field = problems[0]["field"] if len(problems) == 1 else None
    code, message = default_error(422)
    return _answer(request, 422, code=code, message=message, field=field, errors=problems)


@api.exception_handler(AuthenticationError)
def _not_authenticated(request, exc):
    code, message = default_error(401)
    return _answer(request, 401, code=code, message=message)


@api.exception_handler(Throttled)
def _throttled(request, exc: Throttled):
    code, message = default_error(429)
    return _answer(request, 429, code=code, message=message, retry_after=exc.wait)


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    if exc.status_code == 403 and "CSRF" in exc.message:
        return _answer(request, 403, code="csrf_failed", message=_("The form expired. Reload the page and try again."))
    code, message = default_error(exc.status_code)
    return _answer(request, exc.status_code, code=code, message=message)


@api.get("/ping", tags=["meta"], summary="Is the API up?")
def ping(request):
    return {"ok": True}


api.add_router("/auth", "satuklik.accounts.api.router")
api.add_router("/providers", "satuklik.providers.api.router")
api.add_router("/policies", "satuklik.policies.api.router")
api.add_router("/cards", "satuklik.cards.api.router")
api.add_router("/verify", "satuklik.cards.api.verify_router")
api.add_router("/claims", "satuklik.claims.api.router")
api.add_router("/officer/claims", "satuklik.claims.api_officer.router")

__all__ = ["ErrorOut", "api"]
