"""Sign-in attempts are limited, at both doors: the API's /api/auth/login/ and the admin's form.

After LOGIN_MAX_FAILURES failed sign-ins from one address, or for one username, within
LOGIN_WINDOW_S seconds, further attempts there get 429 until the window has passed: guessing
passwords becomes too slow to matter, while a colleague who mistypes stays unaffected. Failures
are counted from Django's `user_login_failed` signal in the cache, which every web process of a
host shares (a file cache; Redis where configured).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.cache import cache
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.translation import ngettext

from .errors import error_body


def _keys(request: HttpRequest | None, username: str | None) -> list[str]:
    keys = []
    if request is not None and (address := request.META.get("REMOTE_ADDR")):
        keys.append(f"login-failures:ip:{address}")
    if username:
        keys.append(f"login-failures:user:{username.strip().casefold()}")
    return keys


def _failures(key: str) -> list[float]:
    """The times of the failures under `key` still inside the window."""
    since = time.time() - settings.LOGIN_WINDOW_S
    return [t for t in cache.get(key, []) if t > since]


@receiver(user_login_failed)
def _count_failure(sender: Any, credentials: dict, request: HttpRequest | None = None, **_: Any):
    for key in _keys(request, credentials.get("username")):
        cache.set(key, [*_failures(key), time.time()], settings.LOGIN_WINDOW_S)


@receiver(user_logged_in)
def _forget_user_failures(sender: Any, request: HttpRequest, user: Any, **_: Any) -> None:
    cache.delete_many(_keys(None, user.get_username()))


def retry_after(request: HttpRequest, username: str | None) -> int:
    """Seconds until a sign-in may be tried again here; 0 when it may now."""
    waits = [
        int(times[0] + settings.LOGIN_WINDOW_S - time.time()) + 1
        for key in _keys(request, username)
        if len(times := _failures(key)) >= settings.LOGIN_MAX_FAILURES
    ]
    return max(waits, default=0)


def _username(request: HttpRequest) -> str | None:
    if request.content_type == "application/json":
        try:
            return str(json.loads(request.body or b"{}").get("username") or "") or None
        except (ValueError, AttributeError):
            return None
    return request.POST.get("username")


class LoginThrottleMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.doors = {reverse("auth-login"): "api", reverse("admin:login"): "admin"}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        door = self.doors.get(request.path) if request.method == "POST" else None
        if door and (wait := retry_after(request, _username(request))):
            minutes = wait // 60 + 1
            message = ngettext(
                "Too many failed sign-ins. Try again in %(minutes)d minute.",
                "Too many failed sign-ins. Try again in %(minutes)d minutes.",
                minutes,
            ) % {"minutes": minutes}
            if door == "api":
                response: HttpResponse = JsonResponse(
                    error_body("too_many_attempts", message), status=429
                )
            else:
                response = HttpResponse(message, status=429, content_type="text/plain")
            response["Retry-After"] = str(wait)
            return response
        return self.get_response(request)
