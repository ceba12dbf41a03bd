"""Item problems: the default choice for problems the customer did not answer in time."""

from huey import crontab

from commerce.problems import services
from tasks.periodic import periodic


@periodic(crontab(minute="*/15"), name="problems.item-defaults")
def item_problem_defaults() -> int | None:
    """Every 15 minutes: apply ITEM_PROBLEM_DEFAULT to open item problems past their deadline."""
    return services.apply_item_problem_defaults()
