"""The Django back office, locked down (issue 16, DESIGN "The edges").

Only the system administrator (``backoffice.repair``) enters; assessment data (attendance, leave,
points, scores, cases, notices, policies, grants, audit) is read-only there; every change the back
office can make writes an audit row beside Django's own log. Wired once from ``OrgConfig.ready``.
"""

from __future__ import annotations

from typing import Any

READ_ONLY_APPS = {"attendance", "leave", "points", "assessment", "cases", "notices", "core", "subsidies",
                  "targets", "stationing"}
READ_ONLY_MODELS = {("org", "rolegrant"), ("org", "passwordhistory"), ("org", "signinlock")}


def _repairer(request: Any) -> bool:
    from ganbu.core.access import has_perm

    user = request.user
    return bool(user.is_active and user.is_authenticated and has_perm(user, "backoffice.repair"))


def _read_only(model_admin: Any) -> bool:
    meta = model_admin.model._meta
    return meta.app_label in READ_ONLY_APPS or (meta.app_label, meta.model_name) in READ_ONLY_MODELS


def _audit(model_admin: Any, request: Any, obj: Any, action: str, message: Any = "") -> None:
    from ganbu.core.audit import audit_record

    meta = model_admin.model._meta
    audit_record(actor=request.user, action=f"backoffice.{action}", object_type=f"{meta.app_label}.{meta.model_name}",
                 object_id=getattr(obj, "pk", ""), org_path=str(getattr(obj, "org_path", "") or ""),
                 after={"change": str(message)[:500], "object": str(obj)[:200]})


def backoffice_lock() -> None:
    from django.contrib import admin

    site = admin.site
    site.has_permission = _repairer  # type: ignore[method-assign]
    site.login_template = None
    original = {name: getattr(admin.ModelAdmin, name) for name in
                ("log_addition", "log_change", "log_deletions")}

    def has_view(self: Any, request: Any, obj: Any = None) -> bool:
        return _repairer(request)

    def has_write(self: Any, request: Any, obj: Any = None) -> bool:
        return _repairer(request) and not _read_only(self)

    def has_module(self: Any, request: Any) -> bool:
        return _repairer(request)

    def log_addition(self: Any, request: Any, obj: Any, message: Any) -> Any:
        _audit(self, request, obj, "add", message)
        return original["log_addition"](self, request, obj, message)

    def log_change(self: Any, request: Any, obj: Any, message: Any) -> Any:
        _audit(self, request, obj, "change", message)
        return original["log_change"](self, request, obj, message)

    def log_deletions(self: Any, request: Any, queryset: Any) -> Any:
        for obj in queryset:
            _audit(self, request, obj, "delete")
        return original["log_deletions"](self, request, queryset)

    for cls in (admin.ModelAdmin,):
        cls.has_view_permission = has_view  # type: ignore[method-assign]
        cls.has_add_permission = has_write  # type: ignore[method-assign,assignment]
        cls.has_change_permission = has_write  # type: ignore[method-assign]
        cls.has_delete_permission = has_write  # type: ignore[method-assign]
        cls.has_module_permission = has_module  # type: ignore[method-assign]
        cls.log_addition = log_addition  # type: ignore[method-assign]
        cls.log_change = log_change  # type: ignore[method-assign]
        cls.log_deletions = log_deletions  # type: ignore[method-assign]
