from django.urls import path

from integrations.payments.views import dummy_checkout

urlpatterns = [
    path("payments/dummy-checkout/<str:session_id>/", dummy_checkout, name="dummy_checkout"),
]
