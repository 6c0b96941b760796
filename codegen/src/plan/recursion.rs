//! Recursion pass: which member edges need a `Box` so every generated type has a finite size.
//!
//! Only direct containment counts: a member whose target is a structure or union. Lists and
//! maps already put their elements on the heap, so a cycle through one needs no box. Each
//! cycle is broken where a depth-first walk finds its back edge, in the spirit of typify's
//! `cycles.rs`. The walk is confined to one strongly connected component at a time and starts
//! from its smallest shape id, so the choice depends only on the shapes of the cycle itself,
//! not on which operations were selected or which shapes lead into it. A two-shape cycle gets
//! exactly one box; a structure containing itself gets one on that member.

use std::collections::{BTreeMap, BTreeSet};

use crate::index::{ShapeIndex, ShapeType};

/// A member edge: (owner shape id, member name).
pub type Edge = (String, String);

/// The member edges to box among the given aggregate shapes (others are ignored).
pub fn boxed_edges(index: &ShapeIndex, ids: &[String]) -> BTreeSet<Edge> {
    let nodes: BTreeSet<&str> = ids
        .iter()
        .map(String::as_str)
        .filter(|id| matches!(index.expect(id).ty, ShapeType::Structure | ShapeType::Union))
        .collect();
    // Outgoing containment edges in member order: (member, target).
    let graph: BTreeMap<&str, Vec<(&str, &str)>> = nodes
        .iter()
        .map(|&id| {
            let edges = index
                .expect(id)
                .members
                .iter()
                .filter(|m| nodes.contains(m.target.as_str()))
                .map(|m| (m.name.as_str(), m.target.as_str()))
                .collect();
            (id, edges)
        })
        .collect();
    let component = components(&graph);

    let mut boxed = BTreeSet::new();
    let mut visited = BTreeSet::new();
    // `graph` iterates in id order, so each component is entered at its smallest id.
    for &start in graph.keys() {
        if visited.contains(start) {
            continue;
        }
        visited.insert(start);
        let mut active = BTreeSet::from([start]);
        let mut stack: Vec<(&str, usize)> = vec![(start, 0)];
        while let Some((node, next)) = stack.last_mut() {
            let node = *node;
            let Some(&(member, target)) = graph[node].get(*next) else {
                active.remove(node);
                stack.pop();
                continue;
            };
            *next += 1;
            if component[target] != component[node] {
                continue;
            }
            if active.contains(target) {
                boxed.insert((node.to_string(), member.to_string()));
            } else if visited.insert(target) {
                active.insert(target);
                stack.push((target, 0));
            }
        }
    }
    boxed
}

/// Strongly connected components (Kosaraju, iterative): a component number per node.
fn components<'a>(graph: &BTreeMap<&'a str, Vec<(&'a str, &'a str)>>) -> BTreeMap<&'a str, usize> {
    let mut order = Vec::with_capacity(graph.len());
    let mut seen = BTreeSet::new();
    for &root in graph.keys() {
        if !seen.insert(root) {
            continue;
        }
        let mut stack = vec![(root, 0usize)];
        while let Some((node, next)) = stack.last_mut() {
            let node = *node;
            match graph[node].get(*next) {
                Some(&(_, target)) => {
                    *next += 1;
                    if seen.insert(target) {
                        stack.push((target, 0));
                    }
                }
                None => {
                    order.push(node);
                    stack.pop();
                }
            }
        }
    }
    let mut reverse: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (&from, edges) in graph {
        for &(_, to) in edges {
            reverse.entry(to).or_default().push(from);
        }
    }
    let mut component = BTreeMap::new();
    for (n, &root) in order.iter().rev().enumerate() {
        if component.contains_key(root) {
            continue;
        }
        component.insert(root, n);
        let mut stack = vec![root];
        while let Some(node) = stack.pop() {
            for &from in reverse.get(node).into_iter().flatten() {
                if !component.contains_key(from) {
                    component.insert(from, n);
                    stack.push(from);
                }
            }
        }
    }
    component
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `(name, shape type, [(member, target)])`; targets without a `#` are names of shapes in
    /// the same namespace.
    type TestShape<'a> = (&'a str, &'a str, &'a [(&'a str, &'a str)]);

    fn index(shapes: &[TestShape]) -> ShapeIndex {
        let mut map = serde_json::Map::new();
        for (name, ty, members) in shapes {
            let members: serde_json::Map<String, serde_json::Value> = members
                .iter()
                .map(|(m, t)| {
                    let target = if t.contains('#') {
                        t.to_string()
                    } else {
                        format!("t#{t}")
                    };
                    (m.to_string(), serde_json::json!({ "target": target }))
                })
                .collect();
            let shape = if *ty == "list" {
                serde_json::json!({ "type": "list", "member": members["member"] })
            } else {
                serde_json::json!({ "type": ty, "members": members })
            };
            map.insert(format!("t#{name}"), shape);
        }
        let model = serde_json::json!({ "smithy": "2.0", "shapes": map });
        ShapeIndex::from_json(&model.to_string()).expect("test model is valid")
    }

    fn boxed(index: &ShapeIndex) -> Vec<(String, String)> {
        let ids: Vec<String> = index.shapes().map(|s| s.id.clone()).collect();
        boxed_edges(index, &ids).into_iter().collect()
    }

    fn edge(owner: &str, member: &str) -> (String, String) {
        (format!("t#{owner}"), member.to_string())
    }

    #[test]
    fn a_two_shape_cycle_gets_exactly_one_box_on_the_back_edge() {
        let idx = index(&[
            ("Ping", "structure", &[("Pong", "Pong")]),
            (
                "Pong",
                "structure",
                &[("Ping", "Ping"), ("Note", "smithy.api#String")],
            ),
        ]);
        assert_eq!(boxed(&idx), vec![edge("Pong", "Ping")]);
    }

    #[test]
    fn the_choice_does_not_depend_on_which_shape_leads_into_the_cycle() {
        // `Aaa` sorts first and enters the cycle at `Pong`; the box stays where it was.
        let idx = index(&[
            ("Aaa", "structure", &[("P", "Pong")]),
            ("Ping", "structure", &[("Pong", "Pong")]),
            ("Pong", "structure", &[("Ping", "Ping")]),
        ]);
        assert_eq!(boxed(&idx), vec![edge("Pong", "Ping")]);
    }

    #[test]
    fn self_recursion_boxes_its_own_member_and_lists_need_no_box() {
        let idx = index(&[
            (
                "Node",
                "structure",
                &[("Parent", "Node"), ("Children", "Nodes")],
            ),
            ("Nodes", "list", &[("member", "Node")]),
        ]);
        assert_eq!(boxed(&idx), vec![edge("Node", "Parent")]);
    }

    #[test]
    fn a_cycle_only_through_a_list_or_map_needs_no_box() {
        let idx = index(&[
            ("A", "structure", &[("Bs", "Bs")]),
            ("Bs", "list", &[("member", "B")]),
            ("B", "union", &[("A", "A")]),
        ]);
        assert_eq!(boxed(&idx), Vec::<(String, String)>::new());
    }

    #[test]
    fn a_longer_cycle_gets_one_box_and_shapes_outside_it_none() {
        let idx = index(&[
            ("A", "structure", &[("B", "B")]),
            ("B", "union", &[("C", "C")]),
            ("C", "structure", &[("A", "A"), ("D", "D")]),
            ("D", "structure", &[("Name", "smithy.api#String")]),
        ]);
        assert_eq!(boxed(&idx), vec![edge("C", "A")]);
    }

    #[test]
    fn every_cycle_of_a_component_is_broken() {
        // A -> B -> A and A -> C -> A share A: one box on each cycle.
        let idx = index(&[
            ("A", "structure", &[("B", "B"), ("C", "C")]),
            ("B", "structure", &[("A", "A")]),
            ("C", "structure", &[("A", "A")]),
        ]);
        assert_eq!(boxed(&idx), vec![edge("B", "A"), edge("C", "A")]);
    }
}
