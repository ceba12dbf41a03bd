from django.urls import path

from . import documents, shipping_api

urlpatterns = [
    path("staff/orders/<str:number>/intake/", shipping_api.StaffIntakeView.as_view(), name="staff-order-intake"),
    path("parcel-photos/<str:token>/", documents.parcel_photo, name="parcel-photo"),
    path("staff/orders/<str:number>/ship/", shipping_api.StaffShipView.as_view(), name="staff-order-ship"),
]
