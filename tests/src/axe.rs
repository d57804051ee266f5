//! axe-core run inside the real window (issue #18): its `axe.min.js` (the UI's dev dependency,
//! `ui/node_modules/axe-core`) is injected through WebDriver's execute-script, no browser
//! extension, and its violations are read back.

use std::path::PathBuf;

use crate::app::{App, AppError, WebDriverContext};

/// One rule axe found broken, with (up to five of) the elements that break it.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct AxeViolation {
    pub id: String,
    /// `minor`, `moderate`, `serious` or `critical`.
    pub impact: Option<String>,
    pub help: String,
    pub nodes: Vec<String>,
}

impl AxeViolation {
    /// What a failing test prints: the rule, its impact and where.
    pub fn describe(&self) -> String {
        format!(
            "{} ({}): {}\n      {}",
            self.id,
            self.impact.as_deref().unwrap_or("?"),
            self.help,
            self.nodes.join("\n      ")
        )
    }

    /// Serious or critical: what the check fails on.
    pub fn is_severe(&self) -> bool {
        matches!(self.impact.as_deref(), Some("serious" | "critical"))
    }
}

/// `ui/node_modules/axe-core/axe.min.js` (installed by `npm ci` in `ui/`).
pub fn axe_script_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../ui/node_modules/axe-core/axe.min.js")
}

/// Runs axe over the whole document and hands back a JSON list of its violations.
const RUN_AXE: &str = r#"
const done = arguments[arguments.length - 1];
window.axe
  .run(document, { resultTypes: ["violations"] })
  .then((r) => done(JSON.stringify(r.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ") + "  " + n.html.slice(0, 200)
      + (n.failureSummary ? "  [" + n.failureSummary.replace(/\s+/g, " ").slice(0, 240) + "]" : "")),
  })))))
  .catch((e) => done("axe failed: " + e));
"#;

impl App {
    /// Injects axe-core into the page (once per page load) and runs it over the document as
    /// it is now; returns every violation (filter with [`AxeViolation::is_severe`]).
    pub async fn axe(&self) -> Result<Vec<AxeViolation>, AppError> {
        let loaded = self
            .client()
            .execute("return typeof window.axe === 'object';", vec![])
            .await
            .during("looking for axe")?;
        if !loaded.as_bool().unwrap_or(false) {
            let path = axe_script_path();
            let source = std::fs::read_to_string(&path).map_err(|e| {
                AppError::Setup(format!(
                    "axe-core is missing at {} ({e}); run `npm --prefix ui ci`",
                    path.display()
                ))
            })?;
            self.client()
                .execute(&format!("{source}\nreturn typeof window.axe;"), vec![])
                .await
                .during("injecting axe-core")?;
        }
        let out = self
            .client()
            .execute_async(RUN_AXE, vec![])
            .await
            .during("running axe")?;
        let text = out.as_str().unwrap_or_default();
        serde_json::from_str(text)
            .map_err(|e| AppError::Setup(format!("axe answered {text:.300} ({e})")))
    }
}
