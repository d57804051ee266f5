//! A small PKI made with the `openssl` CLI (by argv) for TLS engine tests: a CA, a server
//! certificate for IP 127.0.0.1, a client certificate, and a second ("wrong") CA with a
//! client certificate of its own. Files live in a temp dir removed on drop.

use std::path::{Path, PathBuf};
use std::process::Command;

use berth_core::engine::TlsFiles;

use crate::docker_cli::CliError;

type TestResult<T = ()> = Result<T, CliError>;

fn openssl(dir: &Path, args: &[&str]) -> TestResult {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .map_err(|e| CliError::Setup(format!("cannot run openssl: {e}")))?;
    if !out.status.success() {
        return Err(CliError::Setup(format!(
            "openssl {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        )));
    }
    Ok(())
}

/// `<name>.pem` self-signed CA with `<name>-key.pem`.
fn make_ca(dir: &Path, name: &str) -> TestResult {
    openssl(
        dir,
        &[
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-days",
            "2",
            "-subj",
            &format!("/CN=berth test {name}"),
            "-keyout",
            &format!("{name}-key.pem"),
            "-out",
            &format!("{name}.pem"),
        ],
    )
}

/// `<name>-cert.pem` / `<name>-key.pem`, signed by the CA `ca`, with the given extensions.
fn make_leaf(dir: &Path, ca: &str, name: &str, ext: &str) -> TestResult {
    std::fs::write(dir.join(format!("{name}.ext")), ext)
        .map_err(|e| CliError::Setup(format!("writing {name}.ext: {e}")))?;
    openssl(
        dir,
        &[
            "req",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-subj",
            &format!("/CN={name}"),
            "-keyout",
            &format!("{name}-key.pem"),
            "-out",
            &format!("{name}.csr"),
        ],
    )?;
    openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            &format!("{name}.csr"),
            "-CA",
            &format!("{ca}.pem"),
            "-CAkey",
            &format!("{ca}-key.pem"),
            "-CAcreateserial",
            "-days",
            "2",
            "-extfile",
            &format!("{name}.ext"),
            "-out",
            &format!("{name}-cert.pem"),
        ],
    )
}

pub struct Pki {
    dir: tempfile::TempDir,
}

impl Pki {
    pub fn make() -> TestResult<Self> {
        let dir = tempfile::Builder::new()
            .prefix("berth-pki-")
            .tempdir()
            .map_err(|e| CliError::Setup(format!("tempdir: {e}")))?;
        let d = dir.path();
        make_ca(d, "ca")?;
        make_ca(d, "wrong-ca")?;
        make_leaf(
            d,
            "ca",
            "server",
            "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n",
        )?;
        make_leaf(d, "ca", "client", "extendedKeyUsage=clientAuth\n")?;
        make_leaf(d, "wrong-ca", "stranger", "extendedKeyUsage=clientAuth\n")?;
        Ok(Self { dir })
    }

    pub fn path(&self, file: &str) -> PathBuf {
        self.dir.path().join(file)
    }

    pub fn files(&self, ca: &str, client: Option<&str>) -> TlsFiles {
        TlsFiles {
            ca: self.path(&format!("{ca}.pem")),
            cert: client.map(|c| self.path(&format!("{c}-cert.pem"))),
            key: client.map(|c| self.path(&format!("{c}-key.pem"))),
        }
    }
}
