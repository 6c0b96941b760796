//! A tiny scripted HTTP/1.1 server on `127.0.0.1:0` for integration tests.
//!
//! Every request is recorded; a handler decides the reply from the request and its index
//! (0-based, in arrival order). Replies can be a normal response, a delayed one, raw bytes,
//! a closed connection, or no answer at all (the connection hangs until the server is
//! dropped). Dropping the [`StubServer`] stops the accept loop and every connection.
//!
//! Limits keep tests bounded: request heads up to 64 KiB, bodies up to 16 MiB, requests must
//! carry `Content-Length` (chunked request bodies get `411`).

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::{JoinHandle, JoinSet};

const MAX_HEAD: usize = 64 * 1024;
const MAX_BODY: usize = 16 * 1024 * 1024;

/// A request as the server received it.
#[derive(Debug, Clone)]
pub struct Request {
    /// 0-based arrival index across all connections.
    pub index: usize,
    /// The method, e.g. `POST`.
    pub method: String,
    /// The request target (path and query) exactly as sent.
    pub target: String,
    /// Headers in arrival order, names as sent.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl Request {
    /// The first value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Every value of header `name` (case-insensitive).
    pub fn header_all(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The body as UTF-8 (lossy).
    pub fn body_str(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// A response to send.
#[derive(Debug, Clone)]
pub struct Response {
    /// Status code.
    pub status: u16,
    /// Headers (`Content-Length` is added automatically).
    pub headers: Vec<(String, String)>,
    /// Body.
    pub body: Vec<u8>,
}

impl Response {
    /// A response with `status` and an empty body.
    pub fn new(status: u16) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    /// A response with `status` and a JSON body (`Content-Type: application/x-amz-json-1.0`).
    pub fn json(status: u16, body: impl Into<String>) -> Self {
        Self::new(status)
            .header("content-type", "application/x-amz-json-1.0")
            .body(body.into())
    }

    /// Adds a header.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Sets the body.
    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = body.into();
        self
    }

    fn to_bytes(&self) -> Vec<u8> {
        let mut out = format!("HTTP/1.1 {} {}\r\n", self.status, reason(self.status)).into_bytes();
        for (name, value) in &self.headers {
            out.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
        }
        out.extend_from_slice(format!("content-length: {}\r\n\r\n", self.body.len()).as_bytes());
        out.extend_from_slice(&self.body);
        out
    }
}

/// What the server does with one request.
#[derive(Debug, Clone)]
pub enum Reply {
    /// Send this response, keep the connection open.
    Respond(Response),
    /// Wait, then send this response.
    Delay(Duration, Response),
    /// Write these bytes as they are, then close the connection.
    Raw(Vec<u8>),
    /// Close the connection without answering.
    Close,
    /// Never answer; the connection stays open until the server is dropped.
    Hang,
}

impl From<Response> for Reply {
    fn from(r: Response) -> Self {
        Reply::Respond(r)
    }
}

type Handler = dyn Fn(&Request) -> Reply + Send + Sync + 'static;

/// A running stub server; stops when dropped.
pub struct StubServer {
    addr: SocketAddr,
    requests: Arc<Mutex<Vec<Request>>>,
    connections: Arc<AtomicUsize>,
    task: JoinHandle<()>,
}

impl std::fmt::Debug for StubServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StubServer")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl StubServer {
    /// Starts a server on `127.0.0.1:0` whose replies come from `handler`.
    /// Must be called inside a Tokio runtime.
    pub async fn start(handler: impl Fn(&Request) -> Reply + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local addr");
        let requests = Arc::new(Mutex::new(Vec::new()));
        let handler: Arc<Handler> = Arc::new(handler);
        let recorded = requests.clone();
        let connections_accepted = Arc::new(AtomicUsize::new(0));
        let accepted_count = connections_accepted.clone();
        let task = tokio::spawn(async move {
            // Owned by this task: aborting it drops the set, which aborts every connection.
            let mut connections = JoinSet::new();
            loop {
                tokio::select! {
                    accepted = listener.accept() => {
                        let Ok((stream, _)) = accepted else { continue };
                        accepted_count.fetch_add(1, Ordering::SeqCst);
                        connections.spawn(serve(stream, handler.clone(), recorded.clone()));
                    }
                    Some(_) = connections.join_next(), if !connections.is_empty() => {}
                }
            }
        });
        Self {
            addr,
            requests,
            connections: connections_accepted,
            task,
        }
    }

    /// Starts a server that answers the n-th request with `replies[n]`, and every request after
    /// the last with the last reply.
    pub async fn scripted(replies: Vec<Reply>) -> Self {
        assert!(
            !replies.is_empty(),
            "a scripted server needs at least one reply"
        );
        Self::start(move |req| replies[req.index.min(replies.len() - 1)].clone()).await
    }

    /// The server's address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// A copy of every request received so far.
    pub fn requests(&self) -> Vec<Request> {
        self.requests
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// How many requests arrived so far.
    pub fn request_count(&self) -> usize {
        self.requests
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .len()
    }
}

impl StubServer {
    /// How many connections the server accepted so far.
    pub fn connection_count(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

impl Drop for StubServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// A URL on which nothing listens (a port just bound and released), to provoke
/// "connection refused".
pub async fn refused_url() -> String {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind 127.0.0.1:0");
    let addr = listener.local_addr().expect("local addr");
    drop(listener);
    format!("http://{addr}")
}

async fn serve(mut stream: TcpStream, handler: Arc<Handler>, recorded: Arc<Mutex<Vec<Request>>>) {
    let mut buf: Vec<u8> = Vec::new();
    loop {
        let request = match read_request(&mut stream, &mut buf).await {
            Ok(Some(r)) => r,
            Ok(None) => return,
            Err(status) => {
                let _ = stream.write_all(&Response::new(status).to_bytes()).await;
                return;
            }
        };
        let request = {
            let mut all = recorded.lock().unwrap_or_else(|p| p.into_inner());
            let request = Request {
                index: all.len(),
                ..request
            };
            all.push(request.clone());
            request
        };
        let close = request
            .header("connection")
            .is_some_and(|v| v.eq_ignore_ascii_case("close"));
        let reply = handler(&request);
        let response = match reply {
            Reply::Respond(response) => response,
            Reply::Delay(delay, response) => {
                tokio::time::sleep(delay).await;
                response
            }
            Reply::Raw(bytes) => {
                let _ = stream.write_all(&bytes).await;
                let _ = stream.shutdown().await;
                return;
            }
            Reply::Close => return,
            Reply::Hang => std::future::pending().await,
        };
        if stream.write_all(&response.to_bytes()).await.is_err() || close {
            return;
        }
    }
}

/// Reads one request; `Ok(None)` on a clean end of stream, `Err(status)` on a bad request.
async fn read_request(stream: &mut TcpStream, buf: &mut Vec<u8>) -> Result<Option<Request>, u16> {
    let head_end = loop {
        if let Some(pos) = find(buf, b"\r\n\r\n") {
            break pos;
        }
        if buf.len() > MAX_HEAD {
            return Err(431);
        }
        if !fill(stream, buf).await? {
            return if buf.is_empty() { Ok(None) } else { Err(400) };
        }
    };
    let head = String::from_utf8(buf[..head_end].to_vec()).map_err(|_| 400u16)?;
    let mut lines = head.split("\r\n");
    let mut start = lines.next().unwrap_or_default().split(' ');
    let (method, target) = match (start.next(), start.next()) {
        (Some(m), Some(t)) if !m.is_empty() => (m.to_owned(), t.to_owned()),
        _ => return Err(400),
    };
    let mut headers = Vec::new();
    for line in lines {
        let (name, value) = line.split_once(':').ok_or(400u16)?;
        headers.push((name.trim().to_owned(), value.trim().to_owned()));
    }
    let get = |n: &str| {
        headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(n))
            .map(|(_, v)| v)
    };
    if get("transfer-encoding").is_some() {
        return Err(411);
    }
    let length = match get("content-length") {
        Some(v) => v.parse::<usize>().map_err(|_| 400u16)?,
        None => 0,
    };
    if length > MAX_BODY {
        return Err(413);
    }
    let body_start = head_end + 4;
    while buf.len() < body_start + length {
        if !fill(stream, buf).await? {
            return Err(400);
        }
    }
    let body = buf[body_start..body_start + length].to_vec();
    buf.drain(..body_start + length);
    Ok(Some(Request {
        index: 0,
        method,
        target,
        headers,
        body,
    }))
}

/// Reads more bytes into `buf`; `false` at end of stream.
async fn fill(stream: &mut TcpStream, buf: &mut Vec<u8>) -> Result<bool, u16> {
    let mut chunk = [0u8; 8192];
    match stream.read(&mut chunk).await {
        Ok(0) => Ok(false),
        Ok(n) => {
            buf.extend_from_slice(&chunk[..n]);
            Ok(true)
        }
        Err(_) => Ok(false),
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        411 => "Length Required",
        413 => "Payload Too Large",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Status",
    }
}
