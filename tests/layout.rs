//! The layout engine, the worker thread and `cloudatlas layout`.

use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use cloudatlas::layout::{
    LayoutCommand, LayoutEngine, LayoutError, LayoutNode, LayoutRequest, LayoutSettings,
    LayoutSnapshot, LayoutWorker,
};

use crate::util::Dir;

fn finite(positions: &[[f32; 2]]) -> bool {
    positions.iter().flatten().all(|v| v.is_finite())
}

fn dist(a: [f32; 2], b: [f32; 2]) -> f32 {
    ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)).sqrt()
}

fn settle(request: &LayoutRequest) -> Vec<[f32; 2]> {
    let mut engine = LayoutEngine::new(request, &LayoutSettings::default()).unwrap();
    let ticks = engine.run(10_000);
    assert!(engine.is_settled(), "not settled after {ticks} ticks");
    engine.positions()
}

#[test]
fn pinned_node_does_not_move() {
    let mut request = LayoutRequest::grid(12, 12);
    request.nodes[30].pos = Some([123.25, -7.5]);
    request.nodes[30].pinned = true;
    let mut engine = LayoutEngine::new(&request, &LayoutSettings::default()).unwrap();
    let before = engine.positions();
    engine.run(200);
    let mid = engine.positions();
    assert_eq!(mid[30], [123.25, -7.5]);
    // The others did move, and the grid hangs together around the pinned node.
    assert!(dist(before[31], mid[31]) > 0.1);
    let spread = mid.iter().map(|p| dist(*p, mid[30])).fold(0.0, f32::max);
    assert!(
        dist(mid[31], mid[30]) < 0.3 * spread,
        "{:?} of {spread}",
        mid[31]
    );
    // Pinning after the start: exact too, and Unpin lets it go.
    let target = [mid[100][0] + 2.0, mid[100][1]];
    engine.pin(100, target).unwrap();
    engine.reheat(0.5);
    engine.run(10_000);
    let after = engine.positions();
    assert_eq!(after[30], [123.25, -7.5]);
    assert_eq!(after[100], target);
    engine.unpin(100).unwrap();
    engine.run(10_000);
    assert_ne!(engine.positions()[100], target);
    assert_eq!(engine.positions()[30], [123.25, -7.5]);
}

#[test]
fn same_seed_same_layout_different_seed_different_layout() {
    // Big enough for the parallel force pass, so thread scheduling could show if it mattered.
    let request = LayoutRequest::preferential_attachment(3_000, 2, 7);
    let run = |seed| {
        let settings = LayoutSettings {
            seed,
            ..LayoutSettings::default()
        };
        let mut engine = LayoutEngine::new(&request, &settings).unwrap();
        engine.run(40);
        engine.positions()
    };
    let a = run(1);
    assert_eq!(a, run(1));
    assert_ne!(a, run(2));
    assert!(finite(&a));
}

#[test]
fn layout_settles_and_then_stays_put() {
    let request = LayoutRequest::preferential_attachment(500, 2, 3);
    let mut engine = LayoutEngine::new(&request, &LayoutSettings::default()).unwrap();
    let ticks = engine.run(10_000);
    assert!(engine.is_settled());
    assert!((200..=400).contains(&ticks), "settled after {ticks} ticks");
    let settled = engine.positions();
    assert!(engine.tick(), "a settled layout stays settled");
    assert_eq!(
        engine.positions(),
        settled,
        "a settled layout does not move"
    );
    // A drag reheats it.
    engine.drag_to(0, [50.0, 50.0]).unwrap();
    assert!(!engine.is_settled());
    engine.run(10_000);
    assert!(engine.is_settled());
    assert_eq!(engine.positions()[0], [50.0, 50.0]);
}

#[test]
fn layout_keeps_neighbours_closer_than_strangers() {
    // A path of 60 nodes: its ends should be far apart, neighbours close.
    let nodes = (0..60).map(|i| LayoutNode::new(format!("p{i}"))).collect();
    let edges = (0..59).map(|i| (i, i + 1, 1.0)).collect();
    let pos = settle(&LayoutRequest { nodes, edges });
    let link = dist(pos[10], pos[11]);
    assert!(link > 0.3 && link < 3.0, "link length {link}");
    assert!(dist(pos[0], pos[59]) > 20.0 * link);
}

#[test]
fn degenerate_graphs_stay_finite() {
    // 0 and 1 node.
    assert!(settle(&LayoutRequest::default()).is_empty());
    let one = LayoutRequest {
        nodes: vec![LayoutNode::new("a")],
        edges: vec![(0, 0, 1.0)],
    };
    assert!(finite(&settle(&one)));

    // Coincident start positions, isolated nodes, self-loops, multi-edges, two components,
    // garbage weights and coordinates, collision radii.
    let mut nodes: Vec<LayoutNode> = (0..300).map(|i| LayoutNode::new(format!("c{i}"))).collect();
    for node in &mut nodes[..200] {
        node.pos = Some([5.0, 5.0]);
        node.radius = 0.3;
    }
    nodes[200].pos = Some([f32::NAN, 1.0]);
    nodes[201].pos = Some([f32::INFINITY, f32::NEG_INFINITY]);
    nodes[202].pos = Some([3e38, -3e38]);
    nodes[202].pinned = true;
    nodes[203].radius = f32::NAN;
    let mut edges = Vec::new();
    for i in 0..100 {
        edges.push((i, i, 1.0));
        edges.push((i, i + 1, 1.0));
        edges.push((i + 1, i, 2.0));
    }
    edges.push((150, 151, f32::NAN));
    edges.push((151, 152, -1.0));
    edges.push((152, 153, f32::INFINITY));
    let request = LayoutRequest { nodes, edges };
    let pos = settle(&request);
    assert!(finite(&pos));
    // The coincident nodes came apart.
    assert!(dist(pos[0], pos[1]) > 1e-3);
    assert!(dist(pos[150], pos[199]) > 1e-3);

    // Everything on one point with no links at all.
    let mut crowd = LayoutRequest::preferential_attachment(2_500, 0, 1);
    for node in &mut crowd.nodes {
        node.pos = Some([0.0, 0.0]);
    }
    let mut engine = LayoutEngine::new(&crowd, &LayoutSettings::default()).unwrap();
    engine.run(30);
    let pos = engine.positions();
    assert!(finite(&pos));
    assert!(dist(pos[0], pos[1]) > 1e-3);

    // Garbage settings fall back to defaults.
    let settings = LayoutSettings {
        repulsion: f32::NAN,
        link_length: -1.0,
        gravity: f32::INFINITY,
        theta: f32::NAN,
        seed: 0,
    };
    let mut engine = LayoutEngine::new(
        &LayoutRequest::preferential_attachment(200, 3, 2),
        &settings,
    )
    .unwrap();
    engine.run(10_000);
    assert!(finite(&engine.positions()));
}

#[test]
fn bad_requests_and_commands_are_errors() {
    let request = LayoutRequest {
        nodes: vec![LayoutNode::new("a")],
        edges: vec![(0, 3, 1.0)],
    };
    let err = LayoutEngine::new(&request, &LayoutSettings::default()).unwrap_err();
    assert!(
        matches!(err, LayoutError::EdgeOutOfRange { index: 3, .. }),
        "{err}"
    );
    let mut engine =
        LayoutEngine::new(&LayoutRequest::grid(3, 3), &LayoutSettings::default()).unwrap();
    assert!(engine.pin(9, [0.0, 0.0]).is_err());
    assert!(engine.drag_to(usize::MAX, [0.0, 0.0]).is_err());
    assert!(engine.pin(0, [f32::NAN, 0.0]).is_err());
    assert!(engine.unpin(42).is_err());
}

/// Polls the worker until `pred` holds for its latest snapshot.
fn wait_for(worker: &LayoutWorker, pred: impl Fn(&LayoutSnapshot) -> bool) -> Arc<LayoutSnapshot> {
    let start = Instant::now();
    loop {
        if let Some(s) = worker.latest()
            && pred(&s)
        {
            return s;
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "worker did not get there"
        );
        std::thread::sleep(Duration::from_millis(2));
    }
}

#[test]
fn worker_publishes_and_applies_commands() {
    let updates = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&updates);
    let worker = LayoutWorker::spawn(
        LayoutSettings::default(),
        Box::new(move || {
            counter.fetch_add(1, Ordering::Relaxed);
        }),
    );
    assert!(worker.latest().is_none());
    worker.send(LayoutCommand::Replace(LayoutRequest::grid(10, 10)));
    let first = wait_for(&worker, |s| s.generation == 1 && s.settled);
    assert_eq!(first.positions.len(), 100);
    assert!(finite(&first.positions));
    // One snapshot at once (start positions), at least one more once it moved.
    let start = Instant::now();
    while updates.load(Ordering::Relaxed) < 2 {
        assert!(start.elapsed() < Duration::from_secs(10));
        std::thread::sleep(Duration::from_millis(2));
    }

    // Settled: the worker stops publishing.
    let quiet = updates.load(Ordering::Relaxed);
    std::thread::sleep(Duration::from_millis(50));
    assert_eq!(updates.load(Ordering::Relaxed), quiet);

    // Pin: exact position, published even though the layout does not tick.
    worker.send(LayoutCommand::Pin(5, [40.0, -40.0]));
    wait_for(&worker, |s| s.positions[5] == [40.0, -40.0]);

    // Drag: reheats, the dragged node sits where the pointer is, its neighbour follows.
    let before = worker.latest().unwrap();
    let from = before.positions[0];
    for step in 1..=20 {
        worker.send(LayoutCommand::DragTo(
            0,
            [from[0] + step as f32 * 0.25, from[1]],
        ));
    }
    let to = [from[0] + 5.0, from[1]];
    let dragged = wait_for(&worker, |s| s.positions[0] == to && s.settled);
    assert!(dragged.positions[1][0] > before.positions[1][0] + 0.5);
    assert_eq!(dragged.positions[5], [40.0, -40.0]);

    // A bad command is reported, not fatal.
    worker.send(LayoutCommand::Pin(1_000, [0.0, 0.0]));
    let start = Instant::now();
    while worker.last_error().is_none() {
        assert!(start.elapsed() < Duration::from_secs(10));
        std::thread::sleep(Duration::from_millis(2));
    }

    // Pause holds the layout; Replace gives a new generation with warm-started positions.
    worker.send(LayoutCommand::Pause(true));
    let mut next = LayoutRequest::grid(10, 11);
    for (node, p) in next.nodes.iter_mut().zip(&dragged.positions) {
        node.pos = Some(*p);
    }
    worker.send(LayoutCommand::Replace(next));
    let replaced = wait_for(&worker, |s| s.generation == 2);
    assert_eq!(replaced.positions.len(), 110);
    assert!(!replaced.settled);
    std::thread::sleep(Duration::from_millis(30));
    assert_eq!(
        worker.latest().unwrap().positions,
        replaced.positions,
        "paused"
    );
    worker.send(LayoutCommand::Pause(false));
    worker.send(LayoutCommand::Settings(LayoutSettings {
        link_length: 2.0,
        ..LayoutSettings::default()
    }));
    let done = wait_for(&worker, |s| s.generation == 2 && s.settled);
    assert!(finite(&done.positions));
    assert!(worker.last_error().is_none(), "Replace clears the error");
    drop(worker); // joins the thread
}

#[test]
fn worker_never_blocks_the_sender() {
    let worker = LayoutWorker::spawn(LayoutSettings::default(), Box::new(|| {}));
    worker.send(LayoutCommand::Replace(
        LayoutRequest::preferential_attachment(20_000, 2, 1),
    ));
    // Far more commands than the channel holds, while the worker is busy.
    let start = Instant::now();
    for i in 0..5_000 {
        worker.send(LayoutCommand::DragTo(1, [i as f32, 0.0]));
    }
    assert!(start.elapsed() < Duration::from_secs(2));
    // All of them arrive, in order: the last one wins.
    wait_for(&worker, |s| s.positions.get(1) == Some(&[4_999.0, 0.0]));
}

fn cli(args: &[&std::ffi::OsStr]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_cloudatlas"))
        .arg("layout")
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn cli_lays_out_a_node_link_graph() {
    let dir = Dir::new();
    let graph = dir.create(
        "g.json",
        r#"{"nodes":[{"id":"a"},{"id":"b"},{"id":7},{"id":"lonely"}],
            "edges":[{"source":"a","target":"b","weight":2},{"source":"b","target":7},
                     {"source":7,"target":7}]}"#,
    );
    let out = dir.path().join("pos.json");
    let run = cli(&[
        graph.as_os_str(),
        "--ticks".as_ref(),
        "50".as_ref(),
        "--json".as_ref(),
        "--out".as_ref(),
        out.as_os_str(),
    ]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let summary: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    assert_eq!(summary["nodes"], 4);
    assert_eq!(summary["links"], 2);
    assert_eq!(summary["ticks"], 50);
    assert!(summary["ms_per_tick"].as_f64().unwrap() >= 0.0);
    let positions: std::collections::HashMap<String, [f64; 2]> =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(positions.len(), 4);
    assert!(positions.contains_key("7"));
    assert!(positions.values().flatten().all(|v| v.is_finite()));
}

#[test]
fn cli_rejects_bad_graphs_with_a_clear_message() {
    let dir = Dir::new();
    let cases = [
        (
            r#"{"nodes":[{"id":"a"}],"links":[{"source":"a","target":"zz"}]}"#,
            "unknown node id \"zz\"",
        ),
        (
            r#"{"nodes":[{"id":"a"}],"links":[{"source":"a"}]}"#,
            "missing field `target`",
        ),
        (r#"{"links":[]}"#, "missing field `nodes`"),
        (r#"{"nodes":[{"id":"a"},{"id":"a"}]}"#, "duplicate id \"a\""),
        (r#"{"nodes":[{"id":"a","x":1e300,"y":0}]}"#, "out of range"),
        (r#"{"nodes":[{"id":"a","x":1}]}"#, "only one of x and y"),
        ("not json", "not a node-link graph"),
    ];
    for (text, want) in cases {
        let graph = dir.create("bad.json", text);
        let run = cli(&[graph.as_os_str(), "--ticks".as_ref(), "5".as_ref()]);
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert!(!run.status.success(), "{text}");
        assert!(
            stderr.contains(want) && stderr.contains("bad.json"),
            "{text}: {stderr}"
        );
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
    let missing = dir.path().join("nope.json");
    let run = cli(&[missing.as_os_str()]);
    assert!(!run.status.success());
}

#[test]
fn cli_survives_a_hundred_thousand_self_loops() {
    let dir = Dir::new();
    let mut text = String::from(r#"{"nodes":[{"id":"a"},{"id":"b"}],"links":["#);
    for i in 0..100_000 {
        if i > 0 {
            text.push(',');
        }
        text.push_str(r#"{"source":"a","target":"a"}"#);
    }
    text.push_str("]}");
    let graph = dir.create("loops.json", text);
    let out = dir.path().join("pos.json");
    let run = cli(&[
        graph.as_os_str(),
        "--json".as_ref(),
        "--out".as_ref(),
        out.as_os_str(),
    ]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let positions: std::collections::HashMap<String, [f64; 2]> =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert!(positions.values().flatten().all(|v| v.is_finite()));
}

#[test]
fn isolated_nodes_stay_near_the_connected_map() {
    // A connected scale-free graph of 200 nodes plus 12 nodes without any link: repulsion alone
    // would push the loners far out; they should settle near the rim of the map.
    let mut request = LayoutRequest::preferential_attachment(200, 2, 7);
    for i in 0..12 {
        request.nodes.push(LayoutNode::new(format!("alone{i}")));
    }
    let pos = settle(&request);
    assert!(finite(&pos));
    let (main, alone) = pos.split_at(200);
    let cx = main.iter().map(|p| p[0]).sum::<f32>() / 200.0;
    let cy = main.iter().map(|p| p[1]).sum::<f32>() / 200.0;
    let mut radii: Vec<f32> = main.iter().map(|p| dist(*p, [cx, cy])).collect();
    radii.sort_by(f32::total_cmp);
    let rim = radii[radii.len() * 95 / 100];
    let farthest = alone.iter().map(|p| dist(*p, [cx, cy])).fold(0.0, f32::max);
    eprintln!("rim {rim}, farthest isolated node {farthest}");
    assert!(
        farthest < 1.6 * rim,
        "an isolated node drifted to {farthest} (95 % of the map within {rim})"
    );
}
