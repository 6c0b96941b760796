//! The default transport: hyper-util's pooled client over hyper-rustls (HTTP/1.1, rustls with
//! the `ring` provider, the system's root certificates).

use std::fmt;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioTimer};

use super::{ConnectorError, HttpClient, HttpFuture, HttpRequest, HttpSettings, ResponseBody};

type PooledClient = hyper_util::client::legacy::Client<HttpsConnector<HttpConnector>, Full<Bytes>>;

/// The default [`HttpClient`]: hyper-util's pooled client over hyper-rustls.
///
/// HTTP/1.1 only, rustls with the `ring` provider, servers verified against the system's root
/// certificates (`rustls-native-certs`: the OS store, or `SSL_CERT_FILE` / `SSL_CERT_DIR`),
/// no redirects, no proxy. Cheap to clone: clones share one connection pool per connect
/// timeout, and the certificates are loaded once, on the first request.
///
/// Plain `http` is allowed here; the orchestrator accepts it only for an explicit endpoint.
#[derive(Clone, Default)]
pub struct HyperClient {
    inner: Arc<Inner>,
}

#[derive(Default)]
struct Inner {
    tls: OnceLock<Result<Tls, String>>,
    /// One pooled client per connect timeout in use: hyper-util fixes the timeout when the
    /// connector is built, and clients sharing this value may ask for different ones.
    pools: Mutex<Vec<(Option<Duration>, PooledClient)>>,
}

struct Tls {
    config: rustls::ClientConfig,
    /// Why https cannot work (no system root certificates); plain http still can.
    no_roots: Option<String>,
}

impl fmt::Debug for HyperClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HyperClient").finish_non_exhaustive()
    }
}

impl HyperClient {
    /// A new client with its own connection pool.
    pub fn new() -> Self {
        Self::default()
    }

    fn tls(&self) -> Result<&Tls, String> {
        self.inner
            .tls
            .get_or_init(load_tls)
            .as_ref()
            .map_err(Clone::clone)
    }

    fn pool(&self, connect_timeout: Option<Duration>, tls: &Tls) -> PooledClient {
        let mut pools = self
            .inner
            .pools
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some((_, client)) = pools.iter().find(|(t, _)| *t == connect_timeout) {
            return client.clone();
        }
        let client = build_pool(tls.config.clone(), connect_timeout);
        pools.push((connect_timeout, client.clone()));
        client
    }
}

impl HttpClient for HyperClient {
    fn call(&self, request: HttpRequest, settings: &HttpSettings) -> HttpFuture<'_> {
        let connect_timeout = settings.connect_timeout;
        Box::pin(async move {
            let tls = self.tls().map_err(ConnectorError::user)?;
            if let Some(problem) = &tls.no_roots {
                if request.uri().scheme() == Some(&http::uri::Scheme::HTTPS) {
                    return Err(ConnectorError::user(problem.clone()));
                }
            }
            let client = self.pool(connect_timeout, tls);
            let response = client
                .request(request.map(Full::new))
                .await
                .map_err(classify)?;
            Ok(response.map(ResponseBody::from_body))
        })
    }
}

fn classify(e: hyper_util::client::legacy::Error) -> ConnectorError {
    let refused_by_hyper = chain(&e)
        .filter_map(|s| s.downcast_ref::<hyper::Error>())
        .any(hyper::Error::is_user);
    if refused_by_hyper {
        return ConnectorError::user(e);
    }
    // The connector's only timeout is the connect timeout (an `io::Error` of kind `TimedOut`
    // from hyper-util's HttpConnector).
    let timed_out = chain(&e).any(|s| {
        s.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::TimedOut)
    });
    if e.is_connect() && timed_out {
        return ConnectorError::timeout(e);
    }
    // Connection refused, DNS or TLS failure, reset or closed before the response, a response
    // that is not HTTP: all I/O, the outcome unknown.
    ConnectorError::io(e)
}

fn chain<'a>(
    e: &'a (dyn std::error::Error + 'static),
) -> impl Iterator<Item = &'a (dyn std::error::Error + 'static)> {
    std::iter::successors(Some(e), |e| e.source())
}

fn load_tls() -> Result<Tls, String> {
    let native = rustls_native_certs::load_native_certs();
    let mut roots = rustls::RootCertStore::empty();
    let (_added, _ignored) = roots.add_parsable_certificates(native.certs);
    // Without roots no https endpoint can be verified: reported by each https call, while
    // plain http to an explicit endpoint (a local server) keeps working.
    let no_roots = roots.is_empty().then(|| {
        let errors: Vec<String> = native.errors.iter().map(ToString::to_string).collect();
        format!(
            "TLS setup failed: no root certificates found in the system store{}",
            if errors.is_empty() {
                String::new()
            } else {
                format!(" ({})", errors.join("; "))
            }
        )
    });
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS setup failed: {e}"))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Tls { config, no_roots })
}

fn build_pool(tls: rustls::ClientConfig, connect_timeout: Option<Duration>) -> PooledClient {
    let mut tcp = HttpConnector::new();
    tcp.enforce_http(false);
    tcp.set_nodelay(true);
    tcp.set_connect_timeout(connect_timeout);
    let connector = hyper_rustls::HttpsConnectorBuilder::new()
        .with_tls_config(tls)
        .https_or_http()
        .enable_http1()
        .wrap_connector(tcp);
    hyper_util::client::legacy::Client::builder(TokioExecutor::new())
        .timer(TokioTimer::new())
        .pool_timer(TokioTimer::new())
        .pool_idle_timeout(Duration::from_secs(60))
        .build(connector)
}
