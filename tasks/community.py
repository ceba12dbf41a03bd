"""Community counts: the public post counts the post lists' page counts read."""

from huey import crontab
from huey.contrib.djhuey import db_task

from bidangil import jobs
from community import services
from tasks.periodic import periodic


@jobs.register("community.recount-posts")
@db_task(name="community.recount-posts")
def recount_posts() -> int:
    """After a post write: count the public posts again."""
    return services.recount_public_posts()


@periodic(crontab(minute="*"), name="community.recount-posts-periodic")
def recount_posts_periodically() -> int:
    """Every minute: what the Wagtail admin published, unpublished, moved, deleted or restricted is counted."""
    return services.recount_public_posts()
