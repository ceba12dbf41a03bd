"""Item problems: the default choice for problems the customer did not answer in time."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from commerce.problems import services


@db_periodic_task(crontab(minute="*/15"))
def item_problem_defaults() -> int | None:
    """Every 15 minutes: apply ITEM_PROBLEM_DEFAULT to open item problems past their deadline."""
    return services.apply_item_problem_defaults()
