from django.urls import path

from commerce.api import conversations as conversations_api
from commerce.api import problems as problems_api
from commerce.api import shipping as shipping_api
from commerce.api import views as orders_api
from commerce.conversations import documents as conversation_documents
from commerce.payments import webhooks
from commerce.products import api as products_api
from commerce.shipping import documents

urlpatterns = [
    path("orders/", orders_api.OrderListCreateView.as_view(), name="order-list"),
    path("orders/<str:number>/", orders_api.OrderDetailView.as_view(), name="order-detail"),
    path("orders/<str:number>/cancel/", orders_api.OrderCancelView.as_view(), name="order-cancel"),
    path("orders/<str:number>/checkout/", orders_api.OrderCheckoutView.as_view(), name="order-checkout"),
    path("orders/<str:number>/messages/", conversations_api.OrderMessagesView.as_view(), name="order-messages"),
    path(
        "orders/<str:number>/messages/read/",
        conversations_api.OrderMessagesReadView.as_view(),
        name="order-messages-read",
    ),
    path("orders/<str:number>/item-problems/", problems_api.OrderProblemsView.as_view(), name="order-problems"),
    path(
        "orders/<str:number>/item-problems/<int:problem_id>/answer/",
        problems_api.OrderProblemAnswerView.as_view(),
        name="order-problem-answer",
    ),
    path(
        "staff/orders/<str:number>/item-problems/",
        problems_api.StaffOrderProblemsView.as_view(),
        name="staff-order-problems",
    ),
    path("message-images/<str:token>/", conversation_documents.message_image, name="message-image"),
    path("payments/stripe/webhook/", webhooks.stripe_webhook, name="stripe-webhook"),
    path("staff/orders/", orders_api.StaffOrderListView.as_view(), name="staff-order-list"),
    path("staff/orders/<str:number>/", orders_api.StaffOrderDetailView.as_view(), name="staff-order-detail"),
    path("staff/orders/<str:number>/quote/", orders_api.StaffQuoteView.as_view(), name="staff-order-quote"),
    path("staff/orders/<str:number>/reject/", orders_api.StaffRejectView.as_view(), name="staff-order-reject"),
    path("staff/orders/<str:number>/purchase/", orders_api.StaffPurchaseView.as_view(), name="staff-order-purchase"),
    path("staff/orders/<str:number>/cancel/", orders_api.StaffCancelView.as_view(), name="staff-order-cancel"),
    path("staff/orders/<str:number>/refund/", orders_api.StaffRefundView.as_view(), name="staff-order-refund"),
    path("staff/orders/<str:number>/intake/", shipping_api.StaffIntakeView.as_view(), name="staff-order-intake"),
    path("parcels/", shipping_api.ParcelCreateView.as_view(), name="parcel-create"),
    path("parcels/<int:parcel_id>/", shipping_api.ParcelDetailView.as_view(), name="parcel-detail"),
    path("parcels/<int:parcel_id>/split/", shipping_api.ParcelSplitView.as_view(), name="parcel-split"),
    path("parcel-photos/<str:token>/", documents.parcel_photo, name="parcel-photo"),
    path("staff/orders/<str:number>/customs/", shipping_api.StaffCustomsView.as_view(), name="staff-order-customs"),
    path(
        "staff/orders/<str:number>/customs/invoice.pdf",
        shipping_api.StaffCommercialInvoiceView.as_view(),
        name="staff-order-commercial-invoice",
    ),
    path("staff/orders/<str:number>/ship/", shipping_api.StaffShipView.as_view(), name="staff-order-ship"),
    path("staff/orders/<str:number>/label/", shipping_api.StaffLabelView.as_view(), name="staff-order-label"),
    path("shipment-labels/<str:token>/", documents.shipment_label, name="shipment-label"),
    path(
        "staff/orders/<str:number>/messages/",
        conversations_api.StaffOrderMessagesView.as_view(),
        name="staff-order-messages",
    ),
    path(
        "staff/orders/<str:number>/messages/read/",
        conversations_api.StaffOrderMessagesReadView.as_view(),
        name="staff-order-messages-read",
    ),
    path(
        "staff/reply-templates/", conversations_api.StaffReplyTemplateListView.as_view(), name="staff-reply-templates"
    ),
    path("product-info/", products_api.ProductInfoView.as_view(), name="product-info"),
    path("product-info/<int:lookup_id>/", products_api.ProductInfoDetailView.as_view(), name="product-info-detail"),
]
