//! Did-you-mean: the closest known name to a misspelled one.

/// The candidate closest to `name`, if it is close enough to be a likely
/// misspelling (edit distance at most a third of the length; at least 1,
/// and 2 from five characters on).
pub fn closest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    let len = name.chars().count();
    // Edit distance is quadratic: names longer than any real one are not compared.
    if len > 64 {
        return None;
    }
    let limit = if len >= 5 { (len / 3).max(2) } else { 1 };
    candidates
        .into_iter()
        .filter(|c| *c != name)
        .map(|c| (strsim::damerau_levenshtein(&name.to_lowercase(), &c.to_lowercase()), c))
        .filter(|(d, _)| *d <= limit)
        .min_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)))
        .map(|(_, c)| c.to_string())
}

#[cfg(test)]
mod tests {
    use super::closest;

    #[test]
    fn suggests_close_names_only() {
        let names = ["complaint_received", "complaint_resolved", "call_transferred"];
        assert_eq!(closest("complaint_recieved", names).as_deref(), Some("complaint_received"));
        assert_eq!(closest("outage", names), None);
        assert_eq!(closest("x", ["y"]).as_deref(), Some("y"));
        assert_eq!(closest("monie", ["money", "time"]).as_deref(), Some("money"));
    }
}
