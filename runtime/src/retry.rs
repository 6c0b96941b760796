//! Retries in AWS "standard" mode: which failures are retried, how long to wait, and the
//! token bucket that stops a client from retrying into an outage.
//!
//! # The rules
//!
//! - At most [`RetryConfig::max_attempts`] attempts (3 by default), counting the first.
//! - After failed attempt `n` (1-based) the client waits `random(0, 1) * initial * 2^(n-1)`,
//!   capped at [`RetryConfig::max_backoff`] (full jitter; `initial` is 1 s, the cap 20 s).
//! - A [`TokenBucket`] of 500 tokens is shared by all calls of one client: a retry costs 5
//!   tokens, a retry after a timeout 10; every successful response puts 1 back (up to 500).
//!   When the bucket cannot pay, the last failure is returned instead of retrying.
//! - Retried: throttling codes ([`THROTTLING_CODES`]), transient codes ([`TRANSIENT_CODES`]),
//!   HTTP 500/502/503/504, errors the model marks `@retryable`, connection failures (refused,
//!   reset, closed before the response), and connect or attempt timeouts.
//! - Never retried: any other error the service answered with — in particular a modelled
//!   fault that is neither `@retryable` nor in the lists above —, a response that could not be
//!   read (2xx body that does not parse, body over the size limit), and construction failures.
//!
//! # When a non-idempotent operation may be sent twice
//!
//! Operations such as MemoryDB `FailoverShard` are not idempotent: two deliveries may start
//! two failovers. This runtime sends a request again only in two situations:
//!
//! 1. the outcome of the previous attempt is unknown: the connection failed or was reset, or
//!    the attempt timed out, *after* the request may have reached the service (a connection
//!    refused before anything was sent is also retried, and is harmless);
//! 2. the service answered and said the request was not processed and may be retried: a
//!    throttling or transient code from the lists above, a `@retryable` modelled error, or an
//!    HTTP 500/502/503/504 status.
//!
//! A modelled fault (for example `InvalidClusterStateFault`) or any other 4xx answer is never
//! retried. Only case 1 can lead to a duplicate execution; callers that cannot tolerate one
//! should use [`RetryConfig::disabled`] for that call's client (or set a long attempt timeout)
//! and check the resource's state before calling again.

use std::future::Future;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Mutex;
use std::time::Duration;

/// Error codes that mean "slow down": the request was not processed.
pub const THROTTLING_CODES: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
    "RequestLimitExceeded",
    "BandwidthLimitExceeded",
    "LimitExceededException",
    "RequestThrottled",
    "SlowDown",
    "PriorRequestNotComplete",
    "EC2ThrottledException",
];

/// Error codes of transient failures that are worth retrying.
pub const TRANSIENT_CODES: &[&str] = &["RequestTimeout", "RequestTimeoutException"];

/// HTTP statuses of transient failures that are worth retrying.
pub const TRANSIENT_STATUSES: &[u16] = &[500, 502, 503, 504];

/// Capacity of a fresh [`TokenBucket`].
pub const INITIAL_RETRY_TOKENS: u32 = 500;
/// Tokens one retry costs.
pub const RETRY_COST: u32 = 5;
/// Tokens one retry after a timeout costs.
pub const RETRY_TIMEOUT_COST: u32 = 10;
/// Tokens a successful response returns to the bucket.
pub const NO_RETRY_INCREMENT: u32 = 1;

/// How a client retries failed attempts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryConfig {
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
}

impl Default for RetryConfig {
    fn default() -> Self {
        Self::standard()
    }
}

impl RetryConfig {
    /// Standard mode: 3 attempts, 1 s initial backoff, 20 s maximum backoff.
    pub fn standard() -> Self {
        Self {
            max_attempts: 3,
            initial_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(20),
        }
    }

    /// A single attempt, never retried.
    pub fn disabled() -> Self {
        Self {
            max_attempts: 1,
            ..Self::standard()
        }
    }

    /// Sets the number of attempts, counting the first; `0` is treated as `1`.
    pub fn with_max_attempts(mut self, max_attempts: u32) -> Self {
        self.max_attempts = max_attempts.max(1);
        self
    }

    /// Sets the base of the exponential backoff (the longest wait after the first attempt).
    pub fn with_initial_backoff(mut self, initial_backoff: Duration) -> Self {
        self.initial_backoff = initial_backoff;
        self
    }

    /// Sets the cap of any single wait between attempts.
    pub fn with_max_backoff(mut self, max_backoff: Duration) -> Self {
        self.max_backoff = max_backoff;
        self
    }

    /// The number of attempts, counting the first.
    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The base of the exponential backoff.
    pub fn initial_backoff(&self) -> Duration {
        self.initial_backoff
    }

    /// The cap of any single wait between attempts.
    pub fn max_backoff(&self) -> Duration {
        self.max_backoff
    }

    /// The wait after failed attempt `attempt` (1-based) given a uniform `jitter` in `[0, 1)`:
    /// `jitter * initial * 2^(attempt-1)`, capped at the maximum backoff.
    pub fn backoff(&self, attempt: u32, jitter: f64) -> Duration {
        let exp = attempt.saturating_sub(1).min(62);
        let base = self.initial_backoff.as_secs_f64() * (1u64 << exp) as f64;
        let secs = (jitter.clamp(0.0, 1.0) * base).min(self.max_backoff.as_secs_f64());
        Duration::try_from_secs_f64(secs).unwrap_or(self.max_backoff)
    }
}

/// Why a failed attempt may be retried; decides what the retry costs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryKind {
    /// The service asked the client to slow down (throttling code).
    Throttling,
    /// A transient failure: transient code, 5xx status, `@retryable` error, connection error.
    Transient,
    /// A connect or attempt timeout: the outcome of the attempt is unknown.
    Timeout,
}

impl RetryKind {
    /// Tokens a retry of this kind costs.
    pub fn cost(self) -> u32 {
        match self {
            RetryKind::Timeout => RETRY_TIMEOUT_COST,
            RetryKind::Throttling | RetryKind::Transient => RETRY_COST,
        }
    }
}

/// Classifies an error answer of the service: `code` and `query_code` are the sanitised error
/// codes (either may be absent), `status` the HTTP status, `modelled_retryable` whether the
/// model marks the typed error `@retryable`. `None` means "do not retry".
pub fn classify_error_response(
    code: Option<&str>,
    query_code: Option<&str>,
    status: u16,
    modelled_retryable: bool,
) -> Option<RetryKind> {
    let codes = [code, query_code];
    let any_in = |list: &[&str]| codes.iter().flatten().any(|c| list.contains(c));
    if any_in(THROTTLING_CODES) {
        Some(RetryKind::Throttling)
    } else if modelled_retryable || any_in(TRANSIENT_CODES) || TRANSIENT_STATUSES.contains(&status)
    {
        Some(RetryKind::Transient)
    } else {
        None
    }
}

/// The retry quota shared by every call of one client.
#[derive(Debug)]
pub struct TokenBucket {
    tokens: AtomicU32,
    capacity: u32,
}

impl Default for TokenBucket {
    fn default() -> Self {
        Self::new(INITIAL_RETRY_TOKENS)
    }
}

impl TokenBucket {
    /// A full bucket of `capacity` tokens.
    pub fn new(capacity: u32) -> Self {
        Self {
            tokens: AtomicU32::new(capacity),
            capacity,
        }
    }

    /// Tokens currently available.
    pub fn available(&self) -> u32 {
        self.tokens.load(Ordering::Acquire)
    }

    /// Takes the cost of a retry of `kind`; `false` (and nothing taken) when too few are left.
    pub fn try_acquire(&self, kind: RetryKind) -> bool {
        let cost = kind.cost();
        self.tokens
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |t| t.checked_sub(cost))
            .is_ok()
    }

    /// Returns [`NO_RETRY_INCREMENT`] token after a successful response, up to the capacity.
    pub fn on_success(&self) {
        let cap = self.capacity;
        let _ = self
            .tokens
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |t| {
                Some(t.saturating_add(NO_RETRY_INCREMENT).min(cap))
            });
    }
}

/// A small pseudo-random generator (SplitMix64) for backoff jitter and invocation ids.
///
/// Seeded from the operating system unless a seed is given; not for cryptography.
#[derive(Debug)]
pub struct JitterRng {
    state: Mutex<u64>,
}

impl Default for JitterRng {
    fn default() -> Self {
        Self::from_entropy()
    }
}

impl JitterRng {
    /// A generator with a fixed seed: the same seed yields the same sequence (tests).
    pub fn with_seed(seed: u64) -> Self {
        Self {
            state: Mutex::new(seed),
        }
    }

    /// A generator seeded from the operating system's random source.
    pub fn from_entropy() -> Self {
        Self::with_seed(os_random_u64())
    }

    /// The next 64 random bits.
    pub fn next_u64(&self) -> u64 {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = *state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A uniform value in `[0, 1)`.
    pub fn next_f64(&self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// 64 bits from the operating system; falls back to hashing time and address if unavailable.
pub(crate) fn os_random_u64() -> u64 {
    let mut bytes = [0u8; 8];
    if getrandom::getrandom(&mut bytes).is_ok() {
        return u64::from_le_bytes(bytes);
    }
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default(),
    );
    h.finish()
}

/// A random UUID version 4 in its lowercase hyphenated form (used for
/// `amz-sdk-invocation-id`).
///
/// The bits come from one process-wide [`JitterRng`] seeded once from the operating system:
/// the id must be unique, not unpredictable, and asking the OS per request costs a system call
/// on every call.
pub fn uuid_v4() -> String {
    static IDS: std::sync::OnceLock<JitterRng> = std::sync::OnceLock::new();
    let ids = IDS.get_or_init(JitterRng::from_entropy);
    let mut b = [0u8; 16];
    b[..8].copy_from_slice(&ids.next_u64().to_le_bytes());
    b[8..].copy_from_slice(&ids.next_u64().to_le_bytes());
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(36);
    for (i, byte) in b.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            out.push('-');
        }
        out.push(HEX[usize::from(byte >> 4)] as char);
        out.push(HEX[usize::from(byte & 0x0f)] as char);
    }
    out
}

/// The retry state of one client: its configuration, token bucket and jitter source.
#[derive(Debug)]
pub struct RetryStrategy {
    config: RetryConfig,
    bucket: TokenBucket,
    rng: JitterRng,
}

impl RetryStrategy {
    /// A strategy with a full token bucket and an OS-seeded jitter source.
    pub fn new(config: RetryConfig) -> Self {
        Self {
            config,
            bucket: TokenBucket::default(),
            rng: JitterRng::from_entropy(),
        }
    }

    /// A strategy with a deterministic jitter source (tests).
    pub fn with_rng(config: RetryConfig, rng: JitterRng) -> Self {
        Self {
            config,
            bucket: TokenBucket::default(),
            rng,
        }
    }

    /// The configuration.
    pub fn config(&self) -> &RetryConfig {
        &self.config
    }

    /// The shared token bucket.
    pub fn bucket(&self) -> &TokenBucket {
        &self.bucket
    }

    /// Decides whether to retry after failed attempt `attempt` (1-based) whose failure was
    /// classified as `kind`; returns the wait before the next attempt, or `None` to give up
    /// (not retryable, attempts exhausted, or token bucket empty). Takes tokens when it
    /// answers `Some`.
    pub fn should_retry(&self, attempt: u32, kind: Option<RetryKind>) -> Option<Duration> {
        let kind = kind?;
        if attempt >= self.config.max_attempts {
            return None;
        }
        if !self.bucket.try_acquire(kind) {
            return None;
        }
        Some(self.config.backoff(attempt, self.rng.next_f64()))
    }

    /// Records a successful response.
    pub fn on_success(&self) {
        self.bucket.on_success();
    }
}

/// A failed attempt: the error to return if it is the last, and whether it may be retried.
#[derive(Debug)]
pub struct AttemptError<E> {
    /// The error of this attempt.
    pub error: E,
    /// How the failure may be retried; `None` when it must not be.
    pub retry: Option<RetryKind>,
}

impl<E> AttemptError<E> {
    /// A failure that must not be retried.
    pub fn fatal(error: E) -> Self {
        Self { error, retry: None }
    }
    /// A failure that may be retried as `kind`.
    pub fn retryable(error: E, kind: RetryKind) -> Self {
        Self {
            error,
            retry: Some(kind),
        }
    }
}

/// Runs `attempt(1)`, `attempt(2)`, ... until one succeeds or [`RetryStrategy::should_retry`]
/// says to stop, sleeping with [`tokio::time::sleep`] between attempts (so a paused Tokio clock
/// makes the schedule instant and exact in tests). Returns the last error.
pub async fn run_with_retries<T, E, F, Fut>(
    strategy: &RetryStrategy,
    mut attempt: F,
) -> Result<T, E>
where
    F: FnMut(u32) -> Fut,
    Fut: Future<Output = Result<T, AttemptError<E>>>,
{
    let mut n = 1;
    loop {
        match attempt(n).await {
            Ok(value) => {
                strategy.on_success();
                return Ok(value);
            }
            Err(failure) => match strategy.should_retry(n, failure.retry) {
                Some(delay) => {
                    tokio::time::sleep(delay).await;
                    n += 1;
                }
                None => return Err(failure.error),
            },
        }
    }
}
