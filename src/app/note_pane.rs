//! Linked note panes: one per opened entity, as tabs or side by side. A pane shows the entity
//! (name, kind, category, description, relations grouped by kind) and every section of the notes
//! that mentions it, text as written with the mentions of entities as links.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use egui::text::LayoutJob;
use egui::{Color32, FontId, Galley, Id, Rect, RichText, ScrollArea, TextFormat, Ui, vec2};

use super::collection::Collection;
use super::command::Command;
use super::study::StudyState;
use super::study_panel::{level_dot_ui, mark_form_ui};
use super::theme::Theme;

/// Open panes.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Panes {
    /// Entity ids, in tab order.
    pub open: Vec<String>,
    /// Index into `open` of the tab shown (tabs mode).
    pub active: usize,
    /// Show every pane side by side instead of as tabs.
    pub side_by_side: bool,
    /// Laid-out texts and heights kept across frames.
    cache: PaneCache,
}

/// Sections listed per pane.
const SECTIONS_SHOWN: usize = 40;
/// Sections whose text is shown at first; the others show it on request.
const SECTIONS_OPEN: usize = 3;

impl Panes {
    /// Opens (or brings forward) the pane of an entity.
    pub fn open(&mut self, entity_id: &str) {
        match self.open.iter().position(|p| p == entity_id) {
            Some(i) => self.active = i,
            None => {
                self.open.push(entity_id.to_owned());
                self.active = self.open.len() - 1;
            }
        }
    }

    pub fn close(&mut self, entity_id: &str) {
        self.open.retain(|p| p != entity_id);
        self.active = self.active.min(self.open.len().saturating_sub(1));
    }

    /// The entity of the pane in front.
    pub fn active_id(&self) -> Option<&str> {
        self.open.get(self.active).map(String::as_str)
    }

    /// Draws the panes.
    pub fn ui(
        &mut self,
        ui: &mut Ui,
        col: &Collection,
        t: &Theme,
        study: &mut StudyState,
        cmds: &mut Vec<Command>,
    ) {
        if self.open.is_empty() {
            ui.add_space(12.0);
            ui.weak("Click a node on the map, or search (Ctrl+K), to open its notes here.");
            return;
        }
        ui.horizontal_wrapped(|ui| {
            for (i, id) in self.open.iter().enumerate() {
                let label = col
                    .model
                    .index
                    .get(id)
                    .and_then(|&n| col.model.nodes.get(n))
                    .map_or(id.as_str(), |n| n.label.as_str());
                let tab = ui.selectable_label(self.active == i, label);
                if tab.clicked() {
                    cmds.push(Command::Select {
                        entity_id: id.clone(),
                        center: true,
                    });
                }
                if ui
                    .small_button("×")
                    .on_hover_text("Close")
                    .accessible_name(format!("Close {label}"))
                    .clicked()
                {
                    cmds.push(Command::ClosePane(id.clone()));
                }
            }
            ui.separator();
            ui.checkbox(&mut self.side_by_side, "Side by side");
        });
        ui.separator();
        self.cache.check(&col.compiled);
        let Self {
            open,
            active,
            side_by_side,
            cache,
        } = self;
        if *side_by_side && open.len() > 1 {
            ui.columns(open.len().min(3), |columns| {
                for (column, id) in columns.iter_mut().zip(open.iter()) {
                    ScrollArea::vertical()
                        .id_salt(("pane", id.as_str()))
                        .show(column, |ui| pane_ui(ui, col, id, t, study, cache, cmds));
                }
            });
        } else if let Some(id) = open.get(*active) {
            ScrollArea::vertical()
                .id_salt(("pane", id.as_str()))
                .auto_shrink([false, false])
                .show(ui, |ui| pane_ui(ui, col, id, t, study, cache, cmds));
        }
    }
}

/// One pane: the entity and the sections that mention it.
fn pane_ui(
    ui: &mut Ui,
    col: &Collection,
    entity_id: &str,
    t: &Theme,
    study: &mut StudyState,
    cache: &mut PaneCache,
    cmds: &mut Vec<Command>,
) {
    let Some(&node_ix) = col.model.index.get(entity_id) else {
        ui.weak(format!("{entity_id} is not in these notes any more."));
        return;
    };
    let Some(node) = col.model.nodes.get(node_ix) else {
        return;
    };
    ui.horizontal(|ui| {
        let (rect, _) = ui.allocate_exact_size(egui::vec2(14.0, 14.0), egui::Sense::hover());
        ui.painter()
            .circle_filled(rect.center(), 6.0, t.node_color(node.kind, &node.category));
        ui.heading(&node.label);
        let mark = study.store.get(entity_id);
        if let Some(mark) = mark {
            level_dot_ui(ui, mark.level);
        }
        let form_here = study.form.as_ref().is_some_and(|(t, _)| t.id == entity_id);
        let text = match mark {
            Some(m) => format!("{}...", m.level),
            None => "Mark weak...".to_owned(),
        };
        if !form_here
            && ui
                .small_button(text)
                .on_hover_text("Mark as a weak topic, with a level and a note (W)")
                .clicked()
        {
            cmds.push(Command::OpenMarkForm(entity_id.to_owned()));
        }
    });
    if let Some(mark) = study.store.get(entity_id)
        && !mark.note.is_empty()
    {
        ui.label(RichText::new(format!("My note: {}", mark.note)).italics());
    }
    if let Some((target, draft)) = &mut study.form
        && target.id == entity_id
    {
        study.form_in_pane = true;
        let existing = study.store.get(entity_id);
        egui::Frame::group(ui.style()).show(ui, |ui| {
            if let Some(intent) = mark_form_ui(ui, draft, target, existing) {
                cmds.push(Command::Study(intent));
            }
        });
    }
    let mut kind = node.kind.as_str().to_owned();
    if !node.category.is_empty() {
        kind = format!("{kind} · {}", node.category);
    }
    ui.label(RichText::new(format!("{kind} · {} mentions", node.mentions)).weak());
    if let Some(entity) = col.compiled.graph.entity(entity_id) {
        if !entity.description.is_empty() {
            ui.label(&entity.description);
        }
        if !entity.aliases.is_empty() {
            ui.label(RichText::new(format!("Also: {}", entity.aliases.join(", "))).weak());
        }
    }

    // Relations grouped by kind.
    let mut groups: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for &(other, e) in col
        .model
        .adjacency
        .get(node_ix)
        .map_or(&[][..], Vec::as_slice)
    {
        if let Some(edge) = col.model.edges.get(e) {
            groups.entry(edge.kind.as_str()).or_default().push(other);
        }
    }
    if !groups.is_empty() {
        ui.add_space(6.0);
        ui.label(RichText::new("Relations").strong());
        for (kind, mut others) in groups {
            others.sort_by(|a, b| col.model.nodes[*a].label.cmp(&col.model.nodes[*b].label));
            others.dedup();
            ui.horizontal_wrapped(|ui| {
                ui.label(RichText::new(format!("{}:", kind.replace('_', " "))).weak());
                for other in others {
                    let Some(o) = col.model.nodes.get(other) else {
                        continue;
                    };
                    if ui.link(&o.label).clicked() {
                        cmds.push(Command::Select {
                            entity_id: o.id.clone(),
                            center: true,
                        });
                    }
                }
            });
        }
    }

    let sections = col
        .sections_by_entity
        .get(entity_id)
        .map_or(&[][..], Vec::as_slice);
    ui.add_space(6.0);
    ui.label(RichText::new(format!("In your notes ({} sections)", sections.len())).strong());
    for (i, &s) in sections.iter().take(SECTIONS_SHOWN).enumerate() {
        section_ui(
            ui,
            col,
            s,
            node_ix,
            entity_id,
            i < SECTIONS_OPEN,
            t,
            cache,
            cmds,
        );
    }
    if sections.len() > SECTIONS_SHOWN {
        ui.weak(format!(
            "… and {} more sections",
            sections.len() - SECTIONS_SHOWN
        ));
    }
}

/// One section: title, file and lines, the text with entity links.
#[allow(clippy::too_many_arguments)]
fn section_ui(
    ui: &mut Ui,
    col: &Collection,
    s: usize,
    node_ix: usize,
    current: &str,
    default_open: bool,
    t: &Theme,
    cache: &mut PaneCache,
    cmds: &mut Vec<Command>,
) {
    let Some(facts) = col.compiled.sections.get(s) else {
        return;
    };
    let Some((note, section)) = col.compiled.section(facts) else {
        return;
    };
    // Off screen with a known height: keep its room, draw nothing.
    let width = ui.available_width();
    if let Some(&(w, h)) = cache.heights.get(&(node_ix, s))
        && w == width
    {
        let room = Rect::from_min_size(ui.cursor().min, vec2(width, h));
        if !ui.is_rect_visible(room) {
            ui.allocate_space(vec2(width, h));
            return;
        }
    }
    let open_id = ui.make_persistent_id(("section-open", current, note.section_id(section)));
    let mut open = ui.data_mut(|d| *d.get_temp_mut_or(open_id, default_open));
    let frame = egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.set_width(ui.available_width());
        ui.horizontal_wrapped(|ui| {
            let toggle = if open { "Hide" } else { "Show" };
            if ui
                .small_button(toggle)
                .accessible_name(format!("{toggle} the text of {}", section.title))
                .clicked()
            {
                open = !open;
                ui.data_mut(|d| d.insert_temp(open_id, open));
            }
            ui.label(RichText::new(&*section.title).strong());
            ui.label(
                RichText::new(format!(
                    "{}:{}–{}",
                    section.file, section.line_start, section.line_end
                ))
                .weak()
                .small(),
            );
            if let Some(file) = col.file_path(&section.file)
                && ui
                    .small_button("Edit")
                    .on_hover_text("Open in editor at this line")
                    .accessible_name(format!("Open {} in editor", section.title))
                    .clicked()
            {
                cmds.push(Command::OpenInEditor {
                    file,
                    line: section.line_start,
                });
            }
        });
        if !open {
            return;
        }
        for marker in &facts.markers {
            let (label, color) = match marker.kind {
                crate::extract::MarkerKind::Important => ("important", t.warning),
                crate::extract::MarkerKind::Uncertain => ("unsure", t.search_ring),
            };
            ui.label(
                RichText::new(format!("{label} (line {}): {}", marker.line, marker.text))
                    .color(color)
                    .small(),
            );
        }
        // The text as written, laid out once per section, width and theme, with mentions as
        // links (hit areas over the laid-out text).
        let wrap = ui.available_width();
        let text_color = ui.visuals().text_color();
        let fresh = cache
            .texts
            .get(&(s, node_ix))
            .is_none_or(|c| c.width != wrap || c.text_color != text_color);
        if fresh {
            let (job, links) = section_job(ui, note, section, facts, current, wrap, t);
            let galley = ui.painter().layout_job(job);
            cache.texts.insert(
                (s, node_ix),
                CachedText {
                    width: wrap,
                    text_color,
                    galley,
                    links,
                    written: crate::vault::links::scan(
                        note.section_text(section),
                        section.line_start.saturating_sub(1),
                    ),
                },
            );
        }
        let Some(cached) = cache.texts.get(&(s, node_ix)) else {
            return;
        };
        let (rect, _) = ui.allocate_exact_size(cached.galley.size(), egui::Sense::hover());
        let visible = ui.is_rect_visible(rect);
        if visible {
            ui.painter()
                .galley(rect.min, cached.galley.clone(), text_color);
        }
        let link_color = ui.visuals().hyperlink_color;
        for (k, link) in cached.links.iter().enumerate() {
            if !visible || link.current {
                continue;
            }
            let at = link_rect(&cached.galley, link).translate(rect.min.to_vec2());
            if !ui.is_rect_visible(at) {
                continue;
            }
            let response = ui
                .interact(
                    at,
                    Id::unique(("pane-link", node_ix, s, k)),
                    egui::Sense::click(),
                )
                .on_hover_cursor(egui::CursorIcon::PointingHand);
            response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Link, true, &link.text));
            if response.hovered() {
                ui.painter().hline(
                    at.x_range(),
                    at.bottom() - 1.0,
                    egui::Stroke::new(1.0, link_color),
                );
            }
            if response.clicked() {
                cmds.push(Command::Select {
                    entity_id: link.entity.clone(),
                    center: true,
                });
            }
        }
        links_ui(ui, &note.file, &cached.written, cmds);
    });
    cache
        .heights
        .insert((node_ix, s), (width, frame.response.rect.height()));
}

/// The links written in a section (`[text](target)`, bare `https://` URLs), one clickable row
/// each. Nothing is opened or fetched until a click, and then only what
/// [`crate::vault::link_target`] allows (the window checks again when it runs the command).
fn links_ui(
    ui: &mut Ui,
    file: &str,
    links: &[crate::vault::links::RawLink],
    cmds: &mut Vec<Command>,
) {
    if links.is_empty() {
        return;
    }
    ui.add_space(4.0);
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new("Links:").weak().small());
        for link in links {
            let shown = if link.text.is_empty() {
                &link.target
            } else {
                &link.text
            };
            if ui
                .link(shown.as_str())
                .on_hover_text(format!("{} (line {})", link.target, link.line))
                .clicked()
            {
                cmds.push(Command::OpenLink {
                    note: file.to_owned(),
                    target: link.target.clone(),
                });
            }
        }
    });
}

/// A mention in a laid-out section text.
struct LinkSpan {
    /// Character range in the galley's text.
    chars: std::ops::Range<usize>,
    entity: String,
    /// The text as written (the link's accessible name).
    text: String,
    /// A mention of the pane's own entity (emphasised, not a link).
    current: bool,
}

/// A section's text laid out for one width and theme.
struct CachedText {
    width: f32,
    text_color: Color32,
    galley: Arc<Galley>,
    links: Vec<LinkSpan>,
    /// The links written in the section (`[text](target)`, URLs), found once with the layout.
    written: Vec<crate::vault::links::RawLink>,
}

/// What the panes keep between frames: laid-out section texts and section heights (sections
/// off screen are skipped). Cleared when the notes change.
#[derive(Default)]
pub struct PaneCache {
    /// Identity of the compiled notes the cache was built from.
    compiled: usize,
    /// (section index, node index of the pane) → laid-out text.
    texts: HashMap<(usize, usize), CachedText>,
    /// (node index of the pane, section index) → (width, height) when last drawn.
    heights: HashMap<(usize, usize), (f32, f32)>,
}

impl PaneCache {
    /// Forgets everything if `compiled` is other notes than the cache was built from.
    fn check(&mut self, compiled: &Arc<crate::Compiled>) {
        let id = Arc::as_ptr(compiled) as usize;
        if self.compiled != id {
            self.compiled = id;
            self.texts.clear();
            self.heights.clear();
        }
    }
}

impl Clone for PaneCache {
    fn clone(&self) -> Self {
        Self::default()
    }
}

impl std::fmt::Debug for PaneCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PaneCache")
            .field("texts", &self.texts.len())
            .finish_non_exhaustive()
    }
}

impl PartialEq for PaneCache {
    /// A cache never makes two panes different.
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

/// The screen rectangle (relative to the galley) of a link: its first row's part.
fn link_rect(galley: &Galley, link: &LinkSpan) -> Rect {
    let a = galley.pos_from_cursor(egui::text::CCursor::new(link.chars.start));
    let b = galley.pos_from_cursor(egui::text::CCursor {
        index: link.chars.end.into(),
        prefer_next_row: false,
    });
    if (a.min.y - b.min.y).abs() < 1.0 {
        Rect::from_min_max(a.min, b.max)
    } else {
        Rect::from_min_max(a.min, egui::pos2(galley.rect.max.x, a.max.y))
    }
}

/// Builds the layout job of a section's text: lines as written (indentation kept, a tab as two
/// spaces), Markdown headings, bullets and code given their look, runs of blank lines as one
/// small gap, mentions coloured as links.
fn section_job(
    ui: &Ui,
    note: &crate::notes::Note,
    section: &crate::notes::Section,
    facts: &crate::extract::SectionFacts,
    current: &str,
    wrap: f32,
    t: &Theme,
) -> (LayoutJob, Vec<LinkSpan>) {
    let visuals = ui.visuals();
    let body = egui::TextStyle::Body.resolve(ui.style());
    let mono = egui::TextStyle::Monospace.resolve(ui.style());
    let format = |style: LineStyle| -> TextFormat {
        match style {
            LineStyle::Heading => TextFormat::simple(
                FontId::new(15.0, body.family.clone()),
                visuals.strong_text_color(),
            ),
            LineStyle::Code => TextFormat::simple(mono.clone(), visuals.text_color()),
            LineStyle::Plain | LineStyle::Fence => {
                TextFormat::simple(body.clone(), visuals.text_color())
            }
        }
    };
    let gap = TextFormat::simple(FontId::proportional(5.0), visuals.text_color());
    let mut job = LayoutJob::default();
    job.wrap.max_width = wrap;
    let mut links = Vec::new();
    let mut chars = 0_usize;
    let mut push = |job: &mut LayoutJob, text: &str, f: TextFormat| -> std::ops::Range<usize> {
        let start = chars;
        if text.contains('\t') {
            let text = text.replace('\t', "  ");
            chars += text.chars().count();
            job.append(&text, 0.0, f);
        } else {
            chars += text.chars().count();
            job.append(text, 0.0, f);
        }
        start..chars
    };

    let mut mentions: Vec<_> = facts
        .mentions
        .iter()
        .filter(|m| {
            let range = section.byte_range();
            range.start <= m.byte_start() && m.byte_end() <= range.end
        })
        .collect();
    mentions.sort_by_key(|m| m.byte_start());
    let mut next = mentions.into_iter().peekable();
    let mut offset = section.byte_start as usize;
    let text = note.section_text(section);
    let markdown = note.format == crate::notes::NoteFormat::Markdown;
    let mut in_fence = false;
    let mut blank_run = 0;
    let mut first = true;
    for line in text.split_inclusive('\n') {
        let line_start = offset;
        let line_end = offset + line.len();
        offset = line_end;
        let trimmed = line.trim_end_matches(['\n', '\r']);
        // Runs of blank lines become one small gap.
        if trimmed.trim().is_empty() {
            blank_run += 1;
            if blank_run == 1 && !first {
                push(&mut job, "\n", gap.clone());
            }
            continue;
        }
        blank_run = 0;
        // Markdown: headings, bullets and fenced code get their look; the markup goes.
        let (style, skip, bullet) = if markdown {
            markdown_line(trimmed, &mut in_fence)
        } else {
            (LineStyle::Plain, 0, false)
        };
        if style == LineStyle::Fence {
            continue;
        }
        if !first {
            push(&mut job, "\n", format(style));
        }
        first = false;
        if bullet {
            let indent = trimmed.len() - trimmed.trim_start().len();
            push(&mut job, trimmed.get(..indent).unwrap_or(""), format(style));
            push(&mut job, "• ", format(style));
        }
        let mut cursor = line_start + skip;
        while let Some(m) = next.peek() {
            if m.byte_start() >= line_end {
                break;
            }
            let m = *m;
            next.next();
            if m.byte_start() < cursor {
                continue;
            }
            if let Some(plain) = note.text.get(cursor..m.byte_start()) {
                push(&mut job, plain, format(style));
            }
            let shown = note
                .text
                .get(m.byte_start()..m.byte_end().min(line_end))
                .unwrap_or("")
                .trim_end_matches(['\n', '\r']);
            let is_current = m.entity_id() == current;
            let mut f = format(style);
            f.color = if is_current {
                t.edge_highlight
            } else {
                visuals.hyperlink_color
            };
            let chars = push(&mut job, shown, f);
            links.push(LinkSpan {
                chars,
                entity: m.entity_id().to_owned(),
                text: shown.to_owned(),
                current: is_current,
            });
            cursor = m.byte_end();
        }
        let end = line_start + trimmed.len();
        if let Some(rest) = note.text.get(cursor.min(end)..end) {
            push(&mut job, rest, format(style));
        }
    }
    (job, links)
}

/// How a line of a section is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum LineStyle {
    Plain,
    Heading,
    Code,
    /// A Markdown code fence line (not shown).
    Fence,
}

/// The style of a Markdown line, the bytes of markup to skip at its start, and whether it is a
/// bullet (its marker is replaced by a dot).
fn markdown_line(line: &str, in_fence: &mut bool) -> (LineStyle, usize, bool) {
    let body = line.trim_start();
    let indent = line.len() - body.len();
    if body.starts_with("```") || body.starts_with("~~~") {
        *in_fence = !*in_fence;
        return (LineStyle::Fence, 0, false);
    }
    if *in_fence {
        return (LineStyle::Code, 0, false);
    }
    let hashes = body.bytes().take_while(|b| *b == b'#').count();
    if (1..=6).contains(&hashes) && body.get(hashes..).is_some_and(|r| r.starts_with(' ')) {
        return (LineStyle::Heading, indent + hashes + 1, false);
    }
    for marker in ["- ", "* ", "+ "] {
        if body.starts_with(marker) {
            return (LineStyle::Plain, indent + marker.len(), true);
        }
    }
    (LineStyle::Plain, 0, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_lines() {
        let mut fence = false;
        assert_eq!(
            markdown_line("## Deploying", &mut fence),
            (LineStyle::Heading, 3, false)
        );
        assert_eq!(
            markdown_line("  - item", &mut fence),
            (LineStyle::Plain, 4, true)
        );
        assert_eq!(
            markdown_line("#tag only", &mut fence),
            (LineStyle::Plain, 0, false)
        );
        assert_eq!(
            markdown_line("```yaml", &mut fence),
            (LineStyle::Fence, 0, false)
        );
        assert_eq!(
            markdown_line("# not a heading", &mut fence),
            (LineStyle::Code, 0, false)
        );
        assert_eq!(
            markdown_line("```", &mut fence),
            (LineStyle::Fence, 0, false)
        );
        assert!(!fence);
    }
}
