"""Home and inbox pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from ganbu.core.models import Notification


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html", {"today": timezone.localdate()})


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    items = list(Notification.objects.filter(user=request.user)[:200])
    Notification.objects.filter(user=request.user, read_at__isnull=True).update(read_at=timezone.now())
    return render(request, "core/inbox.html", {"items": items})
