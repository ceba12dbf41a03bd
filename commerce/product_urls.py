from django.urls import path

from . import product_views

urlpatterns = [
    path("product-info/", product_views.ProductInfoView.as_view(), name="product-info"),
    path("product-info/<int:lookup_id>/", product_views.ProductInfoDetailView.as_view(), name="product-info-detail"),
]
