"""One error body for every refusal of the API, in the client's language (Accept-Language; Chinese
unless it asks for English):

    {"error": {"code": "invalid", "message": "…", "fields": {"staff[2].mobile": ["…"]}}}

``code`` is for programs (stable, English), ``message`` for people, ``fields`` names each bad input."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext
from rest_framework import exceptions
from rest_framework.views import exception_handler

LANGUAGES = ("zh-hans", "en")


def api_language(request) -> str:
    """English when the client's Accept-Language prefers it over Chinese; Chinese otherwise."""
    from django.utils.translation.trans_real import parse_accept_lang_header

    for code, _quality in parse_accept_lang_header(request.META.get("HTTP_ACCEPT_LANGUAGE", "")):
        code = code.lower()
        if code.startswith("zh"):
            return "zh-hans"
        if code.startswith("en"):
            return "en"
    return "zh-hans"


def _messages() -> dict[str, str]:
    return {
        "not_authenticated": gettext("Send the API client's token: “Authorization: Bearer <token>”."),
        "not_found": gettext("Not found."),
        "method_not_allowed": gettext("This method is not allowed here."),
        "throttled": gettext("Too many requests: wait a minute and try again."),
        "parse_error": gettext("The request body is not valid JSON."),
        "unsupported_media_type": gettext("Send the request body as JSON (Content-Type: application/json)."),
        "invalid": gettext("The request has errors; see “fields”."),
        "not_acceptable": gettext("The API answers in JSON only."),
    }


def flatten(detail, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as ``{"field": [...], "staff[2].mobile": [...]}``."""
    fields: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            if isinstance(key, int):  # a list's item, as DRF keys them
                name = f"{prefix}[{key}]"
            else:
                name = str(key) if not prefix else f"{prefix}.{key}"
            for sub, messages in flatten(value, name).items():
                fields.setdefault(sub, []).extend(messages)
    elif isinstance(detail, list) and any(isinstance(item, dict | list) for item in detail):
        for index, value in enumerate(detail):
            if value:
                for sub, messages in flatten(value, f"{prefix}[{index}]").items():
                    fields.setdefault(sub, []).extend(messages)
    elif isinstance(detail, list):
        fields[prefix or "non_field_errors"] = [str(item) for item in detail]
    else:
        fields[prefix or "non_field_errors"] = [str(detail)]
    return fields


def error_body(code: str, message: str, fields: dict | None = None) -> dict:
    return {"error": {"code": code, "message": str(message), "fields": fields or {}}}


def api_exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(*exc.args[:1])
    response = exception_handler(exc, context)
    if response is None:
        return None
    messages = _messages()
    if isinstance(exc, exceptions.ValidationError):
        fields = flatten(exc.detail)
        response.data = error_body("invalid", messages["invalid"], fields)
        return response
    code = exc.default_code if isinstance(exc, exceptions.APIException) else "error"
    if isinstance(exc, exceptions.AuthenticationFailed | exceptions.PermissionDenied):
        message = str(exc.detail)  # our own words: say what was refused
    else:
        message = messages.get(code, str(getattr(exc, "detail", "")))
    response.data = error_body(code, message)
    return response
