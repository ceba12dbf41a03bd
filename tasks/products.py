from huey.contrib.djhuey import db_task

from commerce.products import services as products


@db_task(retries=2, retry_delay=60, retry_backoff=2, context=True)
def extract_order_item_names(order_id: int, task=None) -> None:
    """Fill in product names for a new order's items (from the shop page, then the AI backend)."""
    products.fill_order_item_names(order_id, final_attempt=task is None or task.retries == 0)


@db_task(retries=2, retry_delay=20, retry_backoff=2, context=True)
def extract_product(lookup_id: int, task=None) -> None:
    """Answer one POST /api/v1/product-info/ lookup."""
    products.run_lookup(lookup_id, final_attempt=task is None or task.retries == 0)
