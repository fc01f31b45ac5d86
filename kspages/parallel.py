"""Run independent pure computations on every core, results in the order of the jobs."""

from __future__ import annotations

import contextlib
import functools
import gc
import multiprocessing
import os
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

T = TypeVar("T")
MINIMUM = 256  # below this many jobs, starting workers costs more than it saves

_jobs: list[Callable[[], Any]] = []
_warm: Any = None  # the forkserver context `warm_up` started, if any
_fn: Callable[..., Any] | None = None  # in a warm worker: the function `run_each` runs


def _cores() -> int:
    return min(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1, 8)


def _may_fork() -> bool:
    # A process that runs other threads (watch, serve) never forks: a fork copies locks held by those threads.
    return _cores() > 1 and threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods()


def _collect(results: list[T], more: Iterable[T], done: Callable[[int], None] | None) -> None:
    """Append results as they come in, telling `done` how many there are."""
    for result in more:
        results.append(result)
        if done is not None:
            done(len(results))


def _run(index: int) -> Any:
    return _jobs[index]()


def run_all(jobs: list[Callable[[], T]], done: Callable[[int], None] | None = None) -> list[T]:
    """`[job() for job in jobs]`, in forked worker processes when there are enough jobs and cores.

    Workers are forked, so jobs need not be picklable (they are inherited); their results must be. A process that
    runs other threads (watch, serve) never forks: a fork copies locks held by those threads. The same jobs give the
    same results either way, so the output never depends on the number of cores. `done(n)` is called as results
    come in, with how many have.
    """
    results: list[T] = []
    _collect(results, _each_job(jobs), done)
    return results


def _each_job(jobs: list[Callable[[], T]]) -> Iterator[T]:
    """What `run_all` returns, one result at a time, in order, as they come in."""
    global _jobs
    if len(jobs) < MINIMUM or not _may_fork():
        yield from (job() for job in jobs)
        return
    _jobs = list(jobs)
    # Python's advice for fork without exec: freeze what exists, so that neither the workers' collections
    # (copying every page they touch) nor the parent's later full collections walk it again.
    gc.freeze()
    workers = _cores()
    try:
        # A worker died (the kernel stops the largest process when memory runs out): the jobs are pure, so the
        # ones without a result run here, and the build goes on rather than hanging or failing.
        yield from _pooled(lambda: ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")),
                           _run, range(len(jobs)), workers, lambda i: jobs[i](), (BrokenProcessPool,))
    finally:
        _jobs = []


def _one_arena() -> None:
    """Let this process make no more malloc arenas (glibc only; elsewhere, or when the user tuned malloc, nothing):
    threads started from now on share the arenas there are, the main thread's when it is the only one.

    A pool's result thread unpickles every result the workers send. In an arena of its own, what the build keeps
    of them and what it lets go interleave, and the memory freed stays with that arena: a cold build at 10k records
    peaked at 164 MB, 150 MB with one arena (at 100k, 480 and 445 MB with MALLOC_ARENA_MAX=1). Pools start only in
    a process running no other thread (`_may_fork`), so nothing else competes for the one arena; the setting holds
    for the rest of the process (glibc reads it once).
    """
    global _arenas_set
    if _arenas_set or os.environ.keys() & {"MALLOC_ARENA_MAX", "GLIBC_TUNABLES"} \
            or "glibc" not in (_confstr("CS_GNU_LIBC_VERSION") or ""):
        return
    _arenas_set = True
    try:
        import ctypes  # here: a Python without ctypes still builds, with more memory

        mallopt = ctypes.CDLL(None).mallopt
    except (ImportError, OSError, AttributeError):
        return
    mallopt(_M_ARENA_MAX, 1)


def _confstr(name: str) -> str | None:
    try:
        return os.confstr(name)
    except (AttributeError, ValueError, OSError):  # no confstr (Windows), or a name this system does not know
        return None


_M_ARENA_MAX = -8  # glibc's malloc.h
_arenas_set = False


def _pooled(make: Callable[[], ProcessPoolExecutor], call: Callable[[Any], T], args: Sequence[Any], workers: int,
            alone: Callable[[Any], T], caught: tuple[type[Exception], ...]) -> Iterator[T]:
    """`call(arg)` for each of `args` in the `workers` of the pool `make` gives, yielded in order as they come in;
    when the pool fails (one of `caught`), what has no result yet is run here, `alone(arg)`."""
    count, pool = 0, None
    _one_arena()
    try:
        pool = make()
        for result in pool.map(call, args, chunksize=max(1, len(args) // (workers * 16))):
            count += 1
            yield result
    except caught:
        pass
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)  # a caller that stopped early does not wait for the rest
    yield from map(alone, args[count:])


def warm_up(modules: list[str]) -> None:
    """Start now, on a core that is idle while this process reads its sources, a process that imports `modules`
    (which may load data as they are imported): the next `run_each` forks its workers from it, ready."""
    global _warm
    if _warm is not None or not _may_fork() or "forkserver" not in multiprocessing.get_all_start_methods():
        return
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(modules)
    try:
        from multiprocessing import forkserver

        forkserver.ensure_running()  # returns at once: the imports run in the new process
    except OSError:
        return
    _warm = context


def _cool_down() -> None:
    """Stop the process `warm_up` started, and wait for it: nothing is left running, and its CPU time (and its
    workers') counts as this process's children's, as run_all's workers' does. The next `warm_up` starts another."""
    global _warm
    _warm = None
    from multiprocessing import forkserver

    # multiprocessing has no public way to stop its fork server; this is the one its own tests use (3.8 to 3.13).
    stop = getattr(getattr(forkserver, "_forkserver", None), "_stop", None)
    if stop is not None:
        with contextlib.suppress(OSError):
            stop()


def _install(fn: Callable[..., Any]) -> None:
    global _fn
    _fn = fn


def _call(args: tuple[Any, ...]) -> Any:
    assert _fn is not None
    return _fn(*args)


def run_each(fn: Callable[..., T], items: list[tuple[Any, ...]], done: Callable[[int], None] | None = None
             ) -> list[T]:
    """`[fn(*item) for item in items]`, as `run_all` runs jobs, but in workers forked from the process `warm_up`
    started when there is one (then `fn` and the items must pickle; `fn` goes to each worker once)."""
    results: list[T] = []
    _collect(results, each(fn, items), done)
    return results


def each(fn: Callable[..., T], items: list[tuple[Any, ...]]) -> Iterator[T]:
    """What `run_each` returns, one result at a time, in order, as they come in: a caller that lets each one go
    holds only the results not taken yet (a cold build's map: not every record's result twice, pickled and not)."""
    if _warm is None or len(items) < MINIMUM or not _may_fork():
        yield from _each_job([functools.partial(fn, *item) for item in items])
        return
    workers, warm = _cores(), _warm
    try:
        yield from _pooled(lambda: ProcessPoolExecutor(workers, mp_context=warm, initializer=_install, initargs=(fn,)),
                           _call, items, workers, lambda item: fn(*item),
                           (BrokenProcessPool, OSError))  # as in run_all, and the fork server gone
    finally:
        _cool_down()
