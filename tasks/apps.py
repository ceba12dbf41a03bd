from importlib import import_module

from django.apps import AppConfig


class TasksConfig(AppConfig):
    name = "tasks"

    def ready(self):
        # Every process (web, worker, shell) registers the jobs by name before domain code enqueues one.
        import_module("tasks.tasks")
