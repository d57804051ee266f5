//! First run on an empty engine: a tiny demo image built offline from a bundled Dockerfile
//! (FROM scratch + the host's static busybox), as a tar build context made here. Pure parts:
//! the Dockerfile, the tar writer, and the check that a busybox binary can work in an empty
//! image (it must be statically linked: a scratch image has no libc or dynamic loader).

use serde::Serialize;
use ts_rs::TS;

/// The demo image's tag.
pub const DEMO_TAG: &str = "berth-demo/hello:latest";
/// Label on the demo image, so it can be told apart (and cleaned up) later.
pub const DEMO_LABEL: &str = "berth.demo";
/// Where the host's busybox is looked for (Debian's busybox-static installs it here).
pub const HOST_BUSYBOX: &str = "/bin/busybox";

/// The bundled Dockerfile. The container's main process traps SIGTERM so `docker stop`
/// ends it at once instead of waiting for the kill timeout (PID 1 ignores signals it does
/// not handle).
pub const DEMO_DOCKERFILE: &str = r#"# Berth's demo image: an empty image plus one static binary.
FROM scratch
COPY busybox /bin/busybox
RUN ["/bin/busybox", "--install", "-s", "/bin"]
LABEL berth.demo="1"
CMD ["sh", "-c", "trap 'exit 0' TERM; echo \"Hello from $(hostname), a house built from berth-demo/hello\"; while :; do sleep 1; done"]
"#;

/// What the demo build produced, for the walkthrough.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct DemoImage {
    pub tag: String,
    pub image_id: String,
    /// The bundled Dockerfile, shown to the user.
    pub dockerfile: String,
    /// `docker build -t berth-demo/hello:latest DIR` (DIR holding the Dockerfile and busybox).
    pub command: String,
    /// The last lines the builder printed.
    pub log: Vec<String>,
}

/// Why a busybox binary cannot go into a scratch image, in words for the user; `Ok` if it can.
pub fn check_busybox(path: &str, bytes: Option<&[u8]>) -> Result<(), String> {
    let Some(bytes) = bytes else {
        return Err(format!(
            "there is no {path} on this machine, so the demo image cannot be built offline. \
             Install a static busybox (on Debian: `apt-get install busybox-static`), or pull a \
             small image instead"
        ));
    };
    match elf_is_static(bytes) {
        Ok(true) => Ok(()),
        Ok(false) => Err(format!(
            "{path} is dynamically linked: in an image built FROM scratch there is no C library \
             or loader for it, so it could not run. Install Debian's busybox-static \
             (`apt-get install busybox-static`), or pull a small image instead"
        )),
        Err(why) => Err(format!("{path} cannot be used in the demo image: {why}")),
    }
}

/// Whether a 64-bit little-endian ELF executable needs no dynamic loader (has no
/// `PT_INTERP` program header). Other formats are refused with the reason.
pub fn elf_is_static(bytes: &[u8]) -> Result<bool, String> {
    const PT_INTERP: u32 = 3;
    if bytes.len() < 64 || &bytes[..4] != b"\x7fELF" {
        return Err("it is not an ELF executable".into());
    }
    if bytes[4] != 2 || bytes[5] != 1 {
        return Err("only 64-bit little-endian executables are supported".into());
    }
    let u16_at = |o: usize| {
        bytes
            .get(o..o + 2)
            .map(|b| u16::from_le_bytes([b[0], b[1]]))
    };
    let u32_at = |o: usize| {
        bytes
            .get(o..o + 4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    };
    let u64_at = |o: usize| {
        bytes.get(o..o + 8).map(|b| {
            let mut a = [0u8; 8];
            a.copy_from_slice(b);
            u64::from_le_bytes(a)
        })
    };
    let truncated = || "the ELF header is truncated".to_string();
    let phoff = usize::try_from(u64_at(0x20).ok_or_else(truncated)?).map_err(|_| truncated())?;
    let phentsize = usize::from(u16_at(0x36).ok_or_else(truncated)?);
    let phnum = usize::from(u16_at(0x38).ok_or_else(truncated)?);
    for i in 0..phnum {
        let at = phoff + i * phentsize;
        if u32_at(at).ok_or_else(truncated)? == PT_INTERP {
            return Ok(false);
        }
    }
    Ok(true)
}

/// The demo image's build context: the bundled Dockerfile beside `busybox`, executable.
pub fn demo_context(busybox: &[u8]) -> Result<Vec<u8>, String> {
    tar_archive(&[
        TarFile {
            name: "Dockerfile",
            mode: 0o644,
            data: DEMO_DOCKERFILE.as_bytes(),
        },
        TarFile {
            name: "busybox",
            mode: 0o755,
            data: busybox,
        },
    ])
}

/// One file of a build context.
pub struct TarFile<'a> {
    pub name: &'a str,
    pub mode: u32,
    pub data: &'a [u8],
}

/// A POSIX ustar archive of `files` (regular files, names under 100 bytes), as the Engine
/// API's `/build` takes its context. Written here because it is 40 lines and needs no crate.
pub fn tar_archive(files: &[TarFile<'_>]) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    for f in files {
        if f.name.is_empty() || f.name.len() >= 100 {
            return Err(format!("tar: bad file name {:?}", f.name));
        }
        let mut h = [0u8; 512];
        h[..f.name.len()].copy_from_slice(f.name.as_bytes());
        let octal = |field: &mut [u8], value: u64| {
            // Zero-padded octal digits and a terminating NUL, as ustar wants.
            let text = format!("{:0width$o}", value, width = field.len() - 1);
            field[..text.len()].copy_from_slice(text.as_bytes());
        };
        octal(&mut h[100..108], u64::from(f.mode));
        octal(&mut h[108..116], 0);
        octal(&mut h[116..124], 0);
        octal(&mut h[124..136], f.data.len() as u64);
        octal(&mut h[136..148], 0);
        h[156] = b'0';
        h[257..263].copy_from_slice(b"ustar\0");
        h[263..265].copy_from_slice(b"00");
        // The checksum is computed with its own field read as spaces.
        h[148..156].copy_from_slice(b"        ");
        let sum: u32 = h.iter().map(|b| u32::from(*b)).sum();
        let text = format!("{sum:06o}\0 ");
        h[148..156].copy_from_slice(text.as_bytes());
        out.extend_from_slice(&h);
        out.extend_from_slice(f.data);
        let pad = (512 - f.data.len() % 512) % 512;
        out.extend(std::iter::repeat_n(0u8, pad));
    }
    // Two empty blocks end the archive.
    out.extend(std::iter::repeat_n(0u8, 1024));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A minimal ELF64 header with `interp` deciding whether a PT_INTERP header is present.
    fn elf(interp: bool) -> Vec<u8> {
        let mut b = vec![0u8; 64 + 2 * 56];
        b[..4].copy_from_slice(b"\x7fELF");
        b[4] = 2;
        b[5] = 1;
        b[0x20..0x28].copy_from_slice(&64u64.to_le_bytes());
        b[0x36..0x38].copy_from_slice(&56u16.to_le_bytes());
        b[0x38..0x3a].copy_from_slice(&2u16.to_le_bytes());
        b[64..68].copy_from_slice(&1u32.to_le_bytes()); // PT_LOAD
        let second: u32 = if interp { 3 } else { 1 };
        b[120..124].copy_from_slice(&second.to_le_bytes());
        b
    }

    #[test]
    fn tells_static_from_dynamic_executables() {
        assert_eq!(elf_is_static(&elf(false)), Ok(true));
        assert_eq!(elf_is_static(&elf(true)), Ok(false));
        assert!(elf_is_static(b"#!/bin/sh\necho hi\n").is_err());
        let mut truncated = elf(false);
        truncated.truncate(100);
        assert!(elf_is_static(&truncated).is_err());
        assert!(check_busybox("/bin/busybox", Some(&elf(false))).is_ok());
        let e = check_busybox("/bin/busybox", Some(&elf(true))).unwrap_err();
        assert!(
            e.contains("dynamically linked") && e.contains("busybox-static"),
            "{e}"
        );
        let e = check_busybox("/bin/busybox", None).unwrap_err();
        assert!(e.contains("no /bin/busybox"), "{e}");
    }

    #[test]
    fn the_host_busybox_is_read_as_the_file_command_does() {
        // `file` says Debian's busybox-static is "statically linked"; when it is there, agree.
        if let Ok(bytes) = std::fs::read(HOST_BUSYBOX) {
            let by_file = std::process::Command::new("file")
                .args(["-L", HOST_BUSYBOX])
                .output()
                .map(|o| String::from_utf8_lossy(&o.stdout).contains("statically linked"));
            if let Ok(expected) = by_file {
                assert_eq!(elf_is_static(&bytes), Ok(expected));
            }
        }
    }

    #[test]
    fn the_shown_once_flag_needs_no_settings_migration() {
        use crate::domain::settings::{Settings, SETTINGS_VERSION};
        let mut doc = serde_json::to_value(Settings::default()).unwrap();
        doc.as_object_mut().unwrap().remove("first_run_done");
        let loaded = Settings::load(&doc.to_string());
        assert_eq!(loaded.problem, None);
        assert!(!loaded.migrated);
        assert_eq!(loaded.settings.version, SETTINGS_VERSION);
        assert!(!loaded.settings.first_run_done);
        let done = Settings {
            first_run_done: true,
            ..Settings::default()
        };
        let text = serde_json::to_string(&done).unwrap();
        assert!(Settings::load(&text).settings.first_run_done);
    }

    #[test]
    fn writes_a_tar_that_tar_reads() {
        let tar = demo_context(&[1, 2, 3]).unwrap();
        assert_eq!(tar.len() % 512, 0);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ctx.tar");
        std::fs::write(&path, &tar).unwrap();
        let listing = std::process::Command::new("tar")
            .args(["-tvf"])
            .arg(&path)
            .output()
            .unwrap();
        assert!(listing.status.success(), "{listing:?}");
        let text = String::from_utf8_lossy(&listing.stdout);
        assert!(
            text.contains("-rw-r--r--") && text.contains("Dockerfile"),
            "{text}"
        );
        assert!(
            text.contains("-rwxr-xr-x") && text.contains("busybox"),
            "{text}"
        );
        let out = std::process::Command::new("tar")
            .args(["-xOf"])
            .arg(&path)
            .arg("Dockerfile")
            .output()
            .unwrap();
        assert_eq!(String::from_utf8_lossy(&out.stdout), DEMO_DOCKERFILE);
        assert!(tar_archive(&[TarFile {
            name: "",
            mode: 0,
            data: &[]
        }])
        .is_err());
    }
}
