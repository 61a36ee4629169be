//! Worker threads with stacks deep enough for Helm's limits.
//!
//! Rendering lets `include` nest 1,000 deep (each level a few KiB of stack
//! in the evaluator) and schema validation recurses once per nesting level
//! of the schema and the values, so both run on threads whose stacks are
//! sized for those limits, whatever thread the caller is on.
//!
//! The threads are kept and reused: starting a thread per render costs
//! more than rendering a small chart (the thread itself, and a fresh
//! allocator heap whose pages the kernel must zero again every time). The
//! pool grows on demand up to the machine's parallelism, so a caller
//! rendering several charts at once from several threads gets them done in
//! parallel. A job submitted from a worker runs inline on that worker,
//! whose stack is already deep, so nested jobs cannot dead-lock the pool.
//!
//! Public for callers that render many charts (capstan-source renders the
//! apps of a tree this way): [`submit`] starts a job and returns at once,
//! [`run_all`] runs a batch; both keep results in submission order.
//! [`on_deep_stack`] gives a program's main work a deep stack of its own,
//! so its renders need no hand-over at all.

use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex, OnceLock};

/// Stack of a worker: enough for 10,000 nested template calls in a debug
/// build.
const STACK: usize = 256 << 20;

struct Pool {
    queue: Mutex<Sender<Job<()>>>,
    jobs: Arc<Mutex<Receiver<Job<()>>>>,
    /// Workers started, and workers waiting for a job.
    counts: Mutex<(usize, usize)>,
    max: usize,
}

thread_local! {
    /// This thread is one of the pool's: a job it submits runs inline.
    static ON_WORKER: Cell<bool> = const { Cell::new(false) };
    /// This thread's stack is as deep as a worker's (a worker, or a thread
    /// of [`on_deep_stack`]): [`run`] needs no other thread here.
    static DEEP: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f` on a new thread whose stack is as deep as a worker's, where
/// every render and validation then runs without handing work to another
/// thread, and returns its result; a panic in `f` continues in the caller.
///
/// For a program's main work, as compilers run theirs: handing a render to
/// a sleeping worker and waking the caller again costs more than rendering
/// a small chart on a virtual machine, whose idle processors sleep (tens of
/// microseconds each way). Called on such a thread already, runs `f` there.
pub fn on_deep_stack<R: Send>(f: impl FnOnce() -> R + Send) -> Result<R, Failure> {
    if DEEP.with(Cell::get) {
        return Ok(f());
    }
    std::thread::scope(|scope| {
        let handle = std::thread::Builder::new()
            .name("capstan-main".into())
            .stack_size(STACK)
            .spawn_scoped(scope, || {
                DEEP.with(|d| d.set(true));
                f()
            })
            .map_err(|e| Failure::Spawn(format!("cannot start the main thread: {e}")))?;
        match handle.join() {
            Ok(result) => Ok(result),
            Err(panic) => std::panic::resume_unwind(panic),
        }
    })
}

fn pool() -> &'static Pool {
    static POOL: OnceLock<Pool> = OnceLock::new();
    POOL.get_or_init(|| {
        let (tx, rx) = channel::<Job<()>>();
        Pool {
            queue: Mutex::new(tx),
            jobs: Arc::new(Mutex::new(rx)),
            counts: Mutex::new((0, 0)),
            max: std::thread::available_parallelism().map_or(2, |n| n.get().clamp(2, 16)),
        }
    })
}

/// Why a job did not return.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Failure {
    /// No worker thread could be started.
    Spawn(String),
    /// The job panicked (a bug: it is reported, and the worker lives on).
    Panicked,
}

/// Runs `job` on a worker thread with a deep stack and returns its result.
pub(crate) fn run<R: Send + 'static>(
    job: impl FnOnce() -> R + Send + 'static,
) -> Result<R, Failure> {
    if DEEP.with(Cell::get) {
        return catch_unwind(AssertUnwindSafe(job)).map_err(|_| Failure::Panicked);
    }
    let pool = pool();
    ensure_worker(pool)?;
    let (tx, rx) = channel();
    let boxed: Job<()> = Box::new(move || {
        let result = catch_unwind(AssertUnwindSafe(job)).map_err(|_| Failure::Panicked);
        // The caller may have gone (it never does: it waits below).
        let _ = tx.send(result);
    });
    pool.queue
        .lock()
        .map_err(|_| Failure::Spawn("worker queue poisoned".into()))?
        .send(boxed)
        .map_err(|e| Failure::Spawn(e.to_string()))?;
    rx.recv().unwrap_or(Err(Failure::Panicked))
}

/// A job for [`submit`] and [`run_all`].
pub type Job<R> = Box<dyn FnOnce() -> R + Send>;

/// A job handed to the pool by [`submit`].
pub struct Pending<R>(Waiting<R>);

enum Waiting<R> {
    Done(Result<R, Failure>),
    Running(Receiver<Result<R, Failure>>),
}

impl<R> std::fmt::Debug for Pending<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = match &self.0 {
            Waiting::Done(_) => "done",
            Waiting::Running(_) => "running",
        };
        f.debug_tuple("Pending").field(&state).finish()
    }
}

impl<R> Pending<R> {
    /// Waits for the job and returns its result.
    pub fn wait(self) -> Result<R, Failure> {
        match self.0 {
            Waiting::Done(r) => r,
            Waiting::Running(rx) => rx.recv().unwrap_or(Err(Failure::Panicked)),
        }
    }
}

/// Starts `job` on a worker thread (the pool grows up to the machine's
/// parallelism) and returns at once, so the caller can prepare more work
/// meanwhile. A job submitted from a worker runs inline, before this
/// returns.
pub fn submit<R: Send + 'static>(job: Job<R>) -> Pending<R> {
    if ON_WORKER.with(Cell::get) {
        return Pending(Waiting::Done(
            catch_unwind(AssertUnwindSafe(job)).map_err(|_| Failure::Panicked),
        ));
    }
    let pool = pool();
    if let Err(e) = grow(pool) {
        return Pending(Waiting::Done(Err(e)));
    }
    let (tx, rx) = channel();
    let boxed: Job<()> = Box::new(move || {
        let _ = tx.send(catch_unwind(AssertUnwindSafe(job)).map_err(|_| Failure::Panicked));
    });
    let sent = pool
        .queue
        .lock()
        .map_err(|_| Failure::Spawn("worker queue poisoned".into()))
        .and_then(|q| q.send(boxed).map_err(|e| Failure::Spawn(e.to_string())));
    match sent {
        Ok(()) => Pending(Waiting::Running(rx)),
        Err(e) => Pending(Waiting::Done(Err(e))),
    }
}

/// Runs `jobs` on the worker threads, as many at once as the pool has
/// threads, and returns their results in the order of `jobs`.
pub fn run_all<R: Send + 'static>(jobs: Vec<Job<R>>) -> Vec<Result<R, Failure>> {
    let pending: Vec<Pending<R>> = jobs.into_iter().map(submit).collect();
    pending.into_iter().map(Pending::wait).collect()
}

/// Offers `job` to a worker that is idle (or can still be started), from
/// any thread, workers included; returns `false`, dropping the job, when
/// every worker is busy and the pool is full. Nothing waits for an offered
/// job, so it cannot dead-lock the pool: it may start late, even after its
/// caller has finished. Callers share work with it through a queue of
/// tasks that whoever is free takes from, so a late helper finds the queue
/// empty and returns.
pub(crate) fn offer(job: impl FnOnce() + Send + 'static) -> bool {
    let pool = pool();
    let Ok(mut counts) = pool.counts.lock() else {
        return false;
    };
    let (started, idle) = *counts;
    if idle == 0 {
        if started >= pool.max || spawn(pool).is_err() {
            return false;
        }
        *counts = (started + 1, idle + 1);
    }
    drop(counts);
    let boxed: Job<()> = Box::new(move || {
        // A panic is a bug of the job; the worker lives on.
        let _ = catch_unwind(AssertUnwindSafe(job));
    });
    pool.queue.lock().is_ok_and(|q| q.send(boxed).is_ok())
}

/// Starts one more worker unless the pool is full.
fn grow(pool: &'static Pool) -> Result<(), Failure> {
    let mut counts = pool
        .counts
        .lock()
        .map_err(|_| Failure::Spawn("worker pool poisoned".into()))?;
    let (started, idle) = *counts;
    if started >= pool.max {
        return Ok(());
    }
    spawn(pool)?;
    *counts = (started + 1, idle + 1);
    Ok(())
}

fn spawn(pool: &'static Pool) -> Result<(), Failure> {
    let jobs = Arc::clone(&pool.jobs);
    std::thread::Builder::new()
        .name("helm-render".into())
        .stack_size(STACK)
        .spawn(move || work(pool, &jobs))
        .map(|_| ())
        .map_err(|e| Failure::Spawn(format!("cannot start a render thread: {e}")))
}

/// Starts a worker when none is idle and the pool may still grow.
fn ensure_worker(pool: &'static Pool) -> Result<(), Failure> {
    let mut counts = pool
        .counts
        .lock()
        .map_err(|_| Failure::Spawn("worker pool poisoned".into()))?;
    let (started, idle) = *counts;
    if idle > 0 || started >= pool.max {
        return Ok(());
    }
    spawn(pool)?;
    *counts = (started + 1, idle + 1);
    Ok(())
}

fn work(pool: &'static Pool, jobs: &Mutex<Receiver<Job<()>>>) {
    ON_WORKER.with(|w| w.set(true));
    DEEP.with(|d| d.set(true));
    loop {
        let job = match jobs.lock() {
            Ok(rx) => rx.recv(),
            Err(_) => return,
        };
        let Ok(job) = job else { return };
        set_idle(pool, -1);
        job();
        set_idle(pool, 1);
    }
}

fn set_idle(pool: &Pool, delta: isize) {
    if let Ok(mut c) = pool.counts.lock() {
        c.1 = c.1.saturating_add_signed(delta);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Recurses `n` levels with ~4 KiB of stack each (20,000: 80 MiB).
    fn depth(n: u32) -> u32 {
        let pad = std::hint::black_box([0u8; 4096]);
        if n == 0 {
            u32::from(pad[0])
        } else {
            depth(n - 1) + 1
        }
    }

    #[test]
    fn jobs_run_on_deep_stacks_and_return() {
        assert_eq!(run(|| depth(20_000)), Ok(20_000));
    }

    #[test]
    fn on_a_deep_stack_jobs_run_inline() {
        let outcome = on_deep_stack(|| {
            let here = std::thread::current().id();
            // `run` hands nothing over: the job sees this thread.
            let there = run(move || std::thread::current().id());
            (depth(20_000), there == Ok(here))
        });
        assert_eq!(outcome, Ok((20_000, true)));
        // Nested, it stays on the same thread.
        assert_eq!(on_deep_stack(|| on_deep_stack(|| 3)), Ok(Ok(3)));
        // A batch still goes to the pool: the deep thread is not a worker.
        let jobs: Vec<Job<usize>> = (0..4usize)
            .map(|i| Box::new(move || i) as Job<usize>)
            .collect();
        assert_eq!(
            on_deep_stack(|| run_all(jobs)),
            Ok(vec![Ok(0), Ok(1), Ok(2), Ok(3)])
        );
    }

    #[test]
    fn a_panic_on_the_deep_stack_reaches_the_caller() {
        let caught = std::panic::catch_unwind(|| on_deep_stack(|| panic!("bug")));
        assert!(caught.is_err());
    }

    #[test]
    fn a_panicking_job_is_reported_and_the_pool_lives_on() {
        let r: Result<(), Failure> = run(|| panic!("bug"));
        assert_eq!(r, Err(Failure::Panicked));
        assert_eq!(run(|| 7), Ok(7));
    }

    #[test]
    fn nested_jobs_run_inline() {
        assert_eq!(run(|| run(|| 1).map(|x| x + 1)), Ok(Ok(2)));
    }

    #[test]
    fn batches_return_in_order_and_nest_inline() {
        let jobs: Vec<Job<usize>> = (0..8usize)
            .map(|i| Box::new(move || i * 3) as Job<usize>)
            .collect();
        assert_eq!(run_all(jobs), (0..8).map(|i| Ok(i * 3)).collect::<Vec<_>>());
        let nested = submit(Box::new(|| run_all(vec![Box::new(|| 5) as Job<i32>])));
        assert_eq!(nested.wait(), Ok(vec![Ok(5)]));
        let failing: Vec<Job<()>> = vec![Box::new(|| panic!("bug")), Box::new(|| ())];
        assert_eq!(run_all(failing), vec![Err(Failure::Panicked), Ok(())]);
    }

    #[test]
    fn concurrent_callers_all_get_their_results() {
        let handles: Vec<_> = (0..8)
            .map(|i| std::thread::spawn(move || run(move || i * 2)))
            .collect();
        for (i, h) in handles.into_iter().enumerate() {
            assert_eq!(h.join().ok(), Some(Ok(i * 2)));
        }
    }
}
