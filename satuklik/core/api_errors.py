"""The one error shape of the JSON API (/api/v1/), for every router (docs/api.md).

    {"message": "...", "code": "...", "field": null, "errors": [{"field", "message", "code"}], "retry_after": null}

`message` is translated for the person; `code` is stable for programs; `field` names the
input the message is about; `errors` lists every problem when there are several; `retry_after`
is the seconds to wait (429). Endpoints raise domain errors (or `ApiError`); the handlers in
config/api.py turn them into this body. Outside ninja (unknown paths, CSRF, 405, 500) the
same body comes from `error_response`.
"""

from django.http import JsonResponse
from django.utils.translation import gettext as _
from ninja import Field, Schema


class ErrorItem(Schema):
    field: str | None = Field(None, description="The input this problem is about, when there is one")
    message: str = Field(description="Translated text")
    code: str = Field(description="Stable machine-readable reason")


class ErrorOut(Schema):
    message: str = Field(description="Translated text to show the person")
    code: str = Field(description="Stable machine-readable reason, e.g. not_found, validation_error, login_locked")
    field: str | None = Field(None, description="The input the message is about, when there is one")
    errors: list[ErrorItem] = Field(default_factory=list, description="Every problem, when there are several")
    retry_after: int | None = Field(None, description="Seconds to wait before trying again (429), when known")


class ApiError(Exception):
    """A refusal decided in an API view itself (not by a service)."""

    def __init__(self, status: int, code: str, message, *, field=None, errors=None, retry_after=None):
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.errors = errors or []
        self.retry_after = retry_after
        super().__init__(code)


def error_body(*, code: str, message, field=None, errors=(), retry_after=None) -> dict:
    return {
        "message": str(message),
        "code": code,
        "field": field,
        "errors": [
            {"field": item.get("field"), "message": str(item["message"]), "code": item["code"]} for item in errors
        ],
        "retry_after": retry_after,
    }


def error_response(status: int, *, code: str, message, **extra) -> JsonResponse:
    response = JsonResponse(error_body(code=code, message=message, **extra), status=status)
    if extra.get("retry_after"):
        response["Retry-After"] = str(extra["retry_after"])
    return response


# What each status means when no more specific reason is known (the 404 of an id another
# member owns says no more than the 404 of an id that does not exist).
def default_error(status: int) -> tuple[str, str]:
    defaults = {
        400: ("bad_request", _("The request could not be understood.")),
        401: ("not_authenticated", _("Please log in: the token or session is missing, expired or revoked.")),
        403: ("forbidden", _("You may not do this.")),
        404: ("not_found", _("There is no such address in the API.")),
        405: ("method_not_allowed", _("This address does not accept this method.")),
        409: ("conflict", _("This cannot be done in the current state.")),
        422: ("validation_error", _("Some of the data sent is not valid.")),
        429: ("too_many_requests", _("Too many requests. Please wait a while and try again.")),
        500: ("server_error", _("Something went wrong on our side. Please try again later.")),
    }
    return defaults.get(status, ("error", _("Something went wrong. Please try again.")))


def validation_problem(error: dict) -> dict:
    """One of pydantic's errors (as django-ninja reports them) as a translated ErrorItem.

    loc is ("body", "payload", "field", ...), ("query", "page") or ("path", "claim_id"):
    the field is the name the client sent.
    """
    location = [str(part) for part in error.get("loc", ())]
    names = location[2:] if location[:1] == ["body"] and len(location) > 2 else location[1:]
    kind = error.get("type", "")
    limits = error.get("ctx") or {}
    messages = {
        "missing": _("This field is required."),
        "less_than_equal": _("Ensure this value is less than or equal to %(limit)s."),
        "less_than": _("Ensure this value is less than %(limit)s."),
        "greater_than_equal": _("Ensure this value is greater than or equal to %(limit)s."),
        "greater_than": _("Ensure this value is greater than %(limit)s."),
        "string_too_long": _("Ensure this value has at most %(limit)s characters."),
        "string_too_short": _("Ensure this value has at least %(limit)s characters."),
        "too_long": _("Ensure this list has at most %(limit)s items."),
        "literal_error": _("Select a valid choice."),
        "enum": _("Select a valid choice."),
        "int_parsing": _("Enter a whole number."),
        "int_type": _("Enter a whole number."),
        "float_parsing": _("Enter a valid number."),
        "finite_number": _("Enter a valid number."),
        "bool_parsing": _("Enter true or false."),
        "date_from_datetime_parsing": _("Enter a valid date (YYYY-MM-DD)."),
        "date_parsing": _("Enter a valid date (YYYY-MM-DD)."),
    }
    limit = next((limits[key] for key in ("le", "lt", "ge", "gt", "max_length", "min_length") if key in limits), "")
    if kind == "value_error":  # our own validators raise ValueError with a translated text
        message = str(error.get("msg", "")).removeprefix("Value error, ")
    else:
        message = messages.get(kind, _("Enter a valid value.")) % {"limit": limit}
    code = "required" if kind == "missing" else "invalid"
    return {"field": ".".join(names) or None, "message": message, "code": code}


def errors(*statuses: int) -> dict:
    """The error part of an endpoint's `response=`: every listed status answers ErrorOut."""
    return dict.fromkeys(statuses, ErrorOut)


def is_api_path(path: str) -> bool:
    return path.startswith("/api/")
