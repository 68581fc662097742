"""Helper of tests/test_faults.py: write a big Dataset into a SQLite store and print STARTED once the
transaction has begun writing ties, then keep going (the test SIGKILLs this process mid-transaction)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from catalyse.graphcore.demo import generate_territory  # noqa: E402
from catalyse.graphcore.stores import SqliteStore  # noqa: E402

data = generate_territory(3000, n_ties=200_000, seed=3)
store = SqliteStore(sys.argv[1])
written = [0]


def tick(n):
    written[0] += n
    if written[0] > 3000:
        print("STARTED", flush=True)
        import time

        time.sleep(30)  # stay inside the open transaction until killed


store.write(data, progress=tick)
print("FINISHED", flush=True)
