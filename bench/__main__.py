"""`make bench`: each benchmark prints its own ratios and numbers, measured in one run."""

import importlib
import sys

import django

BENCHMARKS = ["tracking", "fanout", "metrics"]  # module names under bench/, each with main()


def main(argv):
    django.setup()
    chosen = argv or BENCHMARKS
    for name in chosen:
        print(f"== bench.{name}")
        importlib.import_module(f"bench.{name}").main()


if __name__ == "__main__":
    main(sys.argv[1:])
