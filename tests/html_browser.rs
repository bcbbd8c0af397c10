//! End-to-end check of `ewsim run --format html` in a real browser: headless Chromium loads the
//! page from disk, takes a screenshot and dumps the DOM after layout.
//!
//! What can fail: any console message (a blocked external resource under the page's
//! Content-Security-Policy, a parse error), a blank or missing screenshot, a chart with no size, a
//! chart text that spills outside its chart (labels placed by estimated text widths), and bar /
//! segment / mark counts that differ from the figures in the CSV output of the same scenario.
//!
//! Chromium is `EWSIM_CHROMIUM` (a Chrome binary), else the first of chromium / chromium-browser /
//! google-chrome on `PATH`. This file is its own test harness (`harness = false`) so that a
//! missing browser shows in the summary as `ignored` with the reason, never as a pass:
//! - Chromium found: every test runs.
//! - Chromium missing: the browser tests are reported `ignored` (the run still passes).
//! - `EWSIM_REQUIRE_BROWSER=1` (CI): the browser tests always run, and fail without Chromium.
//! - `EWSIM_SKIP_BROWSER=1` (without `EWSIM_REQUIRE_BROWSER=1`): the browser tests are ignored
//!   even when Chromium is there.
//!
//! The harness takes the usual libtest arguments that matter here: name filters, `--exact`,
//! `--skip NAME`, `--ignored`, `--include-ignored`, `--list` and `--test-threads N`; output is
//! never captured (`--nocapture` is accepted).

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Output, Stdio};
use std::time::{Duration, Instant};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A scratch directory unique to this test run.
fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("ewsim-html-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}

/// `EWSIM_CHROMIUM`, or the first of chromium / chromium-browser / google-chrome on `PATH`; the
/// error says why there is none.
fn find_chromium() -> Result<PathBuf, String> {
    if let Some(p) = std::env::var_os("EWSIM_CHROMIUM") {
        let p = PathBuf::from(p);
        return if p.is_file() {
            Ok(p)
        } else {
            Err(format!("EWSIM_CHROMIUM={} is not a file", p.display()))
        };
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    for dir in std::env::split_paths(&path) {
        for name in ["chromium", "chromium-browser", "google-chrome"] {
            let p = dir.join(name);
            if p.is_file() {
                return Ok(p);
            }
        }
    }
    Err(
        "Chromium not found (no chromium, chromium-browser or google-chrome on PATH, \
         EWSIM_CHROMIUM unset)"
            .into(),
    )
}

/// Runs a command, killing it after `limit`.
fn run_with_timeout(cmd: &mut Command, limit: Duration) -> Output {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starts the browser");
    // Drain both pipes on threads so a chatty browser cannot block on a full pipe.
    let mut out = child.stdout.take().expect("stdout");
    let mut err = child.stderr.take().expect("stderr");
    let t_out = std::thread::spawn(move || {
        let mut b = Vec::new();
        let _ = out.read_to_end(&mut b);
        b
    });
    let t_err = std::thread::spawn(move || {
        let mut b = Vec::new();
        let _ = err.read_to_end(&mut b);
        b
    });
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait") {
            break s;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("browser did not finish within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    Output {
        status,
        stdout: t_out.join().expect("stdout thread"),
        stderr: t_err.join().expect("stderr thread"),
    }
}

/// Headless Chromium on `page` with a fresh profile and no background network traffic.
fn chromium(bin: &Path, dir: &Path, profile: &str, extra: &[String], page: &Path) -> Output {
    let mut cmd = Command::new(bin);
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--enable-logging=stderr",
        "--v=0",
    ])
    .arg(format!("--user-data-dir={}", dir.join(profile).display()))
    .args(extra)
    .arg(format!("file://{}", page.display()));
    let o = run_with_timeout(&mut cmd, Duration::from_secs(120));
    assert!(
        o.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    o
}

/// Console messages Chromium logged (`...:INFO:CONSOLE:...` lines, any level).
fn console_lines(o: &Output) -> Vec<String> {
    String::from_utf8_lossy(&o.stderr)
        .lines()
        .filter(|l| l.contains(":CONSOLE"))
        .map(String::from)
        .collect()
}

/// Layout checks run inside the page (the test copy only; the report has no script): every chart
/// has a size, every chart text lies within its chart, and counts of what was drawn.
const CHECK_SCRIPT: &str = r#"<script>
(function () {
  var errs = [];
  var svgs = document.querySelectorAll("svg.chart");
  svgs.forEach(function (s, i) {
    var r = s.getBoundingClientRect();
    if (!(r.width > 0 && r.height > 0)) errs.push("chart " + i + " has no size");
    s.querySelectorAll("text").forEach(function (t) {
      var b = t.getBoundingClientRect();
      if (b.width > 0 && (b.left < r.left - 1 || b.right > r.right + 1 ||
                          b.top < r.top - 1 || b.bottom > r.bottom + 1))
        errs.push("chart " + i + ": text outside the chart: " + t.textContent);
    });
  });
  function count(sel, sized) {
    return Array.prototype.filter.call(document.querySelectorAll(sel), function (e) {
      var b = e.getBoundingClientRect();
      return !sized || (b.width > 0 && b.height > 0);
    }).length;
  }
  document.body.setAttribute("data-check", errs.length ? "FAIL " + errs.join("; ") :
    "ok charts=" + svgs.length +
    " bars=" + count("svg.stacked-bars g.bar", false) +
    " segments=" + count("svg.stacked-bars rect.seg", true) +
    " rows=" + count("svg.dot-rows g.row", false) +
    " marks=" + count("svg.dot-rows g.row .mark", true) +
    " series=" + count("svg.line-chart g.series", false) +
    " markers=" + count("svg.line-chart g.marker", true));
})();
</script>"#;

/// From the CSV of the same scenario: options, non-zero cost segments (categories plus the rest
/// of the total), options with latency.
fn expected_counts() -> (usize, usize, usize) {
    let o = Command::new(env!("CARGO_BIN_EXE_ewsim"))
        .args([
            "run",
            "scenarios/eks-10tb.yaml",
            "--format",
            "csv",
            "--samples",
            "2000",
        ])
        .current_dir(root())
        .output()
        .expect("runs ewsim");
    assert_eq!(o.status.code(), Some(0));
    let mut reader = csv::Reader::from_reader(o.stdout.as_slice());
    let header = reader.headers().expect("header").clone();
    let col = |n: &str| header.iter().position(|h| h == n).expect("column");
    let cats = [
        "transfer_usd",
        "cross_vpc_usd",
        "load_balancer_usd",
        "lattice_usd",
        "mesh_compute_usd",
        "dns_usd",
    ]
    .map(col);
    let (total, p50) = (col("monthly_cost_usd"), col("p50_ms"));
    let (mut options, mut segments, mut with_latency) = (0, 0, 0);
    for r in reader.records() {
        let r = r.expect("record");
        let cents = |i: usize| -> i64 {
            let v: f64 = r[i].parse().expect("number");
            (v * 100.0).round() as i64
        };
        options += 1;
        let parts: Vec<i64> = cats.iter().map(|&i| cents(i)).collect();
        segments += parts.iter().filter(|&&c| c > 0).count();
        if cents(total) - parts.iter().sum::<i64>() > 1 {
            segments += 1; // line items outside the categories: the "Other" segment
        }
        if !r[p50].is_empty() {
            with_latency += 1;
        }
    }
    (options, segments, with_latency)
}

/// Loads a copy of `html` with [`CHECK_SCRIPT`] added (the page's policy forbids scripts; the
/// copy allows inline ones and nothing else) and returns what the script wrote, after asserting
/// that the browser printed nothing to its console.
fn layout_check(bin: &Path, dir: &Path, html: &str, window: &str) -> String {
    let csp = "default-src 'none';";
    assert!(html.contains(csp), "page has a Content-Security-Policy");
    let checked = html
        .replacen(csp, "default-src 'none'; script-src 'unsafe-inline';", 1)
        .replacen("</body>", &format!("{CHECK_SCRIPT}\n</body>"), 1);
    let check_page = dir.join("check.html");
    std::fs::write(&check_page, checked).expect("write check page");
    let dom = chromium(
        bin,
        dir,
        "profile-dom",
        &["--dump-dom".into(), format!("--window-size={window}")],
        &check_page,
    );
    assert_eq!(console_lines(&dom), Vec::<String>::new(), "console output");
    let dom = String::from_utf8_lossy(&dom.stdout).into_owned();
    dom.split("data-check=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap_or_else(|| panic!("the check script did not run: {dom}"))
        .to_string()
}

fn html_report_renders_in_headless_chromium(browser: &Browser) {
    let bin = browser.chromium();
    let dir = scratch("browser");
    let page = dir.join("report.html");
    let o = Command::new(env!("CARGO_BIN_EXE_ewsim"))
        .args(["run", "scenarios/eks-10tb.yaml", "--format", "html"])
        .args(["--samples", "2000", "--out"])
        .arg(&page)
        .current_dir(root())
        .output()
        .expect("runs ewsim");
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let html = std::fs::read_to_string(&page).expect("report written");

    // 1. Screenshot of the page as written: no console message, a real image.
    let png = dir.join("report.png");
    let shot = chromium(
        &bin,
        &dir,
        "profile-shot",
        &[
            format!("--screenshot={}", png.display()),
            "--window-size=1280,2000".into(),
            "--hide-scrollbars".into(),
        ],
        &page,
    );
    assert_eq!(console_lines(&shot), Vec::<String>::new(), "console output");
    let bytes = std::fs::read(&png).expect("screenshot written");
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "PNG signature");
    assert_eq!(&bytes[12..16], b"IHDR");
    let be = |i: usize| u32::from_be_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]);
    assert_eq!((be(16), be(20)), (1280, 2000), "screenshot size");
    // A blank white 1280x2000 page compresses to about 12 kB; charts and tables make it far larger.
    assert!(
        bytes.len() > 60_000,
        "screenshot looks blank: {} bytes",
        bytes.len()
    );

    // 2. The DOM after layout.
    let check = layout_check(&bin, &dir, &html, "1280,2000");
    let (options, segments, with_latency) = expected_counts();
    assert_eq!(options, 17, "eks-10tb has 17 options");
    assert_eq!(
        check,
        format!(
            "ok charts=2 bars={options} segments={segments} rows={options} marks={} series=0 markers=0",
            4 * with_latency
        )
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Runs `ewsim` in the repository root.
fn ewsim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ewsim"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("runs ewsim")
}

/// The page without a browser: scenario text escaped, nothing external, header facts, and one bar
/// segment checked against hand arithmetic.
fn html_page_is_self_contained_and_escapes_scenario_text(_: &Browser) {
    let dir = scratch("static");
    let yaml = std::fs::read_to_string(root().join("scenarios/eks-10tb.yaml")).expect("scenario");
    let yaml = yaml
        .replace(
            "name: \"EKS 10 TB/month, 3 AZs (AWS billing)\"",
            "name: \"<script>alert(1)</script> & 'q'\"",
        )
        .replace(
            "- {name: clusterip, kind: clusterip}",
            "- {name: clusterip, kind: clusterip, description: \"<img src=x onerror=alert(2)>\"}",
        );
    let file = dir.join("evil.yaml");
    std::fs::write(&file, yaml).expect("write fixture");
    let file = file.display().to_string();
    let o = ewsim(&["run", &file, "--format", "html", "--no-latency", "--detail"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let page = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(page.starts_with("<!DOCTYPE html>"));
    // Scenario text is escaped wherever it appears (title, heading, notes).
    assert!(
        !page.contains("<script") && !page.contains("<img"),
        "{page}"
    );
    assert!(
        page.contains(
            "<title>ewsim: &lt;script&gt;alert(1)&lt;/script&gt; &amp; &#39;q&#39;</title>"
        )
    );
    assert!(page.contains("&lt;img src=x onerror=alert(2)&gt;"));
    // Nothing to fetch: no src / href attribute, CSS url() or import; the only URL is the SVG
    // namespace (escaped scenario text cannot form an attribute: its quotes became &quot;).
    for bad in ["src=\"", "href=\"", "url(", "@import"] {
        assert!(!page.contains(bad), "page contains {bad}");
    }
    assert_eq!(
        page.matches("://").count(),
        page.matches("xmlns=\"http://www.w3.org/2000/svg\"").count()
    );
    // Every report states region, price table date, conventions; without latency it says so.
    assert!(page.contains("<dd>us-east-1</dd>"));
    assert!(page.contains("as of 2026-10-01, USD"));
    assert!(page.contains(
        "hours_per_month=730 inter_az=both-sides capacity_units=hourly-max gigabyte=binary"
    ));
    assert!(page.contains("not simulated (--no-latency)"));
    assert_eq!(page.matches("<svg").count(), 1, "cost chart only");
    // --detail: line items with one total row per option (17).
    assert_eq!(page.matches("<tr class=\"total\">").count(), 17);
    // clusterip's only cost: 10 TB = 10240 GB, 2/3 crosses AZs = 6826.67 GB, charged $0.01 on
    // each side = $136.53. The largest total, internal-alb-instance's $371.41, puts the axis top
    // at 400 (step 100), over a 300 px plot: 136.5333 / 400 x 300 = 102.4 px.
    let first_bar = page.split("<g class=\"bar\">").nth(1).expect("a bar");
    assert!(
        first_bar.starts_with("<title>clusterip: $136.53</title>"),
        "{first_bar}"
    );
    assert!(first_bar.contains(" height=\"102.4\" "), "{first_bar}");
    assert_eq!(first_bar.matches("<rect class=\"seg\"").count(), 1);
    let _ = std::fs::remove_dir_all(&dir);
}

/// The sweep page in the browser: the line chart has one series per option and a marker per
/// distinct break-even position, laid out inside the chart, with no console message.
fn sweep_page_renders_in_headless_chromium(browser: &Browser) {
    let bin = browser.chromium();
    let dir = scratch("sweep");
    let page = dir.join("sweep.html");
    let o = Command::new(env!("CARGO_BIN_EXE_ewsim"))
        .args([
            "sweep",
            "scenarios/eks-10tb.yaml",
            "--set",
            "traffic=1TB..100TB",
        ])
        .args(["--steps", "12", "--no-latency", "--format", "html", "--out"])
        .arg(&page)
        .current_dir(root())
        .output()
        .expect("runs ewsim");
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let html = std::fs::read_to_string(&page).expect("page written");
    let png = dir.join("sweep.png");
    let shot = chromium(
        &bin,
        &dir,
        "profile-shot",
        &[
            format!("--screenshot={}", png.display()),
            "--window-size=1280,1600".into(),
        ],
        &page,
    );
    assert_eq!(console_lines(&shot), Vec::<String>::new(), "console output");
    assert!(
        std::fs::metadata(&png).expect("screenshot").len() > 30_000,
        "blank screenshot"
    );
    let check = layout_check(&bin, &dir, &html, "1280,1600");
    // 17 options -> 17 series. The break-evens of eks-10tb over 1-100 TB all lie between 2.11 and
    // 2.19 TB (the zonal NLB's $16.43 of hours against per-GB options: 16.425 / (1/75 - 0.006)
    // = 2,240 GB for ClusterIP), within 1% of the 99 TB span of each other: one marker.
    assert_eq!(
        check,
        "ok charts=1 bars=0 segments=0 rows=0 marks=0 series=17 markers=1"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

// ---- the harness ----

/// Whether the browser tests can run, decided once from the environment.
struct Browser {
    /// Chromium, or why there is none.
    found: Result<PathBuf, String>,
    /// `EWSIM_REQUIRE_BROWSER=1`: a missing browser fails the tests instead of ignoring them.
    required: bool,
    /// `EWSIM_SKIP_BROWSER=1`: ignore the browser tests even when Chromium is there.
    skipped: bool,
}

impl Browser {
    fn from_env() -> Browser {
        let on = |name: &str| std::env::var(name).as_deref() == Ok("1");
        Browser {
            found: find_chromium(),
            required: on("EWSIM_REQUIRE_BROWSER"),
            skipped: on("EWSIM_SKIP_BROWSER"),
        }
    }

    /// Why a browser test is ignored, or `None` when it runs.
    fn ignore_reason(&self) -> Option<String> {
        if self.required {
            return None;
        }
        if self.skipped {
            return Some("EWSIM_SKIP_BROWSER=1".into());
        }
        match &self.found {
            Ok(_) => None,
            Err(why) => Some(format!(
                "{why}; install it (`apt-get install -y chromium`) or set EWSIM_CHROMIUM; \
                 EWSIM_REQUIRE_BROWSER=1 makes this a failure"
            )),
        }
    }

    /// The browser binary; a test that runs without one fails here, saying why.
    fn chromium(&self) -> PathBuf {
        match &self.found {
            Ok(p) => p.clone(),
            Err(why) => panic!(
                "{why}: the browser tests need Chromium (EWSIM_REQUIRE_BROWSER={}); install it \
                 (`apt-get install -y chromium`) or point EWSIM_CHROMIUM at a Chrome binary",
                if self.required { "1" } else { "unset" }
            ),
        }
    }
}

/// One test: its name, whether it needs the browser, and the function.
struct Trial {
    name: &'static str,
    needs_browser: bool,
    run: fn(&Browser),
}

const TRIALS: &[Trial] = &[
    Trial {
        name: "html_page_is_self_contained_and_escapes_scenario_text",
        needs_browser: false,
        run: html_page_is_self_contained_and_escapes_scenario_text,
    },
    Trial {
        name: "html_report_renders_in_headless_chromium",
        needs_browser: true,
        run: html_report_renders_in_headless_chromium,
    },
    Trial {
        name: "sweep_page_renders_in_headless_chromium",
        needs_browser: true,
        run: sweep_page_renders_in_headless_chromium,
    },
];

/// The libtest arguments this harness honours.
#[derive(Default)]
struct Args {
    filters: Vec<String>,
    skip: Vec<String>,
    exact: bool,
    list: bool,
    terse: bool,
    ignored: bool,
    include_ignored: bool,
    threads: Option<usize>,
}

impl Args {
    fn parse() -> Result<Args, String> {
        let mut a = Args::default();
        let mut it = std::env::args().skip(1);
        while let Some(arg) = it.next() {
            let (flag, inline) = match arg.split_once('=') {
                Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
                _ => (arg.clone(), None),
            };
            let mut value = || inline.clone().or_else(|| it.next()).unwrap_or_default();
            match flag.as_str() {
                "--exact" => a.exact = true,
                "--list" => a.list = true,
                "--ignored" => a.ignored = true,
                "--include-ignored" => a.include_ignored = true,
                "--skip" => a.skip.push(value()),
                "--format" => a.terse = value() == "terse",
                "--test-threads" => a.threads = value().parse().ok(),
                "--color" | "--logfile" | "-Z" => {
                    value();
                }
                "--nocapture"
                | "--show-output"
                | "-q"
                | "--quiet"
                | "--report-time"
                | "--force-run-in-process" => {}
                f if f.starts_with('-') => return Err(format!("unsupported argument {f}")),
                _ => a.filters.push(arg),
            }
        }
        Ok(a)
    }

    fn selects(&self, name: &str) -> bool {
        let hit = |f: &String| {
            if self.exact {
                name == f
            } else {
                name.contains(f.as_str())
            }
        };
        (self.filters.is_empty() || self.filters.iter().any(hit)) && !self.skip.iter().any(hit)
    }
}

enum Outcome {
    Passed,
    Failed,
    Ignored,
}

fn main() -> ExitCode {
    let args = match Args::parse() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(101);
        }
    };
    let browser = Browser::from_env();
    let selected: Vec<&Trial> = TRIALS.iter().filter(|t| args.selects(t.name)).collect();
    let filtered_out = TRIALS.len() - selected.len();
    if args.list {
        for t in &selected {
            println!("{}: test", t.name);
        }
        if !args.terse {
            println!("\n{} tests, 0 benchmarks", selected.len());
        }
        return ExitCode::SUCCESS;
    }
    let n = selected.len();
    println!("\nrunning {n} test{}", if n == 1 { "" } else { "s" });
    let started = Instant::now();
    let outcomes = run_all(&selected, &browser, &args);
    let count = |f: fn(&Outcome) -> bool| outcomes.iter().filter(|(_, o)| f(o)).count();
    let passed = count(|o| matches!(o, Outcome::Passed));
    let failed = count(|o| matches!(o, Outcome::Failed));
    let ignored = count(|o| matches!(o, Outcome::Ignored));
    if failed > 0 {
        println!("\nfailures:");
        for (name, o) in &outcomes {
            if matches!(o, Outcome::Failed) {
                println!("    {name}");
            }
        }
    }
    println!(
        "\ntest result: {}. {passed} passed; {failed} failed; {ignored} ignored; 0 measured; \
         {filtered_out} filtered out; finished in {:.2}s\n",
        if failed > 0 { "FAILED" } else { "ok" },
        started.elapsed().as_secs_f64()
    );
    if failed > 0 {
        ExitCode::from(101)
    } else {
        ExitCode::SUCCESS
    }
}

/// Runs the selected trials (in parallel unless `--test-threads 1`), printing a libtest line for
/// each as it finishes; a panic fails the trial.
fn run_all(selected: &[&Trial], browser: &Browser, args: &Args) -> Vec<(&'static str, Outcome)> {
    let mut outcomes = Vec::new();
    let mut todo = Vec::new();
    for t in selected {
        let reason = if t.needs_browser {
            browser.ignore_reason()
        } else {
            None
        };
        match reason {
            Some(r) if !(args.ignored || args.include_ignored) => {
                println!("test {} ... ignored, {r}", t.name);
                outcomes.push((t.name, Outcome::Ignored));
            }
            None if args.ignored => {} // `--ignored` runs only the ignored tests
            _ => todo.push(*t),
        }
    }
    let report = |name: &'static str, ok: bool| {
        println!("test {name} ... {}", if ok { "ok" } else { "FAILED" });
        (name, if ok { Outcome::Passed } else { Outcome::Failed })
    };
    let run = |t: &Trial| std::panic::catch_unwind(|| (t.run)(browser)).is_ok();
    if args.threads == Some(1) {
        for t in todo {
            outcomes.push(report(t.name, run(t)));
        }
        return outcomes;
    }
    std::thread::scope(|s| {
        let (tx, rx) = std::sync::mpsc::channel();
        for t in todo {
            let tx = tx.clone();
            std::thread::Builder::new()
                .name(t.name.into())
                .spawn_scoped(s, move || {
                    let _ = tx.send((t.name, run(t)));
                })
                .expect("spawns a test thread");
        }
        drop(tx);
        for (name, ok) in rx {
            outcomes.push(report(name, ok));
        }
    });
    outcomes
}
