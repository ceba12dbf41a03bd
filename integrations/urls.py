from django.conf import settings
from django.urls import path

from integrations.payments.views import dummy_checkout

urlpatterns = []

if settings.PAYMENT_BACKEND == "dummy":
    # The offline provider's Checkout page exists only while the dummy takes the payments.
    urlpatterns.append(path("payments/dummy-checkout/<str:session_id>/", dummy_checkout, name="dummy_checkout"))
