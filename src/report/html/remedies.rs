//! The remedies owed per customer, from the same totals the human report
//! lists: per currency, the customers owed most (at most
//! [`SHOWN_CUSTOMERS`], as the human report), then how many customers are
//! owed in all and the total.

use super::escape::Esc;
use crate::report::human::SHOWN_CUSTOMERS;
use crate::report::{plural, Report};
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// The section of remedies per customer.
pub fn section(r: &Report) -> String {
    let mut s = String::from("<section id=\"remedies\">\n<h2>Remedies per customer</h2>\n");
    let owed = &r.summary.by_customer;
    if owed.is_empty() {
        s.push_str("<p>No remedy is owed.</p>\n</section>\n");
        return s;
    }
    // Per currency: every customer owed in it (references into the totals).
    let mut by_currency: BTreeMap<&str, Vec<(&str, Decimal)>> = BTreeMap::new();
    for (customer, totals) in owed {
        for (currency, amount) in totals {
            by_currency.entry(currency.as_str()).or_default().push((customer.as_str(), *amount));
        }
    }
    for (currency, mut customers) in by_currency {
        // Most owed first; equal amounts in name order.
        customers.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        let total = customers.iter().try_fold(Decimal::ZERO, |t, (_, a)| t.checked_add(*a));
        let n = customers.len();
        let shown = n.min(SHOWN_CUSTOMERS);
        let heading =
            if currency.is_empty() { "Amounts without a currency".to_string() } else { Esc(currency).to_string() };
        let _ = writeln!(s, "<h3>{heading}</h3>");
        let total = total.map_or_else(|| "too large to add up".to_string(), |t| format!("{t} {}", Esc(currency)));
        let _ = writeln!(
            s,
            "<p>{n} customer{} owed {total} in all{}.</p>",
            plural(n),
            if shown < n { format!("; the {shown} owed most") } else { String::new() }
        );
        s.push_str("<table class=\"remedies\">\n<thead><tr><th>Customer</th><th class=\"num\">Owed</th></tr></thead>\n<tbody>\n");
        for (customer, amount) in customers.iter().take(shown) {
            let _ = writeln!(
                s,
                "<tr class=\"remedy-row\"><td><code>{}</code></td><td class=\"num\">{amount} {}</td></tr>",
                Esc(customer),
                Esc(currency)
            );
        }
        s.push_str("</tbody>\n</table>\n");
        if shown < n {
            let more = n - shown;
            let _ = writeln!(
                s,
                "<p class=\"more\">… and {more} more customer{}: <code>--format json</code> lists every one in <code>remedies_by_customer</code>.</p>",
                plural(more)
            );
        }
    }
    s.push_str("</section>\n");
    s
}
