"""Orders in the Wagtail admin: a snippet viewset and a modeladmin for the Order staff, action screens,
a bulk "mark purchased", and the restricted-item rules. Status is never an editable field anywhere:
the add/edit/delete views are closed and every change goes through an action (a service)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.admin import SimpleListFilter
from django.contrib.admin import display as admin_display
from django.core.exceptions import PermissionDenied
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _lazy
from wagtail import hooks
from wagtail.admin.ui.menus import MenuItem
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.bulk_actions.delete import DeleteBulkAction
from wagtail.snippets.bulk_actions.snippet_bulk_action import SnippetBulkAction
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.chooser import SnippetChooserViewSet
from wagtail.snippets.views.snippets import IndexView, InspectView, SnippetViewSet
from wagtail_modeladmin.helpers import ButtonHelper, PermissionHelper
from wagtail_modeladmin.options import ModelAdmin, modeladmin_register
from wagtail_modeladmin.views import HistoryView as ModelAdminHistoryView
from wagtail_modeladmin.views import InspectView as ModelAdminInspectView

from bidangil.admin_lists import MoneyInspectView, field_column, filterset_for, snippet_columns
from bidangil.errors import DomainError
from commerce.admin import conversations as admin_conversations  # noqa: F401  (the conversation screen, templates)
from commerce.admin import orders as admin_views
from commerce.admin import shipping as admin_shipping  # noqa: F401  (registers the intake / tracking screens)
from commerce.admin.orders import (
    ORDER_COLUMNS,
    ORDER_FILTERS,
    ORDER_LIST_PER_PAGE,
    ORDER_SEARCH_FIELDS,
    order_actions,
    order_list_queryset,
)
from commerce.orders import selectors, services
from commerce.orders.models import ExchangeRate, Order, RestrictedItemRule
from commerce.payments.models import Payment
from commerce.shipping import selectors as parcel_selectors
from commerce.shipping import services as shipping_services
from commerce.shipping.models import Parcel


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
        path("orders/<int:pk>/item-problem/", admin_views.item_problem_view, name="commerce_order_item_problem"),
    ]


RATE_LABEL = _lazy("KRW per USD")


@hooks.register("construct_homepage_panels")
def order_desk_panel(request, panels):
    if selectors.is_order_staff(request.user):
        panels.append(admin_views.order_desk_panel())


class ReadOnlyPermissionPolicy(ModelPermissionPolicy):
    """Viewing follows the model's permissions; adding, editing and deleting are closed to everyone."""

    def user_has_permission(self, user, action):
        if action in ("add", "change", "delete"):
            return False
        if action == "view":
            return user.is_active and (user.has_perm(self._get_permission_name("view")) or user.is_superuser)
        return super().user_has_permission(user, action)


def order_row_actions(order) -> list[MenuItem]:
    return [MenuItem(action["label"], action["url"], priority=40 + n) for n, action in enumerate(order_actions(order))]


class OrderIndexView(IndexView):
    """The Orders list: each row's "More" menu has the order's actions, as on the order screen."""

    def get_list_more_buttons(self, instance):
        return super().get_list_more_buttons(instance) + order_row_actions(instance)


class OrderInspectView(InspectView):
    """The inspect view is the order screen."""

    def get(self, request, *args, **kwargs):
        return admin_views.order_screen(request, self.object.pk)


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
    list_display = ["number", *(column.for_snippets() for column in ORDER_COLUMNS)]
    list_per_page = ORDER_LIST_PER_PAGE
    filterset_class = filterset_for(Order, ORDER_FILTERS)
    search_fields = ORDER_SEARCH_FIELDS
    search_backend_name = None  # plain ORM lookups: related fields (email, tracking number) work
    index_view_class = OrderIndexView
    inspect_view_enabled = True
    inspect_view_class = OrderInspectView
    copy_view_enabled = False

    def get_queryset(self, request):
        return order_list_queryset(Order.objects.all())


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


class OrderButtonHelper(ButtonHelper):
    def get_buttons_for_obj(self, obj, **kwargs):
        return super().get_buttons_for_obj(obj, **kwargs) + [
            {"url": a["url"], "label": a["label"], "title": a["label"], "classname": f"button-small {a['classes']}"}
            for a in order_actions(obj)
        ]


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
    button_helper_class = OrderButtonHelper
    inspect_view_enabled = True
    inspect_view_class = OrderDeskInspectView
    history_view_class = OrderDeskHistoryView
    list_display = ["number", *(column.for_modeladmin() for column in ORDER_COLUMNS)]
    list_filter = [spec.for_modeladmin() for spec in ORDER_FILTERS]
    search_fields = ORDER_SEARCH_FIELDS
    list_per_page = ORDER_LIST_PER_PAGE

    def get_queryset(self, request):
        return order_list_queryset(super().get_queryset(request))


class ParcelStageFilter(SimpleListFilter):
    title = "stage"
    parameter_name = "stage"

    def lookups(self, request, model_admin):
        return [
            ("requested", "Consolidation requested (awaiting intake)"),
            ("unpaid", "Waiting for the delivery payment"),
            ("over", "Waiting longer than the free storage"),
            ("reminded", f"Waiting longer than {settings.STORAGE_REMINDER_DAYS} days (the customer is reminded)"),
        ]

    def queryset(self, request, queryset):
        if self.value() == "requested":
            return queryset.filter(received_at__isnull=True, consolidation_requested_at__isnull=False)
        if self.value() == "unpaid":
            return queryset.filter(parcel_selectors.waiting_for_payment_q())
        if self.value() == "over":
            return queryset.filter(parcel_selectors.waiting_for_payment_q(longer_than_free_storage=True))
        if self.value() == "reminded":
            return queryset.filter(
                parcel_selectors.waiting_for_payment_q(longer_than_days=settings.STORAGE_REMINDER_DAYS)
            )
        return queryset


class ParcelPermissionHelper(OrderPermissionHelper):
    """Parcels have no inspect view of their own: each row links to its orders' screens."""

    def user_can_inspect_obj(self, user, obj):
        return False


class ParcelDeskAdmin(ModelAdmin):
    """Every parcel with its orders, how long it has waited for its delivery fee and its free storage."""

    model = Parcel
    menu_label = "Parcels"
    menu_icon = "folder-inverse"
    menu_order = 102
    add_to_settings_menu = False
    permission_helper_class = ParcelPermissionHelper
    inspect_view_enabled = False
    history_view_class = OrderDeskHistoryView  # follows the inspect rule: closed, like the inspect view
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
    list_display = ["keyword", "reason", "hs_chapter", "active"]
    list_filter = ["active"]
    search_fields = ["keyword", "reason"]
    search_backend_name = None


class ExchangeRateInspectView(MoneyInspectView):
    field_labels = {"krw_per_usd": RATE_LABEL}


class ExchangeRateViewSet(SnippetViewSet):
    model = ExchangeRate
    icon = "doc-full"
    list_display = ["__str__", field_column("krw_per_usd", RATE_LABEL).for_snippets(), "source", "captured_at"]
    inspect_view_enabled = True
    inspect_view_class = ExchangeRateInspectView
    copy_view_enabled = False


class PaymentViewSet(SnippetViewSet):
    model = Payment
    chooser_viewset_class = OrderDataChooserViewSet
    icon = "doc-full"
    menu_label = _lazy("Payments")
    list_display = snippet_columns(Payment, ["order", "kind", "stage", "status", "amount_cents", "created_at"])
    list_filter = ["kind", "stage", "status", "provider"]
    search_fields = ["order__number", "session_id", "payment_intent_id", "refund_id"]
    search_backend_name = None
    inspect_view_enabled = True
    inspect_view_class = MoneyInspectView
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
