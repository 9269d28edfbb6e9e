//! A throwaway PostgreSQL server for the tests: the Debian package's binaries, a new cluster in
//! a temporary folder, listening on 127.0.0.1 on a free port, stopped when dropped.
//!
//! As root (CI), the server runs as the `postgres` user through `runuser`: PostgreSQL refuses to
//! run as root. Without the binaries the tests that need them print that they were skipped; in
//! CI (`CI` set) a missing server is a failure, never a skip.

// Each test crate uses part of it.
#![allow(dead_code)]

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A running server; dropping it stops the server and deletes its data.
pub struct Postgres {
    bin: PathBuf,
    data: tempfile::TempDir,
    as_postgres: bool,
    /// `postgres://…` of a database the tests may use.
    pub url: String,
}

/// The newest `/usr/lib/postgresql/<version>/bin` holding `initdb` and `pg_ctl`.
fn binaries() -> Option<PathBuf> {
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let version = e.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = e.path().join("bin");
            (bin.join("initdb").is_file() && bin.join("pg_ctl").is_file()).then_some((version, bin))
        })
        .collect();
    found.sort();
    found.pop().map(|(_, bin)| bin)
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port on 127.0.0.1")
        .port()
}

impl Postgres {
    /// Starts a server, or returns `None` (after saying so on stderr) when the PostgreSQL
    /// binaries are not installed and this is not CI. In CI a missing server panics.
    pub fn start(test: &str) -> Option<Postgres> {
        let Some(bin) = binaries() else {
            if std::env::var_os("CI").is_some() {
                panic!("{test}: PostgreSQL binaries are missing in CI (.ci/run installs the postgresql package)");
            }
            eprintln!("SKIPPED {test}: no PostgreSQL server binaries under /usr/lib/postgresql (apt-get install postgresql)");
            return None;
        };
        let data = tempfile::Builder::new()
            .prefix("citebot-pg-")
            .tempdir()
            .expect("a temporary folder");
        let as_postgres = is_root();
        if as_postgres {
            run(Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(data.path()));
            // The postgres user must be able to reach the folder.
            run(Command::new("chmod").arg("0777").arg(data.path()));
        }
        let port = free_port();
        let cluster = data.path().join("cluster");
        let server = Postgres {
            bin,
            data,
            as_postgres,
            url: format!("postgres://citebot@127.0.0.1:{port}/postgres"),
        };
        let initdb = server.bin.join("initdb");
        server.run_as_server_user(
            &initdb,
            &[
                "-D",
                cluster.to_str().unwrap(),
                "-U",
                "citebot",
                "-A",
                "trust",
                "--no-sync",
                "-E",
                "UTF8",
            ],
        );
        let options = format!(
            "-c listen_addresses=127.0.0.1 -p {port} -k {} -c fsync=off",
            server.data.path().display()
        );
        let log = server.data.path().join("server.log");
        server.run_as_server_user(
            &server.bin.join("pg_ctl"),
            &[
                "start",
                "-w",
                "-t",
                "60",
                "-D",
                cluster.to_str().unwrap(),
                "-l",
                log.to_str().unwrap(),
                "-o",
                &options,
            ],
        );
        Some(server)
    }

    fn cluster(&self) -> PathBuf {
        self.data.path().join("cluster")
    }

    fn run_as_server_user(&self, program: &Path, args: &[&str]) {
        let mut command = if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(program);
            c
        } else {
            Command::new(program)
        };
        command.args(args).current_dir(self.data.path());
        run(&mut command);
    }
}

fn run(command: &mut Command) {
    let output = command.output().expect("the command runs");
    assert!(
        output.status.success(),
        "{command:?} failed: {}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let cluster = self.cluster();
        let pg_ctl = self.bin.join("pg_ctl");
        let mut command = if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&pg_ctl);
            c
        } else {
            Command::new(&pg_ctl)
        };
        let _ = command
            .args(["stop", "-m", "immediate", "-w", "-D"])
            .arg(&cluster)
            .current_dir(self.data.path())
            .output();
    }
}
