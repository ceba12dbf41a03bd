from huey.contrib.djhuey import db_task

from community.avatars import services as avatars


@db_task(retries=3, retry_delay=10, retry_backoff=3, context=True)
def generate_avatar(request_id: int, task=None) -> None:
    """Draw one avatar; provider hiccups retry after 10 s, 30 s, 90 s, then the request fails cleanly."""
    avatars.generate(request_id, final_attempt=task is None or task.retries == 0)
