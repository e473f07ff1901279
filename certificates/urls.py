from django.urls import path

from certificates import views

app_name = "certificates"

urlpatterns = [
    path("my/certificates/", views.my_certificates, name="mine"),
    path("my/certificates/<str:code>/", views.certificate_detail, name="detail"),
    path("my/certificates/<str:code>/certificate.pdf", views.certificate_pdf_download, name="pdf"),
    path("verify/", views.verify_form, name="verify_form"),
    path("verify/<str:code>/", views.verify, name="verify"),
]
