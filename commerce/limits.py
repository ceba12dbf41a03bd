"""Commerce limits, declared once: models, serializers, admin forms, services and docs/orders.md use these."""

from decimal import Decimal

ORDER_MIN_ITEMS = 1
ORDER_MAX_ITEMS = 20
NOTE_MAX_LENGTH = 2000  # the customer's note on an order, a quote note, parcel notes

# One parcel (FedEx International Priority: 68 kg, 274 cm on the longest side).
PARCEL_MAX_WEIGHT_G = 68_000
PARCEL_MIN_SIDE_CM = Decimal("1")
PARCEL_MAX_SIDE_CM = Decimal("274")
PARCEL_MAX_PHOTOS = 10
# Orders a customer may ask to ship in one consolidated parcel.
CONSOLIDATION_MIN_ORDERS = 2
CONSOLIDATION_MAX_ORDERS = 20

# The conversation on an order: one message's text and images (the images follow the post image rules).
MESSAGE_MAX_LENGTH = 5000
MESSAGE_MAX_IMAGES = 5
