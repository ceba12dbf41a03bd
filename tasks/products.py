from huey.contrib.djhuey import db_task

from bidangil import jobs
from commerce.products import services as products


@jobs.register("products.item-names")
@db_task(**jobs.huey_retry(products.fill_order_item_names), context=True)
def extract_order_item_names(order_id: int, task=None) -> None:
    """Fill in product names for a new order's items (from the shop page, then the AI backend)."""
    products.fill_order_item_names(order_id, final_attempt=jobs.final_attempt(task))


@jobs.register("products.lookup")
@db_task(**jobs.huey_retry(products.run_lookup), context=True)
def extract_product(lookup_id: int, task=None) -> None:
    """Answer one POST /api/v1/product-info/ lookup."""
    products.run_lookup(lookup_id, final_attempt=jobs.final_attempt(task))
