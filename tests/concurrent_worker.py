"""A writer process for tests/test_concurrency.py and tests/test_faults.py (run with ``python -m`` style path).

    python tests/concurrent_worker.py embedded DB  WORKER N_ORGS N_TIES
    python tests/concurrent_worker.py neo4j    URI WORKER N_ORGS N_TIES      (password in NEO4J_PASSWORD)

Every worker upserts the SAME shared organisations (so that two creators race on each id), makes its own
catalyser role on one of them, then writes its own ties and introductions, one write per step, several times.
It prints one JSON line of what it did.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from catalyse.graphcore.model import Catalyser, Dataset, Introduction, Organisation, Tie  # noqa: E402


def shared_orgs(n: int) -> list[Organisation]:
    return [Organisation(f"o{i:05d}", f"Organisation {i}", "association") for i in range(n)]


def open_store(kind: str, where: str):
    if kind == "embedded":
        from catalyse.graphcore.stores import SqliteStore

        return SqliteStore(where, create=True, timeout=120)
    from catalyse.graphcore.stores.neo4j_store import Neo4jStore

    return Neo4jStore(where, password=os.environ["NEO4J_PASSWORD"], retry_time=120, create=True)


def main(kind, where, worker, n_orgs, n_ties, rounds="3"):
    worker, n_orgs, n_ties = int(worker), int(n_orgs), int(n_ties)
    orgs = shared_orgs(n_orgs)
    store = open_store(kind, where)
    done = {"ties": 0, "introductions": 0, "new_organisations": 0}
    for r in range(int(rounds)):
        ties = [
            Tie(
                orgs[(worker * 7919 + i) % n_orgs].id,
                orgs[(worker * 104729 + i * 31 + 1) % n_orgs].id,
                "exchange",
                directed=True,
                start=dt.date(2000 + 3 * worker, 1, 1) + dt.timedelta(days=i),
            )
            for i in range(n_ties)
        ]
        ties = [t for t in ties if t.source != t.target]
        cat = orgs[worker]
        intros = [
            Introduction(
                cat.id,
                orgs[(worker + 3 + i) % n_orgs].id,
                orgs[(worker + 50 + i) % n_orgs].id,
                dt.date(2024, 1, 1) + dt.timedelta(days=r),
            )
            for i in range(5)
        ]
        intros = [i for i in intros if i.a != i.b]
        summary = store.write(Dataset(orgs, [Catalyser(cat.id, ("dialogue",))], [], ties, intros))
        done["new_organisations"] += summary.new["organisations"]
        done["ties"] = len(ties)
        done["introductions"] += len(intros)
    store.close()
    print(json.dumps({"worker": worker, **done}))


if __name__ == "__main__":
    main(*sys.argv[1:])
