//! Replica names: a pattern with one `{n}` placeholder (default `<image-name>-{n}`),
//! numbered after the highest existing match and never equal to any existing name.

use std::collections::HashSet;

/// The placeholder replaced by the replica number.
pub const PLACEHOLDER: &str = "{n}";

/// `app` for `registry:5000/team/app:1.2` or `app@sha256:...`: the last path segment of the
/// repository, reduced to the characters a container name may hold.
pub fn image_base_name(image: &str) -> String {
    let without_digest = image.split('@').next().unwrap_or(image);
    let last = without_digest.rsplit('/').next().unwrap_or(without_digest);
    let repo = last.split(':').next().unwrap_or(last);
    let cleaned: String = repo
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "_.-".contains(c) {
                c
            } else {
                '-'
            }
        })
        .collect();
    let cleaned = cleaned.trim_start_matches(|c: char| !c.is_ascii_alphanumeric());
    if cleaned.is_empty() {
        "replica".to_string()
    } else {
        cleaned.to_string()
    }
}

/// The default pattern for an image: `app-{n}`.
pub fn default_pattern(image: &str) -> String {
    format!("{}-{PLACEHOLDER}", image_base_name(image))
}

/// Checks the form's name field for `replicas` containers (empty means the default pattern).
///
/// One replica and no `{n}`: the container gets exactly that name (issue #14: the form
/// never rewrites a name it can keep). Several replicas cannot share one name, so a
/// pattern without `{n}` gets `-{n}` appended; the dialog says so next to the field.
pub fn normalize_pattern(pattern: &str, image: &str, replicas: u32) -> Result<String, String> {
    let pattern = pattern.trim();
    if pattern.is_empty() {
        return Ok(default_pattern(image));
    }
    let pattern = match pattern.matches(PLACEHOLDER).count() {
        0 if replicas == 1 => pattern.to_string(),
        0 => format!("{pattern}-{PLACEHOLDER}"),
        1 => pattern.to_string(),
        _ => return Err("use {n} only once".into()),
    };
    let sample = render(&pattern, 1);
    if sample.contains(['{', '}']) {
        return Err("the only placeholder is {n}".into());
    }
    if !is_valid_name(&sample) {
        return Err(format!(
            "{sample} is not a valid container name: start with a letter or digit, then letters, \
             digits, '_', '.' or '-'"
        ));
    }
    if sample.len() > 200 {
        return Err("the name is too long".into());
    }
    Ok(pattern)
}

/// `pattern` with a number: itself when it has `{n}`, else `<pattern>-{n}`. For more
/// containers after one that has the exact name (scaling its group, the tray's "Launch
/// another"): they are numbered rather than refused for the name being taken.
pub fn numbered_pattern(pattern: &str) -> String {
    if pattern.contains(PLACEHOLDER) {
        pattern.to_string()
    } else {
        format!("{pattern}-{PLACEHOLDER}")
    }
}

/// The engine's rule: `[a-zA-Z0-9][a-zA-Z0-9_.-]+`.
pub fn is_valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphanumeric())
        && name.len() >= 2
        && chars.all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c))
}

pub fn render(pattern: &str, n: u32) -> String {
    pattern.replacen(PLACEHOLDER, &n.to_string(), 1)
}

/// The number `name` has under `pattern`, if it is one of its names.
pub fn number_of(pattern: &str, name: &str) -> Option<u32> {
    let (prefix, suffix) = pattern.split_once(PLACEHOLDER)?;
    let digits = name.strip_prefix(prefix)?.strip_suffix(suffix)?;
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) || digits.starts_with('0') {
        return None;
    }
    digits.parse().ok()
}

/// `count` (number, name) pairs: numbering starts after both `after` (the group's highest
/// replica) and the highest existing name of this pattern, and skips any name in `existing`.
///
/// A pattern without `{n}` is one container's exact name: for a new group (`after` 0) it
/// gives that one name, or a form error when it is taken or asked for several containers.
/// A group that already has it (`after` > 0, scaling up) numbers its new members
/// `<name>-{n}` after its highest, as the tray's "Launch another" does.
///
/// It ends for any pattern, including one read from a label (not normalised by the form):
/// the search for free numbers tries at most `count + existing.len()` numbers (with one
/// `{n}`, distinct numbers render distinct names, so each miss uses up one existing name).
pub fn plan_names(
    pattern: &str,
    count: u32,
    existing: &HashSet<String>,
    after: u32,
) -> Result<Vec<(u32, String)>, String> {
    let numbered;
    let pattern = match pattern.matches(PLACEHOLDER).count() {
        1 => pattern,
        0 if after > 0 => {
            numbered = numbered_pattern(pattern);
            numbered.as_str()
        }
        0 if existing.contains(pattern) => {
            return Err(format!(
                "there is already a container named {pattern}: choose another name, or add \
                 {PLACEHOLDER} to number the containers"
            ))
        }
        0 if count > 1 => {
            return Err(format!(
                "{count} containers cannot share the one name {pattern}: add {PLACEHOLDER} to \
                 number them"
            ))
        }
        0 => {
            return Ok((count == 1)
                .then(|| (1, pattern.to_string()))
                .into_iter()
                .collect());
        }
        _ => return Err(format!("use {PLACEHOLDER} only once")),
    };
    let highest = existing
        .iter()
        .filter_map(|name| number_of(pattern, name))
        .chain([after])
        .max()
        .unwrap_or(after);
    let mut out = Vec::new();
    let mut n = highest;
    let mut tries = (count as usize).saturating_add(existing.len());
    while out.len() < count as usize {
        if tries == 0 {
            return Err(format!("no free names for {pattern}"));
        }
        tries -= 1;
        n = n
            .checked_add(1)
            .ok_or_else(|| "replica numbers ran out".to_string())?;
        let name = render(pattern, n);
        if !existing.contains(&name) {
            out.push((n, name));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn base_names_come_from_the_repository() {
        assert_eq!(image_base_name("berth-test/app:latest"), "app");
        assert_eq!(image_base_name("localhost:5000/team/web-ui:1.2"), "web-ui");
        assert_eq!(image_base_name("nginx@sha256:abc"), "nginx");
        assert_eq!(image_base_name("sha256:0123abcd"), "sha256");
        assert_eq!(image_base_name("_x"), "x");
        assert_eq!(default_pattern("busybox"), "busybox-{n}");
    }

    #[test]
    fn patterns_are_checked() {
        assert_eq!(normalize_pattern("", "app:1", 1).unwrap(), "app-{n}");
        assert_eq!(normalize_pattern("web", "app", 3).unwrap(), "web-{n}");
        assert_eq!(normalize_pattern("w{n}x", "app", 3).unwrap(), "w{n}x");
        for replicas in [1, 3] {
            assert!(normalize_pattern("{n}-{n}", "app", replicas)
                .unwrap_err()
                .contains("once"));
            assert!(normalize_pattern("a{x}", "app", replicas)
                .unwrap_err()
                .contains("placeholder"));
            assert!(normalize_pattern("-bad", "app", replicas)
                .unwrap_err()
                .contains("not a valid"));
            assert!(normalize_pattern("sp ace", "app", replicas)
                .unwrap_err()
                .contains("not a valid"));
        }
    }

    #[test]
    fn one_container_keeps_an_exact_name() {
        assert_eq!(normalize_pattern(" web ", "app", 1).unwrap(), "web");
        assert_eq!(normalize_pattern("w{n}x", "app", 1).unwrap(), "w{n}x");
        assert!(normalize_pattern("x", "app", 1)
            .unwrap_err()
            .contains("not a valid"));
        assert_eq!(numbered_pattern("web"), "web-{n}");
        assert_eq!(numbered_pattern("w{n}x"), "w{n}x");
        // Free: exactly that name, replica 1. Taken: a form error in words, nothing planned.
        assert_eq!(
            plan_names("web", 1, &HashSet::new(), 0).unwrap(),
            [(1, "web".into())]
        );
        let taken: HashSet<String> = ["web".to_string()].into();
        let e = plan_names("web", 1, &taken, 0).unwrap_err();
        assert!(e.contains("already a container named web"), "{e}");
        // More members of a group whose first has the exact name are numbered after it.
        assert_eq!(
            plan_names("web", 2, &taken, 1).unwrap(),
            [(2, "web-2".into()), (3, "web-3".into())]
        );
    }

    #[test]
    fn numbering_continues_and_never_collides() {
        let existing: HashSet<String> = ["app-1", "app-2", "app-5", "app-7x", "app-07", "app-6"]
            .map(String::from)
            .into();
        let names = plan_names("app-{n}", 3, &existing, 0).unwrap();
        assert_eq!(
            names,
            [
                (7, "app-7".into()),
                (8, "app-8".into()),
                (9, "app-9".into())
            ]
        );
        // A name taken by something else is skipped.
        let existing: HashSet<String> = ["web-2".to_string()].into();
        let names = plan_names("web-{n}", 2, &existing, 0).unwrap();
        assert_eq!(names, [(3, "web-3".into()), (4, "web-4".into())]);
        let names = plan_names("web-{n}", 1, &HashSet::new(), 10).unwrap();
        assert_eq!(names, [(11, "web-11".into())]);
    }

    #[test]
    fn any_pattern_ends_quickly() {
        // A pattern without {n} (a spec from a label is not normalised by the form).
        let existing: HashSet<String> = ["fixed".to_string()].into();
        let start = std::time::Instant::now();
        assert!(plan_names("fixed", 1, &existing, 0)
            .unwrap_err()
            .contains("already a container"));
        assert!(plan_names("fixed", 2, &HashSet::new(), 0)
            .unwrap_err()
            .contains("cannot share"));
        assert_eq!(
            plan_names("fixed", 1, &HashSet::new(), 4).unwrap(),
            [(5, "fixed-5".into())]
        );
        assert!(plan_names("a{n}{n}", 1, &HashSet::new(), 0).is_err());
        // Numbers that run out end with an error, not a wrap or a long loop.
        assert!(plan_names("x-{n}", 2, &HashSet::new(), u32::MAX - 1)
            .unwrap_err()
            .contains("ran out"));
        // Many taken names, with and without numbers the pattern recognises.
        let taken: HashSet<String> = (1..=5000).map(|n| format!("app-0{n}")).collect();
        assert_eq!(plan_names("app-{n}", 3, &taken, 0).unwrap().len(), 3);
        assert!(start.elapsed() < std::time::Duration::from_secs(1));
    }

    proptest! {
        #[test]
        fn planned_names_are_new_distinct_and_match(
            existing in proptest::collection::hash_set("app-[0-9]{1,2}|other", 0..30),
            count in 1u32..50, after in 0u32..20,
        ) {
            let names = plan_names("app-{n}", count, &existing, after).unwrap();
            prop_assert_eq!(names.len(), count as usize);
            let mut seen = HashSet::new();
            for (n, name) in &names {
                prop_assert!(!existing.contains(name));
                prop_assert!(seen.insert(name.clone()));
                prop_assert_eq!(number_of("app-{n}", name), Some(*n));
                prop_assert!(*n > after);
                prop_assert!(is_valid_name(name));
            }
        }

        #[test]
        fn normalize_never_panics_and_yields_valid_names(
            p in any::<String>(), image in "[a-z/:]{0,12}", replicas in 1u32..4,
        ) {
            if let Ok(pattern) = normalize_pattern(&p, &image, replicas) {
                let placeholders = pattern.matches(PLACEHOLDER).count();
                // Only one container may go without a number.
                prop_assert!(placeholders == 1 || (placeholders == 0 && replicas == 1));
                prop_assert!(is_valid_name(&render(&pattern, 42)));
            }
        }
    }
}
