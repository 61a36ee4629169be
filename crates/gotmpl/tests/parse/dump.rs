//! A position dump of parsed trees in the line format the Go side printed
//! (see `go_cases.rs`), to compare node positions, lines and number
//! classifications with Go's.

use capstan_gotmpl::ast::{Arg, Branch, BranchKind, List, Node, Pipe, Tree};

fn q(s: &str) -> String {
    // Go's %q for test purposes (ASCII-printable focus).
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

pub(crate) fn dump_trees(trees: &[Tree]) -> Vec<String> {
    let mut sorted: Vec<&Tree> = trees.iter().collect();
    sorted.sort_by(|a, b| a.name.cmp(&b.name));
    let mut out = Vec::new();
    for t in sorted {
        out.push(format!("TREE {} = {}", q(&t.name), t.root));
        list(&mut out, &t.root);
    }
    out
}

fn list(out: &mut Vec<String>, l: &List) {
    out.push(format!("list {}", l.pos));
    for n in &l.nodes {
        node(out, n);
    }
    out.push("/list".into());
}

fn node(out: &mut Vec<String>, n: &Node) {
    match n {
        Node::Text { pos, text } => out.push(format!("text {pos} {}", q(text))),
        Node::Comment { pos, text } => out.push(format!("comment {pos} {}", q(text))),
        Node::Action { pos, line, pipe: p } => {
            out.push(format!("action {pos} {line}"));
            pipe(out, p);
        }
        Node::Branch(b) => branch(out, b),
        Node::Template {
            pos,
            line,
            name,
            pipe: p,
        } => {
            out.push(format!("template {pos} {line} {}", q(name)));
            if let Some(p) = p {
                pipe(out, p);
            }
        }
        Node::Break { pos, line } => out.push(format!("break {pos} {line}")),
        Node::Continue { pos, line } => out.push(format!("continue {pos} {line}")),
    }
}

fn branch(out: &mut Vec<String>, b: &Branch) {
    let kind = match b.kind {
        BranchKind::If => "if",
        BranchKind::Range => "range",
        BranchKind::With => "with",
    };
    out.push(format!("{kind} {} {}", b.pos, b.line));
    pipe(out, &b.pipe);
    list(out, &b.list);
    if let Some(e) = &b.else_list {
        out.push("else".into());
        list(out, e);
    }
    out.push(format!("/{kind}"));
}

fn pipe(out: &mut Vec<String>, p: &Pipe) {
    let decl: Vec<String> = p
        .decl
        .iter()
        .map(|d| format!("{}@{}", d.name, d.pos))
        .collect();
    out.push(format!(
        "pipe {} {} assign={} decl=[{}]",
        p.pos,
        p.line,
        p.is_assign,
        decl.join(",")
    ));
    for c in &p.cmds {
        out.push(format!("cmd {}", c.pos));
        for a in &c.args {
            arg(out, a);
        }
    }
    out.push("/pipe".into());
}

fn arg(out: &mut Vec<String>, a: &Arg) {
    match a {
        Arg::Dot { pos } => out.push(format!("dot {pos}")),
        Arg::Nil { pos } => out.push(format!("nil {pos}")),
        Arg::Bool { pos, value } => out.push(format!("bool {pos} {value}")),
        Arg::Number(n) => {
            let mut s = format!("number {} {}", n.pos, n.text);
            if let Some(i) = n.int {
                s += &format!(" i={i}");
            }
            if let Some(u) = n.uint {
                s += &format!(" u={u}");
            }
            if let Some(f) = n.float {
                s += &format!(" f={:x}", f.to_bits());
            }
            if n.is_complex {
                s += " c";
            }
            out.push(s);
        }
        Arg::String { pos, text, value } => out.push(format!("string {pos} {text} {}", q(value))),
        Arg::Field { pos, .. } => out.push(format!("field {pos} {a}")),
        Arg::Variable { pos, .. } => out.push(format!("variable {pos} {a}")),
        Arg::Identifier { pos, name, .. } => out.push(format!("identifier {pos} {name}")),
        Arg::Pipe(p) => pipe(out, p),
        Arg::Chain { pos, node, .. } => {
            out.push(format!("chain {pos} {a}"));
            arg(out, node);
        }
    }
}
