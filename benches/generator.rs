//! Deterministic synthetic telecom event logs for the reference policy
//! (`benches/reference.tenet`).
//!
//! The log interleaves customers (`K-…`) and cases (`C-…`) in time order,
//! with many events sharing the same second. Besides the nine event types the
//! policy uses, about a third of the lines are types it ignores
//! (`page_viewed`, `bill_issued`, `sms_sent`, `payment_received`,
//! `app_login`). Obligations are met early, exactly at their deadline, one
//! second late, much later, or never, and the log simply stops, so the
//! obligations opened near its end are still pending at the horizon.
//!
//! Generation is streaming: a spontaneous event (a complaint, a
//! cancellation request, an outage, a distractor) schedules its follow-ups
//! (acknowledgement, resolution, transfers, completion or refusal, credit)
//! in a queue ordered by time, and the next line is whichever comes first.
//! The queue only holds follow-ups not yet due, so memory depends on the
//! event rate and the longest delay, not on the length of the log. The same
//! [`Config`] always gives byte-identical output.
//!
//! Used by the benchmark (`benches/tools/gen.rs`, `benches/run.sh`) and by
//! `tests/reference_counts.rs`, which includes this file as a module.

#![allow(dead_code, reason = "each includer uses a different part of the module")]

use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::io::{self, Write};

/// One day in seconds.
pub const DAY: i64 = 86_400;
/// The header row of the CSV format.
pub const CSV_HEADER: &str = "time,type,case,customer,reason,outage_minutes";
/// The refusal reason the reference policy forbids.
pub const DEBT: &str = "outstanding_debt";

/// How many recent cases a repeated complaint may name.
const RECENT: usize = 64;

/// A log to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Config {
    /// Lines of the log (events; the CSV header is not counted).
    pub events: u64,
    /// Seed of the pseudo-random sequence.
    pub seed: u64,
    /// Mean gap between spontaneous events, in seconds (follow-ups come in
    /// between, so the mean gap between lines is about 0.6 of this).
    pub mean_gap: u32,
    /// Size of the customer base.
    pub customers: u32,
    /// Time of the first event, in seconds since the Unix epoch.
    pub start: i64,
}

impl Config {
    /// `events` lines from `seed` with the benchmark's defaults: a line
    /// every three seconds on average (a million lines span a month), a
    /// million customers, starting on 2026-01-05.
    pub fn new(events: u64, seed: u64) -> Self {
        Config { events, seed, mean_gap: 5, customers: 1_000_000, start: 1_767_571_200 }
    }
}

/// The log formats written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// JSON Lines.
    Jsonl,
    /// CSV with [`CSV_HEADER`].
    Csv,
}

/// The event types of the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// A complaint opens (case, customer, channel).
    ComplaintReceived,
    /// A complaint is acknowledged (case).
    ComplaintAcknowledged,
    /// A complaint is resolved (case).
    ComplaintResolved,
    /// A customer asks to cancel (customer).
    CancellationRequested,
    /// A cancellation is carried out (customer).
    CancellationCompleted,
    /// A cancellation is refused (customer, reason).
    CancellationRefused,
    /// An outage ends (customer, outage_minutes).
    OutageEnded,
    /// A credit is issued (customer).
    CreditIssued,
    /// A call is transferred (case, or none; customer).
    CallTransferred,
    /// Distractor: a web page viewed.
    PageViewed,
    /// Distractor: a bill issued.
    BillIssued,
    /// Distractor: a text message sent.
    SmsSent,
    /// Distractor: a payment received.
    PaymentReceived,
    /// Distractor: a login to the app.
    AppLogin,
}

impl Kind {
    /// The `type` of the event in the log.
    pub fn name(self) -> &'static str {
        match self {
            Kind::ComplaintReceived => "complaint_received",
            Kind::ComplaintAcknowledged => "complaint_acknowledged",
            Kind::ComplaintResolved => "complaint_resolved",
            Kind::CancellationRequested => "cancellation_requested",
            Kind::CancellationCompleted => "cancellation_completed",
            Kind::CancellationRefused => "cancellation_refused",
            Kind::OutageEnded => "outage_ended",
            Kind::CreditIssued => "credit_issued",
            Kind::CallTransferred => "call_transferred",
            Kind::PageViewed => "page_viewed",
            Kind::BillIssued => "bill_issued",
            Kind::SmsSent => "sms_sent",
            Kind::PaymentReceived => "payment_received",
            Kind::AppLogin => "app_login",
        }
    }

    /// True for the types the reference policy does not mention.
    pub fn is_distractor(self) -> bool {
        matches!(self, Kind::PageViewed | Kind::BillIssued | Kind::SmsSent | Kind::PaymentReceived | Kind::AppLogin)
    }
}

/// Why a cancellation was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// The reason the policy forbids.
    OutstandingDebt,
    /// A minimum term not yet served.
    ContractMinimumTerm,
    /// The caller could not be identified.
    IdentityNotVerified,
    /// The number is being ported out.
    NumberPortPending,
}

impl Reason {
    /// The reason as written in the log.
    pub fn name(self) -> &'static str {
        match self {
            Reason::OutstandingDebt => DEBT,
            Reason::ContractMinimumTerm => "contract_minimum_term",
            Reason::IdentityNotVerified => "identity_not_verified",
            Reason::NumberPortPending => "number_port_pending",
        }
    }
}

/// One generated event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Event {
    /// Seconds since the Unix epoch.
    pub time: i64,
    /// Its type.
    pub kind: Kind,
    /// The case number, if the event has a case.
    pub case: Option<u32>,
    /// The customer number, if the event names one.
    pub customer: Option<u32>,
    /// The refusal reason (cancellation_refused only).
    pub reason: Option<Reason>,
    /// Minutes of outage (outage_ended only).
    pub outage_minutes: Option<u32>,
    /// A random number choosing the distractor attributes (page, amount,
    /// channel, ...), which no rule reads.
    pub extra: u32,
}

/// SplitMix64: a tiny, fast, well-mixed pseudo-random sequence.
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    /// The sequence from `seed`.
    pub fn new(seed: u64) -> Self {
        SplitMix64(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// A number in `lo..=hi`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1).max(0) as u64) as i64
    }

    /// A number in `0..1000`: draws against per-mille thresholds.
    pub fn permille(&mut self) -> u32 {
        self.below(1000) as u32
    }
}

/// A follow-up waiting for its time; ties keep the order of scheduling.
#[derive(Debug, Clone, Copy)]
struct Due {
    seq: u64,
    event: Event,
}

impl PartialEq for Due {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Due {}

impl PartialOrd for Due {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Due {
    /// Reversed, so that the max-heap pops the earliest.
    fn cmp(&self, other: &Self) -> Ordering {
        (other.event.time, other.seq).cmp(&(self.event.time, self.seq))
    }
}

/// The events of a log, in log order.
#[derive(Debug, Clone)]
pub struct Generator {
    cfg: Config,
    rng: SplitMix64,
    /// Largest gap between spontaneous events.
    max_gap: i64,
    /// Time of the last event emitted.
    now: i64,
    /// Time of the next spontaneous event.
    next_spontaneous: i64,
    queue: BinaryHeap<Due>,
    seq: u64,
    emitted: u64,
    next_case: u32,
    /// Recent cases with their customer, for repeated complaints.
    recent: [(u32, u32); RECENT],
    recent_len: usize,
    recent_at: usize,
}

impl Generator {
    /// A generator for `cfg`.
    pub fn new(cfg: Config) -> Self {
        // A third of the gaps are zero (ties); the others are uniform in
        // 1..=max_gap, so that the mean is about `mean_gap`.
        let max_gap = 3 * i64::from(cfg.mean_gap.max(1)) - 1;
        Generator {
            cfg,
            rng: SplitMix64::new(cfg.seed),
            max_gap,
            now: cfg.start,
            next_spontaneous: cfg.start,
            queue: BinaryHeap::new(),
            seq: 0,
            emitted: 0,
            next_case: 1,
            recent: [(0, 0); RECENT],
            recent_len: 0,
            recent_at: 0,
        }
    }

    /// Follow-ups waiting (for tests of the memory bound).
    pub fn queued(&self) -> usize {
        self.queue.len()
    }

    fn customer(&mut self) -> u32 {
        self.rng.below(u64::from(self.cfg.customers.max(1))) as u32 + 1
    }

    fn event(&self, time: i64, kind: Kind) -> Event {
        Event { time, kind, case: None, customer: None, reason: None, outage_minutes: None, extra: 0 }
    }

    /// Schedules `e` `delay` seconds after now.
    fn schedule(&mut self, delay: i64, mut e: Event) {
        e.time = self.now + delay;
        e.extra = self.rng.next_u64() as u32;
        self.seq += 1;
        self.queue.push(Due { seq: self.seq, event: e });
    }

    /// A delay for an obligation due `limit` seconds after its trigger:
    /// exactly on the deadline, one second late, late, never (None), at
    /// once (`min`, 2%), or in time. Per-mille shares: `exact`, `second`,
    /// `late`, `never`.
    fn delay(&mut self, limit: i64, min: i64, shares: [u32; 4]) -> Option<i64> {
        let [exact, second, late, never] = shares;
        let r = self.rng.permille();
        let mut edge = exact;
        if r < edge {
            return Some(limit);
        }
        edge += second;
        if r < edge {
            return Some(limit + 1);
        }
        edge += late;
        if r < edge {
            return Some(self.rng.range(limit + 2, limit * 2));
        }
        edge += never;
        if r < edge {
            return None;
        }
        // At once (for a zero minimum: in the same second as the trigger).
        if r < edge + 20 {
            return Some(min);
        }
        // In time, skewed towards early answers.
        let a = self.rng.range(min, limit - 1);
        let b = self.rng.range(min, limit - 1);
        Some(a.min(b))
    }

    fn spontaneous(&mut self) -> Event {
        let now = self.now;
        let r = self.rng.permille();
        let mut e = self.event(now, Kind::PageViewed);
        e.extra = self.rng.next_u64() as u32;
        match r {
            0..=219 => self.complaint(&mut e),
            220..=319 => self.cancellation(&mut e),
            320..=379 => self.outage(&mut e),
            380..=399 => {
                // A transfer of a call that is not about a case.
                e.kind = Kind::CallTransferred;
                e.customer = Some(self.customer());
            }
            400..=414 => {
                // A goodwill credit nobody owed.
                e.kind = Kind::CreditIssued;
                e.customer = Some(self.customer());
            }
            _ => {
                e.kind = match r % 5 {
                    0 => Kind::PageViewed,
                    1 => Kind::BillIssued,
                    2 => Kind::SmsSent,
                    3 => Kind::PaymentReceived,
                    _ => Kind::AppLogin,
                };
                e.customer = Some(self.customer());
            }
        }
        e
    }

    fn complaint(&mut self, e: &mut Event) {
        e.kind = Kind::ComplaintReceived;
        // One in thirty complaints is about a case already open.
        let (case, customer) = if self.recent_len > 0 && self.rng.permille() < 33 {
            let i = self.rng.below(self.recent_len as u64) as usize;
            self.recent[i]
        } else {
            let case = self.next_case;
            self.next_case = self.next_case.wrapping_add(1);
            let customer = self.customer();
            self.recent[self.recent_at] = (case, customer);
            self.recent_at = (self.recent_at + 1) % RECENT;
            self.recent_len = (self.recent_len + 1).min(RECENT);
            (case, customer)
        };
        e.case = Some(case);
        e.customer = Some(customer);
        let mut follow = self.event(0, Kind::ComplaintAcknowledged);
        follow.case = Some(case);
        if let Some(d) = self.delay(DAY, 0, [50, 30, 60, 80]) {
            self.schedule(d, follow);
        }
        follow.kind = Kind::ComplaintResolved;
        if let Some(d) = self.delay(7 * DAY, 600, [30, 20, 100, 80]) {
            self.schedule(d, follow);
        }
        // Transfers while the case is handled: zero to four.
        let transfers = match self.rng.permille() {
            0..=399 => 0,
            400..=649 => 1,
            650..=799 => 2,
            800..=919 => 3,
            _ => 4,
        };
        follow.kind = Kind::CallTransferred;
        follow.customer = Some(customer);
        for _ in 0..transfers {
            let d = self.rng.range(0, 2 * 3600);
            self.schedule(d, follow);
        }
    }

    fn cancellation(&mut self, e: &mut Event) {
        e.kind = Kind::CancellationRequested;
        let customer = self.customer();
        e.customer = Some(customer);
        let mut follow = self.event(0, Kind::CancellationCompleted);
        follow.customer = Some(customer);
        if self.rng.permille() < 150 {
            follow.kind = Kind::CancellationRefused;
            follow.reason = Some(match self.rng.permille() {
                0..=499 => Reason::OutstandingDebt,
                500..=699 => Reason::ContractMinimumTerm,
                700..=899 => Reason::IdentityNotVerified,
                _ => Reason::NumberPortPending,
            });
            let refused = self.rng.range(60, 7200);
            self.schedule(refused, follow);
            // Some customers insist and are cancelled after all.
            if self.rng.permille() < 300 {
                follow.kind = Kind::CancellationCompleted;
                follow.reason = None;
                let d = refused + self.rng.range(3600, 2 * DAY);
                self.schedule(d, follow);
            }
        } else if let Some(d) = self.delay(DAY, 0, [30, 20, 80, 50]) {
            self.schedule(d, follow);
        }
    }

    fn outage(&mut self, e: &mut Event) {
        e.kind = Kind::OutageEnded;
        let customer = self.customer();
        e.customer = Some(customer);
        let minutes = match self.rng.permille() {
            0..=49 => 240,
            50..=99 => 241,
            100..=549 => self.rng.range(5, 239) as u32,
            _ => self.rng.range(242, 1440) as u32,
        };
        e.outage_minutes = Some(minutes);
        let mut follow = self.event(0, Kind::CreditIssued);
        follow.customer = Some(customer);
        if minutes > 240 {
            if let Some(d) = self.delay(30 * DAY, 3600, [30, 20, 80, 100]) {
                self.schedule(d, follow);
            }
        } else if self.rng.permille() < 200 {
            let d = self.rng.range(3600, 30 * DAY);
            self.schedule(d, follow);
        }
    }
}

impl Iterator for Generator {
    type Item = Event;

    fn next(&mut self) -> Option<Event> {
        if self.emitted >= self.cfg.events {
            return None;
        }
        self.emitted += 1;
        if let Some(top) = self.queue.peek() {
            if top.event.time <= self.next_spontaneous {
                let due = self.queue.pop()?;
                self.now = due.event.time;
                return Some(due.event);
            }
        }
        self.now = self.next_spontaneous;
        let e = self.spontaneous();
        let gap = if self.rng.permille() < 333 { 0 } else { self.rng.range(1, self.max_gap) };
        self.next_spontaneous = self.now + gap;
        Some(e)
    }
}

/// Writes `n` as exactly `width` decimal digits (zero-padded; higher digits
/// are cut off).
fn digits(out: &mut Vec<u8>, mut n: u64, width: usize) {
    let at = out.len();
    out.resize(at + width, b'0');
    for slot in out[at..].iter_mut().rev() {
        *slot = b'0' + (n % 10) as u8;
        n /= 10;
    }
}

/// Writes `n` in decimal.
fn number(out: &mut Vec<u8>, n: u64) {
    let mut width = 1;
    let mut m = n / 10;
    while m > 0 {
        width += 1;
        m /= 10;
    }
    digits(out, n, width);
}

/// The civil date (year, month, day) of a day count since 1970-01-01.
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Writes `t` (seconds since the epoch) as `YYYY-MM-DDTHH:MM:SSZ`.
pub fn write_time(out: &mut Vec<u8>, t: i64) {
    let (y, m, d) = civil_from_days(t.div_euclid(DAY));
    let s = t.rem_euclid(DAY) as u64;
    digits(out, y.max(0) as u64, 4);
    out.push(b'-');
    digits(out, u64::from(m), 2);
    out.push(b'-');
    digits(out, u64::from(d), 2);
    out.push(b'T');
    digits(out, s / 3600, 2);
    out.push(b':');
    digits(out, s / 60 % 60, 2);
    out.push(b':');
    digits(out, s % 60, 2);
    out.push(b'Z');
}

/// `t` as `YYYY-MM-DDTHH:MM:SSZ`.
pub fn time_text(t: i64) -> String {
    let mut out = Vec::with_capacity(20);
    write_time(&mut out, t);
    String::from_utf8_lossy(&out).into_owned()
}

/// Writes an id such as `C-0001234` (at least seven digits).
fn id(out: &mut Vec<u8>, prefix: u8, n: u32) {
    out.push(prefix);
    out.push(b'-');
    if n < 10_000_000 {
        digits(out, u64::from(n), 7);
    } else {
        number(out, u64::from(n));
    }
}

const CHANNELS: [&str; 4] = ["phone", "chat", "email", "store"];
const PAGES: [&str; 6] =
    ["/billing/invoices", "/plans/compare", "/support/outages", "/account/profile", "/help/roaming", "/shop/phones"];
const TEMPLATES: [&str; 4] = ["bill_ready", "payment_thanks", "outage_notice", "usage_alert"];
const DEVICES: [&str; 3] = ["android", "ios", "web"];
const QUEUES: [&str; 4] = ["billing", "technical", "retention", "sales"];

fn pick<'a>(list: &[&'a str], extra: u32) -> &'a str {
    list.get(extra as usize % list.len().max(1)).copied().unwrap_or("")
}

/// Appends one JSON Lines line (with its line break).
pub fn write_jsonl(out: &mut Vec<u8>, e: &Event) {
    out.extend_from_slice(b"{\"time\":\"");
    write_time(out, e.time);
    out.extend_from_slice(b"\",\"type\":\"");
    out.extend_from_slice(e.kind.name().as_bytes());
    out.push(b'"');
    if let Some(c) = e.case {
        out.extend_from_slice(b",\"case\":\"");
        id(out, b'C', c);
        out.push(b'"');
    }
    if let Some(k) = e.customer {
        out.extend_from_slice(b",\"customer\":\"");
        id(out, b'K', k);
        out.push(b'"');
    }
    if let Some(r) = e.reason {
        out.extend_from_slice(b",\"reason\":\"");
        out.extend_from_slice(r.name().as_bytes());
        out.push(b'"');
    }
    if let Some(m) = e.outage_minutes {
        out.extend_from_slice(b",\"outage_minutes\":");
        number(out, u64::from(m));
    }
    // Attributes no rule reads.
    let x = e.extra;
    let (key, text): (&str, Option<&str>) = match e.kind {
        Kind::ComplaintReceived => ("channel", Some(pick(&CHANNELS, x))),
        Kind::ComplaintAcknowledged | Kind::ComplaintResolved => ("agent", None),
        Kind::CallTransferred => ("queue", Some(pick(&QUEUES, x))),
        Kind::PageViewed => ("page", Some(pick(&PAGES, x))),
        Kind::SmsSent => ("template", Some(pick(&TEMPLATES, x))),
        Kind::AppLogin => ("device", Some(pick(&DEVICES, x))),
        Kind::BillIssued | Kind::PaymentReceived | Kind::CreditIssued => ("amount", None),
        Kind::OutageEnded => ("cell", None),
        Kind::CancellationRequested | Kind::CancellationCompleted | Kind::CancellationRefused => ("channel", None),
    };
    out.extend_from_slice(b",\"");
    out.extend_from_slice(key.as_bytes());
    out.extend_from_slice(b"\":");
    match (key, text) {
        (_, Some(t)) => {
            out.push(b'"');
            out.extend_from_slice(t.as_bytes());
            out.push(b'"');
        }
        ("amount", None) => {
            // A price such as 59.90.
            number(out, u64::from(x % 200 + 5));
            out.push(b'.');
            digits(out, u64::from(x / 200 % 100), 2);
            out.extend_from_slice(b",\"currency\":\"BRL\"");
        }
        ("agent", None) => {
            out.extend_from_slice(b"\"AGT-");
            digits(out, u64::from(x % 50_000), 5);
            out.push(b'"');
        }
        ("cell", None) => {
            out.extend_from_slice(b"\"CELL-");
            digits(out, u64::from(x % 100_000), 5);
            out.push(b'"');
        }
        _ => {
            out.push(b'"');
            out.extend_from_slice(pick(&CHANNELS, x).as_bytes());
            out.push(b'"');
        }
    }
    out.extend_from_slice(b"}\n");
}

/// Appends one CSV record (with its line break) under [`CSV_HEADER`].
pub fn write_csv(out: &mut Vec<u8>, e: &Event) {
    write_time(out, e.time);
    out.push(b',');
    out.extend_from_slice(e.kind.name().as_bytes());
    out.push(b',');
    if let Some(c) = e.case {
        id(out, b'C', c);
    }
    out.push(b',');
    if let Some(k) = e.customer {
        id(out, b'K', k);
    }
    out.push(b',');
    if let Some(r) = e.reason {
        out.extend_from_slice(r.name().as_bytes());
    }
    out.push(b',');
    if let Some(m) = e.outage_minutes {
        number(out, u64::from(m));
    }
    out.push(b'\n');
}

/// Streams the log of `cfg` in `format` to `w`; returns the bytes written.
pub fn write_log(cfg: Config, format: Format, w: &mut dyn Write) -> io::Result<u64> {
    let mut buf = Vec::with_capacity(1 << 16);
    let mut total = 0u64;
    if format == Format::Csv {
        buf.extend_from_slice(CSV_HEADER.as_bytes());
        buf.push(b'\n');
    }
    for e in Generator::new(cfg) {
        match format {
            Format::Jsonl => write_jsonl(&mut buf, &e),
            Format::Csv => write_csv(&mut buf, &e),
        }
        if buf.len() >= (1 << 16) - 256 {
            w.write_all(&buf)?;
            total += buf.len() as u64;
            buf.clear();
        }
    }
    w.write_all(&buf)?;
    total += buf.len() as u64;
    w.flush()?;
    Ok(total)
}
