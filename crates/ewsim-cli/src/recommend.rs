//! `ewsim recommend`: arguments, evaluation through the shared loader path, and rendering of the
//! library's [`ewsim::recommend::Recommendation`]. All filtering and ranking is in the library.

use crate::{Failure, Format, load_inputs, write_output};
use ewsim::cost::cents;
use ewsim::recommend::{CapabilityTable, GuideExample, Recommendation, guide_examples};
use rust_decimal::Decimal;
use serde_json::{Value, json};
use std::path::PathBuf;

/// Latency samples per option when `--samples` is not given: p99 only breaks ties between options
/// of equal cost, and 20,000 requests put 200 of them above the p99.
const DEFAULT_SAMPLES: u64 = 20_000;

/// Arguments of `ewsim recommend`.
#[derive(clap::Args)]
pub struct RecommendArgs {
    /// Scenario file (YAML, `version: 1`).
    #[arg(required_unless_present = "list")]
    file: Option<PathBuf>,
    /// Required capabilities, comma-separated, e.g. `l7-routing,waf` (`--list` names them all).
    #[arg(long, value_name = "NAMES", conflicts_with = "example")]
    require: Option<String>,
    /// Use one of the reference guide's scenario rows as the requirements (`--list` names them).
    #[arg(long, value_name = "NAME")]
    example: Option<String>,
    /// List the capabilities and the shipped example requirement sets, then exit.
    #[arg(long)]
    list: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// Write to FILE instead of standard output (written whole or not at all).
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Price table or override file (YAML) applied over the region's built-in table.
    #[arg(long, value_name = "FILE")]
    pricing: Option<PathBuf>,
    /// Simulated requests per option for the p99 tie-break (default 20,000).
    #[arg(long, value_name = "N")]
    samples: Option<u64>,
    /// Seed of the latency simulation (default: the scenario's `latency.seed`, 1).
    #[arg(long, value_name = "S")]
    seed: Option<u64>,
    /// Skip the latency simulation: rank by cost only, ties in scenario order.
    #[arg(long)]
    no_latency: bool,
}

/// Runs `ewsim recommend`.
pub fn recommend(args: &RecommendArgs) -> Result<(), Failure> {
    let table = CapabilityTable::builtin()
        .map_err(|e| Failure::Runtime(crate::failure::diagnostics(&e)))?;
    let examples =
        guide_examples(&table).map_err(|e| Failure::Runtime(crate::failure::diagnostics(&e)))?;
    if args.list {
        return write_output(args.out.as_deref(), &list(&table, &examples))
            .map_err(Failure::Runtime);
    }
    let (requirements, example) = match (&args.require, &args.example) {
        (Some(r), _) => (table.parse_requirements(r).map_err(Failure::from)?, None),
        (None, Some(name)) => {
            let ex = examples.iter().find(|e| &e.name == name).ok_or_else(|| {
                let names: Vec<&str> = examples.iter().map(|e| e.name.as_str()).collect();
                Failure::Input(format!(
                    "error: --example: unknown example `{name}` (hint: known examples: {})",
                    names.join(", ")
                ))
            })?;
            (ex.require.clone(), Some(ex))
        }
        (None, None) => {
            return Err(Failure::Input(
                "error: give --require NAMES or --example NAME (`ewsim recommend --list` shows both)"
                    .into(),
            ));
        }
    };
    if args.samples == Some(0) {
        return Err(Failure::Input("error: --samples must be at least 1".into()));
    }
    let Some(file) = &args.file else {
        return Err(Failure::Input("error: a scenario file is required".into()));
    };
    let (loaded, prices) = load_inputs(file, args.pricing.as_deref())?;
    let scenario = &loaded.scenario;
    // Ranges stand at their medians: the ranking uses the point figures.
    let mut opts = ewsim::run::RunOptions::of(scenario)
        .draws(None)
        .samples(args.samples.unwrap_or(DEFAULT_SAMPLES));
    if let Some(seed) = args.seed {
        opts = opts.seed(seed);
    }
    if args.no_latency {
        opts = opts.without_latency();
    }
    let report = ewsim::run::run(&loaded, &prices, &opts)
        .map_err(|e| match e {
            ewsim::Error::Input(i) => crate::input(i, Some(&loaded)),
            other => other.into(),
        })?
        .report;
    let rec = ewsim::recommend::recommend(scenario, &report, &table, &requirements);
    let text = match args.format {
        Format::Table => table_text(&report, &rec, example),
        Format::Markdown => markdown(&report, &rec, example),
        Format::Json => json_text(&report, &table, &rec, example),
        Format::Csv => csv_text(&rec),
        Format::Html => html_page(&report, &rec, example),
    };
    write_output(args.out.as_deref(), &text).map_err(Failure::Runtime)
}

fn usd(v: Decimal) -> String {
    format!("{:.2}", cents(v))
}

fn pct(v: Decimal) -> String {
    format!("{}%", (v * Decimal::from(100)).round_dp(2).normalize())
}

fn p99(v: Option<f64>) -> String {
    v.map(|x| format!("{x:.3}")).unwrap_or_default()
}

/// `--list`: capabilities with their meaning, then the example requirement sets.
fn list(table: &CapabilityTable, examples: &[GuideExample]) -> String {
    let mut rows = vec![vec!["capability".to_string(), "meaning".to_string()]];
    rows.extend(
        table
            .capabilities
            .iter()
            .map(|c| vec![c.name.clone(), c.description.clone()]),
    );
    let mut out = format!(
        "capabilities (capabilities/options.yaml, as of {}):\n",
        table.as_of
    );
    out.push_str(&crate::render::align(&rows, 2));
    out.push_str("\nexamples (the reference guide's scenario matrix, --example NAME):\n");
    let mut rows = vec![vec![
        "name".to_string(),
        "row".to_string(),
        "requires".to_string(),
        "guide scenario".to_string(),
    ]];
    rows.extend(examples.iter().map(|e| {
        vec![
            e.name.clone(),
            e.row.to_string(),
            e.require.join(","),
            e.guide_scenario.clone(),
        ]
    }));
    out.push_str(&crate::render::align(&rows, 4));
    out
}

/// Lines naming the answer, for the table and Markdown outputs.
fn verdict(rec: &Recommendation) -> String {
    match (rec.best(), rec.ranked.first()) {
        (Some(b), _) => {
            let lat = b
                .p99_ms
                .map(|p| format!(", p99 {p:.3} ms"))
                .unwrap_or_default();
            format!(
                "recommended: {} ({}, ${}/month{lat})",
                b.option,
                b.kind,
                usd(b.monthly_cost_usd)
            )
        }
        (None, Some(_)) => "recommended: none: every option that meets the requirements drops requests in this scenario".into(),
        (None, None) => "recommended: none: no option in this scenario meets every requirement".into(),
    }
}

fn ranked_rows(rec: &Recommendation) -> Vec<Vec<String>> {
    rec.ranked
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let mut row = vec![
                (i + 1).to_string(),
                format!("{}{}", c.option, if c.assumed { "*" } else { "" }),
                c.kind.to_string(),
                usd(c.monthly_cost_usd),
            ];
            if rec.latency_ranked {
                row.push(p99(c.p99_ms));
            }
            row.push(pct(c.dropped_share));
            row
        })
        .collect()
}

fn missing_text(m: &ewsim::recommend::Missing) -> String {
    match &m.note {
        Some(n) => format!("{} ({n})", m.capability),
        None => m.capability.clone(),
    }
}

fn table_text(
    report: &ewsim::Report,
    rec: &Recommendation,
    example: Option<&GuideExample>,
) -> String {
    let mut out = crate::render::table_header(report);
    if let Some(e) = example {
        out.push_str(&format!(
            "example {} (guide row {}): {}\n  guide recommends: {}\n",
            e.name, e.row, e.guide_scenario, e.guide_solution
        ));
    }
    out.push_str(&format!("requires: {}\n", rec.requirements.join(", ")));
    out.push_str(&format!(
        "ranking: delivered requests first, then monthly cost to the cent{}, then scenario order\n\n",
        if rec.latency_ranked { ", then p99" } else { "" }
    ));
    out.push_str(&verdict(rec));
    out.push_str("\n\n");
    if !rec.ranked.is_empty() {
        let mut header = vec!["rank", "option", "kind", "USD/month"];
        if rec.latency_ranked {
            header.push("p99 ms");
        }
        header.push("dropped");
        let mut rows = vec![header.into_iter().map(String::from).collect()];
        rows.extend(ranked_rows(rec));
        out.push_str(&crate::render::align(&rows, 3));
        let conds: Vec<String> = rec
            .ranked
            .iter()
            .flat_map(|c| {
                c.conditions
                    .iter()
                    .map(move |(cap, n)| format!("  {} {cap}: {n}", c.option))
            })
            .collect();
        if !conds.is_empty() {
            out.push_str("\nconditions:\n");
            out.push_str(&conds.join("\n"));
            out.push('\n');
        }
    }
    if !rec.excluded.is_empty() {
        out.push_str("\nexcluded:\n");
        for x in &rec.excluded {
            let m: Vec<String> = x.missing.iter().map(missing_text).collect();
            out.push_str(&format!(
                "  {} ({}, ${}): lacks {}\n",
                x.option,
                x.kind,
                usd(x.monthly_cost_usd),
                m.join("; ")
            ));
        }
    }
    out
}

/// The recommendation as a self-contained page: the verdict, the ranked and the excluded options.
fn html_page(
    report: &ewsim::Report,
    rec: &Recommendation,
    example: Option<&GuideExample>,
) -> String {
    use crate::render::html;
    let esc = crate::render::svg::esc;
    let title = format!("ewsim recommend: {}", report.cost.scenario);
    let mut head = format!(
        "<header>\n<h1>{}</h1>\n<p>{}</p>\n",
        esc(&title),
        esc(&crate::render::prices_line(report))
    );
    if let Some(e) = example {
        head.push_str(&format!(
            "<p>Guide row {} ({}): {}. The guide recommends: {}.</p>\n",
            e.row,
            esc(&e.name),
            esc(&e.guide_scenario),
            esc(&e.guide_solution)
        ));
    }
    head.push_str(&format!(
        "<p>Requires: {}.</p>\n<p><strong>{}</strong></p>\n</header>",
        esc(&rec.requirements.join(", ")),
        esc(&verdict(rec))
    ));
    let mut header = vec!["rank", "option", "kind", "USD/month"];
    if rec.latency_ranked {
        header.push("p99 ms");
    }
    header.push("dropped");
    let ranked = html::table(&header, &ranked_rows(rec), 3, "summary");
    let excluded: Vec<Vec<String>> = rec
        .excluded
        .iter()
        .map(|x| {
            let m: Vec<String> = x.missing.iter().map(missing_text).collect();
            vec![
                x.option.clone(),
                x.kind.to_string(),
                usd(x.monthly_cost_usd),
                m.join("; "),
            ]
        })
        .collect();
    let excluded = html::table(
        &["option", "kind", "USD/month", "lacks"],
        &excluded,
        2,
        "summary",
    );
    html::document(
        &title,
        &[
            head,
            format!(
                "<section>\n<h2>Eligible options</h2>\n{}\n</section>",
                ranked
            ),
            format!(
                "<section>\n<h2>Excluded options</h2>\n{}\n</section>",
                excluded
            ),
        ],
    )
}

fn markdown(
    report: &ewsim::Report,
    rec: &Recommendation,
    example: Option<&GuideExample>,
) -> String {
    let mut out = format!(
        "**{}**: region {}, prices as of {}, {}\n\n",
        report.cost.scenario,
        report.cost.region,
        report.cost.price_table_as_of,
        report.cost.conventions()
    );
    if let Some(e) = example {
        out.push_str(&format!(
            "Guide row {} ({}): {}. The guide recommends: {}.\n\n",
            e.row, e.name, e.guide_scenario, e.guide_solution
        ));
    }
    out.push_str(&format!(
        "Requires: {}. {}.\n\n",
        rec.requirements
            .iter()
            .map(|r| format!("`{r}`"))
            .collect::<Vec<_>>()
            .join(", "),
        verdict(rec)
    ));
    let mut header = vec!["Rank", "Option", "Kind", "Monthly cost (USD)"];
    if rec.latency_ranked {
        header.push("p99 (ms)");
    }
    header.push("Dropped");
    out.push_str(&format!("| {} |\n", header.join(" | ")));
    out.push_str(&format!("|{}\n", "---|".repeat(header.len())));
    for r in ranked_rows(rec) {
        out.push_str(&format!("| {} |\n", r.join(" | ")));
    }
    if !rec.excluded.is_empty() {
        out.push_str("\n| Excluded | Kind | Monthly cost (USD) | Lacks |\n|---|---|---|---|\n");
        for x in &rec.excluded {
            let m: Vec<String> = x.missing.iter().map(missing_text).collect();
            out.push_str(&format!(
                "| {} | {} | {} | {} |\n",
                x.option,
                x.kind,
                usd(x.monthly_cost_usd),
                m.join("; ")
            ));
        }
    }
    out
}

fn json_text(
    report: &ewsim::Report,
    table: &CapabilityTable,
    rec: &Recommendation,
    example: Option<&GuideExample>,
) -> String {
    let source = |id: &str| {
        table
            .sources
            .get(id)
            .map(|s| json!({"id": id, "title": s.title, "url": s.url, "as_of": s.as_of}))
            .unwrap_or(Value::Null)
    };
    let v = json!({
        "schema_version": ewsim::report::SCHEMA_VERSION,
        "scenario": report.cost.scenario,
        "region": report.cost.region,
        "price_table_as_of": report.cost.price_table_as_of,
        "capabilities_as_of": table.as_of,
        "example": example.map(|e| json!({
            "name": e.name, "row": e.row, "guide_scenario": e.guide_scenario,
            "guide_solution": e.guide_solution,
        })),
        "requirements": rec.requirements,
        "latency": report.latency.as_ref().map(|l| json!({"samples": l.samples, "seed": l.seed})),
        "recommended": rec.best().map(|c| c.option.clone()),
        "ranked": rec.ranked.iter().enumerate().map(|(i, c)| json!({
            "rank": i + 1,
            "option": c.option,
            "kind": c.kind,
            "monthly_cost_usd": usd(c.monthly_cost_usd).parse::<f64>().unwrap_or_default(),
            "monthly_cost_usd_exact": c.monthly_cost_usd.to_string(),
            "p99_ms": c.p99_ms,
            "dropped_share": c.dropped_share.to_string().parse::<f64>().unwrap_or_default(),
            "assumed": c.assumed,
            "conditions": c.conditions.iter().map(|(cap, n)| json!({"capability": cap, "note": n})).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "excluded": rec.excluded.iter().map(|x| json!({
            "option": x.option,
            "kind": x.kind,
            "monthly_cost_usd_exact": x.monthly_cost_usd.to_string(),
            "missing": x.missing.iter().map(|m| json!({
                "capability": m.capability, "note": m.note, "source": source(&m.source),
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    });
    let mut s = serde_json::to_string_pretty(&v).unwrap_or_default();
    s.push('\n');
    s
}

/// One row per option: eligible ones in rank order, then the excluded ones.
fn csv_text(rec: &Recommendation) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut rows: Vec<Vec<String>> = vec![
        [
            "rank",
            "option",
            "kind",
            "eligible",
            "monthly_cost_usd",
            "p99_ms",
            "dropped_share",
            "missing",
        ]
        .map(String::from)
        .to_vec(),
    ];
    for (i, c) in rec.ranked.iter().enumerate() {
        rows.push(vec![
            (i + 1).to_string(),
            c.option.clone(),
            c.kind.to_string(),
            "true".into(),
            usd(c.monthly_cost_usd),
            p99(c.p99_ms),
            c.dropped_share.normalize().to_string(),
            String::new(),
        ]);
    }
    for x in &rec.excluded {
        rows.push(vec![
            String::new(),
            x.option.clone(),
            x.kind.to_string(),
            "false".into(),
            usd(x.monthly_cost_usd),
            String::new(),
            String::new(),
            x.missing
                .iter()
                .map(|m| m.capability.as_str())
                .collect::<Vec<_>>()
                .join(";"),
        ]);
    }
    for r in rows {
        // Writing to memory cannot fail for lack of space; a failure leaves the row out.
        let _ = w.write_record(&r);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}
