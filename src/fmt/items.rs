//! Items, clauses and tests: which lines each node prints, and where in the
//! source each line's node lies (for the comments around it).

use super::text::{self, date, duration, ident, literal, money, name, quote};
use super::{Line, Printer, INDENT, WIDTH};
use crate::span::Span;
use crate::syntax::ast::*;

impl Printer<'_> {
    /// `jurisdiction BR "title"`, then one header clause per line.
    pub(super) fn jurisdiction(&mut self, j: &Jurisdiction) {
        let mut head = format!("jurisdiction {}", ident(&j.name));
        let mut end = j.name.span.end;
        if let Some(t) = &j.title {
            head = format!("{head} {}", quote(&t.value));
            end = end.max(t.span.end);
        }
        let mut lines = vec![];
        if let Some(n) = &j.extends {
            lines.push(Line::at(n.span, format!("extends {}", ident(n))));
        }
        if let Some(t) = &j.timezone {
            lines.push(Line::at(t.span, format!("timezone {}", quote(&t.value))));
        }
        if let Some(n) = &j.calendar {
            lines.push(Line::at(n.span, format!("calendar {}", ident(n))));
        }
        if let Some(f) = &j.in_force {
            lines.push(Line::at(f.span, in_force(f)));
        }
        if lines.is_empty() && self.comment_inside(Span::new(j.span.start, end)) {
            // The comments inside the header cannot follow it: the next item
            // would come right after them (and a `///` one would become its
            // doc). They go between the header's words instead.
            let keyword = "jurisdiction";
            let kw_end =
                Some(j.span.start + keyword.len()).filter(|&e| self.source.get(j.span.start..e) == Some(keyword));
            self.emit(Line::new(Some(j.span.start), kw_end, keyword));
            lines.push(Line::at(j.name.span, ident(&j.name)));
            lines.extend(j.title.as_ref().map(|t| Line::at(t.span, quote(&t.value))));
        } else {
            self.emit(Line::new(Some(j.span.start), Some(end), head).after());
        }
        self.nested(lines);
    }

    /// `event name "description" { a: id, b: text? }` on one line when it
    /// fits and holds no comment, else one field per line.
    pub(super) fn event(&mut self, e: &EventDecl) {
        let mut head = format!("event {}", name(&e.name));
        let mut head_end = e.name.span.end;
        if let Some(d) = &e.description {
            head = format!("{head} {}", quote(&d.value));
            head_end = head_end.max(d.span.end);
        }
        let fields: Vec<String> = e.fields.iter().map(field_decl).collect();
        let one =
            if fields.is_empty() { format!("{head} {{}}") } else { format!("{head} {{ {} }}", fields.join(", ")) };
        if !self.comment_inside(e.span) && self.indent + one.chars().count() <= WIDTH {
            self.emit(Line::at(e.span, one).after());
            return;
        }
        self.open(e.span.start, head_end, head);
        for (f, text) in e.fields.iter().zip(fields) {
            self.emit(Line::at(f.span, format!("{text},")));
        }
        self.close(e.span);
    }

    /// `calendar NAME "title" extends X {`, its entries in source order, `}`.
    pub(super) fn calendar(&mut self, c: &CalendarDecl) {
        let mut head = format!("calendar {}", ident(&c.name));
        let mut head_end = c.name.span.end;
        if let Some(t) = &c.title {
            head = format!("{head} {}", quote(&t.value));
            head_end = head_end.max(t.span.end);
        }
        if let Some(x) = &c.extends {
            head = format!("{head} extends {}", ident(x));
            head_end = head_end.max(x.span.end);
        }
        let mut lines = vec![];
        for days in &c.weekends {
            let text = days.iter().map(|d| d.node.as_str()).collect::<Vec<_>>().join(", ");
            let span = days.first().zip(days.last()).map(|(a, b)| a.span.to(b.span));
            lines.push(Line::new(span.map(|s| s.start), span.map(|s| s.end), format!("weekend {text}")));
        }
        let entries = c.holidays.iter().map(|h| ("holiday", h)).chain(c.workdays.iter().map(|w| ("workday", w)));
        for (word, h) in entries {
            let mut text = format!("{word} {}", date(h.date.date));
            if let Some(n) = &h.name {
                text = format!("{text} {}", quote(&n.value));
            }
            lines.push(Line::at(h.span, text));
        }
        if lines.is_empty() && !self.comment_inside(c.span) {
            self.emit(Line::at(c.span, format!("{head} {{}}")).after());
            return;
        }
        self.open(c.span.start, head_end, head);
        lines.sort_by_key(|l| l.start);
        for line in lines {
            self.emit(line);
        }
        self.close(c.span);
    }

    /// `rule name "title"`, its metadata lines, then the body; `{` ends the
    /// first line when there is no metadata.
    pub(super) fn rule(&mut self, r: &RuleDecl) {
        let keyword = if r.measure { "measure" } else { "rule" };
        let mut head = format!("{}{keyword} {}", if r.is_override { "override " } else { "" }, ident(&r.name));
        let mut head_end = r.name.span.end;
        if let Some(t) = &r.title {
            head = format!("{head} {}", quote(&t.value));
            head_end = head_end.max(t.span.end);
        }
        let mut meta = vec![];
        if let Some(t) = &r.cites {
            meta.push(Line::at(t.span, format!("cites {}", quote(&t.value))));
        }
        if let Some(t) = &r.legal_text {
            meta.push(Line::at(t.span, format!("text {}", quote(&t.value))));
        }
        if let Some(f) = &r.in_force {
            meta.push(Line::at(f.span, in_force(f)));
        }
        self.open_with_meta(r.span.start, head, head_end, meta);
        for c in &r.clauses {
            self.emit(Line::at(c.span(), clause(c, self.source)));
        }
        self.close(r.span);
    }

    /// `parameter name "title"`, its metadata lines, then one value per line.
    pub(super) fn parameter(&mut self, d: &ParameterDecl) {
        let mut head = format!("parameter {}", ident(&d.name));
        let mut head_end = d.name.span.end;
        if let Some(t) = &d.title {
            head = format!("{head} {}", quote(&t.value));
            head_end = head_end.max(t.span.end);
        }
        let mut meta = vec![];
        if let Some(t) = &d.cites {
            meta.push(Line::at(t.span, format!("cites {}", quote(&t.value))));
        }
        if let Some(t) = &d.legal_text {
            meta.push(Line::at(t.span, format!("text {}", quote(&t.value))));
        }
        self.open_with_meta(d.span.start, head, head_end, meta);
        for e in &d.entries {
            let mut line = format!("{} from {}", literal(&e.value, None), date(e.from.date));
            if let Some(u) = &e.until {
                line = format!("{line} until {}", date(u.date));
            }
            self.emit(Line::at(e.span, line));
        }
        self.close(d.span);
    }

    /// The head of a block item, its metadata lines below it and the `{`
    /// on a line of its own; `{` ends the head when there is no metadata.
    fn open_with_meta(&mut self, start: usize, head: String, head_end: usize, meta: Vec<Line>) {
        if meta.is_empty() {
            self.open(start, head_end, head);
            return;
        }
        let meta_end = meta.iter().filter_map(|l| l.end).fold(head_end, usize::max);
        self.emit(Line::new(Some(start), Some(head_end), head).after());
        self.nested(meta);
        let brace = self.find_after(meta_end, "{");
        self.emit(Line::new(brace, brace.map(|b| b + 1), "{").opens());
        self.indent += INDENT;
    }

    /// `test "name" {`, the given block, `as of`, the expectations, `}`.
    pub(super) fn test(&mut self, t: &TestDecl) {
        let brace = self.open(t.span.start, t.name.span.end, format!("test {}", quote(&t.name.value)));
        if let Some(last) = t.given.last() {
            let keyword = brace.and_then(|b| self.find_after(b + 1, "given"));
            let open = keyword.and_then(|k| self.find_after(k + "given".len(), "{"));
            self.emit(Line::new(keyword, open.map(|b| b + 1), "given {").opens());
            self.indent += INDENT;
            for g in &t.given {
                self.emit(Line::at(g.span, self.given_event(g)));
            }
            let close = self.find_after(last.span.end, "}");
            self.close_at(close);
        }
        if let Some(a) = &t.as_of {
            let written = self.source.get(a.span.start..a.span.end);
            self.emit(Line::at(a.span, format!("as of {}", text::datetime(&a.time, written))));
        }
        for x in &t.expects {
            self.emit(Line::at(x.span, self.expectation(x)));
        }
        self.close(t.span);
    }

    /// The first line of a block item: `head {`, with the brace found after
    /// `head_end`. Returns where the brace is.
    fn open(&mut self, start: usize, head_end: usize, head: String) -> Option<usize> {
        let brace = self.find_after(head_end, "{");
        let end = brace.map_or(head_end, |b| b + 1);
        self.emit(Line::new(Some(start), Some(end), format!("{head} {{")).after().opens());
        self.indent += INDENT;
        brace
    }

    /// Header lines one level in, in source order.
    fn nested(&mut self, mut lines: Vec<Line>) {
        lines.sort_by_key(|l| l.start);
        self.indent += INDENT;
        for line in lines {
            self.emit(line);
        }
        self.indent = self.indent.saturating_sub(INDENT);
    }

    /// True when a comment not yet printed lies inside `span`.
    fn comment_inside(&self, span: Span) -> bool {
        self.comments
            .get(self.next..)
            .unwrap_or_default()
            .iter()
            .any(|c| c.span.start > span.start && c.span.start < span.end)
    }

    /// `TIME type { k: v, ... }`.
    fn given_event(&self, g: &GivenEvent) -> String {
        let written = self.source.get(g.time.span.start..g.time.span.end);
        let mut s = format!("{} {}", text::datetime(&g.time.time, written), name(&g.event));
        if !g.fields.is_empty() {
            let fields: Vec<String> =
                g.fields.iter().map(|f| format!("{}: {}", name(&f.name), self.value(f))).collect();
            s = format!("{s} {{ {} }}", fields.join(", "));
        }
        s
    }

    /// `expect [N] verdict rule [for k v, ...]`, `expect remedy rule M [for ...]`.
    fn expectation(&self, x: &Expectation) -> String {
        let mut s = match &x.kind {
            ExpectKind::Verdict { count, verdict } => {
                let n = count.as_ref().map(|c| format!("{} ", c.node)).unwrap_or_default();
                format!("expect {n}{} {}", verdict.node.as_str(), ident(&x.rule))
            }
            ExpectKind::Remedy(m) => format!("expect remedy {} {}", ident(&x.rule), money(m)),
        };
        if !x.key.is_empty() {
            let key: Vec<String> = x.key.iter().map(|k| format!("{} {}", name(&k.name), self.value(k))).collect();
            s = format!("{s} for {}", key.join(", "));
        }
        s
    }

    /// The value of a given field or instance key.
    fn value(&self, f: &GivenField) -> String {
        let end = self.tight_end(f.span.start, f.span.end);
        let written = self.source.get(f.name.span.end..end).map(|s| {
            let s = s.trim_start();
            s.strip_prefix(':').unwrap_or(s).trim()
        });
        literal(&f.value, written)
    }
}

/// `in force from D [until D]`.
fn in_force(f: &InForce) -> String {
    match &f.until {
        Some(u) => format!("in force from {} until {}", date(f.from.date), date(u.date)),
        None => format!("in force from {}", date(f.from.date)),
    }
}

/// `name: type` or `name: money(GBP)?`.
fn field_decl(f: &FieldDecl) -> String {
    let mut s = format!("{}: {}", name(&f.name), f.ty.name);
    if let Some(c) = &f.ty.currency {
        s = format!("{s}({c})");
    }
    if f.optional {
        s.push('?');
    }
    s
}

/// `E [as a] [where cond]`.
fn event_match(m: &EventMatch, source: &str) -> String {
    format!("{}{}", name(&m.event), alias_where(m.alias.as_ref(), m.condition.as_ref(), source))
}

/// ` as a where cond`, either part optional.
fn alias_where(alias: Option<&Name>, condition: Option<&Expr>, source: &str) -> String {
    let mut s = String::new();
    if let Some(a) = alias {
        s = format!(" as {}", ident(a));
    }
    if let Some(c) = condition {
        s = format!("{s} where {}", text::expr(c, source));
    }
    s
}

/// ` as a where cond` for a clause that conditions on earlier events
/// after its own condition: a condition joined by `or` is bracketed so
/// that `and prior ...` reads as it binds.
fn guarded(alias: Option<&Name>, condition: Option<&Expr>, bracket: bool, source: &str) -> String {
    let mut s = alias.map(|a| format!(" as {}", ident(a))).unwrap_or_default();
    if let Some(c) = condition {
        let text = text::expr(c, source);
        if bracket && matches!(c.kind, ExprKind::Binary(BinOp::Or, ..)) {
            s = format!("{s} where ({text})");
        } else {
            s = format!("{s} where {text}");
        }
    }
    s
}

/// ` where [not] prior B ... and [not] prior C ...`.
fn priors(priors: &[PriorCondition], after_condition: bool, source: &str) -> String {
    let mut s = String::new();
    for (i, p) in priors.iter().enumerate() {
        let joint = if i == 0 && !after_condition { "where" } else { "and" };
        let not = if p.negated { "not " } else { "" };
        s = format!("{s} {joint} {not}prior {}", event_match(&p.event, source));
        if let Some(d) = &p.within {
            s = format!("{s} within {}", duration(d.amount, d.unit));
        }
    }
    s
}

/// The one-line text of a clause.
fn clause(c: &Clause, source: &str) -> String {
    let within = |d: &DurationLit| format!(" within {}", duration(d.amount, d.unit));
    match c {
        Clause::When(w) => {
            let head = format!(
                "when {}{}",
                name(&w.event),
                guarded(w.alias.as_ref(), w.condition.as_ref(), !w.priors.is_empty(), source)
            );
            format!("{head}{}", priors(&w.priors, w.condition.is_some(), source))
        }
        Clause::Extend(x) => {
            format!("extended by {} when {}", duration(x.amount.amount, x.amount.unit), event_match(&x.event, source))
        }
        Clause::Require(r) => {
            let mut s = String::from(if r.prior { "require prior " } else { "require " });
            s.push_str(&r.events.iter().map(name).collect::<Vec<_>>().join(" or "));
            s.push_str(&alias_where(r.alias.as_ref(), r.condition.as_ref(), source));
            if let Some(d) = &r.within {
                s.push_str(&within(d));
            }
            if let Some(n) = &r.within_param {
                s.push_str(&format!(" within {}", ident(n)));
            }
            if let Some(by) = &r.by {
                let or = if r.within.is_some() { " or" } else { "" };
                s = format!("{s}{or} by {}", text::expr(&by.expr, source));
                if let Some(w) = &by.whichever {
                    s = format!("{s}, whichever is {}", w.node.as_str());
                }
            }
            if r.roll.is_some() {
                s.push_str(", ending on a business day");
            }
            if let Some(b) = &r.before {
                let or = if r.within.is_some() || r.by.is_some() { " or" } else { "" };
                let cond = alias_where(None, b.condition.as_ref(), source);
                s = format!("{s}{or} before {}{cond}", name(&b.event));
            }
            if let Some(e) = &r.every {
                let cond = alias_where(None, e.until.condition.as_ref(), source);
                let d = duration(e.every.amount, e.every.unit);
                s = format!("{s} every {d} until {}{cond}", name(&e.until.event));
            }
            s
        }
        Clause::Unless(u) => match &u.kind {
            UnlessKind::Condition(e) if text::reads_as_event(e) => format!("unless ({})", text::expr(e, source)),
            UnlessKind::Condition(e) => format!("unless {}", text::expr(e, source)),
            UnlessKind::Event(m) => format!("unless {}", event_match(m, source)),
            UnlessKind::Prior(m, d) => {
                format!("unless prior {}{}", event_match(m, source), d.as_ref().map(within).unwrap_or_default())
            }
        },
        Clause::Forbid(f) => {
            let m = &f.event;
            let mut s = format!(
                "forbid {}{}",
                name(&m.event),
                guarded(m.alias.as_ref(), m.condition.as_ref(), !f.priors.is_empty(), source)
            );
            s.push_str(&priors(&f.priors, m.condition.is_some(), source));
            if let Some(d) = &f.within {
                s.push_str(&within(d));
            }
            if f.while_open {
                s.push_str(" while open");
            }
            s
        }
        Clause::Remedy(r) => {
            let terms: Vec<String> = r.terms.iter().map(|t| remedy_term(t, source)).collect();
            let cap = r.cap.as_ref().map(|m| format!(", max {}", text::expr(m, source))).unwrap_or_default();
            format!("remedy {}{cap}", terms.join(" + "))
        }
        Clause::Aggregate(a) => {
            let group = match &a.group {
                Group::Keys(keys) => keys.iter().map(group_key).collect::<Vec<_>>().join(", "),
                Group::Period(p) => period(p.node).to_string(),
            };
            let bound = text::expr(&a.bound, source);
            let mut measured = measure(&a.measure, source);
            for (sign, m) in &a.more {
                measured = format!("{measured} {} {}", sign.node.as_str(), measure(m, source));
            }
            format!("per {group}: {measured} {} {bound}", a.op.node.as_str())
        }
    }
}

/// `10 GBP`, `5 GBP per business day late`, or a tiered rate
/// `14.55 AUD per business day late for the first 5, then 48.50 AUD per business day late`.
fn remedy_term(t: &RemedyTerm, source: &str) -> String {
    let amount = text::expr(&t.amount, source);
    let Some(per) = &t.per else { return amount };
    let mut s = format!("{amount} per {} late", remedy_unit(per.node));
    for tier in &t.tiers {
        let amount = text::expr(&tier.amount, source);
        s = format!("{s} for the first {}, then {amount} per {} late", tier.after.node, remedy_unit(tier.per.node));
    }
    s
}

fn remedy_unit(u: RemedyUnit) -> &'static str {
    match u {
        RemedyUnit::Hour => "hour",
        RemedyUnit::Day => "day",
        RemedyUnit::CalendarDay => "calendar day",
        RemedyUnit::BusinessDay => "business day",
        RemedyUnit::Week => "week",
    }
}

fn period(p: Period) -> &'static str {
    match p {
        Period::Month => "month",
        Period::Quarter => "quarter",
        Period::Year => "year",
    }
}

/// A grouping key; a bare one spelled like a period would read as a period.
fn group_key(n: &Name) -> String {
    if !n.quoted && matches!(n.text.as_str(), "month" | "quarter" | "year") {
        quote(&n.text)
    } else {
        name(n)
    }
}

/// `rate(rule)`, `average(delay from A ... to B ...)`, `count(E where ...)`.
fn measure(m: &Measure, source: &str) -> String {
    match m {
        Measure::Rate { rule, .. } => format!("rate({})", ident(rule)),
        Measure::Delay { func, percentile, from, to, to_condition, .. } => {
            let p = percentile.as_ref().map(|p| format!("{}, ", p.node)).unwrap_or_default();
            let to = to.iter().map(name).collect::<Vec<_>>().join(" or ");
            let cond = to_condition.as_ref().map(|c| format!(" where {}", text::expr(c, source))).unwrap_or_default();
            format!("{}({p}delay from {} to {to}{cond})", func.node.as_str(), event_match(from, source))
        }
        Measure::Share { event, .. } => {
            let tail = alias_where(event.alias.as_ref(), event.condition.as_ref(), source);
            format!("share({}{tail})", name(&event.event))
        }
        Measure::Events { func, percentile, event, field, .. } => {
            let p = percentile.as_ref().map(|p| format!("{}, ", p.node)).unwrap_or_default();
            let field = field.as_ref().map(|f| format!(".{}", name(f))).unwrap_or_default();
            let tail = alias_where(event.alias.as_ref(), event.condition.as_ref(), source);
            format!("{}({p}{}{field}{tail})", func.node.as_str(), name(&event.event))
        }
    }
}
