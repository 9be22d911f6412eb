//! The state diagram as an SVG picture: laid out by `layout-rs` (a pure
//! Rust layered layout, nothing to install), drawn by the backend below so
//! that the picture is the same on every run, styles itself (no `<style>`
//! element, which would leak into a page that inlines it, as rustdoc
//! does) and names its parts with classes a test or a stylesheet can find.

use std::fmt::Write;

use layout::core::base::Orientation;
use layout::core::format::{ClipHandle, RenderBackend};
use layout::core::geometry::Point;
use layout::core::style::StyleAttr;
use layout::std_shapes::shapes::{Arrow, Element, ShapeKind};
use layout::topo::layout::VisualGraph;

use crate::definition::{Definition, StateId};

/// The font size of state names; arrows' labels are a little smaller.
const STATE_FONT: usize = 14;
const LABEL_FONT: usize = 12;
/// The fill of the state an entity is in.
const CURRENT_FILL: &str = "#ffd966";

impl Definition {
    /// The machine as an SVG picture, laid out left to right: a black dot
    /// leads to the initial state, final states have a double border, each
    /// arm is one arrow labelled as in [`to_mermaid`](Self::to_mermaid)
    /// (`event`, `event [guard]`, `event (after 30s)`).
    ///
    /// Its parts carry classes: each state is a `<g class="state">` (also
    /// `final`) holding its box and a `<text>` of its name, each arm a
    /// `<path class="arm">`, each label a `<text class="label">`. The
    /// picture has a white background, and no `<?xml?>` declaration, so it
    /// can be inlined in HTML as well as saved as a `.svg` file.
    ///
    /// A machine with compound or parallel states is drawn as its
    /// configurations, each box named as the state is stored
    /// (`active.assigned`): the flat graph the runtime moves through, not
    /// the boxes within boxes of [`to_mermaid`](Self::to_mermaid).
    ///
    /// ```
    /// # let def = stateforge_core::Definition::example();
    /// let svg = def.to_svg();
    /// assert!(svg.starts_with("<svg "));
    /// assert_eq!(svg.matches("<path class=\"arm\"").count(), def.transitions().len());
    /// assert!(svg.contains(">in_progress</text>"));
    /// ```
    pub fn to_svg(&self) -> String {
        self.to_svg_marking(None)
    }

    /// [`to_svg`](Self::to_svg), with `current` (the state an entity is in)
    /// marked: its group's class is `state current`, its box filled yellow
    /// (`#ffd966`) and drawn with a thicker border.
    ///
    /// ```
    /// # let def = stateforge_core::Definition::example();
    /// let svg = def.to_svg_marking(def.state_id("assigned"));
    /// assert_eq!(svg.matches("class=\"state current\"").count(), 1);
    /// ```
    pub fn to_svg_marking(&self, current: Option<StateId>) -> String {
        self.draw_svg(current, true)
    }

    /// [`to_svg`](Self::to_svg), with or without the layout's rank and
    /// crossing optimizations: without, a less tidy picture, many times
    /// faster to lay out, for the macro, which draws one at every
    /// expansion (in an unoptimized build, and again in the editor at
    /// every change).
    #[doc(hidden)]
    pub fn __to_svg(&self, optimize: bool) -> String {
        self.draw_svg(None, optimize)
    }

    /// Layout-rs asserts on some graphs (a node found past its neighbour
    /// while it straightens edges): then the picture is laid out again
    /// without that phase, each state in its layer and order but not
    /// aligned with its neighbours. A binary that must print nothing but
    /// the picture silences the panic hook around this call (the `stateforge`
    /// command does; a proc macro's panics are silent already).
    fn draw_svg(&self, current: Option<StateId>, optimize: bool) -> String {
        let attempt = |place: bool| {
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                self.lay_out(current, optimize, place)
            }))
        };
        attempt(true)
            .or_else(|_| attempt(false))
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    }

    fn lay_out(&self, current: Option<StateId>, optimize: bool, place: bool) -> String {
        let mut graph = VisualGraph::new(Orientation::LeftToRight);
        let start = graph.add_node(Element::create_with_properties(
            ShapeKind::Circle(String::new()),
            StyleAttr::simple(),
            Orientation::LeftToRight,
            Point::splat(14.),
            "start",
        ));
        let nodes: Vec<_> = self
            .states()
            .map(|s| {
                let name = self.state_name(s);
                let mut class = String::from("state");
                if self.is_final(s) {
                    class.push_str(" final");
                }
                if Some(s) == current {
                    class.push_str(" current");
                }
                // Text widths are guessed from the number of characters.
                let width = name.chars().count() as f64 * 8.5 + 28.;
                graph.add_node(Element::create_with_properties(
                    ShapeKind::Box(name.to_owned()),
                    StyleAttr::simple(),
                    Orientation::LeftToRight,
                    Point::new(width, 36.),
                    class,
                ))
            })
            .collect();
        graph.add_edge(
            Arrow::simple_with_properties("", "initial"),
            start,
            nodes[self.initial().index()],
        );
        for t in self.merged_arrows() {
            let mut arrow = Arrow::simple_with_properties(&self.label(t), "arm");
            // The space kept for a label is its characters times the font
            // size, wider than needed at this size.
            arrow.look.font_size = 8;
            graph.add_edge(arrow, nodes[t.from.index()], nodes[t.to.index()]);
        }
        let mut svg = Svg::new(self.name());
        graph.do_it(false, !optimize, !place, &mut svg);
        svg.finish()
    }
}

/// The drawing calls of `layout-rs`, written as SVG.
struct Svg {
    /// Marker ids are the machine's, so that two pictures inlined in one
    /// page do not share them.
    id: String,
    body: String,
    /// The drawing's bounds: `layout-rs` leaves a margin of its own, cut.
    min: Point,
    max: Point,
    /// A state's group stays open until its name is drawn.
    open_group: bool,
}

impl Svg {
    fn new(machine: &str) -> Svg {
        Svg {
            id: format!("sf-{machine}"),
            body: String::new(),
            min: Point::splat(f64::MAX),
            max: Point::splat(f64::MIN),
            open_group: false,
        }
    }

    fn grow(&mut self, p: Point) {
        self.min = Point::new(self.min.x.min(p.x), self.min.y.min(p.y));
        self.max = Point::new(self.max.x.max(p.x), self.max.y.max(p.y));
    }

    fn finish(self) -> String {
        let (x, y) = ((self.min.x - 12.).floor(), (self.min.y - 12.).floor());
        let (w, h) = ((self.max.x + 12.).ceil() - x, (self.max.y + 12.).ceil() - y);
        let id = &self.id;
        let mut out = format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" \
             viewBox=\"{x} {y} {w} {h}\" font-family=\"sans-serif\">\n"
        );
        let _ = writeln!(
            out,
            "<defs><marker id=\"{id}-head\" markerWidth=\"10\" markerHeight=\"7\" refX=\"10\" \
             refY=\"3.5\" orient=\"auto-start-reverse\"><polygon points=\"0 0, 10 3.5, 0 7\" \
             fill=\"#333\"/></marker></defs>"
        );
        let _ = writeln!(
            out,
            "<rect x=\"{x}\" y=\"{y}\" width=\"{w}\" height=\"{h}\" fill=\"white\"/>"
        );
        out.push_str(&self.body);
        out.push_str("</svg>\n");
        out
    }
}

/// Coordinates, rounded to a tenth: enough for a picture, and short.
fn n(x: f64) -> f64 {
    (x * 10.).round() / 10.
}

/// Text for XML: names are identifiers, but labels hold `[` and `(` and
/// any future text should not break the picture.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

impl RenderBackend for Svg {
    fn draw_rect(
        &mut self,
        xy: Point,
        size: Point,
        _look: &StyleAttr,
        properties: Option<String>,
        _clip: Option<ClipHandle>,
    ) {
        self.grow(xy);
        self.grow(xy.add(size));
        let class = properties.unwrap_or_default();
        let current = class.contains("current");
        let (fill, stroke) = if current {
            (CURRENT_FILL, 2.5)
        } else {
            ("#f4f6fb", 1.2)
        };
        let (x, y, w, h) = (n(xy.x), n(xy.y), n(size.x), n(size.y));
        let _ = writeln!(
            self.body,
            "<g class=\"{class}\"><rect x=\"{x}\" y=\"{y}\" width=\"{w}\" height=\"{h}\" \
             rx=\"8\" fill=\"{fill}\" stroke=\"#333\" stroke-width=\"{stroke}\"/>"
        );
        if class.split(' ').any(|c| c == "final") {
            let _ = writeln!(
                self.body,
                "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"6\" fill=\"none\" \
                 stroke=\"#333\" stroke-width=\"1.2\"/>",
                x + 3.,
                y + 3.,
                w - 6.,
                h - 6.
            );
        }
        self.open_group = true;
    }

    fn draw_line(&mut self, start: Point, stop: Point, _look: &StyleAttr, _p: Option<String>) {
        self.grow(start);
        self.grow(stop);
        let _ = writeln!(
            self.body,
            "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#333\"/>",
            n(start.x),
            n(start.y),
            n(stop.x),
            n(stop.y)
        );
    }

    fn draw_circle(&mut self, xy: Point, size: Point, _look: &StyleAttr, p: Option<String>) {
        self.grow(xy.add(size.scale(0.5)));
        self.grow(xy.add(size.scale(-0.5)));
        let _ = writeln!(
            self.body,
            "<g class=\"{}\"><circle cx=\"{}\" cy=\"{}\" r=\"{}\" fill=\"#333\"/>",
            p.unwrap_or_default(),
            n(xy.x),
            n(xy.y),
            n(size.x / 2.)
        );
        self.open_group = true;
    }

    fn draw_text(&mut self, xy: Point, text: &str, _look: &StyleAttr) {
        // A state's name closes its group; any other text is a label.
        // Labels sit just above their arrow.
        let (class, size, xy) = if self.open_group {
            ("", STATE_FONT, xy)
        } else {
            (" class=\"label\"", LABEL_FONT, Point::new(xy.x, xy.y - 8.))
        };
        if !text.is_empty() {
            // A guess at the text's extent, from its number of characters.
            let half = text.chars().count() as f64 * size as f64 * 0.3;
            self.grow(Point::new(xy.x - half, xy.y - size as f64));
            self.grow(Point::new(xy.x + half, xy.y + size as f64));
            let _ = writeln!(
                self.body,
                "<text{class} x=\"{}\" y=\"{}\" font-size=\"{size}\" text-anchor=\"middle\" \
                 dominant-baseline=\"central\" fill=\"#111\">{}</text>",
                n(xy.x),
                n(xy.y),
                escape(text)
            );
        }
        if self.open_group {
            self.body.push_str("</g>\n");
            self.open_group = false;
        }
    }

    fn draw_arrow(
        &mut self,
        path: &[(Point, Point)],
        _dashed: bool,
        head: (bool, bool),
        _look: &StyleAttr,
        properties: Option<String>,
        _text: &str,
    ) {
        // Cubic Bézier segments: the first point's exit vector, then each
        // next point's entry vector.
        let mut d = String::new();
        for (i, (p, c)) in path.iter().enumerate() {
            self.grow(*p);
            self.grow(*c);
            let _ = match i {
                0 => write!(d, "M {} {} C {} {}, ", n(p.x), n(p.y), n(c.x), n(c.y)),
                1 => write!(d, "{} {}, {} {}", n(p.x), n(p.y), n(c.x), n(c.y)),
                _ => write!(d, " S {} {}, {} {}", n(p.x), n(p.y), n(c.x), n(c.y)),
            };
        }
        let id = &self.id;
        let marker = |on: bool, end: &str| {
            if on {
                format!(" marker-{end}=\"url(#{id}-head)\"")
            } else {
                String::new()
            }
        };
        let _ = writeln!(
            self.body,
            "<path class=\"{}\" d=\"{d}\" fill=\"none\" stroke=\"#333\" stroke-width=\"1.2\"{}{}/>",
            properties.unwrap_or_default(),
            marker(head.0, "start"),
            marker(head.1, "end"),
        );
    }

    fn create_clip(&mut self, _xy: Point, _size: Point, _rounded: usize) -> ClipHandle {
        0
    }
}
