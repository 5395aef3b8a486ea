//! The map as the user sees it, as SVG: a [`MapScene`] is what the map drew in one frame (edges,
//! node discs, rings, labels) in screen coordinates relative to the map's top-left corner, with
//! the colours it used (dimmed ones included). The app records a scene while painting; this module
//! only turns it into SVG text, so it needs no GUI types.

use std::fmt::Write as _;

use super::xml::escape;

/// An sRGB colour with straight (not premultiplied) alpha.
pub type Rgba = [u8; 4];

/// One frame of the map in screen coordinates (points), origin at the map's top-left corner.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MapScene {
    pub width: f32,
    pub height: f32,
    pub background: Rgba,
    /// In drawing order (later ones on top).
    pub edges: Vec<SceneEdge>,
    /// In drawing order.
    pub nodes: Vec<SceneNode>,
    /// In drawing order.
    pub labels: Vec<SceneLabel>,
}

/// A straight edge.
#[derive(Clone, Debug, PartialEq)]
pub struct SceneEdge {
    pub from: [f32; 2],
    pub to: [f32; 2],
    pub width: f32,
    pub color: Rgba,
}

/// A node disc with its outline and the rings around it (search hit, weak mark, selection).
#[derive(Clone, Debug, PartialEq)]
pub struct SceneNode {
    /// The entity id (`None` for things that are not graph nodes, such as exam gaps).
    pub id: Option<String>,
    pub label: String,
    pub center: [f32; 2],
    pub radius: f32,
    /// `None`: hollow.
    pub fill: Option<Rgba>,
    pub outline: Option<Stroke>,
    pub rings: Vec<Ring>,
    /// A pin marker's colour, if the node is pinned.
    pub pin: Option<Rgba>,
}

/// A line width and colour.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Stroke {
    pub width: f32,
    pub color: Rgba,
}

/// A circle drawn around a node.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Ring {
    pub radius: f32,
    pub stroke: Stroke,
}

/// A text label in a box (`min` is the box's top-left corner).
#[derive(Clone, Debug, PartialEq)]
pub struct SceneLabel {
    pub text: String,
    pub min: [f32; 2],
    pub size: [f32; 2],
    pub font_size: f32,
    pub color: Rgba,
    /// The rounded box behind the text, if any.
    pub halo: Option<Rgba>,
}

/// Two decimals are below a pixel's hundredth; they keep files small and diffs readable.
fn num(v: f32) -> String {
    if !v.is_finite() {
        return "0".to_owned();
    }
    let s = format!("{:.2}", v);
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".to_owned()
    } else {
        s.to_owned()
    }
}

/// `fill="#rrggbb" fill-opacity=".."` (or stroke), opacity left out when opaque.
fn paint(attr: &str, c: Rgba) -> String {
    let mut s = format!("{attr}=\"#{:02x}{:02x}{:02x}\"", c[0], c[1], c[2]);
    if c[3] < 255 {
        let _ = write!(s, " {attr}-opacity=\"{}\"", num(f32::from(c[3]) / 255.0));
    }
    s
}

/// Writes the scene as a standalone SVG document (one `<g>` each for edges, nodes and labels;
/// every node is a `<g class="node">` whose `<title>` is its label, with its id in `data-id`).
pub fn to_svg(scene: &MapScene) -> String {
    let (w, h) = (num(scene.width), num(scene.height));
    let mut out = String::with_capacity(
        200 + scene.edges.len() * 90 + scene.nodes.len() * 220 + scene.labels.len() * 200,
    );
    let _ = writeln!(
        out,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\">"
    );
    let _ = writeln!(
        out,
        "<rect class=\"background\" x=\"0\" y=\"0\" width=\"{w}\" height=\"{h}\" {}/>",
        paint("fill", scene.background)
    );
    out.push_str("<g class=\"edges\" stroke-linecap=\"round\" fill=\"none\">\n");
    for e in &scene.edges {
        let _ = writeln!(
            out,
            "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke-width=\"{}\" {}/>",
            num(e.from[0]),
            num(e.from[1]),
            num(e.to[0]),
            num(e.to[1]),
            num(e.width),
            paint("stroke", e.color)
        );
    }
    out.push_str("</g>\n<g class=\"nodes\">\n");
    for n in &scene.nodes {
        let (cx, cy) = (num(n.center[0]), num(n.center[1]));
        match &n.id {
            Some(id) => {
                let _ = writeln!(out, "<g class=\"node\" data-id=\"{}\">", escape(id));
            }
            None => out.push_str("<g class=\"gap\">\n"),
        }
        let _ = writeln!(out, "<title>{}</title>", escape(&n.label));
        let fill = n
            .fill
            .map_or_else(|| "fill=\"none\"".to_owned(), |c| paint("fill", c));
        let stroke = n.outline.map_or_else(String::new, |s| {
            format!(
                " stroke-width=\"{}\" {}",
                num(s.width),
                paint("stroke", s.color)
            )
        });
        let _ = writeln!(
            out,
            "<circle cx=\"{cx}\" cy=\"{cy}\" r=\"{}\" {fill}{stroke}/>",
            num(n.radius)
        );
        for ring in &n.rings {
            let _ = writeln!(
                out,
                "<circle cx=\"{cx}\" cy=\"{cy}\" r=\"{}\" fill=\"none\" stroke-width=\"{}\" {}/>",
                num(ring.radius),
                num(ring.stroke.width),
                paint("stroke", ring.stroke.color)
            );
        }
        if let Some(pin) = n.pin {
            let head = [
                n.center[0] + n.radius * 0.75 + 2.0,
                n.center[1] - n.radius * 0.75 - 2.0,
            ];
            let _ = writeln!(
                out,
                "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke-width=\"1.5\" {}/>\
                 <circle cx=\"{}\" cy=\"{}\" r=\"3\" {}/>",
                num(head[0]),
                num(head[1]),
                num(head[0] - 3.0),
                num(head[1] + 4.0),
                paint("stroke", pin),
                num(head[0]),
                num(head[1]),
                paint("fill", pin)
            );
        }
        out.push_str("</g>\n");
    }
    out.push_str(
        "</g>\n<g class=\"labels\" font-family=\"Ubuntu, 'DejaVu Sans', sans-serif\" \
         text-anchor=\"middle\" dominant-baseline=\"central\">\n",
    );
    for l in &scene.labels {
        if let Some(halo) = l.halo {
            let _ = writeln!(
                out,
                "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"3\" {}/>",
                num(l.min[0] - 1.5),
                num(l.min[1] - 1.5),
                num(l.size[0] + 3.0),
                num(l.size[1] + 3.0),
                paint("fill", halo)
            );
        }
        let _ = writeln!(
            out,
            "<text x=\"{}\" y=\"{}\" font-size=\"{}\" {}>{}</text>",
            num(l.min[0] + l.size[0] / 2.0),
            num(l.min[1] + l.size[1] / 2.0),
            num(l.font_size),
            paint("fill", l.color),
            escape(&l.text)
        );
    }
    out.push_str("</g>\n</svg>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scene() -> MapScene {
        MapScene {
            width: 200.0,
            height: 100.0,
            background: [20, 20, 30, 255],
            edges: vec![SceneEdge {
                from: [10.0, 10.0],
                to: [50.0, 60.5],
                width: 1.25,
                color: [200, 200, 200, 128],
            }],
            nodes: vec![SceneNode {
                id: Some("aws-s3".into()),
                label: "Amazon S3 <&>".into(),
                center: [10.0, 10.0],
                radius: 6.0,
                fill: Some([255, 0, 0, 255]),
                outline: Some(Stroke {
                    width: 1.0,
                    color: [0, 0, 0, 255],
                }),
                rings: vec![Ring {
                    radius: 9.0,
                    stroke: Stroke {
                        width: 1.5,
                        color: [0, 255, 0, 255],
                    },
                }],
                pin: Some([9, 9, 9, 255]),
            }],
            labels: vec![SceneLabel {
                text: "Amazon S3 <&>".into(),
                min: [0.0, 18.0],
                size: [40.0, 14.0],
                font_size: 12.5,
                color: [255, 255, 255, 255],
                halo: Some([0, 0, 0, 160]),
            }],
        }
    }

    #[test]
    fn numbers_are_short_and_finite() {
        assert_eq!(num(1.0), "1");
        assert_eq!(num(1.256), "1.26");
        assert_eq!(num(-0.001), "0");
        assert_eq!(num(f32::NAN), "0");
    }

    #[test]
    fn svg_escapes_and_carries_colours() {
        let svg = to_svg(&scene());
        assert!(
            svg.contains("<title>Amazon S3 &lt;&amp;&gt;</title>"),
            "{svg}"
        );
        assert!(svg.contains("data-id=\"aws-s3\""));
        assert!(svg.contains("stroke=\"#c8c8c8\" stroke-opacity=\"0.5\""));
        assert!(svg.contains("fill=\"#ff0000\""));
        assert!(svg.contains("viewBox=\"0 0 200 100\""));
        assert!(svg.ends_with("</svg>\n"));
    }
}
