//! Scrolling the container list with 1,000 containers (issue #17): the gaps between animation
//! frames of the real window while a script scrolls the list from top to bottom (target: every
//! frame under 32 ms). A benchmark, not a test: it prints its figures and fails only when it
//! cannot measure; `scripts/bench-scale.sh` runs it (`--ignored`).

use std::time::Duration;

use berth_tests::app::{App, AppError};
use berth_tests::bench;
use berth_tests::fixtures::{ensure_test_images, TestRun, BUSYBOX_IMAGE};

use crate::wait_connected;

/// The target: no frame gap over this.
const FRAME_TARGET_MS: f64 = 32.0;
/// Scrolled per frame: a fast wheel or trackpad flick (about 12,000 px/s at 60 frames/s),
/// six 32 px rows a frame, so every frame brings new rows into the DOM.
const STEP_PX: u32 = 200;

/// Scrolls the container list's viewport by STEP_PX each animation frame until its bottom,
/// and answers the gaps between the frames; with `arguments[1]` false it only counts frames
/// (the window at rest, the reference). Each step also times the list's own update (the
/// synthetic scroll event runs the list's handler and Svelte's flush, a microtask queued before
/// the one that reads the clock) and the style and layout forced after it: what is left of a
/// gap is painting and the frame's own wait.
const SCROLL: &str = "const done = arguments[arguments.length - 1];
  const step = arguments[0];
  const scroll = arguments[1];
  const list = document.querySelector('[data-rows-viewport]');
  if (!list) { done({ error: 'no container list' }); return; }
  list.scrollTop = 0;
  const gaps = [], js = [], layout = [];
  let last = null;
  const tick = (t) => {
    if (last !== null) gaps.push(t - last);
    last = t;
    const bottom = list.scrollHeight - list.clientHeight;
    if (scroll ? list.scrollTop >= bottom - 1 : gaps.length >= 120) {
      done({ gaps, js, layout });
      return;
    }
    if (scroll) {
      const a = performance.now();
      list.scrollTop = Math.min(bottom, list.scrollTop + step);
      list.dispatchEvent(new Event('scroll'));
      queueMicrotask(() => {
        const b = performance.now();
        void list.offsetHeight;
        js.push(b - a);
        layout.push(performance.now() - b);
      });
    }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a benchmark: scripts/bench-scale.sh runs it"]
async fn bench_scroll_frames_with_1000_containers() -> Result<(), AppError> {
    let count: usize = std::env::var("BERTH_BENCH_SCROLL_CONTAINERS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1000);
    // Another user of the same engine (a test runner) may name a lock file to share: 1,000
    // containers would slow its listings down.
    let _engine_lock = match std::env::var_os("BERTH_BENCH_ENGINE_LOCK") {
        Some(path) if !path.is_empty() => {
            let file = std::fs::File::create(&path)
                .map_err(|e| AppError::Setup(format!("lock file {path:?}: {e}")))?;
            tokio::task::block_in_place(|| file.lock())
                .map_err(|e| AppError::Setup(format!("lock file {path:?}: {e}")))?;
            Some(file)
        }
        _ => None,
    };
    ensure_test_images()?;
    let run = TestRun::new("e2e-scroll-frames");
    let made = bench::parallel(count, |i| {
        run.create(&format!("s{i:04}"), &[], BUSYBOX_IMAGE, &["true"])
            .map(drop)
            .map_err(|e| e.to_string())
    });
    // On failure the run's guard still removes what was made.
    made.map_err(AppError::Setup)?;

    let app = App::launch("bench_scroll_frames_with_1000_containers", &[]).await?;
    let result = app
        .check(async {
            wait_connected(&app).await?;
            // All of this run's rows are listed before the scroll starts.
            let listed = app
                .wait_until(
                    "the container list to hold the run's containers",
                    Duration::from_secs(60),
                    |client| async move {
                        let rows = client
                            .execute(
                                "const l = document.querySelector('[data-rows-viewport]');
                                 return l ? Math.round(l.scrollHeight / 32) : 0;",
                                vec![],
                            )
                            .await?;
                        let rows = rows.as_u64().unwrap_or(0) as usize;
                        Ok((rows >= count).then_some(rows))
                    },
                )
                .await?;
            let rest = scripted(&app, false).await?;
            println!(
                "  at rest (no scrolling): {} frames, {}",
                rest.gaps.len(),
                summary(&rest.gaps)
            );
            // Each pass scrolls the list once; the first also warms the rows' code up.
            let (mut all, mut js, mut layout) = (Vec::new(), Vec::new(), Vec::new());
            for pass in 1..=3 {
                let p = scripted(&app, true).await?;
                println!(
                    "  pass {pass}: {} frames, {}",
                    p.gaps.len(),
                    summary(&p.gaps)
                );
                all.extend(p.gaps);
                js.extend(p.js);
                layout.extend(p.layout);
            }
            println!(
                "scrolling {listed} rows top to bottom, {STEP_PX} px a frame, 3 passes [load {}]:\n  {}  target every frame < {FRAME_TARGET_MS} ms: {}",
                bench::load_average(),
                summary(&all),
                bench::verdict(all.iter().all(|g| *g < FRAME_TARGET_MS)),
            );
            println!(
                "  per step: the list's update (JS) median {:.1} ms, p99 {:.1} ms; style and layout median {:.1} ms, p99 {:.1} ms; the rest of each gap is painting; at rest the median gap is {:.1} ms",
                quantile(&js, 0.5),
                quantile(&js, 0.99),
                quantile(&layout, 0.5),
                quantile(&layout, 0.99),
                quantile(&rest.gaps, 0.5),
            );
            app.screenshot("scroll-frames-bottom").await?;
            Ok(())
        })
        .await;
    app.close().await;
    print!("removing the {count} containers... ");
    run.cleanup().map_err(|e| AppError::Setup(e.to_string()))?;
    println!("done");
    result
}

/// What one scripted pass measured (ms).
struct Pass {
    gaps: Vec<f64>,
    js: Vec<f64>,
    layout: Vec<f64>,
}

async fn scripted(app: &App, scroll: bool) -> Result<Pass, AppError> {
    let answer = app
        .client()
        .execute_async(
            SCROLL,
            vec![serde_json::json!(STEP_PX), serde_json::json!(scroll)],
        )
        .await
        .map_err(|e| AppError::Setup(format!("scrolling: {e}")))?;
    if let Some(e) = answer.get("error") {
        return Err(AppError::Setup(format!("scrolling: {e}")));
    }
    let list = |k: &str| -> Vec<f64> {
        answer[k]
            .as_array()
            .map(|a| a.iter().filter_map(|v| v.as_f64()).collect())
            .unwrap_or_default()
    };
    let pass = Pass {
        gaps: list("gaps"),
        js: list("js"),
        layout: list("layout"),
    };
    if pass.gaps.len() < 10 {
        return Err(AppError::Setup(format!("too few frames: {answer}")));
    }
    Ok(pass)
}

fn quantile(values: &[f64], q: f64) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted
        .get(((sorted.len().max(1) - 1) as f64 * q).round() as usize)
        .copied()
        .unwrap_or(f64::NAN)
}

/// Median, p99, longest gap and how many frames were over the target.
fn summary(gaps: &[f64]) -> String {
    let mut sorted = gaps.to_vec();
    sorted.sort_by(f64::total_cmp);
    let at = |q: f64| sorted[((sorted.len() - 1) as f64 * q).round() as usize];
    let over = sorted.iter().filter(|g| **g >= FRAME_TARGET_MS).count();
    format!(
        "median gap {:.1} ms, p99 {:.1} ms, longest {:.1} ms, {over} of {} frames >= {FRAME_TARGET_MS} ms",
        at(0.5),
        at(0.99),
        sorted[sorted.len() - 1],
        sorted.len()
    )
}
