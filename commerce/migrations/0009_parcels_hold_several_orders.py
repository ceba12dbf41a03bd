"""A parcel holds one or more orders (Order.parcel) and a shipment belongs to the parcel.

Each existing parcel keeps its row and becomes the parcel of the order it was recorded for; each existing
shipment moves to that order's parcel (a shipment whose order had no parcel gets an empty one).
"""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


def orders_point_at_their_parcels(apps, schema_editor):
    Order = apps.get_model("commerce", "Order")
    Parcel = apps.get_model("commerce", "Parcel")
    for parcel_id, order_id, received_at in Parcel.objects.values_list("pk", "order_id", "received_at"):
        Order.objects.filter(pk=order_id).update(parcel_id=parcel_id)
        Parcel.objects.filter(pk=parcel_id).update(created_at=received_at)


def parcels_point_at_their_orders(apps, schema_editor):
    Order = apps.get_model("commerce", "Order")
    Parcel = apps.get_model("commerce", "Parcel")
    for order_id, parcel_id in Order.objects.filter(parcel__isnull=False).values_list("pk", "parcel_id"):
        Parcel.objects.filter(pk=parcel_id, order_id__isnull=True).update(order_id=order_id)


def shipments_follow_the_parcel(apps, schema_editor):
    Order = apps.get_model("commerce", "Order")
    Parcel = apps.get_model("commerce", "Parcel")
    Shipment = apps.get_model("commerce", "Shipment")
    for shipment_id, order_id, shipped_at in Shipment.objects.values_list("pk", "order_id", "shipped_at"):
        parcel_id = Order.objects.filter(pk=order_id).values_list("parcel_id", flat=True).get()
        if parcel_id is None:
            parcel_id = Parcel.objects.create(received_at=shipped_at).pk
            Order.objects.filter(pk=order_id).update(parcel_id=parcel_id)
        Shipment.objects.filter(pk=shipment_id).update(parcel_id=parcel_id)


def shipments_follow_the_order(apps, schema_editor):
    Order = apps.get_model("commerce", "Order")
    Shipment = apps.get_model("commerce", "Shipment")
    for shipment_id, parcel_id in Shipment.objects.values_list("pk", "parcel_id"):
        order_id = Order.objects.filter(parcel_id=parcel_id).order_by("pk").values_list("pk", flat=True).first()
        Shipment.objects.filter(pk=shipment_id).update(order_id=order_id)


class Migration(migrations.Migration):
    dependencies = [
        ("commerce", "0008_job_claims_on_lookups_and_item_names"),
    ]

    operations = [
        migrations.AddField(
            model_name="parcel",
            name="created_at",
            field=models.DateTimeField(auto_now_add=True, default=django.utils.timezone.now),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="parcel",
            name="order",
            field=models.OneToOneField(
                null=True, on_delete=django.db.models.deletion.CASCADE, related_name="parcel_row", to="commerce.order"
            ),
        ),
        migrations.AddField(
            model_name="order",
            name="parcel",
            field=models.ForeignKey(
                blank=True,
                help_text="The warehouse parcel this order ships in; several orders share one when consolidated.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="orders",
                related_query_name="order_set_parcel",
                to="commerce.parcel",
            ),
        ),
        migrations.RunPython(orders_point_at_their_parcels, parcels_point_at_their_orders),
        migrations.RemoveField(model_name="parcel", name="order"),
        migrations.AlterField(
            model_name="order",
            name="parcel",
            field=models.ForeignKey(
                blank=True,
                help_text="The warehouse parcel this order ships in; several orders share one when consolidated.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="orders",
                related_query_name="order",
                to="commerce.parcel",
            ),
        ),
        migrations.AlterModelOptions(name="parcel", options={"ordering": ["-created_at", "-pk"]}),
        migrations.AlterField(
            model_name="order",
            name="delivery_fee_cents",
            field=models.PositiveBigIntegerField(
                blank=True,
                help_text="The fee of the order's parcel (shared by the orders of a consolidated one).",
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="parcel",
            name="consolidation_requested_at",
            field=models.DateTimeField(
                blank=True, help_text="When the customer asked to ship several orders together.", null=True
            ),
        ),
        migrations.AddField(
            model_name="parcel",
            name="storage_reminded_at",
            field=models.DateTimeField(blank=True, help_text="Last storage reminder sent.", null=True),
        ),
        migrations.AlterField(
            model_name="parcel",
            name="received_at",
            field=models.DateTimeField(blank=True, help_text="Warehouse intake (weight and photos).", null=True),
        ),
        migrations.AlterField(
            model_name="parcel", name="weight_g", field=models.PositiveIntegerField(blank=True, null=True)
        ),
        migrations.AlterField(
            model_name="parcel",
            name="length_cm",
            field=models.DecimalField(blank=True, decimal_places=1, max_digits=6, null=True),
        ),
        migrations.AlterField(
            model_name="parcel",
            name="width_cm",
            field=models.DecimalField(blank=True, decimal_places=1, max_digits=6, null=True),
        ),
        migrations.AlterField(
            model_name="parcel",
            name="height_cm",
            field=models.DecimalField(blank=True, decimal_places=1, max_digits=6, null=True),
        ),
        migrations.AlterField(
            model_name="parcel", name="billable_weight_g", field=models.PositiveIntegerField(blank=True, null=True)
        ),
        migrations.AlterField(
            model_name="parcel",
            name="delivery_fee_cents",
            field=models.PositiveBigIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="shipment",
            name="parcel",
            field=models.OneToOneField(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="shipment",
                to="commerce.parcel",
            ),
        ),
        migrations.AlterField(
            model_name="shipment",
            name="order",
            field=models.OneToOneField(
                null=True, on_delete=django.db.models.deletion.CASCADE, related_name="+", to="commerce.order"
            ),
        ),
        migrations.RunPython(shipments_follow_the_parcel, shipments_follow_the_order),
        migrations.RemoveField(model_name="shipment", name="order"),
        migrations.AlterField(
            model_name="shipment",
            name="parcel",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.CASCADE, related_name="shipment", to="commerce.parcel"
            ),
        ),
        migrations.AlterField(
            model_name="orderevent",
            name="kind",
            field=models.CharField(
                choices=[
                    ("requested", "Order requested"),
                    ("quoted", "Quote sent"),
                    ("rejected", "Rejected"),
                    ("checkout_opened", "Checkout opened"),
                    ("items_paid", "Items paid"),
                    ("payment_failed", "Payment failed"),
                    ("payment_expired", "Checkout expired"),
                    ("payment_flagged", "Payment flagged for review"),
                    ("purchased", "Items purchased"),
                    ("consolidation_requested", "Consolidation requested"),
                    ("parcel_split", "Consolidated parcel split"),
                    ("intake", "Parcel received at warehouse"),
                    ("storage_reminder", "Storage reminder sent"),
                    ("delivery_paid", "Delivery fee paid"),
                    ("shipped", "Shipped"),
                    ("scan", "Carrier scan"),
                    ("carrier_exception", "Carrier exception"),
                    ("delivered", "Delivered"),
                    ("cancelled", "Cancelled"),
                    ("refunded", "Refunded"),
                    ("refund_issued", "Refund issued"),
                    ("note", "Staff note"),
                    ("account_closed", "Customer closed their account"),
                ],
                max_length=30,
            ),
        ),
    ]
