from huey.contrib.djhuey import db_task


@db_task(retries=2, retry_delay=60)
def extract_order_item_names(order_id: int) -> None:
    """Fill in product names for a new order's items (from the shop page, then the AI backend)."""
