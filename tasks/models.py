from django.db import models


class JobLease(models.Model):
    """The lock of a periodic job: held by one run until `expires_at`, so a killed run never blocks the next."""

    name = models.CharField(max_length=60, unique=True)
    token = models.CharField(max_length=32)
    expires_at = models.DateTimeField()
    acquired_at = models.DateTimeField()

    def __str__(self):
        return f"{self.name} until {self.expires_at:%Y-%m-%d %H:%M:%S}"


class PeriodicSlot(models.Model):
    """The last scheduled minute a periodic job ran for: every worker's scheduler enqueues the job, the first
    copy to start takes the minute and the others skip it."""

    name = models.CharField(max_length=60, unique=True)
    slot = models.DateTimeField()

    def __str__(self):
        return f"{self.name} at {self.slot:%Y-%m-%d %H:%M}"
