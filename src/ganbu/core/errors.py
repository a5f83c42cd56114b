"""Chinese error pages even under DEBUG (issue 10, bug 6).

With DEBUG off Django renders templates/403.html, 404.html and 500.html itself. Under DEBUG (the
demo, ``make run``) it shows technical pages instead; a county office trying the demo must see the
same Chinese pages. What stays technical under DEBUG is a URL nothing matches (a developer's dead
link, which the crawl test hunts), because that is raised before any view runs.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import Resolver404

log = logging.getLogger("ganbu.errors")


class ChineseErrorPagesMiddleware:
    """Under DEBUG, answer an exception a view raises with the Chinese page for its status."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not settings.DEBUG or isinstance(exception, Resolver404):
            return None
        if isinstance(exception, Http404):
            return error_page(request, 404)
        if isinstance(exception, PermissionDenied):
            return error_page(request, 403)
        log.exception("unhandled error on %s", request.path, exc_info=exception)
        return error_page(request, 500)


def error_page(request: HttpRequest | Any, status: int) -> HttpResponse:
    """The Chinese page for ``status``; the 500 page needs no context (the database may be down)."""
    if status == 500:
        return HttpResponse(render_to_string("500.html"), status=500)
    return HttpResponse(render_to_string(f"{status}.html", request=request), status=status)
