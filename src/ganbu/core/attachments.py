"""Evidence uploads: type and size checked before anything is stored."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError

from ganbu.core.models import Attachment

ALLOWED = {".pdf": "application/pdf", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png",
           ".doc": "application/msword", ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
           ".xls": "application/vnd.ms-excel", ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
MAGIC = {".pdf": [b"%PDF"], ".jpg": [b"\xff\xd8\xff"], ".jpeg": [b"\xff\xd8\xff"], ".png": [b"\x89PNG"],
         ".docx": [b"PK"], ".xlsx": [b"PK"], ".doc": [b"\xd0\xcf\x11\xe0"], ".xls": [b"\xd0\xcf\x11\xe0"]}
MAX_BYTES = 10 * 1024 * 1024
WRONG_TYPE = "证明材料只接受 PDF、JPG、PNG、Word 或 Excel 文件"
TOO_LARGE = "证明材料不能超过 10MB"


def attachment_check(upload: Any, field: str = "证明材料") -> None:
    ext = Path(upload.name or "").suffix.lower()
    head = upload.read(8)
    upload.seek(0)
    if ext not in ALLOWED or not any(head.startswith(m) for m in MAGIC[ext]):
        raise ValidationError({field: WRONG_TYPE})
    if upload.size > MAX_BYTES:
        raise ValidationError({field: TOO_LARGE})


def attachment_store(*, actor: Any, upload: Any, org_path: str) -> Attachment:
    """Validate and save an upload; call inside the service that uses it."""
    attachment_check(upload)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    ext = Path(upload.name).suffix.lower()
    return Attachment.objects.create(file=upload, original_name=upload.name[:255], content_type=ALLOWED[ext],
                                     size=upload.size, sha256=digest.hexdigest(), org_path=org_path,
                                     uploaded_by=actor)
