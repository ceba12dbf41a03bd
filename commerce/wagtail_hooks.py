"""Orders in the Wagtail admin: a snippet viewset and a modeladmin for the Order staff, action screens,
a bulk "mark purchased", and the restricted-item rules. Status is never an editable field anywhere:
the add/edit/delete views are closed and every change goes through an action (a service)."""

import django_filters
from django.contrib import messages
from django.contrib.admin import SimpleListFilter
from django.contrib.admin import display as admin_display
from django.core.exceptions import PermissionDenied
from django.db.models import BooleanField, ExpressionWrapper
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from wagtail import hooks
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import Column, StatusFlagColumn
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.bulk_actions.delete import DeleteBulkAction
from wagtail.snippets.bulk_actions.snippet_bulk_action import SnippetBulkAction
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.chooser import SnippetChooserViewSet
from wagtail.snippets.views.snippets import InspectView, SnippetViewSet
from wagtail_modeladmin.helpers import PermissionHelper
from wagtail_modeladmin.options import ModelAdmin, modeladmin_register
from wagtail_modeladmin.views import HistoryView as ModelAdminHistoryView
from wagtail_modeladmin.views import InspectView as ModelAdminInspectView

from bidangil.errors import DomainError
from commerce.admin import conversations as admin_conversations  # noqa: F401  (the conversation screen, templates)
from commerce.admin import orders as admin_views
from commerce.admin import shipping as admin_shipping  # noqa: F401  (registers the intake / tracking screens)
from commerce.conversations.selectors import with_unread_messages
from commerce.orders import selectors, services
from commerce.orders.models import ExchangeRate, Order, RestrictedItemRule
from commerce.orders.steps import STEPS
from commerce.payments.models import Payment
from commerce.selectors import detail_queryset, waiting_on_staff_q
from commerce.shipping import selectors as parcel_selectors
from commerce.shipping import services as shipping_services
from commerce.shipping.models import Parcel

# Step filter choices: 0 (not reviewed yet) and the five customer steps.
STEP_CHOICES = [("0", _lazy("0. Awaiting review"))] + [
    (str(number), format_lazy("{}. {}", number, label)) for number, _key, label, _kind in STEPS
]


def with_carrier_alert(queryset):
    """Annotate `carrier_exception`: a carrier exception no staff action has followed (the list badge)."""
    return queryset.annotate(
        carrier_exception=ExpressionWrapper(selectors.open_carrier_exception_q(), output_field=BooleanField())
    )


@hooks.register("register_admin_urls")
def order_admin_urls():
    return [
        path("orders/<int:pk>/", admin_views.order_screen, name="commerce_order_screen"),
        path("orders/<int:pk>/quote/", admin_views.quote_view, name="commerce_order_quote"),
        path("orders/<int:pk>/reject/", admin_views.reject_view, name="commerce_order_reject"),
        path("orders/<int:pk>/purchase/", admin_views.purchase_view, name="commerce_order_purchase"),
        path("orders/<int:pk>/cancel/", admin_views.cancel_view, name="commerce_order_cancel"),
        path("orders/<int:pk>/refund/", admin_views.refund_view, name="commerce_order_refund"),
        path("orders/<int:pk>/note/", admin_views.note_view, name="commerce_order_note"),
    ]


# One order list for both admin views (the Orders snippet and the Order desk): columns, search, page size.
ORDER_COLUMNS = ("number", "user", "status", "alerts", "unread", "total_cents", "created_at")
ORDER_SEARCH_FIELDS = ["number", "user__email", "parcel__shipment__tracking_number"]
ORDER_LIST_PER_PAGE = 50
CARRIER_ALERT = _lazy("Carrier exception")


def order_list_queryset(queryset):
    return with_unread_messages(with_carrier_alert(queryset.select_related("user")), for_staff=True)


def unread_label(order) -> str:
    """The list's "Unread" column: the customer's messages no staff member has read yet."""
    return _("%(unread)s unread") % {"unread": order.unread_messages} if order.unread_messages else ""


class ReadOnlyPermissionPolicy(ModelPermissionPolicy):
    """Viewing follows the model's permissions; adding, editing and deleting are closed to everyone."""

    def user_has_permission(self, user, action):
        if action in ("add", "change", "delete"):
            return False
        if action == "view":
            return user.is_active and (user.has_perm(self._get_permission_name("view")) or user.is_superuser)
        return super().user_has_permission(user, action)


class OrderFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(choices=Order.Status.choices)
    waiting = django_filters.BooleanFilter(label=_lazy("Waiting on staff"), method="filter_waiting")
    step = django_filters.ChoiceFilter(label=_lazy("Customer step"), choices=STEP_CHOICES, method="filter_step")
    created_at = django_filters.DateFromToRangeFilter(label=_lazy("Requested"), widget=DateRangePickerWidget)

    class Meta:
        model = Order
        fields = ["status"]

    def filter_waiting(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(waiting_on_staff_q()) if value else queryset.exclude(waiting_on_staff_q())

    def filter_step(self, queryset, name, value):
        return queryset.filter(selectors.step_q(int(value))) if value not in (None, "") else queryset


class OrderInspectView(InspectView):
    template_name = "commerce/admin/order_inspect.html"

    def get_object(self, queryset=None):
        return detail_queryset(for_staff=True).get(pk=self.pk)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), **admin_views.order_context(self.object)}


class OrderDataChooserViewSet(SnippetChooserViewSet):
    """Wagtail opens a snippet's chooser (list, search, chosen) to every admin user; order data is for Order
    staff only."""

    def get_urlpatterns(self):
        return [
            URLPattern(p.pattern, admin_views.order_staff_required(p.callback), p.default_args, p.name)
            for p in super().get_urlpatterns()
        ]


class OrderViewSet(SnippetViewSet):
    model = Order
    chooser_viewset_class = OrderDataChooserViewSet
    icon = "list-ul"
    menu_label = _lazy("Orders")
    menu_order = 100
    add_to_admin_menu = True
    list_display = [
        {
            "alerts": StatusFlagColumn("carrier_exception", label=_lazy("Alerts"), true_label=CARRIER_ALERT),
            "unread": Column("unread", label=_lazy("Messages"), accessor=unread_label),
        }.get(name, name)
        for name in ORDER_COLUMNS
    ]
    list_per_page = ORDER_LIST_PER_PAGE
    filterset_class = OrderFilterSet
    search_fields = ORDER_SEARCH_FIELDS
    search_backend_name = None  # plain ORM lookups: related fields (email, tracking number) work
    inspect_view_enabled = True
    inspect_view_class = OrderInspectView
    copy_view_enabled = False

    def get_queryset(self, request):
        return order_list_queryset(Order.objects.all())


class WaitingOnStaffFilter(SimpleListFilter):
    title = "waiting on staff"
    parameter_name = "waiting"

    def lookups(self, request, model_admin):
        return [("1", _("Waiting on staff")), ("0", _("Not waiting"))]

    def queryset(self, request, queryset):
        if self.value() == "1":
            return queryset.filter(waiting_on_staff_q())
        if self.value() == "0":
            return queryset.exclude(waiting_on_staff_q())
        return queryset


class StepFilter(SimpleListFilter):
    title = "customer step"
    parameter_name = "step"

    def lookups(self, request, model_admin):
        return STEP_CHOICES

    def queryset(self, request, queryset):
        if self.value() in dict(STEP_CHOICES):
            return queryset.filter(selectors.step_q(int(self.value())))
        return queryset


class OrderPermissionHelper(PermissionHelper):
    def user_can_list(self, user):
        return selectors.is_order_staff(user)

    def user_can_inspect_obj(self, user, obj):
        return selectors.is_order_staff(user)

    def user_can_create(self, user):
        return False

    def user_can_edit_obj(self, user, obj):
        return False

    def user_can_delete_obj(self, user, obj):
        return False


class OrderDeskInspectView(ModelAdminInspectView):
    """The modeladmin inspect button opens the full order screen."""

    def get(self, request, *args, **kwargs):
        return admin_views.order_screen(request, self.instance.pk)


class OrderDeskHistoryView(ModelAdminHistoryView):
    """modeladmin's history view checks no permission of its own: it follows the inspect rule."""

    def dispatch(self, request, *args, **kwargs):
        if not self.permission_helper.user_can_inspect_obj(request.user, self.instance):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class OrderDeskAdmin(ModelAdmin):
    model = Order
    menu_label = _lazy("Order desk")
    menu_icon = "tasks"
    menu_order = 101
    add_to_settings_menu = False
    permission_helper_class = OrderPermissionHelper
    inspect_view_enabled = True
    inspect_view_class = OrderDeskInspectView
    history_view_class = OrderDeskHistoryView
    list_display = list(ORDER_COLUMNS)
    list_filter = ["status", WaitingOnStaffFilter, StepFilter, "created_at"]
    search_fields = ORDER_SEARCH_FIELDS
    list_per_page = ORDER_LIST_PER_PAGE

    def get_queryset(self, request):
        return order_list_queryset(super().get_queryset(request))

    def unread(self, obj):
        return unread_label(obj)

    unread.short_description = _lazy("Messages")

    def alerts(self, obj):
        if getattr(obj, "carrier_exception", False):
            return format_html('<span class="w-status w-status--primary">{}</span>', CARRIER_ALERT)
        return ""


class ParcelStageFilter(SimpleListFilter):
    title = "stage"
    parameter_name = "stage"

    def lookups(self, request, model_admin):
        return [
            ("requested", "Consolidation requested (awaiting intake)"),
            ("unpaid", "Waiting for the delivery payment"),
            ("over", "Waiting longer than the free storage"),
        ]

    def queryset(self, request, queryset):
        if self.value() == "requested":
            return queryset.filter(received_at__isnull=True, consolidation_requested_at__isnull=False)
        if self.value() == "unpaid":
            return queryset.filter(parcel_selectors.waiting_for_payment_q())
        if self.value() == "over":
            return queryset.filter(parcel_selectors.waiting_for_payment_q(longer_than_free_storage=True))
        return queryset


class ParcelDeskAdmin(ModelAdmin):
    """Every parcel with its orders, how long it has waited for its delivery fee and its free storage."""

    model = Parcel
    menu_label = "Parcels"
    menu_icon = "folder-inverse"
    menu_order = 102
    add_to_settings_menu = False
    permission_helper_class = OrderPermissionHelper
    inspect_view_enabled = False
    list_display = ["__str__", "order_links", "consolidated_flag", "received_at", "waited", "free_storage_until"]
    list_filter = [ParcelStageFilter, "received_at"]
    search_fields = ["order__number", "order__user__email", "shipment__tracking_number"]
    list_per_page = ORDER_LIST_PER_PAGE

    def get_queryset(self, request):
        return parcel_selectors.parcels_queryset().distinct()

    @admin_display(description="Orders")
    def order_links(self, parcel):
        return format_html_join(
            ", ",
            '<a href="{}">{}</a> ({})',
            (
                (reverse("commerce_order_screen", args=[o.pk]), o.number, o.get_status_display().lower())
                for o in parcel.orders.all()
            ),
        )

    @admin_display(description="Consolidated", boolean=True)
    def consolidated_flag(self, parcel):
        return parcel.consolidated

    @admin_display(description="Waiting for payment")
    def waited(self, parcel):
        days = parcel_selectors.days_waiting_for_payment(parcel)
        return "" if days is None else f"{days} day{'s' if days != 1 else ''}"

    @admin_display(description="Free storage until")
    def free_storage_until(self, parcel):
        until = shipping_services.storage_free_until(parcel)
        return f"{until:%Y-%m-%d}" if until else ""


class OrderStaffBulkAction(SnippetBulkAction):
    """A bulk action on order data: its confirmation screen names the selected rows (also those the user may
    not act on), so anyone but Order staff is refused before anything is listed."""

    def dispatch(self, request, *args, **kwargs):
        if not selectors.is_order_staff(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class OrderDataDeleteBulkAction(OrderStaffBulkAction, DeleteBulkAction):
    """Wagtail's snippet bulk delete, for the order models (deleting them stays closed by their policy)."""

    models = [Order, Payment]


class MarkPurchasedBulkAction(OrderStaffBulkAction):
    """Mark many paid orders purchased at once; each goes through the same service, one by one."""

    display_name = _lazy("Mark purchased")
    action_type = "mark_purchased"
    aria_label = _lazy("Mark selected orders purchased")
    template_name = "commerce/admin/bulk_mark_purchased.html"
    action_priority = 10
    models = [Order]

    @classmethod
    def execute_action(cls, objects, user=None, **kwargs):
        done, failed = 0, []
        for order in objects:
            try:
                services.mark_purchased(order_id=order.pk, actor=user)
                done += 1
            except DomainError as exc:
                failed.append(exc.message)
        request = kwargs["self"].request
        for message in failed:
            messages.warning(request, message)
        return done, 0

    def get_success_message(self, num_parent_objects, num_child_objects):
        return f"{num_parent_objects} order(s) marked purchased."

    def get_execution_context(self):
        return {**super().get_execution_context(), "user": self.request.user}


class RestrictedItemRuleViewSet(SnippetViewSet):
    model = RestrictedItemRule
    icon = "warning"
    menu_label = _lazy("Restricted items")
    list_display = ["keyword", "reason", "active"]
    list_filter = ["active"]
    search_fields = ["keyword", "reason"]
    search_backend_name = None


class ExchangeRateViewSet(SnippetViewSet):
    model = ExchangeRate
    icon = "doc-full"
    list_display = ["krw_per_usd", "source", "captured_at"]
    inspect_view_enabled = True
    copy_view_enabled = False


class PaymentViewSet(SnippetViewSet):
    model = Payment
    chooser_viewset_class = OrderDataChooserViewSet
    icon = "doc-full"
    menu_label = _lazy("Payments")
    list_display = ["order", "kind", "stage", "status", "amount_cents", "created_at"]
    list_filter = ["kind", "stage", "status", "provider"]
    search_fields = ["order__number", "session_id", "payment_intent_id", "refund_id"]
    search_backend_name = None
    inspect_view_enabled = True
    copy_view_enabled = False

    def get_queryset(self, request):
        return Payment.objects.select_related("order")


for read_only_model in (Order, ExchangeRate, Payment):
    register_permission_policy(read_only_model, ReadOnlyPermissionPolicy(read_only_model))
register_snippet(OrderViewSet)
register_snippet(RestrictedItemRuleViewSet)
register_snippet(ExchangeRateViewSet)
register_snippet(PaymentViewSet)
modeladmin_register(OrderDeskAdmin)
modeladmin_register(ParcelDeskAdmin)
hooks.register("register_bulk_action", MarkPurchasedBulkAction)
# After Wagtail's own registration, so it replaces the stock delete for these models.
hooks.register("register_bulk_action", OrderDataDeleteBulkAction, order=1)
