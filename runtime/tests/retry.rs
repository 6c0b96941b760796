//! Standard-mode retry rules: backoff schedule, token bucket, classification.

use std::time::Duration;

use aws_client_runtime::retry::{
    classify_error_response, uuid_v4, JitterRng, RetryConfig, RetryKind, RetryStrategy,
    TokenBucket, THROTTLING_CODES,
};

#[test]
fn standard_defaults() {
    let c = RetryConfig::standard();
    assert_eq!(c.max_attempts(), 3);
    assert_eq!(c.initial_backoff(), Duration::from_secs(1));
    assert_eq!(c.max_backoff(), Duration::from_secs(20));
    assert_eq!(RetryConfig::default(), c);
    assert_eq!(RetryConfig::disabled().max_attempts(), 1);
    assert_eq!(
        RetryConfig::standard().with_max_attempts(0).max_attempts(),
        1
    );
}

#[test]
fn backoff_is_full_jitter_exponential_and_capped() {
    let c = RetryConfig::standard();
    assert_eq!(c.backoff(1, 1.0), Duration::from_secs(1));
    assert_eq!(c.backoff(2, 1.0), Duration::from_secs(2));
    assert_eq!(c.backoff(3, 1.0), Duration::from_secs(4));
    assert_eq!(c.backoff(3, 0.5), Duration::from_secs(2));
    assert_eq!(c.backoff(5, 1.0), Duration::from_secs(16));
    assert_eq!(c.backoff(6, 1.0), Duration::from_secs(20));
    assert_eq!(c.backoff(60, 0.99), Duration::from_secs(20));
    assert_eq!(c.backoff(400, 1.0), Duration::from_secs(20));
    assert_eq!(c.backoff(1, 0.0), Duration::ZERO);
    let fast = RetryConfig::standard().with_initial_backoff(Duration::from_millis(10));
    assert_eq!(fast.backoff(2, 1.0), Duration::from_millis(20));
}

#[test]
fn seeded_jitter_is_deterministic_and_in_range() {
    let a = JitterRng::with_seed(42);
    let b = JitterRng::with_seed(42);
    let xs: Vec<f64> = (0..1000).map(|_| a.next_f64()).collect();
    let ys: Vec<f64> = (0..1000).map(|_| b.next_f64()).collect();
    assert_eq!(xs, ys);
    assert!(xs.iter().all(|x| (0.0..1.0).contains(x)));
    let mean = xs.iter().sum::<f64>() / xs.len() as f64;
    assert!((0.4..0.6).contains(&mean), "mean {mean}");
    assert_ne!(
        JitterRng::with_seed(1).next_u64(),
        JitterRng::with_seed(2).next_u64()
    );
}

#[test]
fn schedule_with_a_seeded_strategy() {
    let config = RetryConfig::standard();
    let strategy = RetryStrategy::with_rng(config.clone(), JitterRng::with_seed(7));
    let expected = JitterRng::with_seed(7);
    let d1 = strategy
        .should_retry(1, Some(RetryKind::Transient))
        .unwrap();
    assert_eq!(d1, config.backoff(1, expected.next_f64()));
    assert!(d1 <= Duration::from_secs(1));
    let d2 = strategy
        .should_retry(2, Some(RetryKind::Throttling))
        .unwrap();
    assert_eq!(d2, config.backoff(2, expected.next_f64()));
    assert!(d2 <= Duration::from_secs(2));
    // The third attempt is the last one.
    assert_eq!(strategy.should_retry(3, Some(RetryKind::Transient)), None);
    // Not retryable.
    assert_eq!(strategy.should_retry(1, None), None);
    assert_eq!(strategy.bucket().available(), 500 - 5 - 5);
}

#[test]
fn disabled_never_retries() {
    let strategy = RetryStrategy::new(RetryConfig::disabled());
    assert_eq!(strategy.should_retry(1, Some(RetryKind::Timeout)), None);
    assert_eq!(strategy.bucket().available(), 500);
}

#[test]
fn token_bucket_costs_and_refills() {
    let bucket = TokenBucket::default();
    assert_eq!(bucket.available(), 500);
    for _ in 0..100 {
        assert!(bucket.try_acquire(RetryKind::Transient));
    }
    assert_eq!(bucket.available(), 0);
    assert!(!bucket.try_acquire(RetryKind::Throttling));
    bucket.on_success();
    assert_eq!(bucket.available(), 1);
    for _ in 0..9 {
        bucket.on_success();
    }
    assert_eq!(bucket.available(), 10);
    assert!(bucket.try_acquire(RetryKind::Timeout));
    assert_eq!(bucket.available(), 0);
    let bucket = TokenBucket::new(12);
    assert!(bucket.try_acquire(RetryKind::Timeout));
    assert_eq!(bucket.available(), 2);
    assert!(!bucket.try_acquire(RetryKind::Transient));
    assert_eq!(bucket.available(), 2, "a refused acquire takes nothing");
    let full = TokenBucket::default();
    full.on_success();
    assert_eq!(full.available(), 500, "never above capacity");
}

#[test]
fn empty_bucket_stops_retries() {
    let strategy = RetryStrategy::new(RetryConfig::standard().with_max_attempts(1000));
    let mut retries = 0;
    while strategy.should_retry(1, Some(RetryKind::Timeout)).is_some() {
        retries += 1;
        assert!(retries <= 50);
    }
    assert_eq!(retries, 50);
    strategy.on_success();
    assert_eq!(strategy.bucket().available(), 1);
}

#[test]
fn classification() {
    for code in THROTTLING_CODES {
        assert_eq!(
            classify_error_response(Some(code), None, 400, false),
            Some(RetryKind::Throttling),
            "{code}"
        );
    }
    assert_eq!(
        classify_error_response(Some("RequestTimeout"), None, 400, false),
        Some(RetryKind::Transient)
    );
    assert_eq!(
        classify_error_response(Some("RequestTimeoutException"), None, 408, false),
        Some(RetryKind::Transient)
    );
    for status in [500, 502, 503, 504] {
        assert_eq!(
            classify_error_response(None, None, status, false),
            Some(RetryKind::Transient)
        );
    }
    assert_eq!(classify_error_response(None, None, 501, false), None);
    assert_eq!(
        classify_error_response(Some("InvalidClusterStateFault"), None, 400, false),
        None
    );
    assert_eq!(
        classify_error_response(Some("ShardNotFoundFault"), None, 404, false),
        None
    );
    assert_eq!(
        classify_error_response(Some("Busy"), None, 400, true),
        Some(RetryKind::Transient)
    );
    assert_eq!(
        classify_error_response(Some("QueueThing"), Some("RequestThrottled"), 400, false),
        Some(RetryKind::Throttling)
    );
    assert_eq!(RetryKind::Timeout.cost(), 10);
    assert_eq!(RetryKind::Throttling.cost(), 5);
    assert_eq!(RetryKind::Transient.cost(), 5);
}

#[test]
fn invocation_ids_are_uuid_v4() {
    let a = uuid_v4();
    let b = uuid_v4();
    assert_ne!(a, b);
    for id in [a, b] {
        let parts: Vec<&str> = id.split('-').collect();
        assert_eq!(
            parts.iter().map(|p| p.len()).collect::<Vec<_>>(),
            vec![8, 4, 4, 4, 12],
            "{id}"
        );
        assert!(id
            .chars()
            .all(|c| c == '-' || c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
        assert!(parts[2].starts_with('4'), "{id}");
        assert!(
            matches!(parts[3].chars().next(), Some('8' | '9' | 'a' | 'b')),
            "{id}"
        );
    }
}

#[test]
fn invocation_ids_do_not_repeat() {
    let ids: std::collections::HashSet<String> = (0..10_000).map(|_| uuid_v4()).collect();
    assert_eq!(ids.len(), 10_000);
}

mod paused_clock {
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::time::Duration;

    use aws_client_runtime::retry::{
        run_with_retries, AttemptError, JitterRng, RetryConfig, RetryKind, RetryStrategy,
    };
    use tokio::time::Instant;

    /// The retry loop sleeps exactly the seeded schedule on Tokio's clock: with the clock paused
    /// the 1 s / 2 s backoffs of standard mode take no real time.
    #[tokio::test(start_paused = true)]
    async fn loop_sleeps_the_seeded_schedule() {
        let config = RetryConfig::standard();
        let strategy = RetryStrategy::with_rng(config.clone(), JitterRng::with_seed(99));
        let jitter = JitterRng::with_seed(99);
        let expected = config.backoff(1, jitter.next_f64()) + config.backoff(2, jitter.next_f64());

        let calls = AtomicU32::new(0);
        let started = Instant::now();
        let real = std::time::Instant::now();
        let result: Result<&str, &str> = run_with_retries(&strategy, |attempt| {
            calls.fetch_add(1, Ordering::SeqCst);
            async move {
                if attempt < 3 {
                    Err(AttemptError::retryable("503", RetryKind::Transient))
                } else {
                    Ok("done")
                }
            }
        })
        .await;
        assert_eq!(result, Ok("done"));
        assert_eq!(calls.load(Ordering::SeqCst), 3);
        // Tokio's timer has millisecond resolution: each sleep ends on the next millisecond.
        let elapsed = started.elapsed();
        assert!(
            elapsed >= expected && elapsed <= expected + Duration::from_millis(2),
            "{elapsed:?} vs {expected:?}"
        );
        assert!(expected <= Duration::from_secs(3));
        assert!(real.elapsed() < Duration::from_secs(1));
        // Two retries cost 10 tokens, the success returned 1.
        assert_eq!(strategy.bucket().available(), 491);
    }

    #[tokio::test(start_paused = true)]
    async fn fatal_errors_and_exhaustion_stop_the_loop() {
        let strategy = RetryStrategy::new(RetryConfig::standard());
        let calls = AtomicU32::new(0);
        let result: Result<(), &str> = run_with_retries(&strategy, |_| {
            calls.fetch_add(1, Ordering::SeqCst);
            async { Err(AttemptError::fatal("modelled fault")) }
        })
        .await;
        assert_eq!(result, Err("modelled fault"));
        assert_eq!(calls.load(Ordering::SeqCst), 1);

        let calls = AtomicU32::new(0);
        let started = Instant::now();
        let result: Result<(), u32> = run_with_retries(&strategy, |attempt| {
            calls.fetch_add(1, Ordering::SeqCst);
            async move { Err(AttemptError::retryable(attempt, RetryKind::Timeout)) }
        })
        .await;
        assert_eq!(result, Err(3), "the last attempt's error is returned");
        assert_eq!(calls.load(Ordering::SeqCst), 3);
        assert!(started.elapsed() <= Duration::from_secs(3));
    }

    #[tokio::test(start_paused = true)]
    async fn long_backoffs_are_capped_at_twenty_seconds() {
        let config = RetryConfig::standard().with_max_attempts(8);
        let strategy = RetryStrategy::with_rng(config, JitterRng::with_seed(5));
        let started = Instant::now();
        let result: Result<(), ()> = run_with_retries(&strategy, |_| async {
            Err(AttemptError::retryable((), RetryKind::Throttling))
        })
        .await;
        assert!(result.is_err());
        // 7 waits, none longer than 20 s.
        assert!(started.elapsed() <= Duration::from_secs(7 * 20));
    }
}
