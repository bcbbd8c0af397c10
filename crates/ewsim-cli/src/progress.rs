//! A spinner with the elapsed time on standard error while a long evaluation runs, so a run of
//! many seconds does not look hung. Shown only when standard error is a terminal and the work is
//! expected to take over about a second; never in pipes, files or CI logs.

use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::time::Duration;

/// Simulated request-hops a second the latency engine manages at the least on one core of a
/// small machine (measured: docs/cli.md "Progress"); work above this shows the spinner.
const WORK_PER_SECOND: u64 = 4_000_000;

/// The spinner of one evaluation (nothing when it is not shown).
pub struct Spinner(Option<ProgressBar>);

impl Spinner {
    /// Starts the spinner with `message` when `work` (see [`run_work`]) is expected to take over
    /// a second and standard error is a terminal.
    pub fn start(work: u64, message: &str) -> Spinner {
        if work < WORK_PER_SECOND || !std::io::stderr().is_terminal() {
            return Spinner(None);
        }
        let bar = ProgressBar::new_spinner();
        if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} ({elapsed})") {
            bar.set_style(style);
        }
        bar.set_message(message.to_string());
        bar.enable_steady_tick(Duration::from_millis(120));
        Spinner(Some(bar))
    }

    /// Removes the spinner (the line is cleared, so the output that follows starts clean).
    pub fn finish(self) {
        if let Some(bar) = self.0 {
            bar.finish_and_clear();
        }
    }
}

/// The simulation work of evaluating `loaded` once with `samples` requests per option (`None`:
/// no latency) and `draws` draws of its ranges, in request-hops: requests x options x (traffic
/// edges + calls written in the call graph), each draw simulating a twentieth of the requests (at
/// least 1,000), as the library does.
pub fn run_work(
    loaded: &ewsim::loader::LoadedScenario,
    samples: Option<u64>,
    draws: Option<usize>,
) -> u64 {
    let s = &loaded.scenario;
    let calls: u64 = s.call_graph.as_ref().map_or(0, |g| {
        let stages = g
            .entry_points
            .iter()
            .flat_map(|e| &e.stages)
            .chain(g.services.iter().flat_map(|c| &c.stages));
        stages.flatten().map(|c| u64::from(c.count)).sum()
    });
    let hops = (s.traffic.len().max(1) as u64).saturating_add(calls);
    let per_request = (s.options.len() as u64).saturating_mul(hops);
    let Some(samples) = samples else {
        // Cost only: each draw is a cost evaluation, about a thousand request-hops' worth.
        return (draws.unwrap_or(0) as u64).saturating_mul(per_request.saturating_mul(1_000));
    };
    let draw_samples = (samples / 20).max(1_000);
    let requests = samples.saturating_add((draws.unwrap_or(0) as u64).saturating_mul(draw_samples));
    requests.saturating_mul(per_request)
}
