//! The HTML report (`--format html --output`) through the real binary: its
//! text snapshotted on a sample log, a hostile log that must stay text, the
//! usage errors, and the page as a browser renders it (headless Chromium:
//! the DOM's rows and charts, and a screenshot).
//!
//! Chromium is looked for on the PATH (`chromium`, `chromium-browser`,
//! `google-chrome`); without it the browser test says why and passes,
//! unless `TENET_REQUIRE_CHROMIUM=1` (as in CI), when it fails.

#![expect(clippy::unwrap_used, reason = "test helpers fail loudly on a broken environment")]

use assert_cmd::Command;
use std::path::{Path, PathBuf};

/// Runs `tenet --color never check ARGS`: status, stdout, stderr.
fn tenet(args: &[&str]) -> (i32, String, String) {
    let out = Command::cargo_bin("tenet").unwrap().args(["--color", "never", "check"]).args(args).output().unwrap();
    (out.status.code().unwrap(), String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
}

/// The page of `policy` over `log`, written with `--output` into `dir`.
fn page(dir: &Path, policy: &str, log: &str, extra: &[&str]) -> (PathBuf, String) {
    let path = dir.join("report.html");
    let mut args = vec![policy, "--events", log, "--format", "html", "--output", path.to_str().unwrap()];
    args.extend(extra);
    let (code, stdout, stderr) = tenet(&args);
    assert_eq!(code, 1, "violations exit with 1: {stderr}");
    assert_eq!(stdout, "", "the page goes to the file only");
    (path.clone(), std::fs::read_to_string(&path).unwrap())
}

/// The page without what changes from run to run: the time it was made
/// and the version that made it.
fn normalised(html: &str) -> String {
    let start = html.find("<dt>Generated</dt><dd><time>").unwrap() + "<dt>Generated</dt><dd><time>".len();
    let end = start + html[start..].find("</time>").unwrap();
    let html = format!("{}GENERATED-AT{}", &html[..start], &html[end..]);
    html.replace(&format!("Tenet {}", env!("CARGO_PKG_VERSION")), "Tenet VERSION")
}

#[test]
fn the_page_of_a_sample_log() {
    let dir = tempfile::tempdir().unwrap();
    let (_, html) = page(dir.path(), "policies/gb", "examples/acme-gb.jsonl", &[]);
    insta::assert_snapshot!("html_report_gb", normalised(&html));
    // Standard output without --output: the same page.
    let (code, stdout, _) = tenet(&["policies/gb", "--events", "examples/acme-gb.jsonl", "--format", "html"]);
    assert_eq!(code, 1);
    assert_eq!(normalised(&stdout), normalised(&html));
}

/// Nothing is fetched: no script, no style sheet, image or font from
/// elsewhere.
#[test]
fn the_page_stands_alone() {
    let dir = tempfile::tempdir().unwrap();
    let (_, html) = page(dir.path(), "policies/us", "examples/acme-us.jsonl", &[]);
    for fetching in ["<script", "<link", "<img", "<iframe", "src=", "@import", "url(", "href=\"http"] {
        assert!(!html.contains(fetching), "the page holds `{fetching}`");
    }
    assert!(html.contains("data-chart=\"measured-per-period\""), "a period standard's chart");
}

/// Text from a policy and a log is shown as text: markup in a case id, a
/// customer, a title, a citation or a legal text never becomes markup.
#[test]
fn markup_in_policies_and_logs_stays_text() {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("p.tenet");
    std::fs::write(
        &policy,
        r#"jurisdiction X "X <b>bold</b>"
  timezone "UTC"

event asked { case: id, customer: id }
event answered { case: id }

rule answer "Answer <script>alert('title')</script>"
  cites "Art. 1 <i>"
  text "</blockquote><script>alert('text')</script>"
{
  when asked as a
  require answered where case == a.case within 1 hours
  remedy 5 EUR
}
"#,
    )
    .unwrap();
    let log = dir.path().join("log.jsonl");
    std::fs::write(
        &log,
        concat!(
            r#"{"time":"2026-03-02T10:00:00Z","type":"asked","case":"<script>alert('case')</script>","customer":"\"><img src=x onerror=alert(1)>"}"#,
            "\n",
            r#"{"time":"2026-03-02T12:00:00Z","type":"answered","case":"<script>alert('case')</script>"}"#,
            "\n"
        ),
    )
    .unwrap();
    let (_, html) = page(dir.path(), policy.to_str().unwrap(), log.to_str().unwrap(), &[]);
    assert!(!html.contains("<script"), "{html}");
    assert!(!html.contains("<img"), "{html}");
    assert!(!html.contains("<b>bold"), "{html}");
    assert!(html.contains("&lt;script&gt;alert(&#39;case&#39;)&lt;/script&gt;"), "the case id, as text");
    assert!(html.contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"), "the customer, as text");
    assert!(html.contains("&lt;/blockquote&gt;&lt;script&gt;"), "the legal text, as text");
}

#[test]
fn a_page_needs_a_log_and_a_folder_to_go_to() {
    let (code, stdout, stderr) = tenet(&["policies/gb", "--format", "html"]);
    assert_eq!(code, 2);
    assert_eq!(stdout, "");
    assert!(stderr.contains("`--format html` needs `--events`"), "{stderr}");
    assert!(stderr.contains("--events LOG"), "the hint: {stderr}");
    let (code, _, stderr) = tenet(&[
        "policies/gb",
        "--events",
        "examples/acme-gb.jsonl",
        "--format",
        "html",
        "--output",
        "no/such/folder/report.html",
    ]);
    assert_eq!(code, 2);
    assert!(stderr.contains("cannot write `no/such/folder/report.html`: no such file or directory"), "{stderr}");
}

/// Every format writes to `--output` what it writes to standard output; a
/// run that fails before its report leaves the file as it was.
#[test]
fn output_takes_every_format_and_replaces_the_file_whole() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report");
    let out = path.to_str().unwrap();
    for format in ["human", "json", "jsonl", "sarif"] {
        let base = ["policies/br", "--events", "examples/acme-br.jsonl", "--format", format];
        let (_, stdout, _) = tenet(&base);
        let (code, nothing, _) = tenet(&[&base[..], &["--output", out]].concat());
        assert_eq!((code, nothing.as_str()), (1, ""), "{format}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), stdout, "{format}");
    }
    // A log that cannot be read: no page, the old file stays.
    std::fs::write(&path, "old").unwrap();
    let (code, _, _) = tenet(&["policies/br", "--events", "no-such.jsonl", "--format", "html", "--output", out]);
    assert_eq!(code, 2);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "old");
    let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names.len(), 1, "no temporary file left: {names:?}");
}

/// The browser, if any: the first of the usual names found on the PATH.
fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .flat_map(|name| std::env::split_paths(&path).map(move |dir| dir.join(name)))
        .find(|p| p.is_file())
}

/// Runs headless Chromium on `args` and returns its standard output.
fn headless(browser: &Path, args: &[&str]) -> String {
    let out = std::process::Command::new(browser)
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run"])
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.success(), "{browser:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// The page as Chromium renders it: a row per rule, a chart per rule with
/// instances, the period standards' charts, the evidence rows; then a
/// screenshot of it.
#[test]
fn chromium_renders_the_page() {
    let Some(browser) = chromium() else {
        let why = "no chromium, chromium-browser or google-chrome on the PATH";
        assert!(std::env::var("TENET_REQUIRE_CHROMIUM").as_deref() != Ok("1"), "{why}, and TENET_REQUIRE_CHROMIUM=1");
        eprintln!("skipped: {why} (install chromium, or set TENET_REQUIRE_CHROMIUM=1 to fail instead)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (path, html) = page(dir.path(), "policies/us", "examples/acme-us.jsonl", &[]);
    let url = format!("file://{}", path.display());
    let dom = headless(&browser, &["--dump-dom", &url]);
    let count = |needle: &str| dom.matches(needle).count();
    let json = |args: &[&str]| {
        let base = ["policies/us", "--events", "examples/acme-us.jsonl", "--format", "json"];
        let (_, stdout, _) = tenet(&[&base[..], args].concat());
        serde_json::from_str::<serde_json::Value>(&stdout).unwrap()
    };
    let report = json(&[]);
    let rules = report["rules"].as_array().unwrap();
    let with_instances = rules
        .iter()
        .filter(|r| ["satisfied", "violated", "pending"].iter().any(|k| r[k].as_u64().unwrap() > 0))
        .count();
    assert_eq!(count("class=\"rule-row\""), rules.len(), "a row per rule");
    assert_eq!(count("<section class=\"rule\""), with_instances, "a section per rule with instances");
    assert!(count("<svg") >= 5, "charts drawn: {}", count("<svg"));
    assert_eq!(count("<svg"), count("<figure class=\"chart\""), "one drawing per chart");
    assert!(count("data-chart=\"measured-per-period\"") >= 1);
    assert!(count("<rect") > count("<svg"), "bars in the charts");
    assert!(count("<circle") >= 1, "periods as dots");
    let violations = report["violations"].as_array().unwrap().len();
    assert_eq!(count("class=\"evidence-row\""), violations, "a row per violation (fewer than 100 per rule)");
    assert_eq!(dom.matches("<table").count(), html.matches("<table").count(), "the browser kept every table");
    let shot = dir.path().join("report.png");
    headless(&browser, &[&format!("--screenshot={}", shot.display()), "--window-size=1280,1800", &url]);
    let png = std::fs::read(&shot).unwrap();
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "a PNG");
    assert!(png.len() > 20_000, "a page, not a blank: {} bytes", png.len());
    // Kept for a look when the test runs in CI.
    let kept = Path::new(env!("CARGO_TARGET_TMPDIR")).join("html-report.png");
    std::fs::write(&kept, &png).unwrap();
}
