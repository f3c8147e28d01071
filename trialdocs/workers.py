"""Worker processes for rendering: spawned, warmed once, recycled.

Why not ``concurrent.futures.ProcessPoolExecutor(max_tasks_per_child=...)``:
on Python 3.11 it deadlocks once workers start retiring while work is queued
(the executor counts finished tasks as idle workers and does not replace the
one that left; measured: 100 tasks, 2 workers, 5 tasks per child never
finish). This pool is small and explicit instead:

- processes are started with *spawn* (WeasyPrint and GLib must not be forked,
  stack.md §2.4); each runs ``initializer`` once (import WeasyPrint, load the
  fonts), then serves jobs one at a time over its own pipe;
- a worker retires after ``max_tasks`` jobs or when its peak memory passes
  ``max_rss_mb`` (WeasyPrint's memory grows per document), and the pool
  starts a fresh one: memory stays bounded on long builds;
- a worker that dies (killed, out of memory) fails its job, not the build's
  bookkeeping, and is replaced;
- workers ignore Ctrl-C: the parent handles it and stops them. A worker is
  started with SIGINT and SIGTERM *blocked* in the parent (the child inherits
  the mask, ignores SIGINT, then unblocks): a Ctrl-C that arrives while a
  worker starts is delivered to the parent right after, never dropped, and
  the parent's own handling is never replaced by an inherited "ignored".
  Python's resource tracker is started before that: launching it *unblocks*
  both signals (multiprocessing.resource_tracker.ensure_running), and a
  SIGTERM let through while a worker was being spawned stopped the parent
  before it had sent the child its start-up data (the child printed
  "EOFError: Ran out of input" from multiprocessing's spawn_main);
- a worker is in the pool's list before it starts, so stopping the pool
  always reaches it, and a worker that has not answered yet (possibly still
  importing WeasyPrint) is killed rather than asked to stop.
"""

from __future__ import annotations

import signal
from collections import deque

MAX_TASKS = 100
MAX_RSS_MB = 768
_BLOCKED = {signal.SIGINT, signal.SIGTERM}


def _peak_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _serve(conn, initializer, max_tasks: int, max_rss_mb: float) -> None:
    """A worker's life: initialize, then run jobs until told to stop or retiring."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _BLOCKED)  # blocked by the parent while starting
    if initializer is not None:
        initializer()
    done = 0
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        index, function, argument = message
        try:
            value, ok = function(argument), True
        except BaseException as exc:  # noqa: BLE001 (reported to the parent as the job's failure)
            value, ok = f"{type(exc).__name__}: {exc}", False
        done += 1
        retire = done >= max_tasks or _peak_rss_mb() > max_rss_mb
        conn.send((index, ok, value, retire))
        if retire:
            return


class _Worker:
    def __init__(self, context, initializer, max_tasks, max_rss_mb):
        self.conn, self.child = context.Pipe()
        self.process = context.Process(target=_serve, daemon=True,
                                       args=(self.child, initializer, max_tasks, max_rss_mb))
        self.job = None
        self.answered = False  # has sent a result: started and initialized

    def start(self) -> None:
        _start_with_signals_blocked(self.process)
        self.child.close()

    def stop(self, kill: bool) -> None:
        """Stop the process: asked to (after its current job) or killed.

        A worker that never answered may still be starting (spawning, importing
        WeasyPrint): it is killed, since waiting for it to finish starting only
        to tell it to stop costs a WeasyPrint import, and asking means closing
        a pipe its start-up may still be reading.
        """
        if self.process.pid is not None:  # started
            if kill or not self.answered:
                self.process.kill()
            else:
                try:
                    self.conn.send(None)
                except OSError:
                    pass
            self.process.join(timeout=None if not kill and self.answered else 5)
        self.conn.close()
        self.child.close()


def _start_with_signals_blocked(process) -> None:
    """Start a process with SIGINT and SIGTERM blocked; they reach this process afterwards.

    The child inherits the blocked mask through fork and exec, so it cannot
    be interrupted before ``_serve`` ignores SIGINT; the parent keeps its own
    handlers (never swapped for SIG_IGN and back), and a signal that arrives
    meanwhile stays pending and is delivered when the mask is restored. The
    resource tracker is started first: its launch unblocks both signals.
    """
    from multiprocessing import resource_tracker

    resource_tracker.ensure_running()
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, _BLOCKED)
    try:
        process.start()
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


class Pool:
    """``count`` worker processes running ``function(item)`` jobs, results as they come."""

    def __init__(self, count: int, initializer=None, max_tasks: int = MAX_TASKS,
                 max_rss_mb: float = MAX_RSS_MB):
        import multiprocessing

        self.count = max(1, count)
        self.initializer = initializer
        self.max_tasks = max_tasks
        self.max_rss_mb = max_rss_mb
        self.context = multiprocessing.get_context("spawn")
        self.workers: list[_Worker] = []
        self.started = 0  # processes started over the pool's life (recycling included)

    def start(self, needed: int | None = None) -> None:
        """Start the missing workers, up to ``needed`` of them (default: the pool's count)."""
        wanted = self.count if needed is None else min(self.count, needed)
        while len(self.workers) < wanted:
            worker = _Worker(self.context, self.initializer, self.max_tasks, self.max_rss_mb)
            self.workers.append(worker)  # listed first: close() reaches it whatever happens next
            self.started += 1
            worker.start()

    def _replace(self, worker: _Worker, kill: bool, more_work: bool = True) -> None:
        """Stop ``worker``; start another only if work is waiting (run() starts the rest)."""
        self.workers.remove(worker)
        worker.stop(kill=kill)
        if more_work:
            self.start(len(self.workers) + 1)

    def run(self, function, items):
        """Yield ``(index, ok, value)`` for each item, in completion order.

        ``ok`` False means the job raised (value is the message) or its worker
        died. Items are handed out in the order given, one per idle worker.
        """
        from multiprocessing.connection import wait

        queue = deque(enumerate(items))
        self.start(len(queue))  # no worker for work that does not exist
        while queue or any(w.job is not None for w in self.workers):
            self._hand_out(function, queue)
            busy = [w for w in self.workers if w.job is not None]
            ready = wait([w.conn for w in busy] + [w.process.sentinel for w in busy])
            for worker in busy:
                if worker.job is None:
                    continue
                if worker.conn in ready or (worker.process.sentinel in ready and worker.conn.poll()):
                    try:
                        index, ok, value, retire = worker.conn.recv()
                    except (EOFError, OSError):
                        index, ok, value, retire = worker.job, False, self._death(worker), True
                    worker.job = None
                    worker.answered = True
                    yield index, ok, value
                    if retire:
                        self._replace(worker, kill=False, more_work=bool(queue))
                elif worker.process.sentinel in ready:
                    index = worker.job
                    worker.job = None
                    message = self._death(worker)
                    self._replace(worker, kill=True, more_work=bool(queue))
                    yield index, False, message

    def _hand_out(self, function, queue) -> None:
        """Give the next queued items to idle workers."""
        while queue:
            idle = next((w for w in self.workers if w.job is None), None)
            if idle is None:
                return
            index, item = queue[0]
            try:
                idle.conn.send((index, function, item))
            except OSError:  # it died while idle: replace it, the item waits for the next one
                self._replace(idle, kill=True)
                continue
            queue.popleft()
            idle.job = index

    @staticmethod
    def _death(worker: _Worker) -> str:
        worker.process.join(timeout=1)
        code = worker.process.exitcode
        how = f"killed by signal {-code}" if code is not None and code < 0 else f"exit status {code}"
        return f"the worker process died ({how}; out of memory?)"

    def close(self, kill: bool = False) -> None:
        workers, self.workers = self.workers, []
        for worker in workers:
            try:
                worker.stop(kill=kill or worker.job is not None)
            except Exception:  # noqa: BLE001 (already gone)
                pass

    def pids(self) -> list[int]:
        return [w.process.pid for w in self.workers]
