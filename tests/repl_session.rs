//! The REPL session, command by command, without a terminal.
#![expect(clippy::unwrap_used, reason = "tests fail loudly")]

use tenet::diagnostics::RenderOptions;
use tenet::repl::{complete, help, is_complete, Reply, Session, Words};

fn enter_crate_root() {
    std::env::set_current_dir(env!("CARGO_MANIFEST_DIR")).unwrap();
}

fn plain() -> RenderOptions {
    RenderOptions { color: false, width: 80 }
}

/// A session with Brazil's rules and the Brazilian sample log.
fn br() -> Session {
    enter_crate_root();
    let mut s = Session::new(plain());
    assert!(s.load_path("policies/br").ok);
    assert!(s.load_events("examples/acme-br.jsonl").ok);
    s
}

fn ok(s: &mut Session, input: &str) -> String {
    let r = s.eval(input);
    assert!(r.ok, "`{input}` was rejected:\n{}", r.text);
    r.text
}

fn err(s: &mut Session, input: &str) -> String {
    let r = s.eval(input);
    assert!(!r.ok, "`{input}` was accepted:\n{}", r.text);
    r.text
}

/// The row of `rule` in a `:check` table: [satisfied, violated, pending].
fn row(check: &str, rule: &str) -> [u64; 3] {
    let line = check.lines().find(|l| l.split_whitespace().next() == Some(rule)).unwrap();
    let n: Vec<u64> = line.split_whitespace().skip(2).take(3).map(|x| x.parse().unwrap()).collect();
    [n[0], n[1], n[2]]
}

const SEVEN_TO_FOURTEEN: &str = r#"rule answer_within_7_days "Consumer demands are answered within fourteen days"
  cites "Decreto 11.034/2022, art. 13"
{
  when complaint_received as c
  require complaint_resolved where case == c.case within 14 calendar days
}"#;

#[test]
fn help_lists_every_command() {
    insta::assert_snapshot!(help());
    let mut s = Session::new(plain());
    assert_eq!(ok(&mut s, ":help"), format!("{}\n", help()));
}

#[test]
fn prompt_names_the_jurisdiction() {
    enter_crate_root();
    let mut s = Session::new(plain());
    assert_eq!(s.prompt(), "tenet> ");
    assert!(s.load_path("policies/br").ok);
    assert_eq!(s.prompt(), "tenet[BR]> ");
}

#[test]
fn check_counts_the_sample_verdicts() {
    let mut s = br();
    let out = ok(&mut s, ":check");
    assert_eq!(row(&out, "answer_within_7_days"), [1, 1, 1]);
    assert_eq!(row(&out, "cancel_regardless_of_debt"), [0, 1, 0]);
    assert!(out.contains("violated answer_within_7_days for case \"SAC-502\", customer \"K-23\""), "{out}");
    assert!(out.contains("29 events, 0 bad lines, 8 violations"), "{out}");
    let one = ok(&mut s, ":check cancel_regardless_of_debt");
    assert!(one.contains("cancel_regardless_of_debt"));
    assert!(!one.contains("answer_within_7_days"), "{one}");
    let wrong = err(&mut s, ":check answer_within_7_day");
    assert!(wrong.contains("did you mean `answer_within_7_days`?"), "{wrong}");
}

#[test]
fn redefining_a_deadline_changes_exactly_the_instances_it_should() {
    let mut s = br();
    ok(&mut s, ":check");
    assert_eq!(ok(&mut s, ":diff"), "no verdict changed since the last :check\n");
    let out = ok(&mut s, SEVEN_TO_FOURTEEN);
    assert_eq!(
        out,
        "redefined rule `answer_within_7_days`\n\
         (a new text replaces the old one whole: what it does not say is gone; `:undo` takes it back)\n"
    );
    // SAC-502 was answered 12 hours late under seven days: on time under fourteen.
    // The pending one is still pending, the satisfied one still satisfied.
    let diff = ok(&mut s, ":diff");
    assert_eq!(
        diff,
        "1 instance(s) changed since the last :check:\n\
         ~ answer_within_7_days for case \"SAC-502\", customer \"K-23\" (trigger examples/acme-br.jsonl:11): \
         violated → satisfied\n"
    );
    let check = ok(&mut s, ":check");
    assert_eq!(row(&check, "answer_within_7_days"), [2, 0, 1]);
    // Back to seven days: the diff against the new baseline is the reverse.
    ok(&mut s, &SEVEN_TO_FOURTEEN.replace("14 calendar days", "7 calendar days"));
    assert!(ok(&mut s, ":diff").contains("satisfied → violated"));
}

#[test]
fn a_definition_with_errors_is_rejected_and_points_into_the_input() {
    let mut s = br();
    let before = ok(&mut s, ":rules");
    let out = err(&mut s, "rule slow { when complaint_recieved as c require complaint_resolved within 1 day }");
    assert!(out.contains("unknown event type `complaint_recieved`"), "{out}");
    assert!(out.contains("<repl:2>:1:18"), "{out}");
    assert!(out.contains("did you mean `complaint_received`?"), "{out}");
    assert!(out.contains("nothing was defined"), "{out}");
    assert_eq!(ok(&mut s, ":rules"), before);
    let syntax = err(&mut s, "rule r { when }");
    assert!(syntax.contains("<repl:4>"), "{syntax}");
}

#[test]
fn new_rules_join_the_loaded_jurisdiction() {
    let mut s = br();
    let out = ok(
        &mut s,
        "rule refusals_answered \"Refusals are explained\" cites \"test\" {\n  forbid cancellation_refused\n}",
    );
    assert_eq!(out, "defined rule `refusals_answered`\n");
    let rules = ok(&mut s, ":rules");
    assert!(rules.contains("refusals_answered (session) — Refusals are explained"), "{rules}");
    let check = ok(&mut s, ":check refusals_answered");
    assert_eq!(row(&check, "refusals_answered"), [0, 1, 0]);
}

#[test]
fn a_session_without_files_drafts_its_own_jurisdiction() {
    enter_crate_root();
    let mut s = Session::new(plain());
    ok(&mut s, "jurisdiction XX \"Draft\" timezone \"Europe/London\" calendar GB");
    ok(&mut s, "import \"policies/schema/telecom.tenet\"");
    ok(&mut s, "rule ack \"Acknowledge\" cites \"draft\" {\n when complaint_received as c\n require complaint_acknowledged where case == c.case within 2 business days\n}");
    assert_eq!(s.prompt(), "tenet[XX]> ");
    ok(&mut s, ":event 2026-12-24T10:00:00Z complaint_received {case: \"A\"}");
    ok(&mut s, ":event 2026-12-30T10:00:00Z complaint_acknowledged {case: \"A\"}");
    // 25, 26 (Sat) and 28 (Boxing Day substitute) are not business days in GB.
    let out = ok(&mut s, ":check");
    assert_eq!(row(&out, "ack"), [1, 0, 0], "{out}");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("draft.tenet");
    ok(&mut s, &format!(":save {}", path.display()));
    let saved = std::fs::read_to_string(&path).unwrap();
    assert!(saved.starts_with("jurisdiction XX \"Draft\""), "{saved}");
    assert!(saved.contains("within 2 business days"));
    let analysis = tenet::analyze(&[path]);
    assert!(!analysis.has_errors(), "{:?}", analysis.diagnostics);
}

#[test]
fn save_writes_a_draft_that_checks_clean_elsewhere() {
    let mut s = br();
    ok(&mut s, SEVEN_TO_FOURTEEN);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("br-draft.tenet");
    let out = ok(&mut s, &format!(":save {}", path.display()));
    assert!(out.starts_with("saved the draft of BR to"), "{out}");
    let saved = std::fs::read_to_string(&path).unwrap();
    assert!(saved.contains("within 14 calendar days"));
    assert!(!saved.contains("within 7 calendar days"));
    // The import was rewritten to reach the schema from the new place.
    let analysis = tenet::analyze(std::slice::from_ref(&path));
    assert!(!analysis.has_errors(), "{:?}", analysis.diagnostics);
    assert_eq!(tenet::fmt::format_source(&saved).unwrap(), saved, "the draft is formatted");
    // Missing folders are made; a path through a file cannot be.
    let nested = dir.path().join("drafts/2026/br.tenet");
    ok(&mut s, &format!(":save {}", nested.display()));
    let analysis = tenet::analyze(std::slice::from_ref(&nested));
    assert!(!analysis.has_errors(), "{:?}", analysis.diagnostics);
    let bad = err(&mut s, &format!(":save {}/x.tenet", path.display()));
    assert!(bad.contains("cannot create"), "{bad}");
}

#[test]
fn undo_takes_back_definitions_one_at_a_time() {
    let mut s = br();
    let before = ok(&mut s, ":check");
    ok(&mut s, SEVEN_TO_FOURTEEN);
    ok(&mut s, "rule refusals_counted \"Refusals\" cites \"test\" { forbid cancellation_refused }");
    assert!(ok(&mut s, ":rules").contains("refusals_counted (session)"));
    assert_eq!(ok(&mut s, ":undo"), "undid: defined rule `refusals_counted` (1 more to undo)\n");
    assert!(!ok(&mut s, ":rules").contains("refusals_counted"));
    assert_eq!(row(&ok(&mut s, ":check"), "answer_within_7_days"), [2, 0, 1]);
    assert_eq!(ok(&mut s, ":undo"), "undid: redefined rule `answer_within_7_days` (nothing more to undo)\n");
    assert_eq!(ok(&mut s, ":check"), before, "the session is as loaded");
    assert!(err(&mut s, ":undo").contains("nothing to undo"));
}

#[test]
fn help_quit_and_exit_need_no_colon() {
    let mut s = br();
    assert_eq!(ok(&mut s, "help"), ok(&mut s, ":help"));
    for word in ["quit", "exit"] {
        assert!(s.eval(word).quit, "{word}");
    }
}

#[test]
fn check_lists_ten_violations_per_rule_unless_asked_for_all() {
    let mut s = br();
    ok(&mut s, "rule refusals_counted \"Refusals\" cites \"test\" { forbid cancellation_refused }");
    for i in 0..12 {
        let event = format!(
            ":event 2026-03-20T10:{i:02}:00-03:00 cancellation_refused {{customer: \"X-{i}\", reason: \"debt\"}}"
        );
        ok(&mut s, &event);
    }
    let some = ok(&mut s, ":check refusals_counted");
    assert_eq!(some.matches("violated refusals_counted").count(), 10, "{some}");
    assert!(
        some.contains("… and 3 more violations of refusals_counted (`:check --all refusals_counted` lists them)"),
        "{some}"
    );
    assert_eq!(row(&some, "refusals_counted"), [0, 13, 0]);
    let all = ok(&mut s, ":check --all refusals_counted");
    assert_eq!(all.matches("violated refusals_counted").count(), 13, "{all}");
    assert!(!all.contains("more violations"), "{all}");
    assert!(ok(&mut s, ":check --all").contains("answer_within_7_days"));
}

#[test]
fn explain_a_violation() {
    let mut s = br();
    insta::assert_snapshot!("explain_violation", ok(&mut s, ":explain answer_within_7_days SAC-502"));
}

#[test]
fn explain_a_pending_instance_of_a_typed_event() {
    let mut s = br();
    ok(&mut s, ":event 2026-04-01T10:00:00-03:00 complaint_received {case: \"X-1\", customer: \"K-1\"}");
    insta::assert_snapshot!("explain_pending", ok(&mut s, ":explain answer_within_7_days case X-1"));
}

#[test]
fn explain_an_exempted_instance() {
    enter_crate_root();
    let mut s = Session::new(plain());
    ok(&mut s, "jurisdiction XX \"Draft\" timezone \"UTC\"");
    ok(&mut s, "import \"policies/schema/telecom.tenet\"");
    ok(&mut s, "rule ack \"Acknowledge\" cites \"draft\" {\n when complaint_received as c\n unless c.channel == \"letter\"\n require complaint_acknowledged where case == c.case within 1 day\n}");
    ok(&mut s, ":event 2026-03-02T10:00:00Z complaint_received {case: \"L\", channel: \"letter\"}");
    insta::assert_snapshot!("explain_exempted", ok(&mut s, ":explain ack L"));
}

#[test]
fn explain_without_instances_says_why() {
    let mut s = br();
    let out = err(&mut s, ":explain answer_within_7_days NOPE");
    assert!(out.starts_with("no instance of `answer_within_7_days` for `NOPE`; its instances include:"), "{out}");
    let out = err(&mut s, ":explain");
    assert!(out.contains("`:explain` needs a rule"), "{out}");
}

#[test]
fn expressions_compute_deadlines_with_the_calendar() {
    let mut s = br();
    insta::assert_snapshot!("business_days_over_a_weekend", ok(&mut s, "2026-03-06T17:00:00-03:00 + 2 business days"));
    // Tiradentes (Tue 21 April 2026) is a national holiday.
    let tiradentes = ok(&mut s, "2026-04-20T12:00:00-03:00 + 1 business day");
    assert!(tiradentes.starts_with("2026-04-22T12:00:00-03:00 : time"), "{tiradentes}");
    assert!(tiradentes.contains("ends at the end of 2026-04-22 (Wed, America/Sao_Paulo)"), "{tiradentes}");
    assert!(tiradentes.contains("counted: Wed 2026-04-22\n  skipped: Tue 2026-04-21 (holiday)\n"), "{tiradentes}");
    assert_eq!(ok(&mut s, "7 days - 24 hours"), "6 days (144 hours) : duration\n");
    assert_eq!(ok(&mut s, "10.50 BRL + 2 BRL"), "12.50 BRL : money (BRL)\n");
    assert_eq!(ok(&mut s, "24 hours < 2 days"), "true : boolean\n");
    assert_eq!(ok(&mut s, "2026-03-06T17:00:00-03:00 + 24 hours"), "2026-03-07T17:00:00-03:00 : time\n");
    assert_eq!(ok(&mut s, "weekday(2026-03-07T12:00:00Z)"), "\"sat\" : text\n");
    assert_eq!(ok(&mut s, ":type 3 * 2.5 BRL"), "money (BRL)\n");
    // Months land on the same local day and time, clamped to the month's end.
    assert!(ok(&mut s, "2026-01-31T10:00:00-03:00 + 1 month").starts_with("2026-02-28T10:00:00-03:00 : time"));
    assert!(ok(&mut s, "2028-02-29T10:00:00-03:00 + 1 year").starts_with("2029-02-28T10:00:00-03:00 : time"));
    assert_eq!(ok(&mut s, "2026-03-31T10:00:00-03:00 - 1 month"), "2026-02-28T10:00:00-03:00 : time\n");
    assert_eq!(ok(&mut s, "2026-03-09 - 1 business day"), "2026-03-06 (Fri) : date\n");
    assert_eq!(ok(&mut s, "next_business_day(2026-04-20T12:00:00-03:00)"), "2026-04-22T00:00:00-03:00 : time\n");
    assert_eq!(ok(&mut s, "business_days_between(2026-04-17, 2026-04-22)"), "2 : integer\n");
    assert_eq!(ok(&mut s, "end_of_day(2026-04-17)"), "2026-04-17T23:59:59.999999-03:00 : time\n");
}

#[test]
fn business_days_in_china_count_make_up_working_days() {
    enter_crate_root();
    let mut s = Session::new(plain());
    assert!(s.load_path("policies/cn").ok);
    // Fri 13 Feb 2026 + 2 business days: Sat 14 is worked (调休), the
    // Spring Festival runs Sun 15 to Mon 23, so the second one is Tue 24.
    let out = ok(&mut s, "2026-02-13T10:00:00+08:00 + 2 business days");
    assert!(out.starts_with("2026-02-24T10:00:00+08:00 : time"), "{out}");
    assert!(out.contains("ends at the end of 2026-02-24 (Tue, Asia/Shanghai)"), "{out}");
    assert!(out.contains("counting make-up working days"), "{out}");
    assert!(out.contains("counted: Sat 2026-02-14 (make-up working day), Tue 2026-02-24\n"), "{out}");
    assert!(out.contains("skipped: Sun 2026-02-15 (holiday)"), "{out}");
}

#[test]
fn deadlines_beyond_the_calendar_warn_next_to_the_answer() {
    let mut s = br();
    // BR lists holidays for 2008–2027: a deadline in 2028 skips weekends only.
    let out = ok(&mut s, "2027-12-28T10:00:00-03:00 + 5 business days");
    assert!(
        out.contains("warning: calendar `BR` lists holidays for 2008–2027 only, but this deadline reaches 2028"),
        "{out}"
    );
    assert!(!ok(&mut s, "2026-03-06T17:00:00-03:00 + 2 business days").contains("warning"));
    // A check whose horizon is in 2029 says so above its table.
    ok(&mut s, ":as-of 2029-01-10T00:00:00Z");
    let check = ok(&mut s, ":check").replace('│', " ");
    let check = check.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(check.contains("but the horizon reaches 2029"), "{check}");
}

#[test]
fn expressions_that_make_no_sense_say_why() {
    let mut s = br();
    let mixed = err(&mut s, "10 BRL + 5 EUR");
    assert!(mixed.contains("cannot add money in BRL and in EUR"), "{mixed}");
    assert!(mixed.contains("<repl:1>:1:1"), "{mixed}");
    let days = err(&mut s, "2 business days + 1 hour");
    assert!(days.contains("cannot add `2 business days` and `1 hour`"), "{days}");
    let field = err(&mut s, "c.case == \"A\"");
    assert!(field.contains("need an event"), "{field}");
    let syntax = err(&mut s, "1 +");
    assert!(syntax.contains("tenet::syntax"), "{syntax}");
}

#[test]
fn events_and_hypothetical_events() {
    let mut s = br();
    let missing = err(&mut s, ":events examples/nope.jsonl");
    assert!(missing.contains("nope.jsonl"), "{missing}");
    let unknown = ok(&mut s, ":event 2026-03-02T10:00:00Z mystery {}");
    assert!(unknown.contains("no event type `mystery` is declared"), "{unknown}");
    let bad = err(&mut s, ":event yesterday complaint_received");
    assert!(bad.contains("tenet::syntax"), "{bad}");
    ok(
        &mut s,
        ":event 2026-03-03T14:30:00-03:00 cancellation_refused {customer: \"K-99\", reason: \"outstanding_debt\"}",
    );
    assert_eq!(row(&ok(&mut s, ":check"), "cancel_regardless_of_debt"), [0, 2, 0]);
    assert_eq!(ok(&mut s, ":clear-events"), "forgot 3 log file(s) and hypothetical event(s)\n");
    assert_eq!(row(&ok(&mut s, ":check"), "cancel_regardless_of_debt"), [0, 0, 0]);
}

#[test]
fn as_of_judges_the_log_as_it_stood() {
    let mut s = br();
    assert_eq!(ok(&mut s, ":as-of"), "as of the last event\n");
    assert_eq!(ok(&mut s, ":as-of 2026-03-05T00:00:00Z"), "as of 2026-03-05T00:00:00Z\n");
    // On 5 March the two complaints of 2 March were open, their seven
    // days not over; the third had not been received.
    let check = ok(&mut s, ":check answer_within_7_days");
    assert_eq!(row(&check, "answer_within_7_days"), [0, 0, 2]);
    assert!(err(&mut s, ":as-of tomorrow").contains("is not a time"));
    ok(&mut s, ":as-of last");
    assert_eq!(row(&ok(&mut s, ":check"), "answer_within_7_days"), [1, 1, 1]);
}

#[test]
fn tests_run_from_the_session() {
    let mut s = br();
    let out = ok(&mut s, ":test seventh");
    assert!(out.contains("ok     an answer on the seventh day is on time"), "{out}");
    assert!(out.trim_end().ends_with("passed, 0 failed"), "{out}");
    // A redefinition that breaks a test makes it fail.
    ok(&mut s, &SEVEN_TO_FOURTEEN.replace("14 calendar days", "5 calendar days"));
    let failed = err(&mut s, ":test seventh");
    assert!(failed.contains("FAILED an answer on the seventh day is on time"), "{failed}");
}

#[test]
fn show_prints_the_formatted_source_and_citation() {
    let mut s = br();
    let out = ok(&mut s, ":show cancel_regardless_of_debt");
    assert!(out.starts_with("// policies/br/sac.tenet:31\nrule cancel_regardless_of_debt"), "{out}");
    assert!(out.ends_with("citation: Decreto 11.034/2022, art. 14\n"), "{out}");
    ok(&mut s, SEVEN_TO_FOURTEEN);
    let typed = ok(&mut s, ":show answer_within_7_days");
    assert!(typed.starts_with("// <repl:2> (jurisdiction of policies/br/sac.tenet)"), "{typed}");
    assert!(err(&mut s, ":show cancel_regardless").contains("did you mean `cancel_regardless_of_debt`?"));
}

#[test]
fn load_and_reload() {
    enter_crate_root();
    let mut s = Session::new(plain());
    let out = ok(&mut s, ":load policies/gb");
    assert!(out.contains("rule(s) in GB"), "{out}");
    assert!(err(&mut s, ":load policies/nowhere").contains("cannot read `policies/nowhere`"));
    assert!(err(&mut s, ":load").contains("`:load` needs FILE|DIR"));
    assert_eq!(ok(&mut s, ":reload"), out);
}

#[test]
fn unknown_commands_suggest_the_closest() {
    let mut s = br();
    assert!(err(&mut s, ":chek").contains("did you mean `:check`?"));
    assert!(err(&mut s, ":diff").contains("no `:check` yet"));
    let quit = s.eval(":quit");
    assert_eq!(quit, Reply { text: String::new(), ok: true, quit: true });
}

#[test]
fn completion_by_context() {
    let s = br();
    let words = Words::of(&s);
    let at_end = |line: &str| complete(&words, line, line.len());
    assert_eq!(at_end(":expl"), (0, vec![":explain".to_string()]));
    assert_eq!(at_end(":explain answer_wi"), (9, vec!["answer_within_7_days".to_string()]));
    let (start, events) = at_end("rule r { when complaint_rec");
    assert_eq!((start, events), (14, vec!["complaint_received".to_string()]));
    let (start, fields) = at_end("rule r { when complaint_received as c where c.cus");
    assert_eq!(start, 46);
    assert!(fields.contains(&"customer".to_string()), "{fields:?}");
    assert!(at_end("jurisdiction X timezone \"America/Sao_P").1.contains(&"\"America/Sao_Paulo\"".to_string()));
    assert!(at_end("jurisdiction X calendar B").1.contains(&"BR".to_string()));
    assert!(at_end(":load policies/b").1.contains(&"policies/br/".to_string()));
    assert!(at_end("expect violated answer").1.contains(&"answer_within_7_days".to_string()));
}

#[test]
fn inputs_continue_while_braces_are_open() {
    assert!(!is_complete("rule r \"t\" {\n  when a as x"));
    assert!(is_complete("rule r \"t\" {\n  when a as x\n}"));
}

#[test]
fn the_lawyers_loop_in_one_session() {
    let mut s = br();
    let dir = tempfile::tempdir().unwrap();
    let draft = dir.path().join("br-draft.tenet");
    let inputs = [
        ":check answer_within_7_days".to_string(),
        ":explain answer_within_7_days SAC-502".to_string(),
        SEVEN_TO_FOURTEEN.to_string(),
        ":diff".to_string(),
        format!(":save {}", draft.display()),
    ];
    let mut transcript = String::new();
    for input in &inputs {
        let reply = s.eval(input);
        assert!(reply.ok, "{input}: {}", reply.text);
        transcript.push_str(&format!("{}{input}\n{}", s.prompt(), reply.text));
    }
    let transcript = transcript.replace(&dir.path().display().to_string(), "<tmp>");
    insta::assert_snapshot!(transcript);
    assert!(std::fs::read_to_string(&draft).unwrap().contains("within 14 calendar days"));
}

#[test]
fn reload_reads_a_changed_log_again() {
    let mut s = br();
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("log.jsonl");
    let refusal = |customer: &str| {
        format!(
            "{{\"time\":\"2026-03-03T14:00:00-03:00\",\"type\":\"cancellation_refused\",\"customer\":\"{customer}\",\"reason\":\"outstanding_debt\"}}\n"
        )
    };
    ok(&mut s, ":clear-events");
    std::fs::write(&log, refusal("A")).unwrap();
    ok(&mut s, &format!(":events {}", log.display()));
    assert_eq!(row(&ok(&mut s, ":check"), "cancel_regardless_of_debt"), [0, 1, 0]);
    std::fs::write(&log, refusal("A") + &refusal("B")).unwrap();
    // The run is kept until something changes; :reload is such a change.
    assert_eq!(row(&ok(&mut s, ":check"), "cancel_regardless_of_debt"), [0, 1, 0]);
    ok(&mut s, ":reload");
    assert_eq!(row(&ok(&mut s, ":check"), "cancel_regardless_of_debt"), [0, 2, 0]);
}

#[test]
fn a_definition_may_start_with_its_doc_comment() {
    let mut s = br();
    let out = ok(&mut s, "/// Refusals over debts, counted.\nrule debts_counted \"Debts\" cites \"test\" {\n  forbid cancellation_refused\n}");
    assert_eq!(out, "defined rule `debts_counted`\n");
    assert!(ok(&mut s, ":show debts_counted").contains("/// Refusals over debts, counted."));
}

#[test]
fn explain_names_the_parameter_value_used() {
    enter_crate_root();
    let mut s = Session::new(plain());
    assert!(s.load_path("policies/gb").ok);
    assert!(s.load_events("examples/acme-gb.jsonl").ok);
    let out = ok(&mut s, ":explain repair_loss_of_service_within_2_working_days customer K-103");
    assert!(out.contains("  remedy: 20.68 GBP\n"), "{out}");
    assert!(
        out.contains(
            "  parameter `delayed_repair_rate`: 10.34 GBP (in force from 2026-04-01, the value on 2026-04-16, the trigger's day)\n"
        ),
        "{out}"
    );
}

#[test]
fn long_day_counts_are_summarised_and_bounded_as_in_policies() {
    let mut s = br();
    let out = ok(&mut s, "2026-03-06T17:00:00-03:00 + 200 business days");
    assert!(out.len() < 4_000, "{} bytes", out.len());
    assert!(out.contains("more …"), "{out}");
    let out = err(&mut s, "2026-03-06T17:00:00-03:00 + 1000000 business days");
    assert!(out.contains("more than a hundred years"), "{out}");
}

#[test]
fn a_policy_with_errors_still_counts_in_its_zone_and_calendar() {
    enter_crate_root();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.tenet");
    std::fs::write(
        &path,
        "jurisdiction BRX \"x\"\n  timezone \"America/Sao_Paulo\"\n  calendar BR\n\nrule r \"r\" cites \"c\" {\n  forbid no_such_event where\n}\n",
    )
    .unwrap();
    let mut s = Session::new(plain());
    let _ = s.load_path(path.to_str().unwrap());
    // Tiradentes (Tue 21 April 2026) is a national holiday.
    let out = ok(&mut s, "2026-04-20T12:00:00-03:00 + 1 business day");
    assert!(out.contains("ends at the end of 2026-04-22 (Wed, America/Sao_Paulo)"), "{out}");
}

#[test]
fn check_and_test_take_the_scope_of_tenet_check() {
    let mut s = br();
    let out = ok(&mut s, ":check --rule 'cancel_*'");
    assert!(out.contains("cancel_regardless_of_debt"), "{out}");
    assert!(!out.contains("answer_within_7_days"), "{out}");
    let wrong = err(&mut s, ":check --rule cancel_regardles");
    assert!(wrong.contains("`--rule cancel_regardles` matches no rule"), "{wrong}");
    assert!(err(&mut s, ":check --jurisdiction XX").contains("matches no jurisdiction"));
    assert!(err(&mut s, ":check --nonsense").contains("unknown option `--nonsense`"));
    let tests = ok(&mut s, ":test --rule answer_within_7_days");
    assert!(tests.contains("left out by the name or scope"), "{tests}");
    // The session's scope, replaced for one command by the same option.
    let mut s = br();
    assert!(s.scope(&[], &["answer_*".into()]).ok);
    let out = ok(&mut s, ":check");
    assert!(out.contains("answer_within_7_days") && !out.contains("cancel_regardless_of_debt"), "{out}");
    let out = ok(&mut s, ":check --rule cancel_regardless_of_debt");
    assert!(!out.contains("answer_within_7_days") && out.contains("cancel_regardless_of_debt"), "{out}");
    assert!(!s.scope(&["XX".into()], &[]).ok, "a scope that matches nothing is refused");
}

#[test]
fn an_interrupted_command_changes_nothing() {
    use tenet::log::Cancel;
    use tenet::repl::Watch;
    let mut s = br();
    let before = ok(&mut s, ":check");
    let cancel = Cancel::new();
    s.watch(Watch { cancel: Some(cancel.clone()), progress: false });
    ok(&mut s, ":event 2026-03-03T10:00:00-03:00 complaint_received {case: \"X-1\", customer: \"K-1\"}");
    // As if Ctrl-C came while each command ran.
    cancel.set();
    let out = err(&mut s, ":check");
    assert_eq!(out, "interrupted: the session is as it was before `:check`\n");
    assert_eq!(
        err(&mut s, ":events examples/acme-br.jsonl"),
        "interrupted: the session is as it was before `:events`\n"
    );
    assert!(err(&mut s, ":test").starts_with("interrupted"));
    cancel.clear();
    let after = ok(&mut s, ":check");
    assert!(after.contains("30 events, 0 bad lines"), "one log and the typed event, no second log: {after}");
    assert_ne!(before, after);
}

#[test]
fn a_script_types_a_header_as_in_a_file() {
    let mut s = Session::new(plain());
    let script = "jurisdiction ZZ \"Draft\"\n  timezone \"America/Sao_Paulo\"\n  calendar BR\nevent demand { case: id }\n:rules\n";
    let mut out = Vec::new();
    let status = tenet::repl::terminal::script(&mut s, script.as_bytes(), &mut out);
    let out = String::from_utf8(out).unwrap();
    assert_eq!(status, 0, "{out}");
    // The header is judged alone when the next line is not indented.
    assert!(out.starts_with("defined jurisdiction `ZZ`\n"), "{out}");
    assert!(out.contains("defined event `demand`"), "{out}");
    assert_eq!(s.prompt(), "tenet[ZZ]> ");
    // Business days count in the header's calendar: Tiradentes is skipped.
    let day = ok(&mut s, "2026-04-20T12:00:00-03:00 + 1 business day");
    assert!(day.contains("2026-04-22"), "{day}");
    assert!(!is_complete("jurisdiction ZZ \"Draft\""), "a header waits for its clauses");
}
