"""Run independent pure computations on every core, results in the order of the jobs."""

from __future__ import annotations

import gc
import multiprocessing
import os
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

T = TypeVar("T")
MINIMUM = 256  # below this many jobs, starting workers costs more than it saves

_jobs: list[Callable[[], Any]] = []


def _run(index: int) -> Any:
    return _jobs[index]()


def run_all(jobs: list[Callable[[], T]], done: Callable[[int], None] | None = None) -> list[T]:
    """`[job() for job in jobs]`, in forked worker processes when there are enough jobs and cores.

    Workers are forked, so jobs need not be picklable (they are inherited); their results must be. A process that
    runs other threads (watch, serve) never forks: a fork copies locks held by those threads. The same jobs give the
    same results either way, so the output never depends on the number of cores. `done(n)` is called as results
    come in, with how many have.
    """
    global _jobs
    workers = min(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1, 8)
    results: list[T] = []
    if (len(jobs) >= MINIMUM and workers > 1 and threading.active_count() == 1
            and "fork" in multiprocessing.get_all_start_methods()):
        _jobs = list(jobs)
        # Python's advice for fork without exec: freeze what exists, so that neither the workers' collections
        # (copying every page they touch) nor the parent's later full collections walk it again.
        gc.freeze()
        try:
            with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
                for result in pool.map(_run, range(len(jobs)), chunksize=max(1, len(jobs) // (workers * 16))):
                    results.append(result)
                    if done is not None:
                        done(len(results))
        except BrokenProcessPool:
            # A worker died (the kernel stops the largest process when memory runs out): the jobs are pure, so the
            # ones without a result run here, below, and the build goes on rather than hanging or failing.
            pass
        finally:
            _jobs = []
    for job in jobs[len(results):]:
        results.append(job())
        if done is not None:
            done(len(results))
    return results
