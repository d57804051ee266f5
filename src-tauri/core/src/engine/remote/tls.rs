//! TCP + TLS to an engine started with `--tlsverify`: the engine's certificate must chain to
//! the configured CA (and only that CA: no system roots), its name or IP must match the
//! address, and Berth presents the client certificate the engine asks for.

use std::io;
use std::path::Path;
use std::pin::Pin;
use std::task::{Context, Poll};

use openssl::pkey::PKey;
use openssl::ssl::{SslConnector, SslMethod, SslVerifyMode};
use openssl::x509::store::X509StoreBuilder;
use openssl::x509::{X509VerifyResult, X509};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;

use super::RemoteFailure;
use crate::engine::TlsFiles;

/// OpenSSL reason codes (ssl/sslerr.h, stable across 1.1 and 3.x) of the alerts a server
/// sends when it wants a client certificate it did not get or does not trust.
const SSL_R_SSLV3_ALERT_BAD_CERTIFICATE: i32 = 1042;
const SSL_R_TLSV1_ALERT_UNKNOWN_CA: i32 = 1048;
const SSL_R_TLSV13_ALERT_CERTIFICATE_REQUIRED: i32 = 1116;
const SSL_R_SSLV3_ALERT_HANDSHAKE_FAILURE: i32 = 1040;

pub(crate) struct TlsDial {
    host: String,
    addr: String,
    connector: SslConnector,
    client_cert: Option<String>,
    ca: String,
}

impl TlsDial {
    /// Reads and checks the files now, so a missing or broken one is reported before any
    /// connection is tried.
    pub(crate) fn new(addr: &str, files: &TlsFiles) -> Result<Self, RemoteFailure> {
        let host = match addr.rsplit_once(':') {
            Some((h, _)) => h.trim_start_matches('[').trim_end_matches(']'),
            None => addr,
        }
        .to_string();
        let file_err = |path: &Path, detail: String| RemoteFailure::TlsFile {
            path: path.display().to_string(),
            detail,
        };
        let read = |path: &Path| std::fs::read(path).map_err(|e| file_err(path, e.to_string()));

        let mut builder = SslConnector::builder(SslMethod::tls_client()).map_err(|e| {
            RemoteFailure::TlsHandshake {
                detail: e.to_string(),
            }
        })?;
        let cas = X509::stack_from_pem(&read(&files.ca)?)
            .map_err(|e| file_err(&files.ca, format!("not a PEM certificate ({e})")))?;
        if cas.is_empty() {
            return Err(file_err(&files.ca, "holds no certificate".into()));
        }
        let mut store = X509StoreBuilder::new().map_err(|e| RemoteFailure::TlsHandshake {
            detail: e.to_string(),
        })?;
        for ca in cas {
            store
                .add_cert(ca)
                .map_err(|e| file_err(&files.ca, e.to_string()))?;
        }
        // Replaces the system roots SslConnector loaded: only the engine's CA is trusted.
        builder.set_cert_store(store.build());
        builder.set_verify(SslVerifyMode::PEER);

        let client_cert = match (&files.cert, &files.key) {
            (Some(cert), Some(key)) => {
                let x509 = X509::from_pem(&read(cert)?)
                    .map_err(|e| file_err(cert, format!("not a PEM certificate ({e})")))?;
                let pkey = PKey::private_key_from_pem(&read(key)?)
                    .map_err(|e| file_err(key, format!("not a PEM private key ({e})")))?;
                builder
                    .set_certificate(&x509)
                    .and_then(|()| builder.set_private_key(&pkey))
                    .and_then(|()| builder.check_private_key())
                    .map_err(|_| file_err(key, format!("does not match {}", cert.display())))?;
                Some(cert.display().to_string())
            }
            (None, None) => None,
            (Some(_), None) => {
                return Err(RemoteFailure::TlsFile {
                    path: "key.pem".into(),
                    detail: "a client certificate needs its private key".into(),
                })
            }
            (None, Some(key)) => {
                return Err(file_err(key, "a private key needs its certificate".into()))
            }
        };
        Ok(Self {
            host,
            addr: addr.to_string(),
            connector: builder.build(),
            client_cert,
            ca: files.ca.display().to_string(),
        })
    }

    pub(crate) async fn connect(&self) -> io::Result<TlsStream> {
        let tcp = TcpStream::connect(&self.addr).await?;
        // `into_ssl` checks the name against the certificate, as an IP SAN for an address.
        let ssl = self
            .connector
            .configure()
            .and_then(|c| c.into_ssl(&self.host))
            .map_err(|e| handshake(e.to_string()))?;
        let mut stream =
            tokio_openssl::SslStream::new(ssl, tcp).map_err(|e| handshake(e.to_string()))?;
        if let Err(err) = Pin::new(&mut stream).connect().await {
            let verify = stream.ssl().verify_result();
            let failure = if verify != X509VerifyResult::OK {
                RemoteFailure::TlsUntrusted {
                    detail: verify.error_string().to_string(),
                    ca: self.ca.clone(),
                }
            } else {
                self.classify(&err)
                    .unwrap_or_else(|| RemoteFailure::TlsHandshake {
                        detail: err.to_string(),
                    })
            };
            return Err(failure.into_io());
        }
        Ok(TlsStream {
            inner: stream,
            client_cert: self.client_cert.clone(),
        })
    }

    fn classify(&self, err: &openssl::ssl::Error) -> Option<RemoteFailure> {
        classify_alert(err, self.client_cert.as_deref())
    }
}

/// With TLS 1.3 the server checks the client certificate after the client has finished its
/// handshake, so a rejection arrives as an alert on the first read, not from `connect`.
fn classify_alert(err: &openssl::ssl::Error, client_cert: Option<&str>) -> Option<RemoteFailure> {
    let stack = err.ssl_error()?;
    let rejected = stack.errors().iter().any(|e| {
        matches!(
            e.reason_code(),
            SSL_R_SSLV3_ALERT_BAD_CERTIFICATE
                | SSL_R_TLSV1_ALERT_UNKNOWN_CA
                | SSL_R_TLSV13_ALERT_CERTIFICATE_REQUIRED
                | SSL_R_SSLV3_ALERT_HANDSHAKE_FAILURE
        )
    });
    rejected.then(|| match client_cert {
        None => RemoteFailure::TlsClientCertMissing,
        Some(cert) => RemoteFailure::TlsClientCertRejected {
            cert: cert.to_string(),
        },
    })
}

fn handshake(detail: String) -> io::Error {
    RemoteFailure::TlsHandshake { detail }.into_io()
}

pub(crate) struct TlsStream {
    inner: tokio_openssl::SslStream<TcpStream>,
    client_cert: Option<String>,
}

impl TlsStream {
    /// Turns a post-handshake alert about the client certificate into its clear failure.
    fn explain(&self, err: io::Error) -> io::Error {
        let failure = err
            .get_ref()
            .and_then(|e| e.downcast_ref::<openssl::ssl::Error>())
            .and_then(|e| classify_alert(e, self.client_cert.as_deref()));
        match failure {
            Some(f) => f.into_io(),
            None => err,
        }
    }
}

impl AsyncRead for TlsStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        match Pin::new(&mut this.inner).poll_read(cx, buf) {
            Poll::Ready(Err(e)) => Poll::Ready(Err(this.explain(e))),
            other => other,
        }
    }
}

impl AsyncWrite for TlsStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        match Pin::new(&mut this.inner).poll_write(cx, buf) {
            Poll::Ready(Err(e)) => Poll::Ready(Err(this.explain(e))),
            other => other,
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}
