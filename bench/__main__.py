"""`make bench`: the HTTP table of the hot endpoints, then one row per other benchmark, all measured in one run."""

import contextlib
import importlib
import io
import sys

import django

BENCHMARKS = ["http", "tracking", "fanout", "metrics"]  # module names under bench/, each with main()
TITLES = {"tracking": "tracking poll", "fanout": "WebSocket fan-out", "metrics": "metrics middleware"}


def main(argv):
    django.setup()
    rows, failed = [], False
    for name in argv or BENCHMARKS:
        print(f"== bench.{name}", file=sys.stderr)
        output = io.StringIO()
        try:
            with contextlib.redirect_stdout(output):
                importlib.import_module(f"bench.{name}").main()
        except SystemExit as stop:  # a benchmark's own failure: reported in its row, the run goes on
            failed = True
            output.write(f"FAILED: {stop.code}\n")
        if name == "http":
            print(output.getvalue(), end="")
        else:
            rows.append((TITLES.get(name, name), [line for line in output.getvalue().splitlines() if line.strip()]))
    width = max((len(title) for title, _ in rows), default=0)
    for title, lines in rows:
        for index, line in enumerate(lines):
            print(f"{title if index == 0 else '':<{width}}  {line}")
    if failed:
        sys.exit(1)


if __name__ == "__main__":
    main(sys.argv[1:])
