//! A fault-injecting HTTP/1.1 server on `127.0.0.1:0` that writes raw bytes, so a test
//! controls every byte (and every missing byte) of a response, plus client helpers.
//!
//! Each accepted connection reads one request (head and `Content-Length` body), records it,
//! then plays the [`Step`]s the script returns for that request's 0-based arrival index, and
//! closes the connection (FIN) unless a step already reset or closed it. Responses built with
//! [`response`] carry `Connection: close`, so every attempt of the client uses a fresh
//! connection and pooled-connection effects stay out of the tests.
//!
//! Dropping the [`RawServer`] aborts the accept loop and every connection task.

#![allow(dead_code)]

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::{JoinHandle, JoinSet};

/// Largest request head accepted.
const MAX_HEAD: usize = 64 * 1024;
/// Largest request body accepted.
const MAX_BODY: usize = 1024 * 1024;

/// One thing the server does on a connection.
#[derive(Debug, Clone)]
pub enum Step {
    /// Write these bytes and flush.
    Send(Vec<u8>),
    /// Wait.
    Sleep(Duration),
    /// Write these bytes one at a time, waiting `interval` before each.
    Trickle(Vec<u8>, Duration),
    /// Write `len` zero bytes in 64 KiB writes; stops at the first write error (the client
    /// went away). Bytes written are counted in [`RawServer::bytes_written`].
    Zeros(u64),
    /// Like [`Step::Zeros`], but each 64 KiB write is one chunk of a chunked body, and the
    /// terminating chunk is sent when all `len` bytes were written.
    ChunkedZeros(u64),
    /// Abort the connection: `SO_LINGER` 0 then close, which sends a TCP RST.
    Reset,
    /// Close the connection normally (FIN).
    Close,
    /// Never answer: keep the connection open until the server is dropped.
    Hang,
}

/// A request as received.
#[derive(Debug, Clone)]
pub struct Received {
    /// The request line, e.g. `POST / HTTP/1.1`.
    pub request_line: String,
    /// Headers in arrival order, names as sent.
    pub headers: Vec<(String, String)>,
    /// The body bytes exactly as received.
    pub body: Vec<u8>,
}

impl Received {
    /// The first value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

type Script = dyn Fn(usize, &Received) -> Vec<Step> + Send + Sync + 'static;

struct State {
    requests: Mutex<Vec<Received>>,
    bytes_written: AtomicU64,
}

/// A running fault server.
pub struct RawServer {
    url: String,
    state: Arc<State>,
    task: JoinHandle<()>,
}

impl RawServer {
    /// Starts a server whose behaviour for request `n` (0-based) is `script(n, &request)`.
    pub async fn start(
        script: impl Fn(usize, &Received) -> Vec<Step> + Send + Sync + 'static,
    ) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1:0");
        let url = format!("http://{}", listener.local_addr().expect("local addr"));
        let state = Arc::new(State {
            requests: Mutex::new(Vec::new()),
            bytes_written: AtomicU64::new(0),
        });
        let script: Arc<Script> = Arc::new(script);
        let shared = state.clone();
        let task = tokio::spawn(async move {
            // Owned by this task: aborting it drops the set, which aborts every connection.
            let mut connections = JoinSet::new();
            loop {
                tokio::select! {
                    accepted = listener.accept() => {
                        let Ok((stream, _)) = accepted else { continue };
                        connections.spawn(serve(stream, script.clone(), shared.clone()));
                    }
                    Some(_) = connections.join_next(), if !connections.is_empty() => {}
                }
            }
        });
        Self { url, state, task }
    }

    /// A server that plays `scripts[n]` for request `n`, and the last script for any later one.
    pub async fn scripted(scripts: Vec<Vec<Step>>) -> Self {
        assert!(!scripts.is_empty());
        Self::start(move |n, _| scripts[n.min(scripts.len() - 1)].clone()).await
    }

    /// `http://127.0.0.1:<port>`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// How many complete requests arrived.
    pub fn request_count(&self) -> usize {
        self.state
            .requests
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .len()
    }

    /// Every request received so far.
    pub fn requests(&self) -> Vec<Received> {
        self.state
            .requests
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Body bytes written by [`Step::Zeros`] / [`Step::ChunkedZeros`] so far.
    pub fn bytes_written(&self) -> u64 {
        self.state.bytes_written.load(Ordering::Relaxed)
    }
}

impl Drop for RawServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// `http://127.0.0.1:<port>` where nothing listens: a port bound then released.
pub async fn dead_url() -> String {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind 127.0.0.1:0");
    let addr = listener.local_addr().expect("local addr");
    drop(listener);
    format!("http://{addr}")
}

/// A complete response: status line, the given headers, `Content-Length`,
/// `Connection: close`, then the body.
pub fn response(status: u16, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status} {}\r\n", reason(status)).into_bytes();
    for (name, value) in headers {
        out.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "Content-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        )
        .as_bytes(),
    );
    out.extend_from_slice(body);
    out
}

/// A response with an awsJson 1.1 content type.
pub fn json(status: u16, body: &str) -> Vec<u8> {
    response(
        status,
        &[
            ("Content-Type", "application/x-amz-json-1.1"),
            ("x-amzn-RequestId", "req-1"),
        ],
        body.as_bytes(),
    )
}

/// Only the head of a response (no body), with the given extra header lines.
pub fn head(status: u16, headers: &[(&str, &str)]) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status} {}\r\n", reason(status)).into_bytes();
    for (name, value) in headers {
        out.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
    }
    out.extend_from_slice(b"Connection: close\r\n\r\n");
    out
}

/// A one-step script sending `bytes`.
pub fn send(bytes: Vec<u8>) -> Vec<Step> {
    vec![Step::Send(bytes)]
}

async fn serve(mut stream: TcpStream, script: Arc<Script>, state: Arc<State>) {
    let Some(request) = read_request(&mut stream).await else {
        return;
    };
    let index = {
        let mut all = state.requests.lock().unwrap_or_else(|p| p.into_inner());
        all.push(request.clone());
        all.len() - 1
    };
    for step in script(index, &request) {
        match step {
            Step::Send(bytes) => {
                if stream.write_all(&bytes).await.is_err() || stream.flush().await.is_err() {
                    return;
                }
            }
            Step::Sleep(d) => tokio::time::sleep(d).await,
            Step::Trickle(bytes, interval) => {
                for b in bytes {
                    tokio::time::sleep(interval).await;
                    if stream.write_all(&[b]).await.is_err() {
                        return;
                    }
                }
            }
            Step::Zeros(len) => {
                if !write_zeros(&mut stream, len, false, &state).await {
                    return;
                }
            }
            Step::ChunkedZeros(len) => {
                if !write_zeros(&mut stream, len, true, &state).await {
                    return;
                }
            }
            Step::Reset => {
                let _ = stream.set_zero_linger();
                drop(stream);
                return;
            }
            Step::Close => {
                let _ = stream.shutdown().await;
                return;
            }
            Step::Hang => std::future::pending::<()>().await,
        }
    }
    let _ = stream.shutdown().await;
}

async fn write_zeros(stream: &mut TcpStream, len: u64, chunked: bool, state: &State) -> bool {
    const CHUNK: usize = 64 * 1024;
    let zeros = vec![0u8; CHUNK];
    let mut left = len;
    while left > 0 {
        let n = left.min(CHUNK as u64) as usize;
        if chunked
            && stream
                .write_all(format!("{n:x}\r\n").as_bytes())
                .await
                .is_err()
        {
            return false;
        }
        if stream.write_all(&zeros[..n]).await.is_err() {
            return false;
        }
        if chunked && stream.write_all(b"\r\n").await.is_err() {
            return false;
        }
        state.bytes_written.fetch_add(n as u64, Ordering::Relaxed);
        left -= n as u64;
    }
    !(chunked && stream.write_all(b"0\r\n\r\n").await.is_err())
}

/// Reads one request; `None` if the peer went away or sent something unreadable.
async fn read_request(stream: &mut TcpStream) -> Option<Received> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(pos) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break pos;
        }
        if buf.len() > MAX_HEAD {
            return None;
        }
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return None,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    };
    let head = String::from_utf8(buf[..head_end].to_vec()).ok()?;
    let mut lines = head.split("\r\n");
    let request_line = lines.next()?.to_owned();
    let mut headers = Vec::new();
    for line in lines {
        let (name, value) = line.split_once(':')?;
        headers.push((name.trim().to_owned(), value.trim().to_owned()));
    }
    let length: usize = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .map(|(_, v)| v.parse().ok())
        .unwrap_or(Some(0))?;
    if length > MAX_BODY {
        return None;
    }
    let body_start = head_end + 4;
    while buf.len() < body_start + length {
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return None,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
    Some(Received {
        request_line,
        headers,
        body: buf[body_start..body_start + length].to_vec(),
    })
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        403 => "Forbidden",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Status",
    }
}

// ---------------------------------------------------------------------------------------------
// Client side.

/// Access key id used by the test clients.
pub const ACCESS_KEY_ID: &str = "AKIDFAULTTEST";
/// Secret access key used by the test clients.
pub const SECRET_ACCESS_KEY: &str = "fault/SECRET/key+do-not-print";
/// Session token used by the test clients.
pub const SESSION_TOKEN: &str = "fault-SESSION-token-do-not-print";

/// The test credentials.
pub fn credentials() -> aws_client_runtime::credentials::Credentials {
    aws_client_runtime::credentials::Credentials::new(
        ACCESS_KEY_ID,
        SECRET_ACCESS_KEY,
        Some(SESSION_TOKEN.to_owned()),
        None,
        "FaultTest",
    )
}

/// Connect 1 s, attempt 2 s, operation 10 s.
pub fn short_timeouts() -> aws_client_runtime::config::TimeoutConfig {
    aws_client_runtime::config::TimeoutConfig::new()
        .with_connect_timeout(Duration::from_secs(1))
        .with_operation_attempt_timeout(Duration::from_secs(2))
        .with_operation_timeout(Duration::from_secs(10))
}

/// Standard retries with `attempts` attempts and a backoff of at most 10 ms.
pub fn fast_retries(attempts: u32) -> aws_client_runtime::config::RetryConfig {
    aws_client_runtime::config::RetryConfig::standard()
        .with_max_attempts(attempts)
        .with_initial_backoff(Duration::from_millis(5))
        .with_max_backoff(Duration::from_millis(10))
}

/// The configuration builder every fault test starts from: us-east-1, explicit endpoint,
/// the test credentials, [`short_timeouts`], 3 fast attempts.
pub fn config_builder(url: &str) -> aws_client_runtime::config::ConfigBuilder {
    aws_client_runtime::config::Config::builder()
        .region("us-east-1")
        .endpoint_url(url)
        .credentials_provider(credentials())
        .timeout_config(short_timeouts())
        .retry_config(fast_retries(3))
}

/// A MemoryDB client for `url` with [`config_builder`]'s settings.
pub fn client(url: &str) -> memorydb::Client {
    memorydb::Client::new(config_builder(url).build())
}

/// Runs `fut`, failing the test if it takes longer than `limit` (a hang is a failure, not a
/// stuck CI job).
pub async fn bounded<T>(limit: Duration, fut: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(limit, fut)
        .await
        .unwrap_or_else(|_| panic!("test did not finish within {limit:?}"))
}
