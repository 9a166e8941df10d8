//! The real `reintegra` binary as a process on loopback, for the suites that kill it at random
//! instants, run two of it behind a load balancer, or reach it through a proxy that drops
//! answers; and a phone's HTTP client for it (a session cookie, JSON in and out).

use axum::body::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::{Method, Request, StatusCode};
use hyper_util::client::legacy::{connect::HttpConnector, Client};
use hyper_util::rt::TokioExecutor;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// A port nobody listens on now (the OS's choice for a socket bound and closed at once).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// One server process on `127.0.0.1:port` and the database it serves.
pub struct LiveServer {
    child: Option<Child>,
    pub addr: SocketAddr,
    database_url: String,
    log: PathBuf,
    starts: usize,
}

impl LiveServer {
    /// Starts the binary on `database_url` (already migrated or not) and waits until `/health`
    /// answers.
    pub async fn start(database_url: &str) -> Self {
        let addr: SocketAddr = ([127, 0, 0, 1], free_port()).into();
        let log = std::env::temp_dir().join(format!("reintegra-live-{}.log", uuid::Uuid::now_v7()));
        let mut server = LiveServer {
            child: None,
            addr,
            database_url: database_url.to_string(),
            log,
            starts: 0,
        };
        server.spawn().await;
        server
    }

    async fn spawn(&mut self) {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.log)
            .expect("server log");
        let child = Command::new(env!("CARGO_BIN_EXE_reintegra"))
            .args(["--database-url", &self.database_url])
            .args(["--addr", &self.addr.to_string()])
            .args(["--site-root", "/nonexistent"])
            .env("RUST_LOG", "warn,reintegra=info")
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("log"))
            .stderr(log)
            .spawn()
            .expect("start reintegra");
        self.child = Some(child);
        self.starts += 1;
        self.wait_ready().await;
    }

    async fn wait_ready(&mut self) {
        let http = http_client();
        for _ in 0..600 {
            if let Some(child) = self.child.as_mut() {
                if let Ok(Some(status)) = child.try_wait() {
                    panic!("reintegra exited ({status}):\n{}", self.log_text());
                }
            }
            let req = Request::get(format!("http://{}/health", self.addr))
                .body(Full::new(Bytes::new()))
                .expect("request");
            if let Ok(Ok(res)) = tokio::time::timeout(Duration::from_secs(2), http.request(req)).await {
                if res.status() == StatusCode::OK {
                    return;
                }
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("reintegra did not answer /health:\n{}", self.log_text());
    }

    /// SIGKILL: no shutdown, no flush; whatever was not committed is gone.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    pub fn is_running(&self) -> bool {
        self.child.is_some()
    }

    /// Starts it again on the same port and database.
    pub async fn restart(&mut self) {
        self.kill();
        self.spawn().await;
    }

    /// How many times the process was started.
    pub fn starts(&self) -> usize {
        self.starts
    }

    pub fn base(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for LiveServer {
    fn drop(&mut self) {
        self.kill();
    }
}

pub type Http = Client<HttpConnector, Full<Bytes>>;

/// A client that opens a connection per request (`Connection: close` is sent too), so a killed
/// server or a dropped answer never leaves a dead connection in a pool.
pub fn http_client() -> Http {
    Client::builder(TokioExecutor::new())
        .pool_max_idle_per_host(0)
        .build(HttpConnector::new())
}

/// Why a request did not get an answer.
#[derive(Debug)]
pub enum Failed {
    /// No connection, a connection closed before the answer, or no answer in time.
    Network(String),
}

/// A phone signed in as one user: its session cookie and where it sends.
#[derive(Clone)]
pub struct Phone {
    http: Http,
    pub base: String,
    cookie: String,
}

impl Phone {
    /// Signs in with the password form (the same server function the sign-in page posts to).
    pub async fn sign_in(base: &str, username: &str, password: &str) -> Phone {
        let http = http_client();
        let body = format!("username={username}&password={password}");
        let req = Request::post(format!("{base}/api/login"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Full::new(Bytes::from(body)))
            .expect("request");
        let res = http.request(req).await.expect("sign-in answered");
        assert!(res.status().is_success(), "sign-in: {}", res.status());
        let cookie = res
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with(reintegra::http::SESSION_COOKIE))
            .and_then(|v| v.split(';').next())
            .expect("session cookie")
            .to_string();
        Phone {
            http,
            base: base.to_string(),
            cookie,
        }
    }

    /// The same session, sent somewhere else (another instance, a proxy).
    pub fn via(&self, base: &str) -> Phone {
        Phone {
            base: base.to_string(),
            ..self.clone()
        }
    }

    pub async fn send(
        &self,
        method: Method,
        path: &str,
        content_type: &str,
        body: Bytes,
    ) -> Result<(StatusCode, Bytes), Failed> {
        let req = Request::builder()
            .method(method)
            .uri(format!("{}{path}", self.base))
            .header("cookie", &self.cookie)
            .header("content-type", content_type)
            .header("connection", "close")
            .body(Full::new(body))
            .expect("request");
        let answer = async {
            let res = self
                .http
                .request(req)
                .await
                .map_err(|e| Failed::Network(e.to_string()))?;
            let status = res.status();
            let bytes = res
                .into_body()
                .collect()
                .await
                .map_err(|e| Failed::Network(e.to_string()))?
                .to_bytes();
            Ok((status, bytes))
        };
        tokio::time::timeout(Duration::from_secs(60), answer)
            .await
            .map_err(|_| Failed::Network("no answer in 60 s".into()))?
    }

    pub async fn post_json(&self, path: &str, body: &serde_json::Value) -> Result<(StatusCode, Bytes), Failed> {
        self.send(Method::POST, path, "application/json", Bytes::from(body.to_string()))
            .await
    }

    pub async fn get(&self, path: &str) -> Result<(StatusCode, Bytes), Failed> {
        self.send(Method::GET, path, "application/json", Bytes::new()).await
    }
}

/// A loopback proxy in front of `upstream` that hands each request on whole and then, for a
/// share of the answers, closes the phone's connection instead of passing the answer back: the
/// server did the work, the phone never hears of it. One request per connection.
pub struct DroppingProxy {
    pub addr: SocketAddr,
    pub dropped: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl DroppingProxy {
    /// `drop_one_in`: every answer is dropped with probability 1/`drop_one_in`, decided by a
    /// seeded generator so a run can be repeated.
    pub async fn start(upstream: SocketAddr, drop_one_in: u64, seed: u64) -> Self {
        use std::sync::atomic::Ordering;
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("proxy bind");
        let addr = listener.local_addr().expect("proxy addr");
        let dropped = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counter = dropped.clone();
        let rng = std::sync::Arc::new(std::sync::Mutex::new(Rng::new(seed)));
        let task = tokio::spawn(async move {
            loop {
                let Ok((mut phone, _)) = listener.accept().await else {
                    return;
                };
                let drop_it = rng.lock().map(|mut r| r.below(drop_one_in) == 0).unwrap_or(false);
                let counter = counter.clone();
                tokio::spawn(async move {
                    let Ok(mut server) = tokio::net::TcpStream::connect(upstream).await else {
                        return;
                    };
                    let (mut phone_read, mut phone_write) = phone.split();
                    let (mut server_read, mut server_write) = server.split();
                    // The request goes on as it comes; the answer is read whole first.
                    let mut answer = Vec::new();
                    {
                        let forward = tokio::io::copy(&mut phone_read, &mut server_write);
                        let collect = server_read.read_to_end(&mut answer);
                        tokio::pin!(forward, collect);
                        let mut forwarded = false;
                        loop {
                            tokio::select! {
                                _ = &mut forward, if !forwarded => forwarded = true,
                                _ = &mut collect => break,
                            }
                        }
                    }
                    if drop_it && !answer.is_empty() {
                        counter.fetch_add(1, Ordering::SeqCst);
                        return; // the phone's connection closes unanswered
                    }
                    let _ = phone_write.write_all(&answer).await;
                    let _ = phone_write.shutdown().await;
                });
            }
        });
        DroppingProxy { addr, dropped, task }
    }

    pub fn base(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for DroppingProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// A small seeded generator (splitmix64): the suites' random instants and choices, repeatable
/// from the seed they print.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// In `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }
}
