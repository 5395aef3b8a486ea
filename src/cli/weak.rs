//! `cloudatlas weak …`: weak topics from the command line (list, add, remove, suggest, review,
//! coverage, export). Every subcommand takes an optional notes PATH (the built-in notes when
//! omitted); the study file is the one the window uses for the same notes.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};

use crate::Compiled;
use crate::study::{
    self, ExportFormat, Level, Rating, Scheduler, Store, Timestamp, storage, suggest,
};

/// Arguments of `cloudatlas weak`.
#[derive(Debug, clap::Args)]
pub struct WeakArgs {
    #[command(subcommand)]
    pub command: WeakCommand,
}

/// The `weak` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum WeakCommand {
    /// List weak topics (due first); orphaned topics are listed separately.
    List {
        /// Notes file or folder (the built-in notes when omitted).
        path: Option<PathBuf>,
        /// Only topics due now.
        #[arg(long)]
        due: bool,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Mark an entity or section as weak, or change its level and note.
    Add {
        /// Entity id (`elastic-beanstalk`, `topic:…`) or section id (`file#slug`).
        id: String,
        /// Notes file or folder (the built-in notes when omitted).
        path: Option<PathBuf>,
        /// weak, shaky or solid (new marks: weak; existing marks keep theirs when omitted).
        #[arg(long)]
        level: Option<String>,
        /// Your own note about it (existing marks keep theirs when omitted).
        #[arg(long)]
        note: Option<String>,
        /// Mark it even if the notes have no such id (it is kept as orphaned).
        #[arg(long)]
        force: bool,
    },
    /// Remove a weak topic and its review history.
    Remove {
        id: String,
        /// Notes file or folder (the built-in notes when omitted).
        path: Option<PathBuf>,
    },
    /// Suggested weak topics from the markers in the notes; accept or dismiss them.
    Suggest {
        /// Notes file or folder (the built-in notes when omitted).
        path: Option<PathBuf>,
        /// Accept the suggestion for this id (repeatable).
        #[arg(long)]
        accept: Vec<String>,
        /// Accept every suggestion.
        #[arg(long)]
        accept_all: bool,
        /// Dismiss the suggestion for this id; it is not offered again (repeatable).
        #[arg(long)]
        dismiss: Vec<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Record a review: again, hard, good or easy (FSRS schedules the next one). With no
    /// arguments, list the due topics and the interval each answer would give.
    Review {
        /// The topic reviewed.
        id: Option<String>,
        /// again, hard, good, easy (or 1–4).
        rating: Option<String>,
        /// Notes file or folder (the built-in notes when omitted).
        path: Option<PathBuf>,
    },
    /// Services and concepts an exam covers that the notes never mention.
    Coverage {
        /// Exam code: CLF, DVA, SOA, SAA, DOP (a suffix like `-C02` is accepted).
        #[arg(long)]
        exam: String,
        /// Notes file or folder (the built-in notes when omitted).
        path: Option<PathBuf>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Export weak topics for Anki (tab-separated import file) or as a Markdown checklist.
    Export {
        /// Notes file or folder (the built-in notes when omitted).
        path: Option<PathBuf>,
        /// anki or markdown.
        #[arg(long, default_value = "markdown")]
        format: String,
        /// Write here instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

/// A collection's study file, loaded, with the compile it belongs to when needed.
struct Session {
    study_path: PathBuf,
    store: Store,
    /// The store as loaded, to save only when something changed.
    loaded: Store,
}

impl Session {
    fn open(root: Option<&Path>) -> anyhow::Result<Self> {
        let study_path = storage::study_path(root)?;
        let loaded = storage::load(&study_path)?;
        for warning in &loaded.warnings {
            eprintln!("warning: {warning}");
        }
        let mut store = loaded.store;
        if store.notes_root.is_none() {
            store.notes_root = root.map(|r| {
                std::fs::canonicalize(r)
                    .unwrap_or_else(|_| r.to_path_buf())
                    .to_string_lossy()
                    .into_owned()
            });
        }
        Ok(Self {
            study_path,
            loaded: store.clone(),
            store,
        })
    }

    fn save_if_changed(&self) -> anyhow::Result<()> {
        if self.store != self.loaded {
            storage::save(&self.study_path, &self.store)?;
        }
        Ok(())
    }
}

fn compile(path: Option<&Path>) -> anyhow::Result<Compiled> {
    match path {
        Some(path) => crate::compile(path).with_context(|| format!("compiling {}", path.display())),
        None => Ok(crate::compile_builtin()),
    }
}

/// Runs `cloudatlas weak …`.
pub fn run(args: &WeakArgs) -> anyhow::Result<i32> {
    let now = Timestamp::now();
    match &args.command {
        WeakCommand::List { path, due, json } => list(path.as_deref(), *due, *json, now),
        WeakCommand::Add {
            id,
            path,
            level,
            note,
            force,
        } => add(
            id,
            path.as_deref(),
            level.as_deref(),
            note.as_deref(),
            *force,
            now,
        ),
        WeakCommand::Remove { id, path } => {
            let mut session = Session::open(path.as_deref())?;
            let Some(mark) = session.store.remove(id) else {
                bail!("no weak topic `{id}` in {}", session.study_path.display());
            };
            session.save_if_changed()?;
            eprintln!(
                "removed `{}` ({}, {} reviews)",
                mark.id,
                mark.display_label(),
                mark.reviews.len()
            );
            Ok(0)
        }
        WeakCommand::Suggest {
            path,
            accept,
            accept_all,
            dismiss,
            json,
        } => suggest_cmd(path.as_deref(), accept, *accept_all, dismiss, *json, now),
        WeakCommand::Review { id, rating, path } => {
            let (Some(id), Some(rating)) = (id, rating) else {
                // `weak review PATH` lists what is due in those notes.
                let path = match (id, path) {
                    (Some(id), None) if Path::new(id).exists() => Some(PathBuf::from(id)),
                    (Some(_), _) => bail!("give the rating too: again, hard, good or easy"),
                    (None, path) => path.clone(),
                };
                return due_preview(path.as_deref(), now);
            };
            let Some(rating) = Rating::parse(rating) else {
                bail!("unknown rating `{rating}`: use again, hard, good or easy");
            };
            let mut session = Session::open(path.as_deref())?;
            let outcome = Scheduler::new()?.review_in(&mut session.store, id, rating, now)?;
            session.save_if_changed()?;
            let level_change = if outcome.level_before == outcome.entry.level {
                String::new()
            } else {
                format!(", {} → {}", outcome.level_before, outcome.entry.level)
            };
            println!(
                "{id}: {rating}; next review in {} days ({}), stability {:.1} days{level_change}",
                outcome.entry.interval_days,
                outcome.due.date_string(),
                outcome.entry.memory.stability,
            );
            Ok(0)
        }
        WeakCommand::Coverage { exam, path, json } => coverage_cmd(exam, path.as_deref(), *json),
        WeakCommand::Export { path, format, out } => {
            let Some(format) = ExportFormat::parse(format) else {
                bail!("unknown export format `{format}`: use anki or markdown");
            };
            let session = Session::open(path.as_deref())?;
            let compiled = compile(path.as_deref())?;
            let text = match format {
                ExportFormat::Anki => study::to_anki(&session.store, Some(&compiled)),
                ExportFormat::Markdown => study::to_markdown(&session.store, Some(&compiled), now),
            };
            match out {
                Some(out) if out.as_os_str() != "-" => {
                    crate::util::write_atomic(out, text.as_bytes())
                        .with_context(|| format!("writing {}", out.display()))?;
                    eprintln!(
                        "{} topics written to {}",
                        session.store.marks.len(),
                        out.display()
                    );
                }
                _ => print!("{text}"),
            }
            Ok(0)
        }
    }
}

fn due_preview(path: Option<&Path>, now: Timestamp) -> anyhow::Result<i32> {
    let session = Session::open(path)?;
    let scheduler = Scheduler::new()?;
    let due = session.store.due(now);
    for mark in &due {
        let preview = scheduler.preview(mark, now)?;
        let buttons: Vec<String> = preview
            .iter()
            .map(|(rating, days)| format!("{rating} {days:.0}d"))
            .collect();
        println!(
            "{:<6} {:<40} {:<30} [{}]",
            mark.level.as_str(),
            mark.id,
            mark.display_label(),
            buttons.join(", ")
        );
    }
    eprintln!(
        "{} topics due; record an answer with `cloudatlas weak review ID again|hard|good|easy`",
        due.len()
    );
    Ok(0)
}

fn list(path: Option<&Path>, due_only: bool, json: bool, now: Timestamp) -> anyhow::Result<i32> {
    let mut session = Session::open(path)?;
    let compiled = compile(path)?;
    let attachment = study::sync_with(&mut session.store, &compiled, now);
    session.save_if_changed()?;
    let marks: Vec<&study::Mark> = if due_only {
        session.store.due(now)
    } else {
        session.store.marks_sorted()
    };
    if json {
        println!("{}", serde_json::to_string_pretty(&marks)?);
        return Ok(0);
    }
    for id in &attachment.reattached {
        eprintln!("note: `{id}` is back in the notes; its weak topic is attached again");
    }
    let live: Vec<&&study::Mark> = marks
        .iter()
        .filter(|m| m.orphaned_since.is_none())
        .collect();
    if !live.is_empty() {
        println!(
            "{:<6} {:<10} {:<40} {:<30} NOTE",
            "LEVEL", "DUE", "ID", "TOPIC"
        );
    }
    for mark in live {
        let due = if mark.is_due(now) {
            "now".to_owned()
        } else {
            mark.due.date_string()
        };
        println!(
            "{:<6} {:<10} {:<40} {:<30} {}",
            mark.level.as_str(),
            due,
            mark.id,
            mark.display_label(),
            mark.note.replace('\n', " ")
        );
    }
    let orphans: Vec<&&study::Mark> = marks
        .iter()
        .filter(|m| m.orphaned_since.is_some())
        .collect();
    if !orphans.is_empty() {
        println!("\norphaned (no longer in the notes; kept, and reattached if they come back):");
        for mark in orphans {
            println!(
                "  {:<6} {} ({}) since {}",
                mark.level.as_str(),
                mark.id,
                mark.display_label(),
                mark.orphaned_since
                    .map(Timestamp::date_string)
                    .unwrap_or_default()
            );
        }
    }
    eprintln!(
        "{} weak topics ({} due, {} orphaned): {}",
        session.store.marks.len(),
        session.store.due_count(now),
        attachment.orphaned.len(),
        session.study_path.display()
    );
    Ok(0)
}

fn add(
    id: &str,
    path: Option<&Path>,
    level: Option<&str>,
    note: Option<&str>,
    force: bool,
    now: Timestamp,
) -> anyhow::Result<i32> {
    let level = match level {
        Some(text) => Some(
            Level::parse(text)
                .with_context(|| format!("unknown level `{text}`: use weak, shaky or solid"))?,
        ),
        None => None,
    };
    let mut session = Session::open(path)?;
    let compiled = compile(path)?;
    let target = match study::topics::resolve(&compiled, crate::catalog::Catalog::builtin(), id) {
        Some(target) => target,
        None if force => study::MarkTarget {
            id: id.to_owned(),
            kind: if id.contains('#') {
                study::TargetKind::Section
            } else {
                study::TargetKind::Entity
            },
            ..study::MarkTarget::default()
        },
        None => {
            let needle = id.to_lowercase();
            let close: Vec<String> = study::live_ids(&compiled)
                .into_iter()
                .filter(|known| known.to_lowercase().contains(&needle))
                .take(8)
                .collect();
            let hint = if close.is_empty() {
                String::new()
            } else {
                format!("; did you mean: {}", close.join(", "))
            };
            bail!(
                "no entity or section `{id}` in the notes{hint} (use --force to mark it anyway; \
                 it is kept as orphaned)"
            );
        }
    };
    let id = target.id.clone();
    let existing = session.store.get(&id);
    let existed = existing.is_some();
    let level = level.unwrap_or_else(|| existing.map_or(Level::Weak, |m| m.level));
    let note = note.map_or_else(
        || existing.map(|m| m.note.clone()).unwrap_or_default(),
        str::to_owned,
    );
    session.store.mark(target, level, &note, now);
    study::sync_with(&mut session.store, &compiled, now);
    session.save_if_changed()?;
    let verb = if existed { "updated" } else { "marked" };
    eprintln!("{verb} `{id}` as {level}: {}", session.study_path.display());
    Ok(0)
}

fn suggest_cmd(
    path: Option<&Path>,
    accept: &[String],
    accept_all: bool,
    dismiss: &[String],
    json: bool,
    now: Timestamp,
) -> anyhow::Result<i32> {
    let mut session = Session::open(path)?;
    let compiled = compile(path)?;
    let suggestions = study::suggestions(&compiled, &session.store);
    let find = |id: &str| -> anyhow::Result<&study::Suggestion> {
        suggestions
            .iter()
            .find(|s| s.id == id)
            .with_context(|| format!("no suggestion for `{id}` (see `cloudatlas weak suggest`)"))
    };
    let mut acted = false;
    for id in dismiss {
        suggest::dismiss(&mut session.store, find(id)?, now);
        eprintln!("dismissed `{id}`");
        acted = true;
    }
    let to_accept: Vec<&study::Suggestion> = if accept_all {
        suggestions
            .iter()
            .filter(|s| !dismiss.contains(&s.id))
            .collect()
    } else {
        accept
            .iter()
            .map(|id| find(id))
            .collect::<anyhow::Result<_>>()?
    };
    for suggestion in &to_accept {
        suggest::accept(&mut session.store, suggestion, now);
        eprintln!("accepted `{}` as {}", suggestion.id, suggestion.level);
        acted = true;
    }
    session.save_if_changed()?;
    if acted {
        return Ok(0);
    }
    if json {
        let rows: Vec<serde_json::Value> = suggestions
            .iter()
            .map(|s| {
                serde_json::json!({
                    "id": s.id,
                    "kind": s.kind.as_str(),
                    "label": s.label,
                    "category": s.category,
                    "level": s.level.as_str(),
                    "reasons": s.reasons.iter().map(|r| serde_json::json!({
                        "kind": r.kind.as_str(),
                        "file": r.source.file,
                        "line": r.source.line,
                        "text": r.source.text,
                    })).collect::<Vec<_>>(),
                })
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&rows)?);
        return Ok(0);
    }
    for s in &suggestions {
        println!("{} `{}` — {} ({})", s.level, s.id, s.label, s.category);
        for r in &s.reasons {
            println!(
                "    {} {}:{}: {}",
                r.kind.as_str(),
                r.source.file,
                r.source.line,
                r.source.text
            );
        }
    }
    eprintln!(
        "{} suggestions ({} dismissed earlier); accept with --accept ID or --accept-all, dismiss \
         with --dismiss ID",
        suggestions.len(),
        session.store.dismissed.len()
    );
    Ok(0)
}

fn coverage_cmd(exam: &str, path: Option<&Path>, json: bool) -> anyhow::Result<i32> {
    let Some(exam) = study::parse_exam(exam) else {
        bail!("unknown exam `{exam}`: use CLF, DVA, SOA, SAA or DOP");
    };
    let compiled = compile(path)?;
    let coverage = study::coverage(crate::catalog::Catalog::builtin(), &compiled, exam);
    if json {
        let gaps: Vec<serde_json::Value> = coverage
            .gaps
            .iter()
            .map(|g| {
                serde_json::json!({"id": g.id, "name": g.name, "kind": format!("{:?}", g.kind).to_lowercase(), "category": g.category})
            })
            .collect();
        let value = serde_json::json!({
            "exam": format!("{exam:?}"),
            "in_scope": coverage.in_scope,
            "covered": coverage.covered,
            "gaps": gaps,
        });
        println!("{}", serde_json::to_string_pretty(&value)?);
        return Ok(0);
    }
    let mut category = "";
    for gap in &coverage.gaps {
        if gap.category != category {
            category = &gap.category;
            println!("{category}");
        }
        println!("  {:<30} {}", gap.id, gap.name);
    }
    eprintln!(
        "{} ({exam:?}): the notes mention {} of {} services and concepts in scope ({:.0} %); {} gaps",
        exam.name(),
        coverage.covered.len(),
        coverage.in_scope,
        coverage.ratio() * 100.0,
        coverage.gaps.len()
    );
    Ok(0)
}
