from django.urls import include, path

urlpatterns = [
    path("", include("commerce.api.urls")),  # orders, checkout, payments webhook, staff actions
    path("", include("commerce.shipping_urls")),  # staff intake / ship
    path("", include("commerce.product_urls")),  # product-info lookups
]
