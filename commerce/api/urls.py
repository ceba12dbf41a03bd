from django.urls import path

from commerce.webhooks import stripe_webhook

from . import views

urlpatterns = [
    path("orders/", views.OrderListCreateView.as_view(), name="order-list"),
    path("orders/<str:number>/", views.OrderDetailView.as_view(), name="order-detail"),
    path("orders/<str:number>/cancel/", views.OrderCancelView.as_view(), name="order-cancel"),
    path("orders/<str:number>/checkout/", views.OrderCheckoutView.as_view(), name="order-checkout"),
    path("payments/stripe/webhook/", stripe_webhook, name="stripe-webhook"),
    path("staff/orders/", views.StaffOrderListView.as_view(), name="staff-order-list"),
    path("staff/orders/<str:number>/", views.StaffOrderDetailView.as_view(), name="staff-order-detail"),
    path("staff/orders/<str:number>/quote/", views.StaffQuoteView.as_view(), name="staff-order-quote"),
    path("staff/orders/<str:number>/reject/", views.StaffRejectView.as_view(), name="staff-order-reject"),
    path("staff/orders/<str:number>/purchase/", views.StaffPurchaseView.as_view(), name="staff-order-purchase"),
    path("staff/orders/<str:number>/cancel/", views.StaffCancelView.as_view(), name="staff-order-cancel"),
    path("staff/orders/<str:number>/refund/", views.StaffRefundView.as_view(), name="staff-order-refund"),
]
