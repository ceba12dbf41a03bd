from huey.contrib.djhuey import db_task

from bidangil import jobs
from community.avatars import services as avatars


@jobs.register("avatars.generate")
@db_task(**jobs.huey_retry(avatars.generate), context=True)
def generate_avatar(request_id: int, task=None) -> None:
    """Draw one avatar; the last failed attempt fails the request cleanly."""
    avatars.generate(request_id, final_attempt=jobs.final_attempt(task))
