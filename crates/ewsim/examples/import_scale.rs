//! Scale check for `ewsim::import`: a generated export of 5,000 pods (100 Services x 50 pods on
//! 60 nodes in 3 zones) and N flow-log lines (default 1,000,000) streamed from a generator, so
//! the process holds no copy of the log and its peak memory shows the reader's own.
//!
//! ```text
//! cargo build --release --example import_scale
//! /usr/bin/time -f "%e s %M KB" target/release/examples/import_scale 1000000
//! /usr/bin/time -f "%e s %M KB" target/release/examples/import_scale 4000000
//! ```
//!
//! Peak RSS should be the same for both line counts (memory independent of the number of
//! lines); wall time should grow linearly.

use ewsim::import::flowlogs::{FlowLogReader, FlowOptions};
use ewsim::import::kubectl::read_inventory;
use ewsim::import::observed::ObservedCluster;
use std::fmt::Write as _;
use std::io::{BufReader, Read};
use std::time::Instant;

const SERVICES: usize = 100;
const PODS_PER_SERVICE: usize = 50;
const NODES: usize = 60;

fn node_ip(n: usize) -> String {
    format!("10.0.{}.10", n)
}

fn pod_ip(p: usize) -> String {
    format!("10.1.{}.{}", p / 250, p % 250 + 1)
}

/// A kubectl-style List export of the generated cluster.
fn export() -> String {
    let mut items = Vec::new();
    for n in 0..NODES {
        items.push(format!(
            r#"{{"apiVersion":"v1","kind":"Node","metadata":{{"name":"node-{n}","labels":{{"topology.kubernetes.io/zone":"us-east-1{z}","node.kubernetes.io/instance-type":"m5.2xlarge"}}}},"status":{{"allocatable":{{"cpu":"7910m"}},"conditions":[{{"type":"Ready","status":"True"}}],"addresses":[{{"type":"InternalIP","address":"{ip}"}}]}}}}"#,
            z = ["a", "b", "c"][n % 3],
            ip = node_ip(n)
        ));
    }
    for s in 0..SERVICES {
        items.push(format!(
            r#"{{"apiVersion":"v1","kind":"Service","metadata":{{"name":"svc-{s}","namespace":"app"}},"spec":{{"selector":{{"app":"svc-{s}"}},"clusterIP":"172.20.{a}.{b}","ports":[{{"name":"http","port":80,"targetPort":"http"}}]}}}}"#,
            a = s / 250,
            b = s % 250 + 1
        ));
        for i in 0..PODS_PER_SERVICE {
            let p = s * PODS_PER_SERVICE + i;
            items.push(format!(
                r#"{{"apiVersion":"v1","kind":"Pod","metadata":{{"name":"svc-{s}-{i}","generateName":"svc-{s}-","namespace":"app","labels":{{"app":"svc-{s}"}}}},"spec":{{"nodeName":"node-{n}","containers":[{{"name":"c","ports":[{{"name":"http","containerPort":{port}}}]}}]}},"status":{{"phase":"Running","podIP":"{ip}","conditions":[{{"type":"Ready","status":"True"}}]}}}}"#,
                n = p % NODES,
                port = 9000 + s,
                ip = pod_ip(p)
            ));
        }
    }
    format!(
        r#"{{"apiVersion":"v1","kind":"List","items":[{}]}}"#,
        items.join(",\n")
    )
}

/// Generates version 2 flow-log lines on demand (server-side and client-side records of
/// random pod pairs), without keeping them.
struct Lines {
    left: u64,
    state: u64,
    buf: Vec<u8>,
    pos: usize,
}

impl Lines {
    fn next_random(&mut self) -> u64 {
        // xorshift64*: deterministic, fast.
        self.state ^= self.state >> 12;
        self.state ^= self.state << 25;
        self.state ^= self.state >> 27;
        self.state.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn refill(&mut self) {
        self.buf.clear();
        self.pos = 0;
        let mut s = String::new();
        while self.left > 0 && s.len() < 64 * 1024 {
            self.left -= 1;
            let r = self.next_random();
            let client = (r % (SERVICES * PODS_PER_SERVICE) as u64) as usize;
            let server = ((r >> 20) % (SERVICES * PODS_PER_SERVICE) as u64) as usize;
            let port = 9000 + server / PODS_PER_SERVICE;
            let bytes = 100 + (r >> 40) % 100_000;
            let start = 1_761_000_000 + (r >> 50) % 86_400;
            // Alternate: server-side ingress (pod -> node address), client-side egress
            // (node address -> pod), both counted by the same rule.
            if r & 1 == 0 {
                let _ = writeln!(
                    s,
                    "2 123456789012 eni-0abc {} {} 40000 {} 6 10 {} {} {} ACCEPT OK",
                    pod_ip(client),
                    node_ip(server % NODES),
                    port,
                    bytes,
                    start,
                    start + 60
                );
            } else {
                let _ = writeln!(
                    s,
                    "2 123456789012 eni-0def {} {} 40000 {} 6 10 {} {} {} ACCEPT OK",
                    node_ip(client % NODES),
                    pod_ip(server),
                    port,
                    bytes,
                    start,
                    start + 60
                );
            }
        }
        self.buf.extend_from_slice(s.as_bytes());
    }
}

impl Read for Lines {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        if self.pos == self.buf.len() {
            self.refill();
        }
        let n = out.len().min(self.buf.len() - self.pos);
        out[..n].copy_from_slice(&self.buf[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

fn main() {
    let lines: u64 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let t0 = Instant::now();
    let text = export();
    let inventory = match read_inventory(&[("generated.json", &text)]) {
        Ok(i) => i,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    };
    drop(text);
    let cluster = ObservedCluster::from_inventory(&inventory);
    let t1 = Instant::now();
    let mut reader = FlowLogReader::new(&cluster, FlowOptions::default());
    let source = BufReader::with_capacity(
        64 * 1024,
        Lines {
            left: lines,
            state: 0x9E37_79B9_7F4A_7C15,
            buf: Vec::new(),
            pos: 0,
        },
    );
    if let Err(e) = reader.read(source, "generated.log") {
        eprintln!("{e}");
        std::process::exit(1);
    }
    let summary = reader.finish();
    let t2 = Instant::now();
    println!(
        "pods {} services {} | inventory + observed cluster {:.2} s | {} lines, {} used, {} skipped, {} edges, {} bytes | flow logs {:.2} s ({:.0} lines/s)",
        inventory.pods.len(),
        cluster.services.len(),
        (t1 - t0).as_secs_f64(),
        summary.lines_read,
        summary.records_used,
        summary.skipped.values().sum::<u64>(),
        summary.edges.len(),
        summary.total_bytes(),
        (t2 - t1).as_secs_f64(),
        summary.lines_read as f64 / (t2 - t1).as_secs_f64()
    );
}
