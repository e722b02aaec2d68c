"""Run the benchmarks: ``python -m bench`` (all, one after another) or ``python -m bench NAME``.

Each benchmark runs in its own process, since each sets up Django for its own database.
``explain`` (the query plans behind the load figures) runs only when named.
"""

import subprocess
import sys

BENCHMARKS = ["reminders", "load"]
ON_REQUEST = ["explain"]


def main() -> int:
    args = sys.argv[1:]
    names = [args.pop(0)] if args and args[0] in BENCHMARKS + ON_REQUEST else BENCHMARKS
    status = 0
    for name in names:
        print(f"== bench.{name}", flush=True)
        status |= subprocess.call([sys.executable, "-m", f"bench.{name}", *args])
    return status


if __name__ == "__main__":
    sys.exit(main())
