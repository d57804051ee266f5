//! The keyboard, through WebDriver key actions: what a user's key presses do to whatever has
//! the focus (no clicks, no element send-keys). For the keyboard-only end-to-end tests.

use std::time::Duration;

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::key::Key;

use crate::app::{App, AppError, WebDriverContext};

/// Pressed one key at a time, so the UI sees each keydown as a user's.
impl App {
    async fn key_actions(&self, actions: Vec<KeyAction>) -> Result<(), AppError> {
        let mut seq = KeyActions::new("keyboard".into());
        for a in actions {
            seq = seq.then(a);
        }
        self.client()
            .perform_actions(seq)
            .await
            .during("WebDriver key actions")?;
        self.client()
            .release_actions()
            .await
            .during("releasing the keys")
    }

    /// Presses `key` with `modifiers` held (e.g. `&[Key::Control]`, `'k'` for Ctrl+K).
    pub async fn press(&self, modifiers: &[Key], key: impl Into<char>) -> Result<(), AppError> {
        let key = key.into();
        let mut actions = Vec::new();
        for m in modifiers {
            actions.push(KeyAction::Down { value: (*m).into() });
        }
        actions.push(KeyAction::Down { value: key });
        actions.push(KeyAction::Up { value: key });
        for m in modifiers.iter().rev() {
            actions.push(KeyAction::Up { value: (*m).into() });
        }
        self.key_actions(actions).await
    }

    /// Types `text` key by key into whatever has the focus.
    pub async fn type_keys(&self, text: &str) -> Result<(), AppError> {
        let actions = text
            .chars()
            .flat_map(|c| [KeyAction::Down { value: c }, KeyAction::Up { value: c }])
            .collect();
        self.key_actions(actions).await
    }

    /// Whether the focused element matches `css`.
    pub async fn focus_is(&self, css: &str) -> Result<bool, AppError> {
        let matched = self
            .client()
            .execute(
                "const el = document.activeElement; return !!el && el.matches(arguments[0]);",
                vec![css.into()],
            )
            .await
            .during(format!("checking the focus against `{css}`"))?;
        Ok(matched.as_bool().unwrap_or(false))
    }

    /// Whether the focus is inside an element matching `css` (or on it).
    pub async fn focus_within(&self, css: &str) -> Result<bool, AppError> {
        let matched = self
            .client()
            .execute(
                "const el = document.activeElement; return !!el && !!el.closest(arguments[0]);",
                vec![css.into()],
            )
            .await
            .during(format!("checking the focus is within `{css}`"))?;
        Ok(matched.as_bool().unwrap_or(false))
    }

    /// What has the focus, for messages: its tag, test id and text.
    pub async fn focus_described(&self) -> String {
        self.client()
            .execute(
                "const el = document.activeElement; if (!el) return 'nothing'; \
                 return `${el.tagName.toLowerCase()}[data-testid=${el.dataset.testid ?? ''}] ${(el.textContent ?? '').trim().slice(0, 60)}`;",
                vec![],
            )
            .await
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_else(|| "unknown".into())
    }

    /// Presses Tab until the focus is on an element matching `css`, at most `max` times.
    pub async fn tab_to(&self, css: &str, max: usize) -> Result<(), AppError> {
        for _ in 0..max {
            if self.focus_is(css).await? {
                return Ok(());
            }
            self.press(&[], Key::Tab).await?;
        }
        if self.focus_is(css).await? {
            return Ok(());
        }
        Err(AppError::Setup(format!(
            "{max} presses of Tab never reached `{css}` (focus on {})",
            self.focus_described().await
        )))
    }

    /// Waits until the focus is on an element matching `css`.
    pub async fn wait_focus(&self, css: &str, timeout: Duration) -> Result<(), AppError> {
        let deadline = std::time::Instant::now() + timeout;
        loop {
            if self.focus_is(css).await? {
                return Ok(());
            }
            if std::time::Instant::now() >= deadline {
                return Err(AppError::Timeout {
                    what: format!("the focus on `{css}`"),
                    after: timeout,
                    last: Some(self.focus_described().await),
                });
            }
            tokio::time::sleep(crate::app::POLL).await;
        }
    }
}
