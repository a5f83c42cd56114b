import os

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from ganbu.api.api import api_urls
from ganbu.core import views as core_views
from ganbu.org import account_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("login/", account_views.LoginView.as_view(), name="login"),
    path("logout/", account_views.logout, name="logout"),
    path("account/", include("ganbu.org.account_urls")),
    # The back office signs in through the one login page (lock, two-factor, audit) — issue 16.
    path("backoffice/login/", RedirectView.as_view(url="/login/?next=/backoffice/", query_string=False)),
    path("inbox/", core_views.inbox, name="inbox"),
    path("core/", include("ganbu.core.urls")),
    path("org/", include("ganbu.org.urls")),
    path("attendance/", include("ganbu.attendance.urls")),
    path("leave/", include("ganbu.leave.urls")),
    path("points/", include("ganbu.points.urls")),
    path("assessment/", include("ganbu.assessment.urls")),
    path("targets/", include("ganbu.targets.urls")),
    path("stationing/", include("ganbu.stationing.urls")),
    path("diary/", include("ganbu.diary.urls")),
    path("reserves/", include("ganbu.reserves.urls")),
    path("subsidies/", include("ganbu.subsidies.urls")),
    path("cases/", include("ganbu.cases.urls")),
    path("public/", include("ganbu.notices.urls")),
    path("reports/", include("ganbu.reports.urls")),
    path("api/", api_urls()),
    path("backoffice/", admin.site.urls),
]

if os.environ.get("GANBU_BENCH_FLOOR") == "1":  # benchmarks only: the one-INSERT floor view
    from benchmarks.floor import floor_signin

    urlpatterns.append(path("bench/floor/", floor_signin))

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
