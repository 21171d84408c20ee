//! The local emulator (examples/emulator) for the Rust tests that talk to it over real HTTP:
//! started on an ephemeral port and stopped when dropped, its control and state endpoints, and
//! one HTTP/1.1 exchange per fresh connection. Shared by tests/woowup_emulator.rs,
//! tests/woowup_v3_emulator.rs and tests/lootly_emulator.rs.
#![allow(dead_code)] // each test file uses its own part of it

use loyalty_connector::Request;
use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};

/// The emulator on an ephemeral port, stopped when dropped.
pub struct Emulator {
    child: Child,
    /// `http://127.0.0.1:{port}`
    pub url: String,
}

impl Emulator {
    pub fn start() -> Emulator {
        let status = Command::new("scripts/need").arg("node").status().expect("scripts/need runs");
        assert!(status.success(), "node is needed for the emulator");
        let mut child = Command::new("node")
            .args(["examples/emulator/server.mjs", "--port", "0"])
            .stdout(Stdio::piped())
            .spawn()
            .expect("the emulator starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("piped stdout")).read_line(&mut line).expect("ready line");
        let url = line.trim().strip_prefix("emulator listening on ").expect("the ready line").to_string();
        Emulator { child, url }
    }

    /// `POST /_emulator/{path}` with a JSON body; the emulator must answer 200.
    pub fn control(&self, path: &str, body: &str) -> String {
        let (status, _, body) = exchange(&format!("{}/_emulator/{path}", self.url), "POST", &[("Content-Type", "application/json")], body);
        assert_eq!(status, 200, "control {path}: {body}");
        body
    }

    /// `GET /_emulator/state`: every program's ledger.
    pub fn state(&self) -> Value {
        serde_json::from_str(&exchange(&format!("{}/_emulator/state", self.url), "GET", &[], "").2).expect("the state is JSON")
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One HTTP/1.1 exchange over a fresh connection (`Connection: close`): status, headers
/// (lowercase names), body (de-chunked).
pub fn exchange(url: &str, method: &str, headers: &[(&str, &str)], body: &str) -> (u16, Vec<(String, String)>, String) {
    let rest = url.strip_prefix("http://").expect("http URL");
    let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let mut stream = TcpStream::connect(host).expect("connect");
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\nContent-Length: {}\r\n", body.len());
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    stream.write_all(format!("{head}\r\n{body}").as_bytes()).unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).unwrap();
    let response = String::from_utf8(response).expect("UTF-8 answer");
    let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
    let mut lines = head.split("\r\n");
    let status = lines.next().and_then(|l| l.split(' ').nth(1)).and_then(|s| s.parse().ok()).unwrap_or(0);
    let headers: Vec<(String, String)> =
        lines.filter_map(|l| l.split_once(':')).map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string())).collect();
    let chunked = headers.iter().any(|(n, v)| n == "transfer-encoding" && v.contains("chunked"));
    (status, headers, if chunked { dechunk(body) } else { body.to_string() })
}

fn dechunk(mut body: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = body.split_once("\r\n") {
        let size = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if size == 0 || rest.len() < size + 2 {
            break;
        }
        out.push_str(&rest[..size]);
        body = &rest[size + 2..];
    }
    out
}

/// Sends a library [`Request`] as it is.
pub fn send(request: &Request) -> (u16, Vec<(String, String)>, String) {
    let headers: Vec<(&str, &str)> = request.headers.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
    exchange(&request.url, request.method.as_str(), &headers, request.body.as_deref().unwrap_or(""))
}
