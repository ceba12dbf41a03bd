"""Demo delivery rate bands (idempotent): `load(stdout)`, called by `manage.py load_demo`."""

from commerce.shipping.models import DeliveryRate

# (max billable grams, USD cents) per destination; roughly FedEx International Priority from Korea.
BANDS = {
    "US": [(500, 1800), (1000, 2600), (2000, 3900), (5000, 6900), (10000, 11900), (20000, 19900), (30000, 27900)],
    "CA": [(500, 2000), (1000, 2900), (2000, 4300), (5000, 7600), (10000, 13100), (20000, 21900), (30000, 30700)],
    "GB": [(500, 2100), (1000, 3000), (2000, 4500), (5000, 7900), (10000, 13600), (20000, 22900)],
    "AU": [(500, 1900), (1000, 2700), (2000, 4100), (5000, 7200), (10000, 12500), (20000, 20900)],
    "JP": [(500, 1200), (1000, 1600), (2000, 2300), (5000, 3900), (10000, 6500), (20000, 10900)],
}


def load(stdout) -> None:
    created = 0
    for country, bands in BANDS.items():
        for max_weight_g, price_cents in bands:
            _, was_created = DeliveryRate.objects.get_or_create(
                country=country, max_weight_g=max_weight_g, defaults={"price_cents": price_cents}
            )
            created += was_created
    stdout.write(f"Delivery rates: {created} bands added ({', '.join(BANDS)}).")
