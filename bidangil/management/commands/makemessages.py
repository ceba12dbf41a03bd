"""`manage.py makemessages` with the project's conventions (docs/i18n.md).

`_` is gettext and `_lazy` gettext_lazy in our code; the virtualenv, run-time files, tests and benchmarks hold
no strings of ours.
"""

from django.core.management.commands import makemessages

IGNORED = [".*", "var", "node_modules", "tests", "bench", "deploy", "locale"]


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=_lazy"]

    def handle(self, *args, **options):
        options["ignore_patterns"] = [*options.get("ignore_patterns", []), *IGNORED]
        options["no_obsolete"] = True
        return super().handle(*args, **options)
