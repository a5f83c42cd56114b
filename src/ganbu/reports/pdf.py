"""Printable PDF forms from HTML templates (RPT-01). WeasyPrint is imported lazily: pages work
without the system PDF libraries and say the feature is unavailable."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

PDF_UNAVAILABLE = "PDF 功能不可用：服务器缺少 WeasyPrint 所需的系统库（libpango、fonts-noto-cjk）"
CJK_FONT = "Noto Sans CJK SC"


class PdfUnavailable(RuntimeError):
    pass


def render_pdf(template: str, context: dict[str, Any]) -> bytes:
    """Render ``template`` (extending ``reports/print_base.html``) to PDF bytes."""
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as exc:  # missing pango/harfbuzz
        raise PdfUnavailable(PDF_UNAVAILABLE) from exc
    html = render_to_string(template, {**context, "cjk_font": CJK_FONT})
    return HTML(string=html).write_pdf()


def pdf_response(data: bytes, filename: str) -> Any:
    from urllib.parse import quote

    from django.http import HttpResponse

    resp = HttpResponse(data, content_type="application/pdf")
    resp["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(filename)}"
    return resp
