//! How many replicas: one type and one validator for the launch form, scaling a launch group
//! and scaling a Swarm service, so the limit and its messages live in one place.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Most replicas one launch, scale or service may ask for. A desktop engine at ~0.2 s per
/// container would take minutes beyond this, and a typo (5000 for 50) should not start that.
pub const MAX_REPLICAS: u32 = 500;

/// A replica count, 0 to [`MAX_REPLICAS`]. On the wire a plain number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(try_from = "u32", into = "u32")]
#[ts(export, type = "number")]
pub struct Replicas(u32);

/// Why a replica count is refused; one message per rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReplicasError {
    #[error("how many replicas? (a whole number up to {MAX_REPLICAS})")]
    Missing,
    #[error("{0:?} is not a whole number of replicas")]
    NotWhole(String),
    #[error("a replica count cannot be negative")]
    Negative,
    /// Only where at least one is needed (a launch); scaling to 0 is allowed.
    #[error("at least 1 replica")]
    Zero,
    #[error(
        "at most {MAX_REPLICAS} replicas: more would take minutes and could overwhelm the \
         engine; launch in steps, or scale up later"
    )]
    TooMany,
}

impl Replicas {
    pub fn new(n: u32) -> Result<Self, ReplicasError> {
        if n > MAX_REPLICAS {
            return Err(ReplicasError::TooMany);
        }
        Ok(Self(n))
    }

    /// A count as typed (spaces and a leading `+` allowed), 0 to the limit.
    pub fn parse(text: &str) -> Result<Self, ReplicasError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(ReplicasError::Missing);
        }
        let all_digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
        if text.strip_prefix('-').is_some_and(all_digits) {
            return Err(ReplicasError::Negative);
        }
        let digits = text.strip_prefix('+').unwrap_or(text);
        if !all_digits(digits) {
            return Err(ReplicasError::NotWhole(text.to_string()));
        }
        // Too many digits for a u64 is too many replicas too.
        let n = digits.parse::<u64>().map_err(|_| ReplicasError::TooMany)?;
        Self::new(u32::try_from(n).map_err(|_| ReplicasError::TooMany)?)
    }

    /// A launch's count: as [`Replicas::parse`], and at least one.
    pub fn parse_launch(text: &str) -> Result<Self, ReplicasError> {
        match Self::parse(text)? {
            Self(0) => Err(ReplicasError::Zero),
            n => Ok(n),
        }
    }

    pub fn get(self) -> u32 {
        self.0
    }
}

impl TryFrom<u32> for Replicas {
    type Error = ReplicasError;
    fn try_from(n: u32) -> Result<Self, Self::Error> {
        Self::new(n)
    }
}

impl From<Replicas> for u32 {
    fn from(r: Replicas) -> u32 {
        r.0
    }
}

impl std::fmt::Display for Replicas {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_checked_with_one_reason_per_rule() {
        assert_eq!(Replicas::parse(" 12 ").map(Replicas::get), Ok(12));
        assert_eq!(Replicas::parse("+3").map(Replicas::get), Ok(3));
        assert_eq!(Replicas::parse("0").map(Replicas::get), Ok(0));
        assert_eq!(Replicas::parse("500").map(Replicas::get), Ok(500));
        assert_eq!(Replicas::parse(""), Err(ReplicasError::Missing));
        assert_eq!(Replicas::parse("-3"), Err(ReplicasError::Negative));
        assert_eq!(
            Replicas::parse("2.5"),
            Err(ReplicasError::NotWhole("2.5".into()))
        );
        assert_eq!(Replicas::parse("501"), Err(ReplicasError::TooMany));
        assert_eq!(
            Replicas::parse("99999999999999999999999"),
            Err(ReplicasError::TooMany)
        );
        assert_eq!(Replicas::parse_launch("0"), Err(ReplicasError::Zero));
        assert_eq!(Replicas::new(501), Err(ReplicasError::TooMany));
        assert!(ReplicasError::TooMany.to_string().contains("at most 500"));
        assert!(ReplicasError::NotWhole("x".into())
            .to_string()
            .contains("not a whole number"));
    }

    #[test]
    fn a_count_is_a_plain_number_on_the_wire() {
        assert_eq!(serde_json::to_string(&Replicas(7)).unwrap(), "7");
        assert_eq!(serde_json::from_str::<Replicas>("7").unwrap().get(), 7);
        assert!(serde_json::from_str::<Replicas>("501").is_err());
    }
}
