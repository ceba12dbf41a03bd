"""The Redis channel layer, with a send to many groups that skips the groups nobody is in.

channels-redis' `group_send` takes two round trips to Redis to learn that a group is empty, and most pushes go to
users with no socket open (a tracking poll pushes to every customer of its batch). `group_send_many` counts the
live members of all its groups in one pipeline per Redis host, then sends only to groups that have some, each
group's events in their order. A socket that joins between the count and the send misses that one push, as it
would have had it joined a moment later; its inbox has the message.
"""

import logging
import time
from collections import defaultdict

from channels_redis.core import RedisChannelLayer as BaseRedisChannelLayer

logger = logging.getLogger(__name__)


class RedisChannelLayer(BaseRedisChannelLayer):
    async def group_send_many(self, events: list[tuple[str, dict]]) -> None:
        groups = list(dict.fromkeys(group for group, _ in events))
        by_host = defaultdict(list)
        for group in groups:
            by_host[self.consistent_hash(group)].append(group)
        live_since = int(time.time()) - self.group_expiry
        members = {}
        for index, names in by_host.items():
            pipe = self.connection(index).pipeline(transaction=False)
            for group in names:
                pipe.zcount(self._group_key(group), live_since, "+inf")
            members.update(zip(names, await pipe.execute(), strict=True))
        for group, event in events:
            if members[group]:
                try:
                    await self.group_send(group, event)
                except Exception:  # noqa: BLE001 - best effort: the inbox keeps the message
                    logger.exception("push to %s failed", group)
