//! The map as the user sees it, exported from the menu as SVG or PNG.
//!
//! - SVG: the map records the next frame it paints as a [`MapScene`] (the same positions,
//!   colours, sizes, dimming and labels it draws) and [`crate::export::svg`] writes it.
//! - PNG: the real rendered frame. The window is asked for a screenshot of the next frame
//!   (`egui::Context::request_screenshot`, read back from the GPU by eframe), which is cropped to
//!   the map's rectangle and encoded by [`crate::export::png`]. Pixel for pixel what is on screen,
//!   with egui's own fonts and anti-aliasing; no second renderer to keep in step with the map.
//!
//! Both are written atomically. An export that gets no frame (no window, e.g. headless) gives up
//! after a few seconds with a message instead of waiting for ever.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, TryRecvError, sync_channel};
use std::time::{Duration, Instant};

use egui::{ColorImage, Rect};

use super::Explorer;
use crate::export::Format;
use crate::export::png::Rgba8Image;

/// A picture format of the current map view.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ViewFormat {
    Png,
    Svg,
}

impl ViewFormat {
    /// In menu order.
    pub const ALL: [ViewFormat; 2] = [ViewFormat::Png, ViewFormat::Svg];

    /// The name (and extension).
    pub fn as_str(self) -> &'static str {
        match self {
            ViewFormat::Png => "png",
            ViewFormat::Svg => "svg",
        }
    }

    /// The menu entry.
    pub fn menu_label(self) -> &'static str {
        match self {
            ViewFormat::Png => "PNG picture of the map...",
            ViewFormat::Svg => "SVG drawing of the map...",
        }
    }
}

/// What an export writes: the graph for other tools, or a picture of the map view.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ExportKind {
    Graph(Format),
    View(ViewFormat),
}

impl ExportKind {
    /// The format's name.
    pub fn as_str(self) -> &'static str {
        match self {
            ExportKind::Graph(f) => f.as_str(),
            ExportKind::View(v) => v.as_str(),
        }
    }

    /// The usual file extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            ExportKind::Graph(f) => f.extension(),
            ExportKind::View(v) => v.as_str(),
        }
    }
}

/// How long a view export waits for its frame.
const GIVE_UP_AFTER: Duration = Duration::from_secs(5);

/// A view export waiting for its frame.
pub(super) struct PendingView {
    format: ViewFormat,
    path: PathBuf,
    since: Instant,
    /// The screenshot, for a PNG.
    shot: Option<Receiver<Arc<ColorImage>>>,
}

impl Explorer {
    /// Starts exporting the map view to `path`: the next painted frame is recorded (SVG) or
    /// captured (PNG), then written by [`Self::view_export_ui`].
    pub(super) fn start_view_export(&mut self, format: ViewFormat, path: PathBuf) {
        if self.collection.is_none() {
            self.messages
                .push("No notes are open: there is no map to export.".to_owned());
            return;
        }
        let shot = match format {
            ViewFormat::Svg => {
                self.map.record_scene = true;
                None
            }
            ViewFormat::Png => {
                let (tx, rx) = sync_channel(1);
                let wake = self.wake.clone();
                self.ctx.request_screenshot(move |image| {
                    let _ = tx.try_send(image);
                    wake();
                });
                Some(rx)
            }
        };
        self.pending_view = Some(PendingView {
            format,
            path,
            since: Instant::now(),
            shot,
        });
        self.ctx.request_repaint();
    }

    /// Writes a pending view export once its frame is there. Called at the start of each frame.
    pub(super) fn view_export_ui(&mut self, ui: &egui::Ui) {
        let Some(pending) = &self.pending_view else {
            return;
        };
        let ppp = ui.ctx().pixels_per_point();
        let result = match (&pending.format, &pending.shot) {
            (ViewFormat::Svg, _) => self
                .map
                .take_scene()
                .map(|scene| Ok(crate::export::svg::to_svg(&scene).into_bytes())),
            (ViewFormat::Png, Some(rx)) => match rx.try_recv() {
                Ok(image) => Some(self.map.last_rect.map_or_else(
                    || Err("the map was not drawn".to_owned()),
                    |rect| map_png(&image, rect, ppp),
                )),
                Err(TryRecvError::Empty) => None,
                Err(TryRecvError::Disconnected) => {
                    Some(Err("the window gave no picture".to_owned()))
                }
            },
            (ViewFormat::Png, None) => Some(Err("no picture was asked for".to_owned())),
        };
        let Some(result) = result else {
            if pending.since.elapsed() > GIVE_UP_AFTER {
                let format = pending.format.as_str().to_uppercase();
                self.pending_view = None;
                self.map.record_scene = false;
                self.messages.push(format!(
                    "Could not export the map as {format}: no frame was drawn within {} s.",
                    GIVE_UP_AFTER.as_secs()
                ));
            } else {
                ui.ctx().request_repaint_after(Duration::from_millis(50));
            }
            return;
        };
        let Some(pending) = self.pending_view.take() else {
            return;
        };
        let format = pending.format.as_str().to_uppercase();
        let written = result.and_then(|bytes| {
            crate::util::write_atomic(&pending.path, &bytes)
                .map_err(|err| format!("cannot write {}: {err}", pending.path.display()))
        });
        self.messages.push(match written {
            Ok(()) => format!(
                "Exported the map view ({format}) to {}",
                pending.path.display()
            ),
            Err(err) => format!("Could not export the map as {format}: {err}"),
        });
    }

    /// The map's rectangle in the last frame, in points.
    pub fn map_rect(&self) -> Option<Rect> {
        self.map.last_rect
    }

    /// Is a view export waiting for its frame?
    pub fn view_export_pending(&self) -> bool {
        self.pending_view.is_some()
    }
}

/// The map's part of a screenshot, as a PNG file.
fn map_png(image: &ColorImage, rect: Rect, pixels_per_point: f32) -> Result<Vec<u8>, String> {
    let [w, h] = image.size;
    let pixels: Vec<u8> = image
        .pixels
        .iter()
        .flat_map(|c| c.to_srgba_unmultiplied())
        .collect();
    let frame = Rgba8Image::new(w, h, pixels).map_err(|e| e.to_string())?;
    let px = |v: f32| (v * pixels_per_point).round().max(0.0) as usize;
    let (x0, y0) = (px(rect.min.x), px(rect.min.y));
    let (x1, y1) = (px(rect.max.x), px(rect.max.y));
    frame
        .crop(x0, y0, x1.saturating_sub(x0), y1.saturating_sub(y0))
        .and_then(|part| part.to_png())
        .map_err(|e| e.to_string())
}
