from django.urls import path

from . import views

app_name = "training"

urlpatterns = [
    path("training/", views.course_list_page, name="course_list"),
    path("training/my/", views.my_training, name="my_training"),
    path("training/sessions/<int:pk>/", views.session_detail, name="session_detail"),
    path("training/sessions/<int:pk>/enrol/", views.session_enrol, name="session_enrol"),
    path("training/sessions/<int:pk>/roster/", views.session_roster_page, name="session_roster"),
    path("training/sessions/<int:pk>/roster.csv", views.roster_csv, name="roster_csv"),
    path("training/sessions/<int:pk>/roster.xlsx", views.roster_xlsx, name="roster_xlsx"),
    path("training/enrolments/<int:pk>/cancel/", views.enrolment_cancel, name="enrolment_cancel"),
    path("training/enrolments/<int:pk>/decide/", views.enrolment_decide, name="enrolment_decide"),
    path("training/certificates/<str:code>.pdf", views.certificate_download, name="certificate_pdf"),
    path("training/verify/", views.certificate_verify_form, name="certificate_verify_form"),
    path("training/verify/<str:code>/", views.certificate_verify, name="certificate_verify"),
]
