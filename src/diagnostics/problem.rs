//! Every problem Tenet reports, with its wording, code, severity and help.
//!
//! Messages are lowercase without a trailing period and put user input in
//! backticks; the help says how to fix it.

use super::Severity;

/// What is wrong. Each variant documents an input that triggers it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Problem {
    // ------------------------------------------------------------ input
    /// A file or directory could not be read.
    #[error("cannot read `{path}`: {reason}")]
    Io {
        /// The path.
        path: String,
        /// The system's reason.
        reason: String,
    },
    /// A columnar log (Parquet, Arrow) whose columns do not fit the policy.
    #[error("cannot read `{path}`: {reason}")]
    LogSchema {
        /// The file.
        path: String,
        /// What is wrong, naming the column.
        reason: String,
        /// How to fix it.
        hint: String,
    },
    /// A report could not be written to the file `--output` names.
    #[error("cannot write `{path}`: {reason}")]
    CannotWrite {
        /// The path.
        path: String,
        /// The system's reason.
        reason: String,
    },
    /// `tenet check --format html` without `--events`: the page shows the
    /// verdicts of a log, and a static check has none.
    #[error("`--format html` needs `--events`: the page shows the verdicts of an event log")]
    HtmlNeedsEvents,
    /// `tenet check` found no `.tenet` file in a directory.
    #[error("no `.tenet` file found in `{path}`")]
    NoPolicyFiles {
        /// The directory.
        path: String,
    },
    /// The file holds bytes that are not UTF-8 (a binary file, Latin-1 text).
    #[error("file is not valid UTF-8")]
    InvalidUtf8,
    /// The file contains a NUL byte.
    #[error("file contains a NUL byte")]
    NulByte,
    /// The file is empty or holds only whitespace and comments.
    #[error("policy file is empty")]
    EmptyFile,

    // ------------------------------------------------------------ lexical
    /// `"abc` with no closing quote on the line.
    #[error("unterminated string")]
    UnterminatedString,
    /// `/* ...` with no `*/`.
    #[error("unterminated block comment")]
    UnterminatedComment,
    /// `((((...` nested deeper than the parser allows.
    #[error("brackets nested more than {limit} levels deep")]
    TooDeep {
        /// The bound.
        limit: usize,
    },
    /// `not not not ... true` or `1 + 1 + ...` thousands of times.
    #[error("expression nested more than {limit} levels deep")]
    ExpressionTooDeep {
        /// The bound.
        limit: usize,
    },
    /// A bidirectional-override or zero-width character outside strings and
    /// comments (it can make code read differently from how it runs).
    #[error("invisible character {name} in code")]
    InvisibleInCode {
        /// The character's name and code point.
        name: String,
    },
    /// The same character inside a string or comment.
    #[error("invisible character {name} in text")]
    InvisibleInText {
        /// The character's name and code point.
        name: String,
    },
    /// A syntax error: `rule r { when }`.
    #[error("unexpected {found}, expected {expected}")]
    Syntax {
        /// What was found.
        found: String,
        /// What could have come instead.
        expected: String,
        /// A keyword close to what was found (`requir` → `require`).
        suggestion: Option<String>,
    },
    /// `99999999999999999999` where an integer is expected.
    #[error("number `{text}` is too large")]
    NumberTooLarge {
        /// The literal.
        text: String,
    },
    /// `2026-02-30`, `2026-13-01T25:00:00Z`.
    #[error("`{text}` is not a valid {what}")]
    InvalidLiteral {
        /// The literal.
        text: String,
        /// `date`, `time`, `time of day`.
        what: &'static str,
    },
    /// `"\q"`.
    #[error("unknown escape `{text}` in string")]
    BadEscape {
        /// The escape.
        text: String,
    },
    /// `rule r cites "a" cites "b" { ... }`.
    #[error("`{what}` is given twice")]
    DuplicateClause {
        /// The clause keyword.
        what: &'static str,
    },

    // ------------------------------------------------------------ names
    /// Two declarations with one name in one scope.
    #[error("{kind} `{name}` is declared twice")]
    Duplicate {
        /// `rule`, `event`, `field`, `calendar`, `jurisdiction`, `test`.
        kind: &'static str,
        /// The name.
        name: String,
    },
    /// `when complaint_recieved` with a schema declared.
    #[error("unknown event type `{name}`")]
    UnknownEvent {
        /// The name.
        name: String,
        /// A close declared name.
        suggestion: Option<String>,
    },
    /// `c.cse` where `complaint_received` has no field `cse`.
    #[error("event `{event}` has no field `{field}`")]
    UnknownField {
        /// The event type.
        event: String,
        /// The field.
        field: String,
        /// A close field name.
        suggestion: Option<String>,
    },
    /// `amount: monie`.
    #[error("unknown field type `{name}`")]
    UnknownType {
        /// The name.
        name: String,
        /// A close type name.
        suggestion: Option<String>,
    },
    /// `expect violated answer_in_7` with no such rule.
    #[error("unknown rule `{name}`")]
    UnknownRule {
        /// The name.
        name: String,
        /// A close rule name.
        suggestion: Option<String>,
    },
    /// `timezone "America/Sao_Paolo"`.
    #[error("unknown time zone `{name}`")]
    UnknownTimezone {
        /// The name.
        name: String,
        /// A close IANA name.
        suggestion: Option<String>,
    },
    /// `calendar XX`.
    #[error("unknown calendar `{name}`")]
    UnknownCalendar {
        /// The name.
        name: String,
        /// A close calendar name.
        suggestion: Option<String>,
    },
    /// `calendar X { holiday 2026-02-14  workday 2026-02-14 }`: one date both
    /// a day off and a working day.
    #[error("`{date}` is both a holiday and a workday of calendar `{calendar}`")]
    WorkdayIsHoliday {
        /// The calendar.
        calendar: String,
        /// The date.
        date: String,
    },
    /// `extends EUU`.
    #[error("unknown jurisdiction `{name}`")]
    UnknownJurisdiction {
        /// The name.
        name: String,
        /// A close jurisdiction name.
        suggestion: Option<String>,
    },
    /// `where case == x.case` where no alias `x` is in scope.
    #[error("unknown alias `{name}`")]
    UnknownAlias {
        /// The name.
        name: String,
        /// A close alias in scope.
        suggestion: Option<String>,
        /// The aliases in scope.
        in_scope: Vec<String>,
    },
    /// `where hour(c) > 3` with an unknown function.
    #[error("unknown function `{name}`")]
    UnknownFunction {
        /// The name.
        name: String,
        /// A close function name.
        suggestion: Option<String>,
    },
    /// `weekday(c, d)`.
    #[error("`{name}` takes {expected} argument(s), found {found}")]
    ArgumentCount {
        /// The function.
        name: String,
        /// Expected count.
        expected: usize,
        /// Given count.
        found: usize,
    },
    /// `weekend mon, tue, wed, thu, fri, sat, sun` and no `workday`.
    #[error("calendar `{calendar}` has no business day")]
    NoBusinessDay {
        /// The calendar.
        calendar: String,
    },
    /// `within answer_deadlne`: no such parameter.
    #[error("unknown parameter `{name}`")]
    UnknownParameter {
        /// The name.
        name: String,
        /// A close parameter name.
        suggestion: Option<String>,
    },
    /// `parameter rate "..." {}`: no value at all.
    #[error("parameter `{name}` has no value")]
    ParamEmpty {
        /// The parameter.
        name: String,
    },
    /// Values whose `from` dates do not increase, or an `until` not after
    /// its `from`.
    #[error("values of parameter `{name}` are out of order: {detail}")]
    ParamOrder {
        /// The parameter.
        name: String,
        /// What is out of order.
        detail: String,
    },
    /// `5 GBP from 2019-04-01 until 2020-01-01` then `6 GBP from 2020-04-01`.
    #[error("parameter `{name}` has no value from {from} to {to}")]
    ParamGap {
        /// The parameter.
        name: String,
        /// First day without a value.
        from: String,
        /// Last day without a value.
        to: String,
    },
    /// `5 GBP from 2019-04-01 until 2021-01-01` then `6 GBP from 2020-04-01`.
    #[error("values of parameter `{name}` overlap from {from}")]
    ParamOverlap {
        /// The parameter.
        name: String,
        /// The first day with two values.
        from: String,
    },
    /// A rule reading a parameter on days the parameter has no value for.
    #[error("parameter `{name}` has no value on {date}, when rule `{rule}` is in force")]
    ParamNotCovering {
        /// The parameter.
        name: String,
        /// The rule reading it.
        rule: String,
        /// A day in force without a value.
        date: String,
        /// The rule's `in force` text to add, or a value's.
        hint: String,
    },
    /// `import "missing.tenet"`.
    #[error("imported file `{path}` cannot be read: {reason}")]
    ImportNotFound {
        /// The path.
        path: String,
        /// Why.
        reason: String,
    },

    // ------------------------------------------------------------ jurisdictions
    /// `jurisdiction A extends B` and `jurisdiction B extends A`.
    #[error("jurisdictions extend each other in a cycle: {cycle}")]
    ExtendsCycle {
        /// The cycle, `A -> B -> A`.
        cycle: String,
    },
    /// `calendar A extends B` and `calendar B extends A`.
    #[error("{message}")]
    CalendarCycle {
        /// The cycle, as the resolver describes it.
        message: String,
    },
    /// `override rule x` where the parent has no rule `x`.
    #[error("`override rule {rule}` but `{parent}` has no rule `{rule}`")]
    OverrideMissing {
        /// The rule.
        rule: String,
        /// The parent jurisdiction (or "nothing").
        parent: String,
        /// A close rule of the parent.
        suggestion: Option<String>,
    },
    /// `override rule x` in a jurisdiction that extends nothing.
    #[error("`override rule {rule}` in a jurisdiction that extends nothing")]
    OverrideWithoutParent {
        /// The rule.
        rule: String,
    },
    /// A rule of a child named like one of its parent, without `override`.
    #[error("rule `{rule}` shadows the rule of the same name in `{parent}`")]
    SilentShadowing {
        /// The rule.
        rule: String,
        /// The parent jurisdiction.
        parent: String,
    },
    /// Two jurisdiction headers in one file.
    #[error("a file holds at most one jurisdiction header")]
    SecondJurisdiction,
    /// A rule in a file with no jurisdiction header.
    #[error("rule `{rule}` is not in a jurisdiction")]
    RuleOutsideJurisdiction {
        /// The rule.
        rule: String,
    },
    /// A jurisdiction that extends nothing and names no time zone.
    #[error("jurisdiction `{name}` has no time zone")]
    MissingTimezone {
        /// The jurisdiction.
        name: String,
    },
    /// A test whose given events are not in time order.
    #[error("given event is earlier than the one before it")]
    GivenOutOfOrder,
    /// `in force from 2026-01-01 until 2025-01-01`.
    #[error("`until` date is not after the `from` date")]
    EmptyInForce,

    // ------------------------------------------------------------ types
    /// `c.customer > 3` where `customer` is an id.
    #[error("type mismatch: expected {expected}, found {found}")]
    TypeMismatch {
        /// The expected type.
        expected: String,
        /// The found type.
        found: String,
    },
    /// `c.minutes == "x"`.
    #[error("cannot compare {left} with {right}")]
    CannotCompare {
        /// Left type.
        left: String,
        /// Right type.
        right: String,
    },
    /// `10 GBP + 1`, `5 GBP * 2 GBP`.
    #[error("cannot apply `{op}` to {left} and {right}")]
    CannotCombine {
        /// The operator.
        op: String,
        /// Left type.
        left: String,
        /// Right type.
        right: String,
    },
    /// `10 BRL < 5 GBP`.
    #[error("cannot combine money in {left} with money in {right}")]
    CurrencyMismatch {
        /// Left currency.
        left: String,
        /// Right currency.
        right: String,
    },
    /// `within 0 days`, `within -3 days`.
    #[error("duration must be positive, found `{text}`")]
    NonPositiveDuration {
        /// The duration as written.
        text: String,
    },
    /// `within 99999999999 days`.
    #[error("duration `{text}` is too long")]
    DurationTooLong {
        /// The duration as written.
        text: String,
    },
    /// `percentile(150, ...)`, `rate(r) >= 120%`.
    #[error("`{text}` is out of range: {range}")]
    OutOfRange {
        /// The value as written.
        text: String,
        /// The allowed range.
        range: &'static str,
    },

    // ------------------------------------------------------------ rule shapes
    /// `forbid x where ... within 3 days`.
    #[error("`within` on a `forbid`")]
    WithinOnForbid,
    /// A rule body that is none of the rule shapes.
    #[error("rule `{rule}` {reason}")]
    RuleShape {
        /// The rule.
        rule: String,
        /// What is wrong with its shape.
        reason: String,
        /// How to fix it.
        hint: String,
    },
    /// `sum(refund_issued)` with no field.
    #[error("`{func}` {reason}")]
    BadMeasure {
        /// The aggregate function.
        func: String,
        /// What is wrong.
        reason: String,
    },
    /// `rate(r)` where `r` is itself a period standard or a prohibition.
    #[error("`rate({rule})` needs a rule with instances that can be satisfied")]
    RateOfWrongRule {
        /// The rule.
        rule: String,
    },
    /// `measure m { per quarter: ... }` or a `remedy` in a measure.
    #[error("measure `{rule}` {reason}")]
    MeasureMisuse {
        /// The measure.
        rule: String,
        /// What it cannot be or do.
        reason: String,
        /// How to fix it.
        hint: String,
    },
    /// `expect remedy r 10 GBP` where `r` has no remedy.
    #[error("rule `{rule}` has no remedy")]
    NoRemedy {
        /// The rule.
        rule: String,
    },

    // ------------------------------------------------------------ REPL
    /// An expression the calculator cannot compute: `2 business days + 1 hour`,
    /// `10 BRL + 5 EUR`, a field name with no event.
    #[error("{message}")]
    Calc {
        /// What cannot be computed.
        message: String,
        /// How to write it instead.
        hint: String,
    },
    /// A REPL command used wrongly: `:explain` with no rule, an unknown command.
    #[error("{message}")]
    Command {
        /// What is wrong.
        message: String,
        /// The right usage.
        hint: String,
    },

    // ------------------------------------------------------------ event logs
    /// A log line that cannot be read: invalid JSON, no `time`, a field of
    /// the wrong type for the schema.
    #[error("bad event at {place}: {reason}")]
    BadLogLine {
        /// `file:line[:column]`.
        place: String,
        /// What is wrong, naming the field where known.
        reason: String,
        /// True when the run went on without it (`--keep-going`).
        skipped: bool,
    },
    /// An event earlier than the one before it.
    #[error("event at {place} ({time}) is earlier than the event before it at {previous_place} ({previous_time})")]
    OutOfOrder {
        /// `file:line` of the event.
        place: String,
        /// Its time.
        time: String,
        /// `file:line` of the event before.
        previous_place: String,
        /// Its time.
        previous_time: String,
    },
    /// Reading a log or judging it stopped because it was asked to (Ctrl-C
    /// in the REPL).
    #[error("interrupted before the end of the log")]
    Interrupted,

    /// Violations of a rule whose amount owed could not be computed.
    #[error("the remedy of `{rule}` could not be computed for {count} violation(s): {reason}")]
    RemedyNotComputed {
        /// The rule.
        rule: String,
        /// Why.
        reason: String,
        /// How many violations.
        count: u64,
    },

    /// A log, a horizon or a business-day deadline reaching a year a
    /// business calendar lists no holidays for.
    #[error("calendar `{calendar}` lists holidays for {covered} only, but {reach} reaches {year}")]
    CalendarNotCovering {
        /// What reaches the year: `the log`, `the horizon` (`--as-of`), a
        /// rule's deadline.
        reach: String,
        /// The calendar.
        calendar: String,
        /// The years it covers, `2024–2027`.
        covered: String,
        /// A year of the log outside them.
        year: i32,
    },

    // ------------------------------------------------------------ verdicts
    /// A rule instance judged violated over an event log.
    #[error("violated `{rule}`{key}")]
    Violated {
        /// The rule.
        rule: String,
        /// ` for case "A"`, or empty.
        key: String,
        /// What happened: trigger, deadline, evidence, lateness, remedy.
        details: String,
    },

    // ------------------------------------------------------------ warnings
    /// A rule without `cites`.
    #[error("rule `{rule}` has no citation")]
    MissingCitation {
        /// The rule.
        rule: String,
    },
    /// An event declared and never used by a rule or test.
    #[error("event `{name}` is declared but never used")]
    UnusedEvent {
        /// The event type.
        name: String,
    },
    /// A `--jurisdiction` or `--rule` that selects nothing.
    #[error("`{option} {value}` matches no {what}")]
    NoMatch {
        /// The option.
        option: String,
        /// The value given.
        value: String,
        /// `jurisdiction` or `rule`.
        what: &'static str,
        /// The names there are, quoted and joined.
        known: String,
        /// The closest of them.
        suggestion: Option<String>,
    },
    /// An event type a rule names that no event of the judged log has: a
    /// misspelled activity matches nothing and the rule gives no verdict.
    #[error("no event of type `{name}` in the log")]
    EventNotInLog {
        /// The event type, as the rule names it.
        name: String,
        /// The closest type the log does have.
        suggestion: Option<String>,
    },
    /// A `measure` that no `rate(...)` names: it counts nowhere.
    #[error("measure `{rule}` is named by no `rate(...)`")]
    UnusedMeasure {
        /// The measure.
        rule: String,
    },
    /// An `unless` that can never fire.
    #[error("this `unless` can never apply: {reason}")]
    UnreachableUnless {
        /// Why.
        reason: String,
    },
}

fn article(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

fn did_you_mean(s: &Option<String>) -> Option<String> {
    s.as_ref().map(|s| format!("did you mean `{s}`?"))
}

impl Problem {
    /// The stable code, `tenet::snake_case`.
    pub fn code(&self) -> &'static str {
        use Problem::*;
        match self {
            Io { .. } => "tenet::io",
            LogSchema { .. } => "tenet::log_schema",
            CannotWrite { .. } => "tenet::cannot_write",
            HtmlNeedsEvents => "tenet::html_needs_events",
            NoPolicyFiles { .. } => "tenet::no_policy_files",
            InvalidUtf8 => "tenet::invalid_utf8",
            NulByte => "tenet::nul_byte",
            EmptyFile => "tenet::empty_file",
            UnterminatedString => "tenet::unterminated_string",
            UnterminatedComment => "tenet::unterminated_comment",
            TooDeep { .. } => "tenet::too_deep",
            ExpressionTooDeep { .. } => "tenet::expression_too_deep",
            InvisibleInCode { .. } => "tenet::invisible_character",
            InvisibleInText { .. } => "tenet::invisible_character_in_text",
            Syntax { .. } => "tenet::syntax",
            NumberTooLarge { .. } => "tenet::number_too_large",
            InvalidLiteral { .. } => "tenet::invalid_literal",
            BadEscape { .. } => "tenet::bad_escape",
            DuplicateClause { .. } => "tenet::duplicate_clause",
            Duplicate { .. } => "tenet::duplicate",
            UnknownEvent { .. } => "tenet::unknown_event",
            UnknownField { .. } => "tenet::unknown_field",
            UnknownType { .. } => "tenet::unknown_type",
            UnknownRule { .. } => "tenet::unknown_rule",
            UnknownTimezone { .. } => "tenet::unknown_timezone",
            UnknownCalendar { .. } => "tenet::unknown_calendar",
            UnknownJurisdiction { .. } => "tenet::unknown_jurisdiction",
            UnknownAlias { .. } => "tenet::unknown_alias",
            UnknownFunction { .. } => "tenet::unknown_function",
            ArgumentCount { .. } => "tenet::argument_count",
            UnknownParameter { .. } => "tenet::unknown_parameter",
            NoBusinessDay { .. } => "tenet::no_business_day",
            ParamEmpty { .. } => "tenet::param_empty",
            ParamOrder { .. } => "tenet::param_order",
            ParamGap { .. } => "tenet::param_gap",
            ParamOverlap { .. } => "tenet::param_overlap",
            ParamNotCovering { .. } => "tenet::param_not_covering",
            ImportNotFound { .. } => "tenet::import_not_found",
            ExtendsCycle { .. } => "tenet::extends_cycle",
            CalendarCycle { .. } => "tenet::calendar_cycle",
            WorkdayIsHoliday { .. } => "tenet::workday_is_holiday",
            OverrideMissing { .. } => "tenet::override_missing",
            OverrideWithoutParent { .. } => "tenet::override_without_parent",
            SilentShadowing { .. } => "tenet::silent_shadowing",
            SecondJurisdiction => "tenet::second_jurisdiction",
            RuleOutsideJurisdiction { .. } => "tenet::rule_outside_jurisdiction",
            EmptyInForce => "tenet::empty_in_force",
            MissingTimezone { .. } => "tenet::missing_timezone",
            GivenOutOfOrder => "tenet::given_out_of_order",
            TypeMismatch { .. } => "tenet::type_mismatch",
            CannotCompare { .. } => "tenet::cannot_compare",
            CannotCombine { .. } => "tenet::cannot_combine",
            CurrencyMismatch { .. } => "tenet::currency_mismatch",
            NonPositiveDuration { .. } => "tenet::non_positive_duration",
            DurationTooLong { .. } => "tenet::duration_too_long",
            OutOfRange { .. } => "tenet::out_of_range",
            WithinOnForbid => "tenet::within_on_forbid",
            RuleShape { .. } => "tenet::rule_shape",
            BadMeasure { .. } => "tenet::bad_measure",
            RateOfWrongRule { .. } => "tenet::rate_of_wrong_rule",
            MeasureMisuse { .. } => "tenet::measure_misuse",
            NoRemedy { .. } => "tenet::no_remedy",
            Violated { .. } => "tenet::violated",
            BadLogLine { .. } => "tenet::bad_log_line",
            Calc { .. } => "tenet::calc",
            Command { .. } => "tenet::command",
            CalendarNotCovering { .. } => "tenet::calendar_not_covering",
            RemedyNotComputed { .. } => "tenet::remedy_not_computed",
            OutOfOrder { .. } => "tenet::out_of_order",
            Interrupted => "tenet::interrupted",
            MissingCitation { .. } => "tenet::missing_citation",
            UnusedEvent { .. } => "tenet::unused_event",
            EventNotInLog { .. } => "tenet::event_not_in_log",
            NoMatch { .. } => "tenet::no_match",
            UnreachableUnless { .. } => "tenet::unreachable_unless",
            UnusedMeasure { .. } => "tenet::unused_measure",
        }
    }

    /// Errors stop evaluation; warnings do not.
    pub fn severity(&self) -> Severity {
        match self {
            Problem::InvisibleInText { .. }
            | Problem::CalendarNotCovering { .. }
            | Problem::RemedyNotComputed { .. }
            | Problem::MissingCitation { .. }
            | Problem::UnusedEvent { .. }
            | Problem::EventNotInLog { .. }
            | Problem::UnreachableUnless { .. }
            | Problem::UnusedMeasure { .. } => Severity::Warning,
            _ => Severity::Error,
        }
    }

    /// A short text for the label under the span.
    pub fn label(&self) -> String {
        use Problem::*;
        match self {
            Syntax { .. } => "not expected here".into(),
            UnknownEvent { .. } => "not a declared event type".into(),
            UnknownField { .. } => "no such field".into(),
            UnknownRule { .. } => "no rule of this name".into(),
            EventNotInLog { .. } => "matches no event of the log".into(),
            UnknownAlias { .. } => "not in scope here".into(),
            TypeMismatch { found, .. } => format!("this is {found}"),
            Duplicate { .. } => "declared again here".into(),
            UnterminatedString => "string starts here".into(),
            UnterminatedComment => "comment starts here".into(),
            _ => "here".into(),
        }
    }

    /// How to fix it.
    pub fn help(&self) -> Option<String> {
        use Problem::*;
        match self {
            Io { path, .. } if path.starts_with("--") => Some(format!("give `{path}` a valid value (see `tenet --help`)")),
            // A log whose format its name does not tell (standard input too).
            Io { reason, .. } if reason.starts_with(crate::log::UNKNOWN_FORMAT) => {
                Some("give the log's format with `--log-format jsonl|csv|xes|parquet|arrow`".into())
            }
            LogSchema { hint, .. } => Some(hint.clone()),
            // A file whose name says Parquet or Arrow and whose bytes do not.
            Io { reason, .. } if reason.starts_with("not a readable") => Some(
                "check that the file is whole and of the format its name says, or give its format with \
                 `--log-format`"
                    .into(),
            ),
            Io { .. } => Some("check that the path exists and is readable".into()),
            CannotWrite { .. } => Some("check that the folder exists and that you may write in it".into()),
            HtmlNeedsEvents => Some(
                "give the log to judge with `--events LOG`, or check the policies alone with \
                 `--format human|json|jsonl|sarif`"
                    .into(),
            ),
            NoPolicyFiles { .. } => Some("policy files end in `.tenet`".into()),
            InvalidUtf8 => Some("policy files are UTF-8 text; re-save the file as UTF-8".into()),
            NulByte => Some("policy files are text; is this a binary file?".into()),
            EmptyFile => Some("a policy starts with `jurisdiction CODE \"title\"`, an `event` or a `calendar`".into()),
            UnterminatedString => Some("close the string with `\"` on the same line".into()),
            UnterminatedComment => Some("close the comment with `*/`".into()),
            TooDeep { .. } => Some("split the expression into simpler conditions".into()),
            ExpressionTooDeep { .. } => Some(
                "split it: an operator may join at most 256 operands, and brackets and operators together \
                 nest at most 256 levels"
                    .into(),
            ),
            InvisibleInCode { .. } => {
                Some("delete the character: it can make the code read differently from how it runs".into())
            }
            InvisibleInText { .. } => Some("remove it unless it is intended: it can make text read differently".into()),
            Syntax { suggestion, .. } => did_you_mean(suggestion),
            NumberTooLarge { .. } => Some("numbers must fit in 64 bits (decimals in 28 digits)".into()),
            InvalidLiteral { what, .. } => Some(match *what {
                "date" => "dates are written `YYYY-MM-DD`".into(),
                "time" => "times are RFC 3339 with an offset: `2026-03-02T09:00:00-03:00`".into(),
                _ => "times of day are written `HH:MM`, 00:00 to 24:00".into(),
            }),
            BadEscape { .. } => Some("escapes are `\\\"`, `\\\\`, `\\n`, `\\t`".into()),
            DuplicateClause { .. } => Some("keep one of them".into()),
            Duplicate { kind: "holiday" | "workday", .. } => Some("remove one of them".into()),
            Duplicate { kind, .. } => Some(format!("rename one of them; {} {kind} name must be unique", article(kind))),
            UnknownEvent { suggestion, .. } => did_you_mean(suggestion)
                .or_else(|| Some("declare it with `event NAME { field: type }` or import the schema that does".into())),
            UnknownField { suggestion, event, .. } => {
                did_you_mean(suggestion).or_else(|| Some(format!("add the field to the declaration of `{event}`")))
            }
            UnknownType { suggestion, .. } => did_you_mean(suggestion)
                .or_else(|| Some("field types are id, text, int, decimal, money, bool, duration, time".into())),
            UnknownRule { suggestion, .. } => did_you_mean(suggestion),
            UnknownTimezone { suggestion, .. } => did_you_mean(suggestion)
                .or_else(|| Some("use an IANA name such as `America/Sao_Paulo` or `Europe/London`".into())),
            UnknownCalendar { suggestion, .. } => did_you_mean(suggestion)
                .or_else(|| Some("declare it with `calendar NAME { weekend sat, sun ... }`".into())),
            UnknownJurisdiction { suggestion, .. } => did_you_mean(suggestion)
                .or_else(|| Some("import the file that declares it, e.g. `import \"../eu/eu.tenet\"`".into())),
            UnknownAlias { suggestion, in_scope, .. } => did_you_mean(suggestion).or_else(|| {
                Some(if in_scope.is_empty() {
                    "name the trigger with `as`, e.g. `when complaint_received as c`".into()
                } else {
                    format!(
                        "aliases in scope: {}",
                        in_scope.iter().map(|a| format!("`{a}`")).collect::<Vec<_>>().join(", ")
                    )
                })
            }),
            UnknownFunction { suggestion, .. } => did_you_mean(suggestion).or_else(|| {
                Some(
                    "functions are weekday, hour, date, next_business_day, previous_business_day, \
                         business_days_between, start_of_day, end_of_day, ceil, floor, round, min, max"
                        .into(),
                )
            }),
            ArgumentCount { name, .. } => Some(match name.as_str() {
                "round" => "write `round(x, 0.01)`, or `round(x, 0.01, half even)` to round half to even".into(),
                "min" | "max" => format!("pass two or more values of one type, e.g. `{name}(a, b)`"),
                "ceil" | "floor" => format!("pass one number or amount, e.g. `{name}(o.minutes / 1440)`"),
                "business_days_between" => format!("pass two times or aliases, e.g. `{name}(a, b)`"),
                _ => format!("pass one event alias, e.g. `{name}(c)`"),
            }),
            UnknownParameter { suggestion, .. } => did_you_mean(suggestion).or_else(|| {
                Some("declare it: `parameter NAME \"title\" { 7 calendar days from 2026-01-01 }`".into())
            }),
            NoBusinessDay { .. } => Some(
                "every day of the week is a weekend day, so business days never come: drop a day from `weekend`"
                    .into(),
            ),
            ParamEmpty { .. } => Some("write one value per line: `10.34 GBP from 2026-04-01`".into()),
            ParamOrder { .. } => Some("list the values by date, each `from` after the one before".into()),
            ParamGap { .. } => {
                Some("add the value in force then, or end the previous one later with `until`".into())
            }
            ParamOverlap { .. } => Some("end the earlier value with `until` on the later one's `from` day".into()),
            ParamNotCovering { hint, .. } => Some(hint.clone()),
            ImportNotFound { .. } => Some("import paths are relative to the importing file".into()),
            ExtendsCycle { .. } => Some("a jurisdiction cannot extend itself, directly or through others".into()),
            CalendarCycle { .. } => Some("a calendar cannot extend itself, directly or through others".into()),
            WorkdayIsHoliday { .. } => Some(
                "keep one entry; to turn a parent calendar's holiday into a working day, list the workday in a calendar that `extends` it"
                    .into(),
            ),
            OverrideMissing { suggestion, .. } => {
                did_you_mean(suggestion).or_else(|| Some("drop `override` to add a new rule".into()))
            }
            OverrideWithoutParent { .. } => Some("add `extends PARENT` to the jurisdiction, or drop `override`".into()),
            SilentShadowing { rule, .. } => {
                Some(format!("write `override rule {rule}` to replace it, or choose another name"))
            }
            SecondJurisdiction => Some("put each jurisdiction in its own file".into()),
            RuleOutsideJurisdiction { .. } => Some("start the file with `jurisdiction CODE \"title\"`".into()),
            MissingTimezone { .. } => Some("add `timezone \"Area/City\"`: deadlines are counted in local days".into()),
            GivenOutOfOrder => Some("list given events in time order; the log is read in that order".into()),
            EmptyInForce => Some("a rule in force `from A until B` needs B after A".into()),
            TypeMismatch { .. } => None,
            CannotCompare { .. } => Some("compare values of the same type".into()),
            CurrencyMismatch { .. } => {
                Some("Tenet does not convert currencies; use one currency per comparison".into())
            }
            CannotCombine { .. } => Some(
                "money adds to money of its currency and scales by a number (`2 * x`, `x * 10%`, `x / 30`); \
                 durations add to durations and times"
                    .into(),
            ),
            NonPositiveDuration { .. } => Some("write a positive count, e.g. `within 1 day`".into()),
            DurationTooLong { .. } => Some("durations are limited to 100 years".into()),
            OutOfRange { .. } => None,
            WithinOnForbid => Some(
                "a prohibition has no deadline; use `while open` inside an obligation, or a `when ... require` rule"
                    .into(),
            ),
            RuleShape { hint, .. } => Some(hint.clone()),
            BadMeasure { .. } => Some(
                "count(E), distinct(E.field), sum/min/max/average(E.field), percentile(90, E.field), share(E where ...), average/percentile(delay from A as a to B ...)"
                    .into(),
            ),
            RateOfWrongRule { .. } => {
                Some("rates are taken of obligations (`when ... require ...`) or prohibitions".into())
            }
            NoRemedy { rule } => Some(format!("add a `remedy` clause to `{rule}` or drop this expectation")),
            Violated { details, .. } => Some(details.clone()),
            Calc { hint, .. } | Command { hint, .. } => Some(hint.clone()),
            BadLogLine { skipped: false, .. } => {
                Some("fix the line, or pass --keep-going to report every bad line and evaluate the rest".into())
            }
            BadLogLine { skipped: true, .. } => {
                Some("the line was skipped and counted; fix it to have its event judged".into())
            }
            CalendarNotCovering { .. } => Some(
                "business days in those years skip weekends only; add the holidays with `calendar NAME extends ...`"
                    .into(),
            ),
            RemedyNotComputed { .. } => Some(
                "the totals owed leave these violations out: give the log the fields the amount reads, \
                 or give the parameter a value for those days"
                    .into(),
            ),
            OutOfOrder { .. } => Some("events are judged in time order: sort the log by time, or pass --sort".into()),
            Interrupted => Some("nothing was judged; run it again to go to the end".into()),
            MissingCitation { .. } => Some("add `cites \"article\"` so verdicts can name the law they apply".into()),
            UnusedEvent { .. } => Some("remove it, or use it in a rule".into()),
            NoMatch { what, known, suggestion: Some(s), .. } => {
                Some(format!("did you mean `{s}`? the {what}s here are {known}"))
            }
            NoMatch { what, known, suggestion: None, .. } => Some(format!("the {what}s here are {known}")),
            EventNotInLog { suggestion: Some(s), .. } => {
                Some(format!("did you mean `{s}`? the log has events of that type (names are case-sensitive)"))
            }
            EventNotInLog { suggestion: None, .. } => Some(
                "check the name against the log: `--explain-log` lists the log's types that the policy never names"
                    .into(),
            ),
            UnreachableUnless { .. } => Some("remove it, or fix its condition".into()),
            MeasureMisuse { hint, .. } => Some(hint.clone()),
            UnusedMeasure { rule } => Some(format!(
                "its instances count only in the period standards that name it: add `per quarter: rate({rule}) >= N%`, or declare it as a `rule`"
            )),
        }
    }
}
