from django.urls import path

from ganbu.assessment import views

app_name = "assessment"
urlpatterns = [
    path("", views.home, name="home"),
    path("t/<int:township_id>/new/", views.template_new, name="template_new"),
    path("t/<int:township_id>/results/<int:year>/", views.results, name="results"),
    path("t/<int:township_id>/import/", views.import_results, name="import"),
    path("t/<int:township_id>/import/template.xlsx", views.import_template, name="import_template"),
    path("t/<int:township_id>/reports/", views.duty_reports, name="reports"),
    path("t/<int:township_id>/inspections/<str:month>/", views.inspections, name="inspections"),
    path("t/<int:township_id>/inspections/<str:month>/pdf/", views.inspections_pdf, name="inspections_pdf"),
    path("template/<int:pk>/", views.template_detail, name="template"),
    path("template/<int:pk>/edit/", views.template_edit, name="template_edit"),
    path("template/<int:pk>/three/", views.three_evaluations, name="three"),
    path("template/<int:pk>/stages/", views.stages, name="stages"),
    path("template/<int:pk>/finalize/", views.finalize, name="finalize"),
    path("template/<int:pk>/publish/", views.publish, name="publish"),
    path("item/<int:pk>/score/", views.score_item, name="score"),
    path("village/<int:org_id>/", views.village, name="village"),
]
