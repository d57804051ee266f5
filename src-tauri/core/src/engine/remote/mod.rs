//! Engines that are not a local socket or plain TCP: TLS with client certificates, and SSH.
//!
//! Both go through bollard's custom transport with one hyper-util client whose connector we
//! write (see [`Dialer`]): bollard's own TLS needs rustls plus a crypto provider, and its SSH
//! support runs `ssh` through the `openssh` crate's control master. Owning the connector keeps
//! one TLS stack (the system's OpenSSL), lets SSH run exactly the way the docker CLI does
//! (`ssh ... -- host docker system dial-stdio`), and lets failures come back as typed
//! [`RemoteFailure`]s instead of a generic "connection closed".

mod ssh;
mod tls;

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bollard::{BollardRequest, Docker};
use hyper::Uri;
use hyper_util::client::legacy::connect::{Connected, Connection};
use hyper_util::client::legacy::Client;
use hyper_util::rt::{TokioExecutor, TokioIo};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use super::{EngineError, SshTarget, TlsFiles};

pub(crate) use ssh::SshDial;
pub(crate) use tls::TlsDial;

/// Why a TLS or SSH connection could not be made, in words a user can act on. Travels inside
/// an `io::Error` through hyper and is picked out again by `EngineError::from_bollard`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RemoteFailure {
    #[error(
        "the engine's TLS certificate is not trusted: {detail}. Berth only trusts the CA in {ca}"
    )]
    TlsUntrusted { detail: String, ca: String },
    #[error(
        "the engine requires a client certificate, and none is configured (cert.pem and key.pem)"
    )]
    TlsClientCertMissing,
    #[error(
        "the engine rejected Berth's client certificate {cert} (not signed by a CA it trusts?)"
    )]
    TlsClientCertRejected { cert: String },
    #[error("cannot use the TLS file {path}: {detail}")]
    TlsFile { path: String, detail: String },
    #[error("the TLS handshake with the engine failed: {detail}")]
    TlsHandshake { detail: String },
    #[error("SSH refused to log in to {destination}: the key was not accepted (ssh runs with BatchMode, so it never asks for a password; load a key into ssh-agent or set IdentityFile)")]
    SshAuth { destination: String },
    #[error("the SSH host key of {destination} is unknown or changed; connect once with `ssh {destination}` to check and accept it")]
    SshHostKey { destination: String },
    #[error("SSH cannot reach {destination}: {detail}")]
    SshUnreachable { destination: String, detail: String },
    #[error("the docker CLI is not installed on {destination} (Berth runs `docker system dial-stdio` there)")]
    SshNoDocker { destination: String },
    #[error("`docker system dial-stdio` on {destination} failed: {detail}")]
    SshRemote { destination: String, detail: String },
    #[error("cannot start ssh: {detail}")]
    SshSpawn { detail: String },
}

impl RemoteFailure {
    pub(crate) fn into_io(self) -> io::Error {
        io::Error::other(self)
    }
}

/// How one new connection to the engine is opened.
#[derive(Clone)]
pub(crate) enum Dialer {
    Tls(Arc<TlsDial>),
    Ssh(Arc<SshDial>),
}

impl Dialer {
    pub(crate) fn tls(addr: &str, files: &TlsFiles) -> Result<Self, RemoteFailure> {
        Ok(Self::Tls(Arc::new(TlsDial::new(addr, files)?)))
    }

    pub(crate) fn ssh(target: &SshTarget, config: Option<&std::path::Path>) -> Self {
        Self::Ssh(Arc::new(SshDial::new(target, config)))
    }

    /// A bollard client whose connections come from this dialer. Idle connections are kept
    /// (for SSH each is an `ssh` process) for a short while, then dropped and ended.
    pub(crate) fn into_docker(self, timeout_secs: u64) -> Result<Docker, bollard::errors::Error> {
        let client = Client::builder(TokioExecutor::new())
            .pool_idle_timeout(Duration::from_secs(30))
            .pool_max_idle_per_host(4)
            .build(self);
        let client = Arc::new(client);
        Docker::connect_with_custom_transport(
            move |req: BollardRequest| {
                let client = Arc::clone(&client);
                async move {
                    client
                        .request(req)
                        .await
                        .map_err(bollard::errors::Error::from)
                }
            },
            // Only used to build request URIs; the dialer decides where bytes go.
            Some("http://docker.engine"),
            timeout_secs,
            bollard::API_DEFAULT_VERSION,
        )
    }
}

impl tower_service::Service<Uri> for Dialer {
    type Response = TokioIo<RemoteStream>;
    type Error = io::Error;
    type Future = Pin<Box<dyn Future<Output = io::Result<Self::Response>> + Send>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, _uri: Uri) -> Self::Future {
        let dialer = self.clone();
        Box::pin(async move {
            let stream = match dialer {
                Dialer::Tls(tls) => RemoteStream::Tls(tls.connect().await?),
                Dialer::Ssh(ssh) => RemoteStream::Ssh(Box::new(ssh.connect().await?)),
            };
            Ok(TokioIo::new(stream))
        })
    }
}

/// One connection to a remote engine.
pub(crate) enum RemoteStream {
    Tls(tls::TlsStream),
    Ssh(Box<ssh::SshStream>),
}

impl Connection for RemoteStream {
    fn connected(&self) -> Connected {
        Connected::new()
    }
}

impl AsyncRead for RemoteStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Self::Tls(s) => Pin::new(s).poll_read(cx, buf),
            Self::Ssh(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for RemoteStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Self::Tls(s) => Pin::new(s).poll_write(cx, buf),
            Self::Ssh(s) => Pin::new(s.as_mut()).poll_write(cx, buf),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Self::Tls(s) => Pin::new(s).poll_flush(cx),
            Self::Ssh(s) => Pin::new(s.as_mut()).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Self::Tls(s) => Pin::new(s).poll_shutdown(cx),
            Self::Ssh(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
        }
    }
}

/// A failure found in an `io::Error` from anywhere in the request path.
pub(crate) fn remote_failure(err: &io::Error) -> Option<&RemoteFailure> {
    err.get_ref()?.downcast_ref::<RemoteFailure>()
}

impl From<(RemoteFailure, &str)> for EngineError {
    fn from((failure, endpoint): (RemoteFailure, &str)) -> Self {
        EngineError::Remote {
            endpoint: endpoint.to_string(),
            failure,
        }
    }
}
