"""Single-row CTA inference: FastForest against sklearn's predict_proba on the same model.

Run: ./dev bench cta [ROWS]. Asserts identical probabilities on every row, prints the
latency of both, and ends with the speed-up as `N.Nx`.
"""

from __future__ import annotations

import statistics
import sys
import time

import numpy as np

from mlops import cta, cta_bootstrap


def timed(call, rows: list[list[float]]) -> list[float]:
    latencies = []
    for row in rows:
        started = time.perf_counter()
        call(row)
        latencies.append((time.perf_counter() - started) * 1000)
    return latencies


def main(count: int) -> None:
    data = cta_bootstrap.generate(12_000)
    train_rows, test_rows = cta.split(data)
    model = cta.train(train_rows)
    fast = cta.FastForest.from_sklearn(model)
    rows = [cta.vectorize(r["features"]) for r in test_rows[:count]]

    expected = model.predict_proba(np.array(rows, dtype=np.float64))
    actual = np.array([fast.predict_proba(row) for row in rows])
    assert np.allclose(expected, actual, rtol=0, atol=1e-12), "outputs differ"

    sklearn_ms = timed(lambda row: model.predict_proba([row]), rows)
    fast_ms = timed(fast.predict_proba, rows)
    explain_ms = timed(lambda row: fast.decide(dict(zip(cta.FEATURES, row, strict=True))), rows)
    for name, latencies in (
        ("sklearn predict_proba", sklearn_ms),
        ("FastForest.predict_proba", fast_ms),
        ("FastForest.decide (+why)", explain_ms),
    ):
        p95 = sorted(latencies)[int(0.95 * len(latencies))]
        print(f"{name:<26} p50 {statistics.median(latencies):8.4f} ms   p95 {p95:8.4f} ms")
    print(f"{len(rows)} rows, identical probabilities (atol 1e-12)")
    print(f"{statistics.median(sklearn_ms) / statistics.median(fast_ms):.1f}x")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 500)
