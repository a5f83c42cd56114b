"""Printable PDF forms from HTML templates (RPT-01). WeasyPrint is imported lazily: pages work
without the system PDF libraries and say the feature is unavailable.

Without a CJK font WeasyPrint still writes a PDF, of empty boxes where every character should be;
an office would print and post it. So generation refuses first, naming the package to install.
"""

from __future__ import annotations

import functools
import shutil
import subprocess  # noqa: S404 - fc-list, a fixed argument list, no shell
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string

PDF_UNAVAILABLE = "PDF 功能不可用：服务器缺少 WeasyPrint 所需的系统库（libpango、fonts-noto-cjk）"
FONT_MISSING = ("PDF 功能不可用：服务器没有安装中文字体“{font}”，生成的文件会是一片方框。"
                "请系统管理员安装 fonts-noto-cjk 软件包（apt-get install fonts-noto-cjk）后重试。")
CJK_FONT = "Noto Sans CJK SC"


class PdfUnavailable(RuntimeError):
    pass


def cjk_font() -> str:
    return getattr(settings, "GANBU_PDF_FONT", CJK_FONT)


@functools.cache
def font_installed(family: str) -> bool:
    """Whether fontconfig knows ``family`` (what WeasyPrint will look up through Pango)."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return False
    out = subprocess.run([fc_list, family, "family"], capture_output=True, text=True, timeout=10, check=False)  # noqa: S603
    return any(family in line for line in out.stdout.splitlines())


def render_pdf(template: str, context: dict[str, Any]) -> bytes:
    """Render ``template`` (extending ``reports/print_base.html``) to PDF bytes."""
    font = cjk_font()
    if not font_installed(font):
        raise PdfUnavailable(FONT_MISSING.format(font=font))
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as exc:  # missing pango/harfbuzz
        raise PdfUnavailable(PDF_UNAVAILABLE) from exc
    html = render_to_string(template, {**context, "cjk_font": font})
    return HTML(string=html).write_pdf()


def pdf_response(data: bytes, filename: str) -> Any:
    from urllib.parse import quote

    from django.http import HttpResponse

    resp = HttpResponse(data, content_type="application/pdf")
    resp["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(filename)}"
    return resp
